"""The one YAML loader: safe, YAML 1.2-like scalars, duplicate keys refused, positions kept.

PyYAML resolves scalars by YAML 1.1 rules, so ``en: Yes`` would become ``True`` and a
port written as ``0587`` an octal number. Flow authors write bilingual labels such as
``Yes``/``No``/``ON``/``OFF`` all the time, so this loader keeps only the YAML 1.2 core
schema's implicit types (true/false, null, decimal ints and floats). It reads libyaml's
events and builds plain Python data from them itself, so it can refuse duplicate keys and
remember where every value came from (1-based line and column).

Hostile files end in a located error, fast: aliases together may repeat at most
:data:`MAX_ALIAS_VALUES` values (aliases of aliases are how a few hundred bytes expand to
gigabytes in whatever walks the data next) and never stand inside their own anchor, nesting is
bounded by :data:`MAX_DEPTH`, and a number too long for Python to convert is an error at its place.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

PathKey = tuple[str | int, ...]
MAX_DEPTH = 64  # nesting of mappings and lists: flows need about six; later walks recurse
MAX_ALIAS_VALUES = 10_000  # values all aliases together may repeat (each walk pays for them)

# The YAML 1.2 core schema's numeric implicit types, by the first character of a plain scalar.
_NUMBERS = (
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
)
# The core schema's true/false/null are a few exact words: looked up, not matched.
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("~", "null", "Null", "NULL", ""), None),
}


@functools.cache
def _number_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """The numeric implicit types by first character; compiled only when a file is really
    parsed (most starts read every file from the cache)."""
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for tag, regexp, first in _NUMBERS:
        pattern = re.compile(regexp)
        for char in first:
            table.setdefault(char, []).append((tag, pattern))
    return table


class LibyamlMissing(RuntimeError):
    """PyYAML was built without libyaml: the files cannot be read as they are meant to be."""

    def __init__(self) -> None:
        super().__init__(
            "troubleshooter potřebuje PyYAML s libyaml (PyYAML z PyPI i balíček python3-yaml ji mají): "
            "pip install --force-reinstall pyyaml\n"
            "troubleshooter needs PyYAML built with libyaml (PyYAML's wheels from PyPI and the "
            "python3-yaml package have it): pip install --force-reinstall pyyaml")


@functools.cache
def _yaml() -> Any:
    """PyYAML, imported on first parse (a warm start reads cached JSON and never needs it).

    Only libyaml's parser is used: PyYAML's pure-Python scanner reads YAML 1.1, where a plain
    scalar in a flow mapping ends at ``?`` (``{en: Is SMTP on?, cs: …}`` does not parse), so the
    same file would mean something else, or nothing, without libyaml. PyYAML's wheels for Linux,
    macOS and Windows include libyaml; a build without it gets :class:`LibyamlMissing`.
    """
    import yaml

    if not yaml.__with_libyaml__:
        raise LibyamlMissing
    return yaml


class Position(NamedTuple):
    """A 1-based place in a file."""

    line: int
    col: int


class YamlError(Exception):
    """A YAML file could not be read: syntax, duplicate key, unsupported tag."""

    def __init__(self, path: str, line: int, col: int, code: str, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = path
        self.line = line
        self.col = col
        self.code = code
        self.message = message


@dataclass(slots=True)
class YamlDocument:
    """Plain data plus where each value (and each mapping key) stands in the file.

    Positions are recorded on the first :meth:`where` call, by parsing the text again:
    most files have no findings, and recording a place for every value would double the
    time a large flow takes to load.
    """

    path: str
    data: Any
    positions: dict[PathKey, Position] = field(default_factory=dict, repr=False)
    key_positions: dict[PathKey, Position] = field(default_factory=dict, repr=False)
    first_line: str = ""
    source: str | None = field(default=None, repr=False)  # text whose positions are not yet recorded
    source_file: str | None = field(default=None, repr=False)  # read for positions when cached

    def plain_text(self) -> str | None:
        """The file's text when no value can differ from it character by character (no
        backslash, so no escape sequence in a double-quoted string): a search of this text then
        finds every character any value holds. None when not known or not plain."""
        text = self.source
        if text is None and self.source_file is not None:
            try:
                text = _read_text(self.source_file)
            except (OSError, UnicodeDecodeError):
                return None
        return text if text is not None and "\\" not in text else None

    def where(self, key: PathKey, *, prefer_key: bool = False) -> Position:
        """Position of a value; falls back to the nearest enclosing value that has one."""
        if self.source is None and self.source_file is not None:
            self.source = _read_text(self.source_file)
            self.source_file = None
        if self.source is not None:
            _, self.positions, self.key_positions = _parse(self.source, self.path, record=True)
            self.source = None
        table = (self.key_positions, self.positions) if prefer_key else (self.positions,)
        probe = tuple(key)
        while True:
            for positions in table:
                if probe in positions:
                    return positions[probe]
            if not probe:
                return Position(1, 1)
            probe = probe[:-1]


def _scalar(tag: str, value: str, mark: Any, path: str) -> Any:
    """A scalar with an explicit tag (``!!int 5``): it must fit the core schema's pattern for
    that type, else it is an error at the value's place."""
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag in _TYPE_NAMES:
        if not _fits(tag, value):
            raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-tag",
                            f"{value!r} is not {_TYPE_NAMES[tag]}")
        return _convert(tag, value)
    if tag == "tag:yaml.org,2002:merge":
        raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-merge", "merge keys (<<) are not supported")
    raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-tag", f"unsupported tag {tag!r}")


def _convert(tag: str, value: str) -> Any:
    """The value of a scalar that fits the core schema's pattern for ``tag``."""
    if tag == "tag:yaml.org,2002:bool" or tag == "tag:yaml.org,2002:null":
        return _WORDS[value]
    text = value.lower()
    if tag == "tag:yaml.org,2002:float":
        return float(text.replace(".inf", "inf").replace(".nan", "nan"))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


_TYPE_NAMES = {"tag:yaml.org,2002:bool": "true or false", "tag:yaml.org,2002:null": "null",
               "tag:yaml.org,2002:int": "an integer", "tag:yaml.org,2002:float": "a number"}


def _fits(tag: str, value: str) -> bool:
    if tag == "tag:yaml.org,2002:bool":
        return type(_WORDS.get(value, 0)) is bool
    if tag == "tag:yaml.org,2002:null":
        return value in _WORDS and _WORDS[value] is None
    return any(regexp.match(value) for candidate, regexp in _number_resolvers().get(value[:1], ())
               if candidate == tag)


_STR = "tag:yaml.org,2002:str"


class _DuplicateKey(Exception):
    """Raised by the fast pass; the recording pass then reports it with both places."""


def _parse(text: str, path: str, *, record: bool) -> tuple[Any, dict, dict]:
    """Build plain data from libyaml's events; with ``record``, also every value's position.

    Building from events skips PyYAML's node graph (and its per-node Python resolver
    calls), which is most of the cost of ``yaml.compose`` on large files. The loop is
    written for speed (the open collection in local names, scalars first, the common
    words of the core schema looked up instead of matched): a 10,000-node flow is ~270k
    events.
    """
    positions: dict[PathKey, Position] = {}
    key_positions: dict[PathKey, Position] = {}
    anchors: dict[str, Any] = {}
    sizes: dict[int, int] = {}  # id of an aliased collection -> values it stands for
    expanded = 0
    root: Any = None
    # The open collection, its path, whether it is a list, and the mapping key waiting for
    # its value (or _NO_KEY); the enclosing ones are on the stack.
    container: Any = None
    cpath: PathKey = ()
    in_list = False
    key: Any = _NO_KEY
    stack: list[tuple[Any, PathKey, bool]] = []
    documents = 0
    yaml = _yaml()
    scalar_event, mapping_start = yaml.ScalarEvent, yaml.MappingStartEvent
    sequence_start = yaml.SequenceStartEvent
    collection_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    alias_event, document_start, stream_end = yaml.AliasEvent, yaml.DocumentStartEvent, yaml.StreamEndEvent
    words, numbers, no_key, str_tag = _WORDS, _number_resolvers(), _NO_KEY, _STR
    number_starts = "".join(numbers)  # the characters a number can start with
    anchored = "&" in text  # an anchor is written &name: without one, no event has one
    # Only libyaml's scanner and parser are used (events); scalars are resolved above.
    loader = yaml.CBaseLoader(text)
    get_event = loader.get_event
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                value = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    if event.implicit[0]:  # plain: YAML 1.2 core schema implicit types
                        if value in words:  # "" too
                            value = words[value]
                        elif value[0] in number_starts:
                            for candidate, regexp in numbers[value[0]]:
                                if regexp.match(value):
                                    value = _convert(candidate, value)
                                    break
                elif tag != str_tag:  # explicit tags (a merge key << too) are checked there
                    value = _scalar(tag, value, event.start_mark, path)
                opens = False
            elif kind is mapping_start:
                value, opens = {}, True
            elif kind is sequence_start:
                value, opens = [], True
            elif kind in collection_end:
                container, cpath, in_list = stack.pop()
                continue
            elif kind is alias_event:
                if event.anchor not in anchors:
                    mark = event.start_mark
                    raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-syntax",
                                    f"found undefined alias {event.anchor!r}")
                value, opens = anchors[event.anchor], False
                if type(value) is dict or type(value) is list:  # a billion laughs, one alias a time
                    expanded += _alias_size(value, sizes, stack, container, event, path)
                    if expanded > MAX_ALIAS_VALUES:
                        mark = event.start_mark
                        raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-alias",
                                        f"aliases stand for more than {MAX_ALIAS_VALUES} values "
                                        f"(*{event.anchor})")
            elif kind is document_start:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-syntax",
                                    "expected a single document in the stream")
                continue
            elif kind is stream_end or event is None:
                break
            else:
                continue
            if anchored and event.anchor is not None and kind is not alias_event:
                anchors[event.anchor] = value
            vpath: PathKey = ()
            if key is not no_key:  # a mapping value
                container[key] = value
                if record:
                    vpath = (*cpath, key)
                key = no_key
            elif in_list:
                if record:
                    vpath = (*cpath, len(container))
                container.append(value)
            elif container is not None:  # a mapping key
                if type(value) is not str:
                    value = _key_name(event, value, opens, path)
                if value in container:
                    if not record:
                        raise _DuplicateKey
                    mark = event.start_mark
                    first = key_positions[(*cpath, value)]
                    raise YamlError(path, mark.line + 1, mark.column + 1, "duplicate-key",
                                    f"duplicate key {value!r} (first defined at line {first.line})")
                if record:
                    mark = event.start_mark
                    key_positions[(*cpath, value)] = Position(mark.line + 1, mark.column + 1)
                key = value
                continue
            else:
                root = value
            if record:
                mark = event.start_mark
                positions[vpath] = Position(mark.line + 1, mark.column + 1)
            if opens:
                if len(stack) >= MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-depth",
                                    f"nested deeper than {MAX_DEPTH} levels")
                stack.append((container, cpath, in_list))
                container, cpath, in_list = value, vpath, kind is sequence_start
    except _DuplicateKey:
        return _parse(text, path, record=True)
    except ValueError:  # int() of more digits than Python converts (a 100,000-digit "port")
        mark = event.start_mark
        raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-number",
                        f"a number of {len(event.value)} digits is too long") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise YamlError(path, line, col, "yaml-syntax", f"{problem}{context}") from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 1, 1, "yaml-syntax", str(exc)) from None
    finally:
        loader.dispose()
    return root, positions, key_positions


def _alias_size(value: Any, sizes: dict[int, int], stack: list, container: Any, event: Any,
                path: str) -> int:
    """How many values an alias of a collection repeats; an alias inside its own anchor (a
    cycle no walk would end) is an error."""
    if value is container or any(value is frame[0] for frame in stack):
        mark = event.start_mark
        raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-alias",
                        f"the alias *{event.anchor} stands inside its own anchor")

    def size(node: Any) -> int:
        if type(node) is not dict and type(node) is not list:
            return 1
        found = sizes.get(id(node))
        if found is None:
            found = sizes[id(node)] = 1 + sum(map(size, node.values() if type(node) is dict else node))
        return found

    return size(value)


def _key_name(event: Any, value: Any, opens: bool, path: str) -> str:
    """A mapping key as text; collections and null are refused as keys."""
    mark = event.start_mark
    if opens or value is None or not isinstance(value, (str, int, bool)):
        raise YamlError(path, mark.line + 1, mark.column + 1, "yaml-key", "a key must be plain text")
    return str(value)


_NO_KEY = object()


def loads(text: str, path: str = "<string>") -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlError` with file:line:col on any problem."""
    data, _, _ = _parse(text, path, record=False)
    end = text.find("\n")  # (not split: that would copy the rest of the text too)
    return YamlDocument(path=path, data=data, first_line=text if end < 0 else text[:end], source=text)


def yaml_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Directories expand to their ``*.yaml``/``*.yml`` files (not recursive), sorted; files
    are kept as given (so a named file that is missing gets its "unreadable" finding).
    Translation markers kept beside the content (``*.translations.yaml``) are left out."""
    from pathlib import Path  # only the file commands (lint, test-flows) list files

    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
                                and not p.name.endswith(".translations.yaml")))
        else:
            found.append(path)
    return found


def load(path: str | os.PathLike[str], display: str | None = None) -> YamlDocument:
    """Read and parse a file. ``display`` is the path shown in messages (defaults to ``path``).

    A file that parsed before is read from a JSON copy keyed by its exact content
    (:mod:`troubleshooter.cache`), so commands such as ``diagnose`` start without importing
    PyYAML or parsing the catalogues again.
    """
    from troubleshooter import cache

    shown = display or str(path)
    source = os.fspath(path)
    try:
        with open(source, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise YamlError(shown, 1, 1, "unreadable", exc.strerror or str(exc)) from None
    stem = os.path.splitext(os.path.basename(source))[0]
    prefix, key = f"yaml-{stem}", cache.content_key(source, raw)
    stored = cache.read_cached(prefix, key)
    if isinstance(stored, dict) and "data" in stored:
        return YamlDocument(path=shown, data=stored["data"], first_line=stored.get("first_line", ""),
                            source_file=source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(shown, 1, 1, "encoding", f"not UTF-8 text ({exc.reason})") from None
    doc = loads(text, shown)
    cache.store_cached(prefix, key, {"data": doc.data, "first_line": doc.first_line})
    return doc


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def dump(data: Any) -> str:
    """Serialise plain data as block-style YAML (used for generated files and exports)."""
    import yaml

    return yaml.dump(data, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False)

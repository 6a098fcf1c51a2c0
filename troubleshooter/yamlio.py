"""The one YAML loader: safe, YAML 1.2-like scalars, duplicate keys refused, positions kept.

PyYAML resolves scalars by YAML 1.1 rules, so ``en: Yes`` would become ``True`` and a
port written as ``0587`` an octal number. Flow authors write bilingual labels such as
``Yes``/``No``/``ON``/``OFF`` all the time, so this loader keeps only the YAML 1.2 core
schema's implicit types (true/false, null, decimal ints and floats). It composes the node
tree with libyaml when available (fast), then builds plain Python data itself, so it can
refuse duplicate keys and remember where every value came from (1-based line and column).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml composes ~10x faster; the pure-Python parser gives the same marks.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]


class _Core12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A loader whose implicit resolvers follow the YAML 1.2 core schema."""

    yaml_implicit_resolvers: dict = {}


for _tag, _regexp, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
):
    _Core12Loader.add_implicit_resolver(_tag, re.compile(_regexp), list(_first))


@dataclass(frozen=True, slots=True)
class Position:
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
    """Plain data plus where each value (and each mapping key) stands in the file."""

    path: str
    data: Any
    positions: dict[PathKey, Position] = field(default_factory=dict, repr=False)
    key_positions: dict[PathKey, Position] = field(default_factory=dict, repr=False)
    first_line: str = ""

    def where(self, key: PathKey, *, prefer_key: bool = False) -> Position:
        """Position of a value; falls back to the nearest enclosing value that has one."""
        table = (self.key_positions, self.positions) if prefer_key else (self.positions,)
        probe = tuple(key)
        while True:
            for positions in table:
                if probe in positions:
                    return positions[probe]
            if not probe:
                return Position(1, 1)
            probe = probe[:-1]


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _scalar(node: yaml.ScalarNode, path: str) -> Any:
    tag, value = node.tag, node.value
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:int":
        text = value.lower()
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text)
    if tag == "tag:yaml.org,2002:float":
        return float(value.replace(".inf", "inf").replace(".nan", "nan"))
    pos = _mark(node)
    raise YamlError(path, pos.line, pos.col, "yaml-tag", f"unsupported tag {tag!r}")


def _build(node: yaml.Node, key: PathKey, doc: YamlDocument) -> Any:
    doc.positions[key] = _mark(node)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, doc.path)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*key, i), doc) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                pos = _mark(key_node)
                raise YamlError(doc.path, pos.line, pos.col, "yaml-merge", "merge keys (<<) are not supported")
            name = _build(key_node, (*key, "\0key"), doc)
            if not isinstance(name, (str, int, bool)) or name is None:
                pos = _mark(key_node)
                raise YamlError(doc.path, pos.line, pos.col, "yaml-key", "a key must be plain text")
            name = str(name) if not isinstance(name, str) else name
            if name in result:
                pos = _mark(key_node)
                first = doc.key_positions[(*key, name)]
                raise YamlError(
                    doc.path, pos.line, pos.col, "duplicate-key",
                    f"duplicate key {name!r} (first defined at line {first.line})",
                )
            doc.key_positions[(*key, name)] = _mark(key_node)
            result[name] = _build(value_node, (*key, name), doc)
        doc.positions.pop((*key, "\0key"), None)
        return result
    pos = _mark(node)  # pragma: no cover - yaml only has the three node kinds
    raise YamlError(doc.path, pos.line, pos.col, "yaml-node", "unexpected YAML node")


def loads(text: str, path: str = "<string>") -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlError` with file:line:col on any problem."""
    doc = YamlDocument(path=path, data=None, first_line=text.split("\n", 1)[0])
    try:
        node = yaml.compose(text, Loader=_Core12Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise YamlError(path, line, col, "yaml-syntax", f"{problem}{context}") from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 1, 1, "yaml-syntax", str(exc)) from None
    if node is not None:
        doc.data = _build(node, (), doc)
    return doc


def load(path: str | os.PathLike[str], display: str | None = None) -> YamlDocument:
    """Read and parse a file. ``display`` is the path shown in messages (defaults to ``path``)."""
    shown = display or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(shown, 1, 1, "encoding", f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise YamlError(shown, 1, 1, "unreadable", exc.strerror or str(exc)) from None
    return loads(text, shown)


def dump(data: Any) -> str:
    """Serialise plain data as block-style YAML (used for generated files and exports)."""
    return yaml.dump(data, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False)


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write a file so readers see the old or the new content, never half of it."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

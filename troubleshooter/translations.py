"""Which translations are out of date: a fingerprint of each text's source, kept beside the content.

Every bilingual text (a flow's ``{cs: …, en: …}``, an article pair ``kb/<id>.cs.md`` +
``kb/<id>.en.md``, a UI string) has a source language — Czech unless a marker says
otherwise — and its translation. A sidecar file keyed by ids records, for each text, a short
fingerprint of the source text as it was when the translation was last brought up to date:

- ``flows/<flow>.translations.yaml`` for a flow file ``flows/<flow>.yaml``;
- ``kb/.translations.yaml`` for the articles;
- ``troubleshooter/data/strings.translations.yaml`` for the UI strings.

The content itself stays clean, and rewriting a sidecar never loses a comment in it.
``lint`` warns ``stale-translation`` where the source changed after the translation;
``lint --mark-translated ID|PATH|new|all`` records that translations are up to date. The
marker holds the fingerprints of both languages, so a text with no marker, or rewritten in
both languages at once, is *new* rather than stale; ``--mark-translated new`` records those
(a test keeps the shipped content fully marked).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from msgspec import Struct

from troubleshooter import yamlio
from troubleshooter.diagnostics import Diagnostic

SIDECAR_SUFFIX = ".translations.yaml"
KB_SIDECAR = ".translations.yaml"
STRINGS_DIR = Path(__file__).parent / "data" / "strings"
STRINGS_SIDECAR = STRINGS_DIR.parent / "strings.translations.yaml"
DEFAULT_SOURCE = "cs"
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.:/-]+")
_HEADER = """\
# Translation markers: for each text, a fingerprint of its source-language text as it was when
# the translation was last brought up to date (written by troubleshooter lint --mark-translated;
# lint warns stale-translation when the source has changed since). Source language: {source}
# unless an entry says {{source: en, fingerprint: …}}.
"""


def fingerprint(text: str) -> str:
    """A short hash of a text, blind to how its lines are wrapped."""
    import hashlib  # here: a lint of new texts only (no marker to compare) needs no hash

    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]


def pair_fingerprint(texts: dict[str, str], source: str) -> str:
    """``<source>/<translation>``: both, so that a text rewritten in both languages at once
    is told apart from a source that changed under an old translation."""
    target = "en" if source == "cs" else "cs"
    return f"{fingerprint(texts[source])}/{fingerprint(texts[target])}"


class TrackedText(Struct, frozen=True):
    """One bilingual text and where its marker lives."""

    sidecar: Path
    key: str  # the key in the sidecar
    item: str  # the id maintainers use: smtp:intro.text, kb:smtp-test, strings:app.quit
    texts: dict[str, str]  # language -> text
    files: tuple[Path, ...]  # the files the text comes from
    markers: Markers  # they say which language is the source, so which is the translation
    doc: yamlio.YamlDocument | None  # the parsed file the text stands in; None: an article pair
    where: Any  # the key of its {cs, en} mapping in ``doc``; of an article pair, the folder shown

    @property
    def place(self) -> tuple[str, int, int]:
        """path, line, col of the translation (what needs the update). A flow's positions come
        from a second parse of the file, so lint asks only for a finding: a file full of new
        texts does not pay for them."""
        target = "en" if self.markers.marker(self.sidecar, self.key)[0] == "cs" else "cs"
        if self.doc is None:  # an article pair: each language is a file of its own
            return f"{self.where}/{self.files[0 if target == 'cs' else 1].name}", 1, 1
        pos = self.doc.where((*self.where, target))
        return self.doc.path, pos.line, pos.col


# -- finding the texts -------------------------------------------------------------------
def _is_bilingual(value: Any) -> bool:
    return type(value) is dict and type(value.get("cs")) is str and type(value.get("en")) is str


def _bilingual(data: Any) -> list[tuple[tuple, str, dict[str, str]]]:
    """Every ``{cs: …, en: …}`` text in ``data``, in file order, with its key and the key
    maintainers read: ``("nodes", "intro", "choices", 0, "label")`` → ``intro.choices.setup.label``
    (a list item by its id when it has one; a flow's nodes without the ``nodes.`` prefix)."""
    found: list[tuple[tuple, str, dict[str, str]]] = []

    def visit(value: Any, path: tuple, name: str | None) -> None:
        """A mapping or a list at ``path``; ``name``: its readable key, None while no part of
        the path counts (the top, a flow's ``nodes``)."""
        if type(value) is dict:
            if type(value.get("cs")) is str and type(value.get("en")) is str:
                found.append((path, name or "", value))
                return
            items: Iterable[tuple[Any, Any]] = value.items()
        else:
            items = enumerate(value)
        for step, item in items:
            kind = type(item)
            if kind is dict:
                part = str(item.get("id", step)) if type(step) is int else step
            elif kind is list:
                part = str(step)
            else:
                continue
            if name is not None:
                part = f"{name}.{part}"
            elif not path and part == "nodes":
                part = None
            visit(item, (*path, step), part)

    if type(data) is dict or type(data) is list:
        visit(data, (), None)
    return found


def flow_texts(path: Path, display: str, markers: Markers,
               doc: yamlio.YamlDocument | None = None) -> Iterator[TrackedText]:
    """The bilingual texts of a flow file (``doc``: the file as already parsed, if it is)."""
    if doc is None:
        doc = yamlio.load(path, display)
    if not isinstance(doc.data, dict):
        return iter(())
    flow_id = str(doc.data.get("id") or path.stem)
    sidecar = path.with_name(path.stem + SIDECAR_SUFFIX)
    files = (path,)
    return (TrackedText(sidecar, key, f"{flow_id}:{key}", texts, files, markers, doc, where)
            for where, key, texts in _bilingual(doc.data))


def article_texts(kb: Path, display: str, markers: Markers) -> list[TrackedText]:
    sidecar = kb / KB_SIDECAR
    found = []
    for cs_file in sorted(kb.glob("*.cs.md")):
        article = cs_file.name.removesuffix(".cs.md")
        en_file = kb / f"{article}.en.md"
        if not en_file.is_file():
            continue  # a missing translation is the articles' own lint finding
        texts = {"cs": cs_file.read_text(encoding="utf-8"), "en": en_file.read_text(encoding="utf-8")}
        found.append(TrackedText(sidecar, article, f"kb:{article}", texts, (cs_file, en_file), markers,
                                 None, display))
    return found


def string_texts(markers: Markers, folder: Path = STRINGS_DIR,
                 sidecar: Path = STRINGS_SIDECAR) -> list[TrackedText]:
    found = []
    for file in sorted(folder.glob("*.yaml")):
        doc = yamlio.load(file, f"strings/{file.name}")
        for key, value in (doc.data or {}).items():
            if _is_bilingual(value):
                found.append(TrackedText(sidecar, key, f"strings:{key}", value, (file,), markers, doc,
                                         (key,)))
    return found


# -- sidecars ----------------------------------------------------------------------------
class Markers:
    """The sidecar files one run reads (each once) and writes."""

    def __init__(self) -> None:
        self.loaded: dict[Path, dict[str, Any]] = {}

    def read(self, path: Path) -> dict[str, Any]:
        """``{"source": lang, "texts": {key: fingerprint | {source, fingerprint}}}``; empty when absent."""
        if path not in self.loaded:
            data: dict[str, Any] = {}
            if path.is_file():
                loaded = yamlio.load(path, path.name).data
                data = loaded if isinstance(loaded, dict) else {}
            data.setdefault("source", DEFAULT_SOURCE)
            if not isinstance(data.get("texts"), dict):
                data["texts"] = {}
            self.loaded[path] = data
        return self.loaded[path]

    def marker(self, sidecar: Path, key: str) -> tuple[str, str | None]:
        """The source language of a text and the fingerprints recorded for it, ``source/translation``
        (``None``: untracked)."""
        data = self.read(sidecar)
        entry = data["texts"].get(key)
        if isinstance(entry, dict):
            return str(entry.get("source", data["source"])), entry.get("fingerprint")
        return str(data["source"]), (str(entry) if entry is not None else None)


def _write_sidecar(path: Path, data: dict[str, Any]) -> None:
    from troubleshooter.cache import write_atomic

    lines = [_HEADER.format(source=data["source"]), f"source: {data['source']}", "texts:"]
    for key in sorted(data["texts"]):
        entry = data["texts"][key]
        shown = key if _PLAIN_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)
        # "1a2b3c4d/5e6f7a8b" is a plain YAML string (the slash keeps it from ever being a number)
        if isinstance(entry, dict):
            lines.append(f"  {shown}: {{source: {entry['source']}, fingerprint: {entry['fingerprint']}}}")
        else:
            lines.append(f"  {shown}: {entry}")
    write_atomic(path, "\n".join(lines) + "\n")


# -- what lint and --mark-translated do --------------------------------------------------
def all_texts(flow_files: Iterable[Path], kb: Path | None, markers: Markers, *, strings: bool, display=str,
              parsed: Mapping[str, yamlio.YamlDocument] | None = None) -> Iterator[TrackedText]:
    """The texts of the flow files, the articles in ``kb`` and (``strings``) the UI strings, one
    by one (a large flow's records need not all exist at once). ``parsed``: flow files the
    caller has parsed already, by their display path."""
    for path in flow_files:
        shown = display(path)
        try:
            texts = flow_texts(path, shown, markers, parsed.get(shown) if parsed else None)
        except yamlio.YamlError:
            continue  # the loader reports a broken file
        yield from texts
    if kb is not None and kb.is_dir():
        yield from article_texts(kb, display(kb), markers)
    if strings:
        yield from string_texts(markers)


def _excerpt(text: str, words: int = 6) -> str:
    split = text.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


def _state(tracked: TrackedText, markers: Markers) -> str:
    """``current``, ``stale`` (the source changed, the translation did not), or ``new`` (no
    marker, or both languages rewritten since it was recorded)."""
    source, recorded = markers.marker(tracked.sidecar, tracked.key)
    if recorded is None:
        return "new"
    now = pair_fingerprint(tracked.texts, source).split("/")
    then = recorded.split("/")
    if now[0] == then[0]:
        return "current"
    return "stale" if len(then) < 2 or now[1] == then[1] else "new"


def stale(texts: Iterable[TrackedText], markers: Markers) -> tuple[list[Diagnostic], int]:
    """``stale-translation`` warnings, and how many texts are new (no marker, or rewritten in
    both languages since)."""
    findings: list[Diagnostic] = []
    untracked = 0
    for tracked in texts:
        state = _state(tracked, markers)
        if state == "new":
            untracked += 1
        elif state == "stale":
            source = markers.marker(tracked.sidecar, tracked.key)[0]
            target = "en" if source == "cs" else "cs"
            path, line, col = tracked.place
            findings.append(Diagnostic(path, line, col, "warning", "stale-translation", {
                "item": tracked.item, "source": source, "target": target,
                "source_text": _excerpt(_body(tracked.texts[source])),
                "target_text": _excerpt(_body(tracked.texts[target]))}))
    return findings, untracked


def _body(text: str) -> str:
    """An article's text without its front matter, so the excerpt shows what readers read."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4:]
    return text


def _chosen(tracked: TrackedText, target: str, markers: Markers) -> bool:
    if target == "all":
        return True
    if target == "new":
        return _state(tracked, markers) == "new"
    if tracked.item == target or tracked.item.startswith(target + ".") or tracked.item.startswith(
            target + ":") or (target.count(":") == 0 and tracked.item.split(":", 1)[0] == target):
        return True
    given = Path(target)
    if given.exists():
        resolved = given.resolve()
        return any(resolved == f.resolve() or resolved in f.resolve().parents for f in tracked.files)
    return False


def mark_translated(texts: Iterable[TrackedText], targets: Iterable[str],
                    markers: Markers) -> list[TrackedText]:
    """Record the current source fingerprint of every text a target names; the texts marked."""
    wanted = list(targets)
    chosen = [t for t in texts if any(_chosen(t, target, markers) for target in wanted)]
    by_sidecar: dict[Path, list[TrackedText]] = {}
    for tracked in chosen:
        by_sidecar.setdefault(tracked.sidecar, []).append(tracked)
    for sidecar, group in by_sidecar.items():
        data = markers.read(sidecar)
        for tracked in group:
            source, _ = markers.marker(sidecar, tracked.key)
            fp = pair_fingerprint(tracked.texts, source)
            data["texts"][tracked.key] = (
                fp if source == data["source"] else {"source": source, "fingerprint": fp})
        _write_sidecar(sidecar, data)
    return chosen

"""One vocabulary: the glossary (``docs/glossary.md``) and the lint that finds discouraged terms.

The glossary's table names, for each thing, the Czech and English term and the variants not to
use. Lint compares words by their lemma (``simplemma``: "uživatelského jména" is "uživatelský
jméno"), so every Czech inflection of a variant is found; a variant ending in ``*`` matches any
word that starts with it (for words the lemmatiser does not know), one starting with ``=`` only
that very form (informal "zkus", whose lemma the formal "zkuste" shares). Text in quotation marks or
backticks is skipped: a provider's own label is quoted verbatim, and so are error messages.
Findings are warnings (``glossary-discouraged``): a maintainer decides.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from troubleshooter.diagnostics import Diagnostic

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# „…“ (Czech), “…” and "…" (English), `…` (code): quoted labels and messages are not our wording;
# {name} is a placeholder of a UI string.
_QUOTED = re.compile(r"„[^“”\n]*[“”]|“[^”\n]*”|\"[^\"\n]*\"|`[^`\n]*`|\{[^{}\n]*\}")


@dataclass(frozen=True, slots=True)
class Variant:
    """A discouraged variant: its words as lemmas (or ``prefix*``), the term to use instead."""

    lang: str
    words: tuple[str, ...]
    text: str
    preferred: str


def glossary_path() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "docs" / "glossary.md"


@cache
def _lemma(word: str, lang: str) -> str:
    """Czech words by simplemma's lemma (its Czech data takes ~1 s to load, once per process);
    English needs no more than the singular, so its data is never loaded."""
    if lang == "en":
        return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
    import simplemma

    return simplemma.lemmatize(word, lang=lang).lower()


def _matches(pattern: str, word: str, lang: str) -> bool:
    if pattern.startswith("="):  # this form exactly ("=zkus": informal, while "zkuste" is fine)
        return word == pattern[1:]
    # Inflection keeps a word's first two letters, so only a word that starts like the pattern
    # is looked up (most words never are: the lemmatiser is the slow part).
    if word[:2] != pattern[:2]:
        return False
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return word.startswith(stem) or _lemma(word, lang).startswith(stem)
    return word == pattern or _lemma(word, lang) == pattern


def load_glossary(path: Path | None = None) -> list[Variant]:
    """The discouraged variants of the glossary's table (columns: cs, en, discouraged cs, discouraged en)."""
    source = path or glossary_path()
    if not source.is_file():
        return []
    variants: list[Variant] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not line.lstrip().startswith("|") or set(cells[0]) <= set("-: "):
            continue
        if cells[0] == "cs":
            continue
        for lang, preferred, column in (("cs", cells[0], cells[2]), ("en", cells[1], cells[3])):
            for text in filter(None, (v.strip() for v in column.split(";"))):
                words = tuple(w.lower() if w.endswith("*") or w.startswith("=") else _lemma(w.lower(), lang)
                              for w in re.findall(r"=?[^\W\d_]+\*?", text))
                variants.append(Variant(lang, words, text, preferred))
    return variants


def _unquoted(text: str) -> str:
    """The text with quoted parts blanked out (same length, so offsets stay true)."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def find_discouraged(text: str, lang: str, variants: list[Variant]) -> Iterator[tuple[int, Variant]]:
    """(offset in ``text``, variant) for each discouraged variant used in ``text``."""
    words = [(m.start(), m.group(0).lower()) for m in _WORD.finditer(_unquoted(text))]
    by_start: dict[str, list[Variant]] = {}
    for variant in variants:
        if variant.lang == lang and variant.words:
            by_start.setdefault(variant.words[0].lstrip("=")[:2], []).append(variant)
    for i, (offset, word) in enumerate(words):
        for variant in by_start.get(word[:2], ()):
            tail = words[i:i + len(variant.words)]
            if len(tail) == len(variant.words) and all(
                    _matches(p, w, lang) for p, (_, w) in zip(variant.words, tail, strict=True)):
                yield offset, variant
                break  # one finding per place, even when two variants of a term match it


def _texts(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str, str]]:
    """(YAML key path, language, text) of every cs/en text in loaded YAML data."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("cs", "en") and isinstance(value, str):
                yield (*path, key), key, value
            else:
                yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _texts(value, (*path, i))


def _yaml_findings(path: Path, variants: list[Variant]) -> Iterator[Diagnostic]:
    from troubleshooter import yamlio
    from troubleshooter.content import display_path

    shown = display_path(path)
    try:
        doc = yamlio.load(path, shown)
    except yamlio.YamlError:
        return  # the loader reports it
    for key, lang, text in _texts(doc.data):
        for _offset, variant in find_discouraged(text, lang, variants):
            pos = doc.where(key)
            yield _finding(shown, pos.line, pos.col, variant)


def _article_findings(path: Path, variants: list[Variant]) -> Iterator[Diagnostic]:
    from troubleshooter.content import display_path

    lang = "cs" if path.name.endswith(".cs.md") else "en"
    shown = display_path(path)
    in_front_matter = False
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.rstrip() == "---":
            in_front_matter = number == 1
            continue
        if in_front_matter and not line.startswith(("title:", "summary:")):
            continue  # keywords are search aids; related are ids
        for offset, variant in find_discouraged(line, lang, variants):
            yield _finding(shown, number, offset + 1, variant)


def _finding(path: str, line: int, col: int, variant: Variant) -> Diagnostic:
    return Diagnostic(path, line, col, "warning", "glossary-discouraged",
                      {"variant": variant.text.replace("=", ""), "preferred": variant.preferred})


def lint_glossary(flow_files: list[str | os.PathLike[str]], kb_dir: str | os.PathLike[str] | None,
                  glossary: Path | None = None) -> list[Diagnostic]:
    """Discouraged terms in the flows, the articles, the outcomes and the UI strings."""
    variants = load_glossary(glossary)
    if not variants:
        return []
    data = Path(__file__).resolve().parent.parent / "data"
    yaml_files = [Path(f) for f in flow_files]
    yaml_files += [data / "outcomes.yaml", data / "providers.yaml", *sorted((data / "strings").glob("*.yaml"))]
    found: list[Diagnostic] = []
    for path in yaml_files:
        found.extend(_yaml_findings(path, variants))
    for path in sorted(Path(kb_dir).glob("*.md")) if kb_dir else []:
        found.extend(_article_findings(path, variants))
    return found

"""Languages, bilingual texts and the one lookup of UI strings.

Flow and article text is authored inline per language (``{cs: …, en: …}``); the strings
the program itself says (prompts, lint messages, verdict words) live in
``troubleshooter/data/strings/*.yaml``, one file per area, and are looked up with :func:`tr`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Literal, cast

Lang = Literal["cs", "en"]
LANGS: tuple[Lang, ...] = ("cs", "en")
DEFAULT_LANG: Lang = "cs"

_set = object.__setattr__


class Text:
    """A text a user reads, in both languages. Immutable, compared and hashed by value.

    A plain slotted class, not a ``msgspec.Struct`` like the flow records that hold it:
    ``diagnose`` and ``explain`` need the UI strings but not msgspec, whose import is a large
    share of their start-up (docs/benchmarks.md).
    """

    __slots__ = ("cs", "en")
    cs: str
    en: str

    def __init__(self, cs: str, en: str) -> None:
        _set(self, "cs", cs)
        _set(self, "en", en)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Text is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Text is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Text:
            return NotImplemented
        return self.cs == other.cs and self.en == other.en  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.cs, self.en))

    def __repr__(self) -> str:
        return f"Text(cs={self.cs!r}, en={self.en!r})"

    def __reduce__(self) -> tuple[type[Text], tuple[str, str]]:
        return Text, (self.cs, self.en)

    def get(self, lang: Lang) -> str:
        return self.cs if lang == "cs" else self.en

    def format(self, **params: object) -> Text:
        return Text(self.cs.format(**params), self.en.format(**params))

    def to_json(self) -> dict[str, str]:
        return {"cs": self.cs, "en": self.en}


def parse_lang(value: str | None) -> Lang | None:
    """Map a locale-ish string (``cs_CZ.UTF-8``, ``en``, ``EN-us``) to a supported language."""
    if not value:
        return None
    head = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    return cast(Lang, head) if head in LANGS else None


def detect_lang(explicit: str | None = None, environ: Mapping[str, str] | None = None) -> Lang:
    """``--lang``, else the environment (LC_ALL, LC_MESSAGES, LANG, LANGUAGE), else Czech."""
    chosen = parse_lang(explicit)
    if chosen:
        return chosen
    env = os.environ if environ is None else environ
    for name in ("TROUBLESHOOTER_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return parse_lang(value) or DEFAULT_LANG
    for part in env.get("LANGUAGE", "").split(":"):
        chosen = parse_lang(part)
        if chosen:
            return chosen
    return DEFAULT_LANG


@cache
def catalog() -> dict[str, Text]:
    """All UI strings, merged from the per-area catalogue files; a key may be defined once.

    The merged catalogue is cached as one entry keyed by every file's name and content, so a
    start reads one cached file rather than one per area."""
    from troubleshooter.cache import cached_or_built, content_key

    # os.path, not importlib.resources nor pathlib: imports diagnose would not otherwise make
    folder = os.path.join(os.path.dirname(__file__), "data", "strings")
    contents = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), "rb") as handle:
                contents.append((name, handle.read()))
    key = content_key(folder, b"".join(b"%s\0%d\0%s" % (name.encode(), len(raw), raw)
                                       for name, raw in contents))
    merged = cached_or_built("strings", key, lambda: _merged(folder, [name for name, _ in contents]))
    return {key: Text(cs, en) for key, (cs, en) in merged.items()}


def _merged(folder: str, names: list[str]) -> dict[str, tuple[str, str]]:
    from troubleshooter import yamlio

    merged: dict[str, tuple[str, str]] = {}
    for name in names:
        for key, value in (yamlio.load(os.path.join(folder, name), f"strings/{name}").data or {}).items():
            if key in merged:
                raise KeyError(f"UI string {key!r} defined twice (strings/{name})")
            merged[key] = (str(value["cs"]), str(value["en"]))
    return merged


def text(key: str, /, **params: object) -> Text:
    """A UI string in both languages, with ``{placeholders}`` filled in."""
    found = catalog()[key]
    return found.format(**params) if params else found


def tr(key: str, lang: Lang, /, **params: object) -> str:
    """A UI string in one language."""
    return text(key, **params).get(lang)

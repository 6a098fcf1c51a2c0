"""Languages, bilingual texts and the one lookup of UI strings.

Flow and article text is authored inline per language (``{cs: …, en: …}``); the strings
the program itself says (prompts, lint messages, verdict words) live in
``troubleshooter/data/strings/*.yaml``, one file per area, and are looked up with :func:`tr`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal, cast

from msgspec import Struct

Lang = Literal["cs", "en"]
LANGS: tuple[Lang, ...] = ("cs", "en")
DEFAULT_LANG: Lang = "cs"


class Text(Struct, frozen=True):
    """A text a user reads, in both languages."""

    cs: str
    en: str

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
    """All UI strings, merged from the per-area catalogue files; a key may be defined once."""
    from troubleshooter import yamlio

    merged: dict[str, Text] = {}
    folder = Path(__file__).parent / "data" / "strings"  # not importlib.resources: a slow import
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".yaml"):
            continue
        for key, value in (yamlio.load(entry, f"strings/{entry.name}").data or {}).items():
            if key in merged:
                raise KeyError(f"UI string {key!r} defined twice (strings/{entry.name})")
            merged[key] = Text(cs=str(value["cs"]), en=str(value["en"]))
    return merged


def text(key: str, /, **params: object) -> Text:
    """A UI string in both languages, with ``{placeholders}`` filled in."""
    found = catalog()[key]
    return found.format(**params) if params else found


def tr(key: str, lang: Lang, /, **params: object) -> str:
    """A UI string in one language."""
    return text(key, **params).get(lang)

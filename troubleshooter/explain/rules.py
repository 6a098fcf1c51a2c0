"""The red-message rules (``data/red_messages.yaml``) and the text normalisation they match against."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower case without diacritics, so "Chyba SMTP: Autentizace selhala" also matches pasted
    without accents, and the rules file can be written in plain ASCII."""
    return strip_accents(text.lower())


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    outcome: str
    stage: str
    codes: frozenset[int] = frozenset()
    enhanced: frozenset[str] = frozenset()
    phrases: tuple[re.Pattern[str], ...] = ()
    weight: int = 2


def _rule(entry: dict) -> Rule:
    # Patterns keep their case (\S is not \s) and match case-insensitively.
    phrases = tuple(re.compile(strip_accents(str(p)), re.IGNORECASE) for p in entry.get("phrases", []))
    rule = Rule(
        id=str(entry["id"]),
        outcome=str(entry["outcome"]),
        stage=str(entry.get("stage") or ""),
        codes=frozenset(int(c) for c in entry.get("codes", [])),
        enhanced=frozenset(str(c) for c in entry.get("enhanced", [])),
        phrases=phrases,
        weight=int(entry.get("weight", 2)),
    )
    if not (rule.phrases or rule.enhanced or rule.codes):
        raise ValueError(f"rule {rule.id}: needs phrases, a reply code or an enhanced code")
    return rule


def load_rules(path: Path | None = None) -> tuple[Rule, ...]:
    from troubleshooter import yamlio

    source = path or Path(__file__).parent.parent / "data" / "red_messages.yaml"
    data = yamlio.load(source, str(path) if path else "data/red_messages.yaml").data
    return tuple(_rule(entry) for entry in (data or {}).get("rules", []))


@cache
def rules() -> tuple[Rule, ...]:
    return load_rules()


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
    return text.lower() if text.isascii() else strip_accents(text.lower())


_META = set("\\.^$*+?{}[]()|")


def required_literal(pattern: str) -> str:
    """The longest run of plain characters every match of ``pattern`` must contain (lower case),
    or "" when none is certain (an alternation at the top, only classes and groups). A line
    without it cannot match, and a substring test is far cheaper than the regular expression."""
    runs, run, depth, i = [], "", 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt.isalnum():  # \s \d \b …: not a literal
                runs.append(run)
                run = ""
            elif depth == 0:
                run += nxt
            i += 2
            continue
        if ch == "[":  # a character class: skip to its end
            runs.append(run)
            run = ""
            i = pattern.find("]", i + 2) + 1 or len(pattern)
            continue
        if ch == "{":  # a counted repeat: the character before it may be absent, skip the count
            runs.append(run[:-1])
            run = ""
            i = pattern.find("}", i) + 1 or len(pattern)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return ""
        if ch in _META or depth > 0:
            if ch in "?*{" and run:  # the character before a quantifier is optional
                run = run[:-1]
            runs.append(run)
            run = ""
        else:
            run += ch
        i += 1
    runs.append(run)
    return max(runs, key=len).lower()


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    outcome: str
    stage: str
    codes: frozenset[int] = frozenset()
    enhanced: frozenset[str] = frozenset()
    phrases: tuple[re.Pattern[str], ...] = ()
    weight: int = 2
    literals: tuple[str, ...] = ()  # required_literal() of each phrase, in the same order
    provider: str = ""  # the mail provider whose own words these are (data/providers.yaml id)


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
        literals=tuple(required_literal(p.pattern) for p in phrases),
        provider=str(entry.get("provider") or ""),
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


def provider_of(rule_id: str) -> str:
    """The provider a rule's message names (only a rule that says it is that provider's own)."""
    return next((rule.provider for rule in rules() if rule.id == rule_id), "")


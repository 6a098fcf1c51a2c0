"""Explain a pasted red message: split it into lines, score every rule on every line, keep the best.

Matching is per line (server reply, error line), never over the whole paste: a cPanel
banner "220-We do not authorize … unsolicited" in a transcript is a 220 line and cannot
turn the certificate error below it into a spam verdict. Lines the client sent are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from troubleshooter.explain.rules import Rule, fold, rules

Confidence = Literal["high", "medium", "low", "none"]

# Splits a one-line paste (PHPMailer debug joined with <br>, JSON "\n", log prefixes) into lines.
_BREAKS = re.compile(r"<br\s*/?>|\\r\\n|\\n|\r\n|\n|\r")
_MARKERS = re.compile(r"(?=(?:\d{4}-\d\d-\d\d[ T][\d:]+\s+)?(?:SERVER -> CLIENT:|CLIENT -> SERVER:|SMTP ERROR:"
                      r"|SMTP Error:|Chyba SMTP:|Connection:))")
_CLIENT_LINE = re.compile(r"^\s*(?:\d{4}-\d\d-\d\d[ T][\d:]+\s+)?(?:CLIENT -> SERVER:|->|~>|\*\*>|C:\s)")
# A 2xx/3xx server reply (greeting, capabilities, "go ahead") is never the failure; skipping it
# also keeps long transcripts fast.
_SUCCESS_REPLY = re.compile(
    r"^\s*(?:\d{4}-\d\d-\d\d[ T][\d:]+\s+)?(?:SERVER -> CLIENT:|<-|<~|S:)?\s*[23]\d\d[ -]"
)
_REPLY_CODE = re.compile(r"(?<![\d.:/#\w])([2-5][0-5]\d)(?=[ \-,)'\"]|$)")
_ENHANCED = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_STAGE_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("auth", re.compile(r"auth|password|username|login|prihlas")),
    ("mail", re.compile(r"mail from|sender|odesilatel")),
    ("rcpt", re.compile(r"rcpt to|recipient|prijemc")),
    ("data", re.compile(r"\bdata\b|message")),
    ("tls", re.compile(r"starttls|ssl|tls|certificate|certifik")),
    ("dns", re.compile(r"getaddrinfo|resolve|name resolution")),
    ("connect", re.compile(r"connect|spojeni")),
)


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    score: int
    evidence: tuple[str, ...]
    line: str
    position: int  # index of the line, later lines win ties (the final error of a transcript)


@dataclass(slots=True)
class Explanation:
    """Why a pasted message appeared: the outcome id, what in the text says so, where to go on."""

    outcome: str
    evidence: list[str] = field(default_factory=list)
    stage: str = ""
    article: str | None = None
    node: str | None = None
    confidence: Confidence = "none"
    rule: str = ""
    line: str = ""  # the line the evidence was found in
    kind: str = "message"  # what was pasted: message, transcript, bounce, headers (explain.kinds)
    facts: dict[str, object] = field(default_factory=dict)  # the reader's facts for that kind
    candidates: list[str] = field(default_factory=list)  # outcomes an ambiguous message may mean
    cut: bool = False  # the paste was longer than the limit and only its start was read

    @property
    def explained(self) -> bool:
        return self.outcome != "unknown"

    def to_json(self) -> dict[str, object]:
        return {"outcome": self.outcome, "kind": self.kind, "evidence": list(self.evidence),
                "stage": self.stage, "article": self.article, "node": self.node,
                "confidence": self.confidence, "rule": self.rule, "line": self.line,
                "candidates": list(self.candidates), "facts": self.facts, "cut": self.cut}


def split_lines(text: str) -> list[str]:
    lines: list[str] = []
    for chunk in _BREAKS.split(text):
        if "SERVER" in chunk or "SMTP" in chunk or "Connection:" in chunk:  # a marker may be inside
            lines.extend(part.strip() for part in _MARKERS.split(chunk) if part.strip())
        elif chunk.strip():
            lines.append(chunk.strip())
    return lines


def raw_lines(text: str) -> list[str]:
    """Lines as pasted (leading white space kept: header folding and bounce continuation lines
    need it); a one-line transcript (PHPMailer's ``<br>`` output joined) split at its markers."""
    lines: list[str] = []
    for chunk in _BREAKS.split(text):
        if chunk.count("> CLIENT:") + chunk.count("> SERVER:") > 1:
            lines.extend(part.strip() for part in _MARKERS.split(chunk) if part.strip())
        else:
            lines.append(chunk)
    return lines


def _line_stage(folded: str) -> str:
    return next((stage for stage, pattern in _STAGE_HINTS if pattern.search(folded)), "")


def score_line(
    rule: Rule, line: str, folded: str, codes: set[int], enhanced: set[str]
) -> tuple[int, list[str]]:
    """(score, evidence) of one rule on one line; score 0 when a required part is missing."""
    score, evidence = 0, []
    if rule.enhanced:
        found = sorted(enhanced & rule.enhanced)
        if not found:
            return 0, []
        score += 3
        evidence.append(found[0])
    if rule.codes:
        found_codes = sorted(codes & rule.codes)
        if not found_codes:
            return 0, []
        score += 2
        evidence.insert(0, str(found_codes[0]))
    if rule.phrases:
        hit = next((m for p, literal in zip(rule.phrases, rule.literals, strict=True)
                    if literal in folded and (m := p.search(folded))), None)
        if hit is None:
            return 0, []
        score += rule.weight
        evidence.append(line[hit.start():hit.end()] if len(line) == len(folded) else hit.group(0))
    else:
        score += rule.weight
    if rule.stage and rule.stage == _line_stage(folded):
        score += 1
    return score, evidence


@cache
def _by_literal() -> dict[str, tuple[int, ...]]:
    """Each phrase's required literal (see rules.required_literal) -> the rules (by position)
    whose phrase it is; "" when some phrase has no certain literal (then every rule is tried)."""
    found: dict[str, list[int]] = {}
    for index, rule in enumerate(rules()):
        for literal in rule.literals:
            found.setdefault(literal, []).append(index)
    return {literal: tuple(indexes) for literal, indexes in found.items()}


@cache
def _literal_list() -> tuple[str, ...]:
    return tuple(_by_literal())


@cache
def _code_rules() -> tuple[int, ...]:
    return tuple(i for i, rule in enumerate(rules()) if not rule.phrases)


def _candidates(folded: str, codes: set[int], enhanced: set[str]) -> list[Rule]:
    """The rules that can match a line at all, in their listed order (a substring test per
    literal is far cheaper than a regular expression per phrase); most lines have none."""
    every = rules()
    by_literal = _by_literal()
    if "" in by_literal:
        return list(every)  # a phrase without a certain literal: every rule is tried
    chosen = {i for literal in _literal_list() if literal in folded for i in by_literal[literal]}
    if codes or enhanced:
        chosen.update(i for i in _code_rules()
                      if (codes and every[i].codes) or (enhanced and every[i].enhanced))
    return [every[i] for i in sorted(chosen)]


def best_match(text: str, lines: list[str] | None = None) -> Match | None:
    best: Match | None = None
    seen: dict[str, list[tuple[Rule, int, list[str]]]] = {}  # a line pasted many times is scored once
    for position, line in enumerate(split_lines(text) if lines is None else lines):
        if _CLIENT_LINE.match(line) or _SUCCESS_REPLY.match(line):
            continue
        scored = seen.get(line)
        if scored is None:
            folded = fold(line)
            codes = {int(c) for c in _REPLY_CODE.findall(line)}
            enhanced = set(_ENHANCED.findall(line))
            scored = []
            for rule in _candidates(folded, codes, enhanced):
                score, evidence = score_line(rule, line, folded, codes, enhanced)
                if score:
                    scored.append((rule, score, evidence))
            if len(seen) < 10_000:
                seen[line] = scored
        for rule, score, evidence in scored:
            # Ties: a later line wins (the final error of a transcript); on one line, the rule listed first.
            if best is None or score > best.score or (score == best.score and position > best.position):
                best = Match(rule, score, tuple(evidence), line, position)
    return best


def confidence_of(score: int) -> Confidence:
    return "high" if score >= 5 else "medium" if score >= 3 else "low"

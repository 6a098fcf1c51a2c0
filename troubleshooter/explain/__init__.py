"""Explain what a user pastes: ``explain(text) -> Explanation``.

A paste is one of four kinds (:mod:`.kinds`): one red message, a debug transcript, a bounce,
or a message's headers. Each kind has its reader (:mod:`.transcript`, :mod:`.bounce`,
:mod:`.headers`), which finds the facts; the outcome id comes from the red-message rules
(``data/red_messages.yaml``) applied to the lines the reader points at, so a flow branches on
the same ids whatever was pasted. The outcome's words, article and node come from the outcome
catalogue (``probes.catalog.describe``).

Every paste is cut to :data:`troubleshooter.limits.PASTE_LIMIT` first; login data in it is
recognised and never reaches the result (:mod:`troubleshooter.redaction`).
"""

from __future__ import annotations

import html
import re

from troubleshooter.explain.kinds import recognise
from troubleshooter.explain.matcher import Explanation, Match, best_match, confidence_of, raw_lines, split_lines
from troubleshooter.probes.catalog import describe

__all__ = ["Explanation", "explain"]

_PEER_CN = re.compile(r"peer certificate cn=[`'\"]?([\w*.-]+)", re.IGNORECASE)
_EXPECTED_CN = re.compile(r"expected cn=[`'\"]?([\w.-]+)|not valid for '([\w.-]+)'", re.IGNORECASE)
# enhanced status (subject.detail) -> outcome, when no rule recognised a bounce's reply
_BY_STATUS = {"1.1": "recipient-rejected", "1.2": "recipient-rejected", "1.3": "recipient-rejected",
              "1.10": "recipient-rejected", "2.1": "recipient-rejected", "2.2": "mailbox-full",
              "2.3": "message-too-large", "3.4": "message-too-large", "7.1": "message-rejected",
              "7.23": "spf-rejected", "7.26": "dmarc-rejected"}


def explain(text: str) -> Explanation:
    """The outcome behind a pasted text, its kind, the evidence and the facts read from it."""
    from troubleshooter.limits import cut_paste
    from troubleshooter.redaction import Secrets, scrub_auth

    pasted, cut = cut_paste(text or "")
    if "&gt;" in pasted or "&lt;" in pasted or "&#0" in pasted:  # PHPMailer's Debugoutput "html", copied raw
        pasted = html.unescape(pasted)
    lines = raw_lines(pasted)
    kind = recognise(lines)
    secrets = Secrets()
    if kind == "transcript":
        found = _transcript(lines, secrets)
    elif kind == "bounce":
        found = _bounce(lines)
    elif kind == "headers":
        found = _headers(lines)
    else:
        found = _message(scrub_auth(pasted))
    found.cut = cut
    if secrets:
        found.evidence = secrets.scrub_data(found.evidence)
        found.line = secrets.scrub(found.line)
        found.facts = secrets.scrub_data(found.facts)
    return found


def _explanation(outcome: str, match: Match | None = None, **more: object) -> Explanation:
    info = describe(outcome)
    if match is None:
        confidence = "none" if outcome == "unknown" else "medium"
        return Explanation(outcome, [], "", info.article, info.node, confidence, **more)  # type: ignore[arg-type]
    return Explanation(outcome, list(match.evidence), match.rule.stage, info.article, info.node,
                       confidence_of(match.score), match.rule.id, match.line, **more)  # type: ignore[arg-type]


def _message(text: str) -> Explanation:
    match = best_match(text)
    if match is None:  # say what was read: how many lines, none of them of a kind we know
        lines = sum(1 for line in text.splitlines() if line.strip())
        return _explanation("unknown", facts={"lines": lines})
    outcome, evidence = match.rule.outcome, list(match.evidence)
    if outcome == "certificate-name-mismatch":
        outcome, evidence = _maybe_intercepted(match, evidence)
    found = _explanation(outcome, match)
    found.evidence = evidence
    found.candidates = list(describe(outcome).candidates)
    return found


def _transcript(lines: list[str], secrets) -> Explanation:
    from troubleshooter.explain.transcript import read_transcript
    from troubleshooter.redaction import scrub_auth

    reading = read_transcript(lines)
    for secret in reading.secrets:
        secrets.add(secret, username=reading.login)
    facts = reading.to_json()
    where = [scrub_auth(line) for line in reading.failure_lines]
    match = best_match("", split_lines("\n".join(where))) if where else None
    if match is None and reading.failed is None and reading.accepted:
        return _explanation("message-accepted", kind="transcript", facts=facts)
    if match is None:
        match = best_match(scrub_auth("\n".join(lines)))
    if match is None:
        return _explanation("unknown", kind="transcript", facts=facts)
    outcome = match.rule.outcome
    if outcome == "connect-failed" and "no-greeting" in reading.findings:
        outcome = "tls-mismatch"  # connected, but the server waits for a TLS handshake (port 465)
    elif outcome == "certificate-name-mismatch":
        outcome = _maybe_intercepted(match, list(match.evidence))[0]
    found = _explanation(outcome, match, kind="transcript", facts=facts)
    found.candidates = list(describe(outcome).candidates)
    if reading.failed is not None and reading.failed.stage in ("auth", "mail", "rcpt", "data", "message"):
        found.stage = "data" if reading.failed.stage == "message" else reading.failed.stage
    return found


def _bounce(lines: list[str]) -> Explanation:
    from troubleshooter.explain.bounce import read_bounce
    from troubleshooter.explain.status import status_side

    reading = read_bounce(lines)
    facts = reading.to_json()
    match = best_match("", split_lines(reading.reply)) if reading.reply else None
    outcome = match.rule.outcome if match else ""
    generic = match is None or (outcome in ("message-rejected", "relay-denied") and match.score <= 4)
    if generic and reading.status:
        outcome = _BY_STATUS.get(reading.status.split(".", 1)[1], outcome)
    if not outcome:
        match = best_match("", [line.strip() for line in reading.lines])
        outcome = match.rule.outcome if match else "unknown"
    facts["side"] = _side(outcome) or status_side(reading.status)
    found = _explanation(outcome, match, kind="bounce", facts=facts)
    if reading.status and reading.status not in found.evidence:
        found.evidence.insert(0, reading.status)
    found.stage = "bounce"
    return found


def _side(outcome: str) -> str:
    if outcome in ("recipient-rejected", "mailbox-full"):
        return "recipient"
    if outcome in ("message-too-large", "ip-blocklisted", "spf-rejected", "dmarc-rejected",
                   "message-rejected", "relay-denied", "sender-rejected"):
        return "sender"
    return ""


def _headers(lines: list[str]) -> Explanation:
    from troubleshooter.explain.headers import read_headers

    reading = read_headers(lines)
    facts = reading.to_json()
    outcome = "message-authenticated" if reading.authenticated else "sender-not-authenticated"
    found = _explanation(outcome, kind="headers", facts=facts)
    verdicts = [f"spf={reading.spf.result}" if reading.spf else "spf=none"]
    verdicts += [f"dkim={v.result}" for v in reading.dkim[:2]] or ["dkim=none"]
    verdicts.append(f"dmarc={reading.dmarc.result}" if reading.dmarc else "dmarc=none")
    found.evidence = verdicts
    found.confidence = "high" if reading.dmarc is not None or reading.spf is not None else "low"
    found.stage = "headers"
    return found


def _maybe_intercepted(match: Match, evidence: list[str]) -> tuple[str, list[str]]:
    """A certificate for another party's name where a known provider's host was asked for means the
    hosting redirected the connection (PHPMailer issue 2061), not a typo in the host name."""
    from troubleshooter.probes.providers import provider_for_host

    expected = _EXPECTED_CN.search(match.line)
    peer = _PEER_CN.search(match.line)
    host = (expected.group(1) or expected.group(2)) if expected else None
    provider = provider_for_host(host) if host else None
    if provider is None or peer is None:
        return "certificate-name-mismatch", evidence
    peer_name = peer.group(1).lower().lstrip("*.")
    own = {h.split(".", 1)[1] for h in provider.hostnames if "." in h} | set(provider.domains)
    if any(peer_name == d or peer_name.endswith("." + d) for d in own):
        return "certificate-name-mismatch", evidence
    return "intercepted", [*evidence, f"{peer_name} ≠ {host}"]

"""Explain a red message a user pastes: ``explain(text) -> Explanation``.

The question box of the knowledge base and ``troubleshooter explain`` both call this.
Rules are data (``data/red_messages.yaml``); the outcome's words, article and flow node
come from the outcome catalogue (``probes.catalog.describe``).
"""

from __future__ import annotations

import re

from troubleshooter.explain.matcher import Explanation, Match, best_match, confidence_of
from troubleshooter.probes.catalog import describe

__all__ = ["Explanation", "explain"]

_PEER_CN = re.compile(r"peer certificate cn=[`'\"]?([\w*.-]+)", re.IGNORECASE)
_EXPECTED_CN = re.compile(r"expected cn=[`'\"]?([\w.-]+)|not valid for '([\w.-]+)'", re.IGNORECASE)


def explain(text: str) -> Explanation:
    """The outcome behind a pasted message, with the evidence; ``unknown`` when nothing matches."""
    match = best_match(text or "")
    if match is None:
        info = describe("unknown")
        return Explanation("unknown", [], "", info.article, info.node, "none")
    outcome, evidence = match.rule.outcome, list(match.evidence)
    if outcome == "certificate-name-mismatch":
        outcome, evidence = _maybe_intercepted(match, evidence)
    info = describe(outcome)
    return Explanation(outcome, evidence, match.rule.stage, info.article, info.node,
                       confidence_of(match.score), match.rule.id, match.line)


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

"""``explain-message`` for flows: a pasted red message, debug transcript, bounce or headers is
explained at a node like a probe, so the flow branches on its outcome id (the engine and front
ends need nothing new); what was read from it is in ``facts["paste"]`` (kind in ``facts["kind"]``)."""

from __future__ import annotations

import time

from troubleshooter.probes.outcome import ProbeOutcome, StageCallback, StageResult


async def probe_explain(args: dict[str, str], *, deadline: float = 10.0,
                        on_stage: StageCallback | None = None) -> ProbeOutcome:
    from troubleshooter.explain import explain
    from troubleshooter.explain.rules import provider_of
    from troubleshooter.redaction import scrub_auth

    started = time.monotonic()
    if on_stage:
        on_stage("explain", "start", None)
    found = explain(scrub_auth(args.get("message", "")))
    stage = StageResult("explain", found.explained, round(time.monotonic() - started, 4),
                        " · ".join(found.evidence), None if found.explained else found.outcome)
    if on_stage:
        on_stage("explain", "done", stage)
    facts = {"evidence": found.evidence, "confidence": found.confidence, "article": found.article,
             "node": found.node, "rule": found.rule, "kind": found.kind, "candidates": found.candidates,
             "paste": found.facts, "cut": found.cut}
    if provider := provider_of(found.rule):  # the provider's own words: the flow learns it
        facts["provider"] = provider
    return ProbeOutcome("explain-message", found.outcome, found.stage or "explain", facts, [stage],
                        elapsed=time.monotonic() - started)

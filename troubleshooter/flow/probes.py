"""The probes a flow's probe node may name: the network probes and ``explain-message``.

``explain-message`` explains a pasted red message like a probe (so a flow branches on its
outcome id); it uses :mod:`troubleshooter.explain`, which builds on the probes' outcome
catalogue, so it is declared here, above both, rather than among the network probes.
"""

from __future__ import annotations

from typing import Any

from troubleshooter.probes.outcome import PASTE_OUTCOMES, SMTP_OUTCOMES, ProbeOutcome
from troubleshooter.probes.registry import NETWORK_PROBES, ProbeParam, ProbeSpec


async def _explain_message(args: dict[str, str], **options: Any) -> ProbeOutcome:
    from troubleshooter.explain.probe import probe_explain

    return await probe_explain(args, **options)


EXPLAIN_MESSAGE = ProbeSpec("explain-message", (ProbeParam("message"),),
                            frozenset(SMTP_OUTCOMES) - {"ok"} | {"unknown", *PASTE_OUTCOMES}, _explain_message,
                            network=False)

REGISTRY: dict[str, ProbeSpec] = {**NETWORK_PROBES, EXPLAIN_MESSAGE.name: EXPLAIN_MESSAGE}


def probe_spec(name: str) -> ProbeSpec | None:
    """The declaration of the probe a node names, or None for an unknown name."""
    return REGISTRY.get(name)

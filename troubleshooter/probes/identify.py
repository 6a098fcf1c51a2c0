"""Whose mailbox is it? The provider behind the username's domain, from the provider data and,
for a domain of the customer's own, from its MX records (a Google Workspace or Microsoft 365
domain). The credentials path uses it to go to the provider's own fix before the generic
checklist; anything it cannot tell is ``provider-unknown`` and the flow asks the user instead.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from troubleshooter.probes.outcome import ProbeOutcome, StageCallback, StageResult
from troubleshooter.probes.providers import provider_for_domain, provider_for_mx

# Providers with a fix of their own in the flows; any other provider is "unknown" to them.
OWN_FIX = ("gmail", "microsoft365", "seznam", "active24", "forpsi", "wedos")
OUTCOMES = (*(f"provider-{p}" for p in OWN_FIX), "provider-unknown")


def _domain(args: Mapping[str, str]) -> str:
    for name in ("username", "sender"):
        local, at, domain = (args.get(name) or "").strip().rpartition("@")
        if at and local and "." in domain:
            return domain.strip().rstrip(".").lower()
    return ""


def _outcome(provider_id: str | None) -> str:
    return f"provider-{provider_id}" if provider_id in OWN_FIX else "provider-unknown"


async def probe_identify_provider(
    args: Mapping[str, str], *, deadline: float = 10.0, on_stage: StageCallback | None = None
) -> ProbeOutcome:
    """``provider-<id>`` (one of :data:`OWN_FIX`) or ``provider-unknown`` for the ``username``
    (or ``sender``) address; ``nameserver`` points the MX look-up at another DNS server.
    A ``provider`` the conversation already knows (the user named it) is the answer as it is:
    the user is not asked again."""
    started = time.monotonic()
    said = (args.get("provider") or "").strip()
    if said:
        return ProbeOutcome("identify-provider", _outcome(said), stage="said",
                            facts={"provider": said, "via": "said"}, elapsed=time.monotonic() - started)
    domain = _domain(args)
    facts: dict[str, object] = {"domain": domain}
    if not domain:
        return ProbeOutcome("identify-provider", "provider-unknown", facts=facts,
                            elapsed=time.monotonic() - started)
    # firma.onmicrosoft.com is Microsoft 365's as much as onmicrosoft.com is
    labels = domain.split(".")
    known = next((p for i in range(len(labels) - 1) if (p := provider_for_domain(".".join(labels[i:])))), None)
    if known is not None:
        facts.update(provider=known.id, via="domain")
        return ProbeOutcome("identify-provider", _outcome(known.id), stage="domain", facts=facts,
                            elapsed=time.monotonic() - started)
    from troubleshooter.probes.dns import DnsClient

    if on_stage is not None:
        on_stage("dns", "start", None)
    client = DnsClient(args.get("nameserver") or None, deadline=max(0.1, min(deadline, 5.0) - 0.2))
    answer = await client.mx(domain)
    hosts = answer.mx_hosts() if answer.status == "ok" else []
    stage = StageResult("dns", answer.status == "ok", answer.elapsed, f"{domain} MX: {answer.status}")
    if on_stage is not None:
        on_stage("dns", "end", stage)
    match = provider_for_mx(hosts)
    facts.update(mx=hosts, provider=match.provider.id if match else None, via="mx" if match else None)
    return ProbeOutcome("identify-provider", _outcome(match.provider.id if match else None), stage="dns",
                        facts=facts, stages=[stage], elapsed=time.monotonic() - started)

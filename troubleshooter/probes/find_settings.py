"""``find-settings``: from a sender address to a settings card proven against the live servers.

The entry point of the settings finder: :mod:`troubleshooter.probes.finder` searches for the
candidates (provider data, autoconfig, DNS, guesses), :mod:`troubleshooter.probes.finder_proof`
proves them under the one deadline and builds the card; :func:`probe_find_settings` is the
registry's ``find-settings`` probe.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from troubleshooter.probes.dns import DnsClient
from troubleshooter.probes.finder import FinderOptions, Search, dedupe, split_address
from troubleshooter.probes.finder_proof import (
    FORM_ENCRYPTION,
    FinderResult,
    SettingsCard,
    build_card,
    outcome_of,
    prove,
)
from troubleshooter.probes.outcome import ProbeOutcome, StageCallback, StageResult

if TYPE_CHECKING:
    from troubleshooter.probes.policy import TargetPolicy


async def find_settings(address: str, password: str = "", *, deadline: float = 15.0,
                        options: FinderOptions | None = None) -> FinderResult:
    """Search, prove, build the card. Raises ValueError only for an address that is not one."""
    options = options or FinderOptions()
    started = time.monotonic()
    split_address(address)
    end = started + deadline
    search = Search(address, options, DnsClient(options.nameserver, deadline), end)
    candidates = dedupe(await search.candidates())
    checked = await prove(candidates, search, search.address, password) if candidates else []
    card = build_card(checked, search.address, password)
    return FinderResult(search.address, outcome_of(card, checked), search.steps, checked, card,
                        time.monotonic() - started)


async def probe_find_settings(args: dict[str, str], *, deadline: float = 15.0,
                              on_stage: StageCallback | None = None,
                              policy: TargetPolicy | None = None) -> ProbeOutcome:
    """The registry's ``find-settings``: the result as facts (``card``, ``steps``, ``compare``)."""
    started = time.monotonic()
    sender = str(args.get("sender") or "").strip()
    if on_stage:
        on_stage("find", "start", None)
    try:
        result = await find_settings(sender, str(args.get("password") or ""), deadline=deadline,
                                     options=FinderOptions(policy=policy, ca_file=args.get("ca_file") or None,
                                                           nameserver=policy.dns_server if policy else None))
    except ValueError:
        return ProbeOutcome("find-settings", "not-found", "find", {"invalid_address": True},
                            elapsed=time.monotonic() - started)
    facts = result.to_json()
    if result.card is not None:
        compare = compare_entered(result.card, args)
        if compare:
            facts["compare"] = compare
    stage = StageResult("find", result.outcome.startswith("found"), round(result.elapsed, 4), result.outcome)
    if on_stage:
        on_stage("find", "done", stage)
    return ProbeOutcome("find-settings", result.outcome, "find", facts, [stage], elapsed=result.elapsed)


def compare_entered(card: SettingsCard, args: dict[str, str]) -> list[dict[str, str]]:
    """Values the user typed (``entered_*`` args or the session's host/port/security/username) next
    to the found ones, where they differ."""
    from troubleshooter.probes.security import security_mode

    rows = []
    entered = {name: str(args.get(f"entered_{name}") or args.get(name) or "").strip()
               for name in ("host", "port", "security", "username")}
    found = {"host": card.host, "port": str(card.port), "security": card.security, "username": card.username}
    for name, value in entered.items():
        if not value:
            continue
        same = (security_mode(value) == card.security if name == "security"
                else value.lower().rstrip(".") == found[name].lower())
        if not same:
            shown = FORM_ENCRYPTION.get(str(security_mode(value)), value) if name == "security" else value
            rows.append({"field": name, "entered": shown,
                         "found": card.encryption if name == "security" else found[name]})
    return rows

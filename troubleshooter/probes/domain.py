"""Sender-domain health for "the test was green but nothing arrived": SPF, DMARC and DKIM.

Reads the records over DNS (one total deadline) and grades each ok / warning / error with a
short explanation in both languages, in ``facts["checks"]``. The outcome names the worst
finding, so a flow can branch on it. Checks are deliberately rough (top-level SPF look-up
count, no include recursion): enough to tell a user what to ask the domain's administrator.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from troubleshooter.i18n import text
from troubleshooter.probes.dns import DnsAnswer, DnsClient
from troubleshooter.probes.outcome import ProbeOutcome, StageCallback, StageResult
from troubleshooter.probes.providers import dkim_selectors_to_try

Status = Literal["ok", "warning", "error", "skipped"]
SPF_LOOKUP_LIMIT = 10  # RFC 7208 §4.6.4

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_MECHANISM = re.compile(
    r"^[+\-~?]?(?:all|include:\S+|exists:\S+|ptr(?::\S+)?|(?:a|mx)(?::[^/\s]+)?(?:/\d{1,2})?(?://\d{1,3})?"
    r"|ip4:\S+|ip6:\S+)$",
    re.IGNORECASE,
)
_MODIFIER = re.compile(r"^[a-z][a-z0-9_.-]*=\S*$", re.IGNORECASE)
_LOOKUP_TERMS = re.compile(r"^[+\-~?]?(include:|exists:|a\b|a:|a/|mx\b|mx:|mx/|ptr\b|ptr:|redirect=)",
                           re.IGNORECASE)


@dataclass(slots=True)
class Check:
    """One graded check; ``finding`` names the string ``domain.<finding>`` that explains it."""

    check: Literal["spf", "dmarc", "dkim"]
    status: Status
    finding: str
    record: str = ""
    params: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        explanation = text(f"domain.{self.finding}", **self.params)
        return {"check": self.check, "status": self.status, "finding": self.finding, "record": self.record,
                "text": explanation.to_json()}


def sender_domain(sender: str) -> str | None:
    """The domain of an address (or a bare domain), lower case; None when it is not one."""
    domain = sender.strip().rsplit("@", 1)[-1].strip().strip(".").lower()
    return domain if _DOMAIN.match(domain) else None


def grade_spf(records: tuple[str, ...]) -> Check:
    spf = [r for r in records if re.match(r"^v=spf1(\s|$)", r.strip(), re.IGNORECASE)]
    if not spf:
        return Check("spf", "error", "spf-missing")
    if len(spf) > 1:
        return Check("spf", "error", "spf-multiple", " | ".join(spf), {"count": str(len(spf))})
    record = spf[0].strip()
    terms = record.split()[1:]
    for term in terms:
        if _MODIFIER.match(term) and not _MECHANISM.match(term):
            continue
        if not _MECHANISM.match(term) or not _valid_network(term):
            return Check("spf", "error", "spf-syntax", record, {"term": term})
    lookups = sum(1 for term in terms if _LOOKUP_TERMS.match(term))
    if lookups > SPF_LOOKUP_LIMIT:
        return Check("spf", "error", "spf-too-many-lookups", record, {"count": str(lookups)})
    all_terms = [t.lower() for t in terms if t.lower().lstrip("+-~?") == "all"]
    if not all_terms:
        has_redirect = any(t.lower().startswith("redirect=") for t in terms)
        if has_redirect:
            return Check("spf", "ok", "spf-redirect", record)
        return Check("spf", "warning", "spf-no-all", record)
    qualifier = all_terms[-1][0] if all_terms[-1][0] in "+-~?" else "+"
    finding, status = {"-": ("spf-fail-all", "ok"), "~": ("spf-softfail-all", "ok"),
                       "?": ("spf-neutral-all", "warning"), "+": ("spf-plus-all", "warning")}[qualifier]
    return Check("spf", status, finding, record)  # type: ignore[arg-type]


def _valid_network(term: str) -> bool:
    body = term.lstrip("+-~?").lower()
    if body.startswith(("ip4:", "ip6:")):
        try:
            network = ipaddress.ip_network(body[4:], strict=False)
        except ValueError:
            return False
        return network.version == (4 if body.startswith("ip4:") else 6)
    return True


def grade_dmarc(records: tuple[str, ...]) -> Check:
    dmarc = [r for r in records if re.match(r"^v\s*=\s*DMARC1\s*(;|$)", r.strip(), re.IGNORECASE)]
    if not dmarc:
        return Check("dmarc", "warning", "dmarc-missing")
    if len(dmarc) > 1:
        return Check("dmarc", "warning", "dmarc-multiple", " | ".join(dmarc))
    record = dmarc[0].strip()
    tags = {k.strip().lower(): v.strip() for k, _, v in (part.partition("=") for part in record.split(";"))
            if k.strip()}
    policy = tags.get("p", "").lower()
    if policy not in ("none", "quarantine", "reject"):
        return Check("dmarc", "warning", "dmarc-no-policy", record)
    if policy == "none":
        return Check("dmarc", "warning", "dmarc-policy-none", record)
    return Check("dmarc", "ok", "dmarc-ok", record, {"policy": policy})


def grade_dkim(selector: str, answer: DnsAnswer) -> Check:
    params = {"selector": selector}
    keys = [r for r in answer.records if "p=" in r.replace(" ", "")]
    if not answer.ok or not keys:
        return Check("dkim", "error", "dkim-missing", params=params)
    record = keys[0].strip()
    tags = {k.strip().lower(): v.strip() for k, _, v in (part.partition("=") for part in record.split(";"))}
    if not tags.get("p"):
        return Check("dkim", "error", "dkim-revoked", record, params)
    return Check("dkim", "ok", "dkim-ok", record, params)


def guess_dkim(answers: Mapping[str, DnsAnswer]) -> Check:
    """The providers' default selectors looked up without knowing which one the domain uses: a
    key found is DKIM set up; none found is NOT "DKIM missing" — the selector is just unknown."""
    for selector, answer in answers.items():
        found = grade_dkim(selector, answer)
        if found.status == "ok":
            return Check("dkim", "ok", "dkim-ok-guessed", found.record, {"selector": selector})
    return Check("dkim", "skipped", "dkim-not-guessed", params={"tried": ", ".join(answers)})


def _verdict(checks: list[Check]) -> str:
    by = {c.check: c for c in checks}
    if by["spf"].status == "error":
        return "spf-missing" if by["spf"].finding == "spf-missing" else "spf-invalid"
    if "dkim" in by and by["dkim"].status == "error":
        return "dkim-missing"
    if by["dmarc"].finding == "dmarc-missing":
        return "dmarc-missing"
    return "domain-warnings" if any(c.status == "warning" for c in checks) else "ok"


def _notify(on_stage: StageCallback | None, stage: str, event: str, result: StageResult | None) -> None:
    if on_stage is not None:
        on_stage(stage, event, result)


async def probe_domain_health(
    args: Mapping[str, str], *, deadline: float = 10.0, on_stage: StageCallback | None = None
) -> ProbeOutcome:
    """SPF, DMARC and (with ``dkim_selector``) DKIM of the ``sender`` address's domain."""
    started = time.monotonic()
    domain = sender_domain(args.get("sender", ""))
    if domain is None:
        return ProbeOutcome("domain-health", "domain-not-found", stage="dns",
                            facts={"sender": args.get("sender", ""), "error": "not an e-mail address"})
    selector = (args.get("dkim_selector") or "").strip().strip(".")
    client = DnsClient(args.get("nameserver") or None, deadline=max(0.1, deadline - 0.2))
    names = {"spf": domain, "dmarc": f"_dmarc.{domain}"}
    if selector:
        names["dkim"] = f"{selector}._domainkey.{domain}"
    guesses = [] if selector else [s for s, _ in dkim_selectors_to_try(domain)]
    for guess in guesses:  # no selector given: the providers' defaults, asked in parallel with the rest
        names[f"dkim:{guess}"] = f"{guess}._domainkey.{domain}"
    stages: dict[str, StageResult] = {}

    async def look(key: str, name: str) -> DnsAnswer:
        stage = key.split(":")[0]
        _notify(on_stage, stage, "start", None)
        answer = await client.txt(name)
        result = StageResult(stage, answer.status == "ok", answer.elapsed,  # no record: no ✓
                             f"{name} TXT: {answer.status}")
        stages[key] = result
        _notify(on_stage, stage, "done", result)
        return answer

    answers = dict(zip(names, await asyncio.gather(*(look(s, n) for s, n in names.items())), strict=True))
    ordered = [stages[s] for s in names]
    facts: dict[str, object] = {"domain": domain, "records": {s: list(a.records) for s, a in answers.items()}}
    if guesses:
        facts["dkim_tried"] = guesses
    elapsed = time.monotonic() - started
    spf_answer = answers["spf"]
    if spf_answer.status == "nxdomain":
        ordered[0].outcome = "domain-not-found"
        return ProbeOutcome("domain-health", "domain-not-found", "spf", facts, ordered, [], elapsed)
    broken = [(s, a) for s, a in answers.items()
              if a.status in ("servfail", "error", "timeout") and not s.startswith("dkim:")]
    if broken:
        stage, answer = broken[0]
        outcome = "deadline" if answer.status == "timeout" else "dns-failed"
        stages[stage].outcome = outcome
        facts["dns_status"] = {s: a.status for s, a in answers.items()}
        return ProbeOutcome("domain-health", outcome, stage, facts, ordered, [], elapsed)
    checks = [grade_spf(spf_answer.records), grade_dmarc(answers["dmarc"].records)]
    if selector:
        checks.append(grade_dkim(selector, answers["dkim"]))
    elif guesses:
        checks.append(guess_dkim({g: answers[f"dkim:{g}"] for g in guesses}))
    facts["checks"] = [c.to_json() for c in checks]
    outcome = _verdict(checks)
    worst = next((c.check for c in checks if c.status == "error"), "")
    return ProbeOutcome("domain-health", outcome, worst or checks[-1].check, facts, ordered, [], elapsed)

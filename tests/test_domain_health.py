"""Sender-domain health against a loopback DNS server: each SPF/DMARC/DKIM finding and outcome."""

from __future__ import annotations

import time

import pytest
from deadlines import longest
from dns_server import dns_server

from troubleshooter.flow.probes import REGISTRY
from troubleshooter.probes.domain import grade_dmarc, grade_spf, sender_domain

DKIM_KEY = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1"

ZONE = {
    "good.test": {"TXT": ["v=spf1 include:_spf.good.test -all", "other=1"], "MX": [(10, "mx.good.test")]},
    "_dmarc.good.test": {"TXT": ["v=DMARC1; p=reject; rua=mailto:d@good.test"]},
    "mail._domainkey.good.test": {"TXT": [DKIM_KEY]},
    "revoked._domainkey.good.test": {"TXT": ["v=DKIM1; p="]},
    "nospf.test": {"MX": [(10, "mx.nospf.test")]},
    "_dmarc.nospf.test": {"TXT": ["v=DMARC1; p=none"]},
    "twospf.test": {"TXT": ["v=spf1 -all", "v=spf1 mx ~all"]},
    "plusall.test": {"TXT": ["v=spf1 +all"]},
    "_dmarc.plusall.test": {"TXT": ["v=DMARC1; p=quarantine"]},
    "nodmarc.test": {"TXT": ["v=spf1 mx ~all"]},
    "broken.test": "SERVFAIL",
    "slow.test": "SILENT",
}


@pytest.fixture(scope="module")
def dns():
    with dns_server(ZONE) as server:
        yield server


async def run(dns, sender, selector="", deadline=3.0):
    args = {"sender": sender, "nameserver": dns.address}
    if selector:
        args["dkim_selector"] = selector
    return await REGISTRY["domain-health"].run(args, deadline=deadline)


def findings(outcome):
    return {c["check"]: (c["status"], c["finding"]) for c in outcome.facts["checks"]}


async def test_healthy_domain(dns):
    outcome = await run(dns, "info@good.test", "mail")
    assert outcome.outcome == "ok"
    assert findings(outcome) == {"spf": ("ok", "spf-fail-all"), "dmarc": ("ok", "dmarc-ok"),
                                 "dkim": ("ok", "dkim-ok")}
    check = outcome.facts["checks"][1]
    assert "reject" in check["text"]["cs"] and "reject" in check["text"]["en"]
    assert [s.stage for s in outcome.stages] == ["spf", "dmarc", "dkim"]


async def test_missing_spf_is_the_verdict(dns):
    outcome = await run(dns, "shop@nospf.test")
    assert outcome.outcome == "spf-missing"
    assert findings(outcome)["dmarc"] == ("warning", "dmarc-policy-none")


async def test_two_spf_records_are_invalid(dns):
    outcome = await run(dns, "a@twospf.test")
    assert outcome.outcome == "spf-invalid"
    assert findings(outcome)["spf"] == ("error", "spf-multiple")


async def test_plus_all_is_a_warning(dns):
    outcome = await run(dns, "a@plusall.test")
    assert outcome.outcome == "domain-warnings"
    assert findings(outcome)["spf"] == ("warning", "spf-plus-all")


async def test_missing_dmarc(dns):
    assert (await run(dns, "a@nodmarc.test")).outcome == "dmarc-missing"


async def test_dkim_missing_and_revoked(dns):
    assert (await run(dns, "a@good.test", "nosuch")).outcome == "dkim-missing"
    revoked = await run(dns, "a@good.test", "revoked")
    assert revoked.outcome == "dkim-missing" and findings(revoked)["dkim"] == ("error", "dkim-revoked")


async def test_domain_that_does_not_exist(dns):
    assert (await run(dns, "a@gone.test")).outcome == "domain-not-found"
    assert (await run(dns, "not an address")).outcome == "domain-not-found"


async def test_servfail_is_dns_failed(dns):
    assert (await run(dns, "a@broken.test")).outcome == "dns-failed"


async def test_silent_dns_ends_within_deadline(dns):
    started = time.monotonic()
    events = []
    outcome = await REGISTRY["domain-health"].run({"sender": "a@slow.test", "nameserver": dns.address},
                                                  deadline=1.0, on_stage=lambda *e: events.append(e[:2]))
    assert time.monotonic() - started <= longest(1.0)
    assert outcome.outcome == "deadline"
    assert ("spf", "start") in events and ("spf", "done") in events


@pytest.mark.parametrize(("record", "finding"), [
    ("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all", "spf-softfail-all"),
    ("v=spf1 ip4:192.0.2.300 -all", "spf-syntax"),
    ("v=spf1 include:a.test mx a ?all", "spf-neutral-all"),
    ("v=spf1 mx", "spf-no-all"),
    ("v=spf1 redirect=_spf.other.test", "spf-redirect"),
    ("v=spf1 foo:bar -all", "spf-syntax"),
    ("v=spf1 " + " ".join(f"include:s{i}.test" for i in range(11)) + " -all", "spf-too-many-lookups"),
    ("V=SPF1 a:mail.good.test/24 exp=explain.good.test -all", "spf-fail-all"),
])
def test_grade_spf(record, finding):
    assert grade_spf((record,)).finding == finding


def test_grade_dmarc_without_policy():
    assert grade_dmarc(("v=DMARC1; rua=mailto:x@good.test",)).finding == "dmarc-no-policy"
    assert grade_dmarc(("v=DMARC1; p=reject", "v=DMARC1; p=none")).finding == "dmarc-multiple"


def test_sender_domain():
    assert sender_domain(" Info@MojeFirma.CZ ") == "mojefirma.cz"
    assert sender_domain("mojefirma.cz") == "mojefirma.cz"
    assert sender_domain("info@") is None

"""DKIM without the message's headers: the domain check tries the providers' known default
selectors (data/providers.yaml, sourced), in parallel and within its deadline, says which it
tried, and never calls DKIM missing when it only did not guess the selector. With pasted
headers, ``explain --check-domain`` checks the selector from ``s=``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from deadlines import longest
from dns_server import dns_server

from troubleshooter.flow.probes import REGISTRY
from troubleshooter.probes.providers import dkim_selectors_to_try

KEY = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1"
ZONE = {
    "m365.test": {"TXT": ["v=spf1 include:spf.protection.outlook.com -all"]},
    "_dmarc.m365.test": {"TXT": ["v=DMARC1; p=reject"]},
    "selector2._domainkey.m365.test": {"TXT": [KEY]},
    "own.test": {"TXT": ["v=spf1 mx -all"]},
    "_dmarc.own.test": {"TXT": ["v=DMARC1; p=none"]},
    "mail2024._domainkey.own.test": {"TXT": [KEY]},
    "slowkey.test": {"TXT": ["v=spf1 mx -all"]},
    "_dmarc.slowkey.test": {"TXT": ["v=DMARC1; p=none"]},
    "google._domainkey.slowkey.test": "SILENT",
}


@pytest.fixture(scope="module")
def dns():
    with dns_server(ZONE) as server:
        yield server


def test_the_selectors_come_from_the_provider_data_with_the_domains_own_first():
    assert [s for s, _ in dkim_selectors_to_try("gmail.com")][0] == "google"
    assert {"selector1", "selector2", "google"} <= {s for s, _ in dkim_selectors_to_try("firma.test")}
    assert len(dkim_selectors_to_try("firma.test")) <= 6


async def test_a_key_under_a_providers_default_selector_is_found(dns):
    outcome = await REGISTRY["domain-health"].run({"sender": "web@m365.test", "nameserver": dns.address},
                                                  deadline=3.0)
    dkim = next(c for c in outcome.facts["checks"] if c["check"] == "dkim")
    assert (dkim["status"], dkim["finding"]) == ("ok", "dkim-ok-guessed")
    assert "selector2" in dkim["text"]["en"]
    assert outcome.outcome == "ok"


async def test_no_key_under_the_guessed_selectors_is_not_dkim_missing(dns):
    outcome = await REGISTRY["domain-health"].run({"sender": "web@own.test", "nameserver": dns.address},
                                                  deadline=3.0)
    dkim = next(c for c in outcome.facts["checks"] if c["check"] == "dkim")
    assert (dkim["status"], dkim["finding"]) == ("skipped", "dkim-not-guessed")
    assert outcome.outcome != "dkim-missing"
    for selector in ("selector1", "selector2", "google"):
        assert selector in dkim["text"]["cs"] and selector in outcome.facts["dkim_tried"]
    assert "neznamená, že DKIM chybí" in dkim["text"]["cs"]


async def test_a_silent_guess_does_not_hold_the_check_past_its_deadline(dns):
    outcome = await REGISTRY["domain-health"].run({"sender": "web@slowkey.test", "nameserver": dns.address},
                                                  deadline=1.5)
    assert outcome.elapsed <= longest(1.5)
    assert outcome.outcome in ("domain-warnings", "ok", "deadline")


def test_explain_checks_the_pasted_headers_domain_with_the_selector_from_s(dns):
    headers = "\n".join([
        "Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=own.test;",
        " dkim=pass header.d=own.test; dmarc=pass header.from=own.test",
        "DKIM-Signature: v=1; a=rsa-sha256; d=own.test; s=mail2024; h=from; bh=x; b=y",
        "Received: from www.own.test by mx.example.org",
        "From: Web <web@own.test>", ""])
    done = subprocess.run([sys.executable, "-m", "troubleshooter", "explain", "--json", "--check-domain",
                           "--dns-server", dns.address, "-"], input=headers, capture_output=True, text=True,
                          timeout=60, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind"] == "headers" and data["facts"]["dkim_selector"] == "mail2024"
    check = data["domain_check"]
    assert check["selector"] == "mail2024" and check["domain"] == "own.test"
    assert {c["check"]: c["finding"] for c in check["checks"]}["dkim"] == "dkim-ok"

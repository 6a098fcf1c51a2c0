"""Provider facts live once, in data/providers.yaml, with their source and date (issue 14
item 12, the guide's "true before clever"): a node's text shown while the provider is not
known names the rule in general words and points to the article; with the provider known
(said, checked, typed, or read from the provider's own words in a pasted message) the text
renders the fact from the data with the date it was checked."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from troubleshooter.explain.probe import probe_explain
from troubleshooter.explain.rules import rules
from troubleshooter.flow.engine import Session
from troubleshooter.flow.loader import load_flows
from troubleshooter.probes.providers import known_hosts, providers

ROOT = Path(__file__).resolve().parent.parent
FLOWS = load_flows([ROOT / "flows"]).flows
# The node, and the provider it is about by its nature (its name may be said, its facts not).
BASE_TEXTS = {
    "fix-app-password": "gmail", "fix-microsoft365": "microsoft365", "fix-auth-disabled": "microsoft365",
    "fix-sender-domain": None, "fix-certificate": None, "fix-country-block": None, "fix-daily-limit": None,
}


@pytest.mark.parametrize("node", sorted(BASE_TEXTS))
@pytest.mark.parametrize("lang", ["cs", "en"])
def test_a_base_text_restates_no_provider_fact(node, lang):
    view = Session.begin(FLOWS, "smtp", node, lang).view()
    words = view.text.get(lang).replace("Microsoft 365", "Microsoft")  # a name, not a number
    assert not re.search(r"\b20\d\d\b", words), "a date without its source"
    assert not re.search(r"\d{2,}", words), "a provider's number without its source"
    assert not [h for h in known_hosts() if h in words.lower()], "a provider's host without its source"
    named = [p.id for p in providers().values()
             if p.id != BASE_TEXTS[node] and re.search(rf"\b{re.escape(p.name.split()[0])}\b", words, re.I)]
    assert not named, f"names {named}: their facts come from the data, with the provider known"
    assert view.article, "the article is where the rule is said in full"


@pytest.mark.parametrize(("message", "provider", "node", "dated"), [
    ("SMTP Error: Could not authenticate. SMTP server error: Password command failed Detail: Basic "
     "authentication is not supported for Client Submission SMTP code: 550 Additional SMTP info: 5.7.30",
     "microsoft365", "fix-auth-disabled", "(checked 3 December 2026)"),
    ("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.",
     "microsoft365", "fix-auth-disabled", "(checked 3 December 2026)"),
    ("534-5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor",
     "gmail", "fix-app-password", "(checked 3 December 2026)"),
    ("The following From address failed: info@firma.cz : MAIL FROM command failed,5.1.0 <> sender rejected "
     "GeoIP,550,SMTP server error", "forpsi", "fix-country-block", "(checked 3 December 2026)"),
])
def test_a_pasted_message_in_the_providers_own_words_brings_its_dated_facts(message, provider, node, dated):
    session = Session.begin(FLOWS, "smtp", "paste-message", "en")
    session.submit(message)
    outcome = asyncio.run(probe_explain(session.probe_arguments()))
    assert outcome.facts["provider"] == provider
    session.record_probe(outcome)
    assert session.current.node == node and session.provider_id == provider
    assert dated in session.view().text.en


def test_a_message_that_is_no_providers_own_words_names_none():
    session = Session.begin(FLOWS, "smtp", "paste-message", "en")
    session.submit("SMTP Error: Could not authenticate.")
    outcome = asyncio.run(probe_explain(session.probe_arguments()))
    assert "provider" not in outcome.facts


def test_a_red_message_rule_names_only_providers_the_data_knows():
    assert {r.provider for r in rules() if r.provider} <= set(providers())


def test_a_country_refusal_links_the_article_of_the_provider_who_refused():
    session = Session.begin(FLOWS, "smtp", "paste-message", "cs")
    session.submit("550 5.1.0 <> sender rejected GeoIP")
    session.record_probe(asyncio.run(probe_explain(session.probe_arguments())))
    view = session.view()
    assert session.current.node == "fix-country-block"
    assert "Forpsi" in view.text.cs and view.article == "provider-forpsi"

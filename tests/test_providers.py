"""Provider data: facts with sources, look-ups by domain, MX and host, typo suggestions, comparison."""

from __future__ import annotations

import pytest
from dns_server import dns_server

from troubleshooter.i18n import tr
from troubleshooter.probes.dns import DnsClient
from troubleshooter.probes.providers import (
    compare,
    known_hosts,
    provider_for_domain,
    provider_for_host,
    provider_for_mx,
    providers,
    suggest_hosts,
)


def test_every_entry_has_a_source_and_valid_fields():
    for provider in providers().values():
        assert provider.source and provider.fact.checked, provider.id
        for fact in (*(s.fact for s in provider.outgoing), *(r.fact for r in provider.rules)):
            assert fact.source and fact.checked, provider.id
        for server in provider.outgoing:
            assert server.socket_type in ("SSL", "STARTTLS", "plain")
            assert server.username in ("%EMAILADDRESS%", "%EMAILLOCALPART%")
            assert 0 < server.port < 65536


def test_published_facts():
    seznam = provider_for_domain("email.cz")
    assert seznam is not None and seznam.id == "seznam"
    published = [(s.hostname, s.port, s.security_choice) for s in seznam.outgoing]
    assert published == [("smtp.seznam.cz", 465, "ssl")]
    assert provider_for_domain("Info@Post.CZ").id == "seznam"
    assert provider_for_domain("gmail.com").outgoing[0].wants_oauth_first
    assert provider_for_domain("web.de").outgoing[0].username_for("jan@web.de") == "jan"
    assert provider_for_domain("mojefirma.cz") is None


def test_provider_without_published_host_has_no_guess():
    wedos = providers()["wedos"]
    assert wedos.outgoing == () and wedos.rule("daily-limit") is not None
    assert compare(wedos, host="smtp.wedos.cz", port=465, security="ssl") == []


def test_provider_for_mx_suffix_and_mx_domain():
    google = provider_for_mx(["aspmx.l.google.com"])
    assert google is not None and (google.provider.id, google.via) == ("gmail", "mx")
    seznam = provider_for_mx(["mx1.seznam.cz.", "mx2.seznam.cz"])
    assert seznam is not None and (seznam.provider.id, seznam.via) == ("seznam", "mx-domain")
    assert provider_for_mx(["mx.mojefirma.test"]) is None
    assert provider_for_mx([]) is None


async def test_custom_domain_recognised_through_loopback_mx():
    zone = {"mojefirma.test": {"MX": [(10, "aspmx.l.google.com.")]}}
    with dns_server(zone) as dns:
        answer = await DnsClient(dns.address).mx("mojefirma.test")
    match = provider_for_mx(answer.mx_hosts())
    assert match is not None and match.provider.id == "gmail"


@pytest.mark.parametrize(("typed", "expected"), [
    ("smtp.seznan.cz", "smtp.seznam.cz"),
    ("smtp.seznam.com", "smtp.seznam.cz"),
    ("smtp.gmail.cz", "smtp.gmail.com"),
    ("SMTP.FORPSI.CZ", "smtp.forpsi.com"),
    ("seznam.cz", "smtp.seznam.cz"),
    ("smtp.offfice365.com", "smtp.office365.com"),
])
def test_suggest_hosts(typed, expected):
    assert expected in suggest_hosts(typed)


@pytest.mark.parametrize("typed", ["smtp.seznam.cz", "mail.mojefirma.test", ""])
def test_no_suggestion_for_known_or_unrelated(typed):
    assert suggest_hosts(typed) == []


def test_provider_for_host():
    assert provider_for_host("SMTP.Seznam.cz.").id == "seznam"
    assert provider_for_host("smtp.mojefirma.test") is None
    assert "smtp.office365.com" in known_hosts()


def test_compare_matches_a_published_server():
    gmail = providers()["gmail"]
    assert compare(gmail, "smtp.gmail.com", 587, "starttls") == []
    assert compare(gmail, "smtp.gmail.com", "465", "ssl") == []
    assert compare(gmail, "smtp.gmail.com", None, None) == []


def test_compare_names_the_wrong_value():
    seznam = providers()["seznam"]
    [diff] = compare(seznam, "smtp.seznam.cz", 465, "starttls")
    assert (diff.field, diff.entered, diff.expected) == ("security", "starttls", "ssl")
    [diff] = compare(seznam, "smtp.seznam.cz", 587, "ssl")
    assert (diff.field, diff.expected) == ("port", "465")
    fields = {d.field for d in compare(seznam, "smtp.seznan.cz", 587, "none")}
    assert fields == {"host", "port", "security"}
    gmail = providers()["gmail"]
    [diff] = compare(gmail, "smtp.gmail.com", 465, "starttls")  # 465 is SSL at Gmail
    assert (diff.field, diff.expected) == ("security", "ssl")


def test_compare_username_form():
    seznam = providers()["seznam"]
    [diff] = compare(seznam, username="jan", address="jan@seznam.cz")
    assert diff.field == "username" and diff.expected == "jan@seznam.cz"
    assert "jan@seznam.cz" in diff.text().cs and "jan@seznam.cz" in tr("providers.diff-username", "en",
                                                                      entered="jan", expected="jan@seznam.cz")
    assert compare(seznam, username="Jan@Seznam.cz", address="jan@seznam.cz") == []


def test_active24_prefers_the_current_server_and_keeps_the_older_one_with_its_date():
    active24 = providers()["active24"]
    current, older = active24.outgoing
    assert (current.hostname, current.current) == ("smtp.websupport.cz", True)
    assert (older.hostname, older.current) == ("email.active24.com", False)
    assert current.fact.checked and older.fact.checked and "2016" in older.fact.source
    assert compare(active24, host="smtp.websupport.cz", port=465, security="ssl") == []
    assert provider_for_host("email.active24.com") is active24


def test_login_methods_and_provider_rules():
    catalogue = providers()
    assert catalogue["gmail"].login.method == "app-password"
    m365 = catalogue["microsoft365"]
    assert m365.login.method == "admin-must-allow" and m365.login.fact.review
    assert "December 2026" in m365.rule("basic-auth-off-by-default").text.en
    assert catalogue["forpsi"].rule("sender-domain") and catalogue["active24"].rule("country-block")
    assert catalogue["seznam"].rule("two-factor-app-password")

"""Whose mailbox is it (issue #13): the credentials path finds the provider from the username's
domain and, for a domain of the customer's own, from its MX records on a loopback DNS server."""

from __future__ import annotations

import pytest
from dns_server import dns_server

from troubleshooter.flow.probes import probe_spec

ZONE = {
    "firma.test": {"MX": [(0, "firma-test.mail.protection.outlook.com.")]},
    "nova-firma.test": {"MX": [(0, "nova-firma-test.a1b2c3.mx.microsoft.")]},
    "obchod.test": {"MX": [(1, "aspmx.l.google.com."), (5, "alt1.aspmx.l.google.com.")]},
    "jinde.test": {"MX": [(10, "mx1.hosting.test.")]},
}


async def _identify(args: dict[str, str], nameserver: str | None = None) -> str:
    spec = probe_spec("identify-provider")
    assert spec is not None
    if nameserver:
        args = {**args, "nameserver": nameserver}
    return (await spec.run(args, deadline=5)).outcome


@pytest.mark.parametrize(("username", "expected"), [
    ("jan@gmail.com", "provider-gmail"),
    ("jan@email.cz", "provider-seznam"),
    ("web@firma.onmicrosoft.com", "provider-microsoft365"),  # a tenant's own subdomain
    ("web@firma.test", "provider-microsoft365"),
    ("web@nova-firma.test", "provider-microsoft365"),
    ("web@obchod.test", "provider-gmail"),
    ("web@jinde.test", "provider-unknown"),
    ("web@nikde.test", "provider-unknown"),  # no MX at all
])
async def test_provider_from_domain_or_mx(username, expected):
    with dns_server(ZONE) as dns:
        assert await _identify({"username": username}, dns.address) == expected


async def test_the_sender_is_used_when_the_username_is_not_an_address():
    with dns_server(ZONE) as dns:
        assert await _identify({"username": "jan", "sender": "jan@seznam.cz"}, dns.address) == "provider-seznam"


async def test_without_an_address_it_asks():
    assert await _identify({}) == "provider-unknown"

"""DNS look-ups against a real DNS server on loopback: every status is told apart."""

from __future__ import annotations

import time

import pytest
from cancels import assert_every_cancel_is_kept
from deadlines import longest
from dns_server import dns_server

from troubleshooter.probes.dns import DnsClient, parse_nameserver, status_outcome

ZONE = {
    "example.test": {
        "MX": [(20, "mx2.example.test."), (10, "MX1.example.test.")],
        "TXT": ["v=spf1 include:_spf.example.test -all", "google-site-verification=abc"],
        "A": ["127.0.0.10"],
    },
    "smtp.example.test": {"A": ["127.0.0.11"], "AAAA": ["::1"]},
    "v4only.example.test": {"A": ["127.0.0.12"]},
    "_submissions._tcp.example.test": {"SRV": [(0, 1, 465, "smtp.example.test.")]},
    "long.example.test": {"TXT": ["v=spf1 " + " ".join(f"ip4:127.0.{i}.0/24" for i in range(40)) + " -all"]},
    "broken.test": "SERVFAIL",
    "silent.test": "SILENT",
}


@pytest.fixture(scope="module")
def server():
    with dns_server(ZONE) as srv:
        yield srv


async def test_mx_sorted_by_preference(server):
    answer = await DnsClient(server.address).mx("example.test")
    assert answer.status == "ok"
    assert answer.mx_hosts() == ["mx1.example.test", "mx2.example.test"]


async def test_txt_records_are_joined_strings(server):
    answer = await DnsClient(server.address).txt("example.test")
    assert sorted(answer.records) == ["google-site-verification=abc", "v=spf1 include:_spf.example.test -all"]


async def test_long_txt_split_in_strings_and_over_tcp(server):
    answer = await DnsClient(server.address).txt("long.example.test")
    assert answer.ok and len(answer.records[0]) > 255
    assert answer.records[0].endswith("-all")


async def test_srv(server):
    answer = await DnsClient(server.address).srv("_submissions._tcp.example.test")
    assert answer.ok
    assert (answer.srv[0].port, answer.srv[0].target) == (465, "smtp.example.test")


async def test_addresses_both_families(server):
    answer = await DnsClient(server.address).addresses("smtp.example.test")
    assert answer.ok and set(answer.records) == {"127.0.0.11", "::1"}
    v4 = await DnsClient(server.address).addresses("v4only.example.test")
    assert v4.records == ("127.0.0.12",)


async def test_ip_literal_needs_no_dns(server):
    answer = await DnsClient(server.address).addresses("127.0.0.1")
    assert answer.ok and answer.records == ("127.0.0.1",)
    assert not any(name == "127.0.0.1" for name, _ in server.queries)


async def test_nxdomain_vs_nodata(server):
    client = DnsClient(server.address)
    missing = await client.addresses("smtp.seznan.test")
    assert missing.status == "nxdomain" and status_outcome(missing.status) == "dns-not-found"
    nodata = await client.mx("smtp.example.test")
    assert nodata.status == "nodata" and nodata.found


async def test_servfail(server):
    answer = await DnsClient(server.address).mx("broken.test")
    assert answer.status == "servfail"
    assert status_outcome(answer.status) == "dns-failed"


async def test_timeout_within_deadline(server):
    started = time.monotonic()
    answer = await DnsClient(server.address, deadline=0.8).mx("silent.test")
    elapsed = time.monotonic() - started
    assert answer.status == "timeout"
    assert elapsed <= longest(0.8)


async def test_deadline_is_shared_by_lookups(server):
    client = DnsClient(server.address, deadline=0.6)
    await client.mx("silent.test")
    later = await client.mx("example.test")
    assert later.status == "timeout"  # the first look-up spent the whole budget


async def test_nobody_listening_is_a_timeout_not_an_exception():
    # A loopback port with nothing behind it: UDP gets no answer (or ICMP refusal).
    answer = await DnsClient("127.0.0.1:9", deadline=0.5).mx("example.test")
    assert answer.status in ("timeout", "error", "servfail")


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1:5353", ("127.0.0.1", 5353)),
    ("[::1]:53", ("::1", 53)),
    ("::1", ("::1", 53)),
    ("127.0.0.1", ("127.0.0.1", 53)),
])
def test_parse_nameserver(text, expected):
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["dns.example.test:53", "127.0.0.1:0", "127.0.0.1:x", "[::1]x"])
def test_parse_nameserver_rejects(text):
    with pytest.raises(ValueError):
        parse_nameserver(text)


async def test_a_cancel_as_the_answer_arrives_is_kept(server):
    """Ctrl+C or Esc pressed in the moment the DNS answer arrives stops the check there."""
    await assert_every_cancel_is_kept(lambda: DnsClient(server.address).mx("example.test"))

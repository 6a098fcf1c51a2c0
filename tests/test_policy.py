"""The served-mode target policy: what a visitor may make the server connect to.

Names are resolved by a real DNS server on loopback (tests/dns_server.py); nothing here
connects anywhere: refusals happen before any connection, and the admitted probe is a stub.
"""

from __future__ import annotations

import pytest
from cancels import assert_every_cancel_is_kept
from dns_server import dns_server

from troubleshooter.probes.policy import (
    Admission,
    AuthLedger,
    PolicyRefusal,
    TargetPolicy,
    Unresolved,
    address_kind,
    load_policy_file,
    nameserver_resolver,
    write_policy_file,
)
from troubleshooter.probes.registry import REFUSED_BY_POLICY, ProbeParam, ProbeSpec

ZONE = {
    "smtp.looks-public.test": {"A": ["127.0.0.1"]},
    "six.looks-public.test": {"AAAA": ["::1"]},
    "mapped.looks-public.test": {"AAAA": ["::ffff:7f00:1"]},
    "mixed.looks-public.test": {"A": ["127.0.0.2", "169.254.1.1"]},
}

CALLS: list[dict] = []


async def _stub_probe(args, *, deadline, on_stage):
    """Stands in for a real probe: records what the policy handed it."""
    from troubleshooter.probes.outcome import ProbeOutcome

    CALLS.append({"args": args, "deadline": deadline})
    return ProbeOutcome("stub", "ok")


STUB = ProbeSpec("stub", (ProbeParam("host"), ProbeParam("port", required=False),
                          ProbeParam("password", required=False, secret=True)),
                 frozenset({"ok", REFUSED_BY_POLICY}), _stub_probe)


@pytest.fixture(scope="module")
def dns():
    with dns_server(ZONE) as server:
        yield server


def policy_via(dns, **kwargs) -> TargetPolicy:
    return TargetPolicy(resolver=nameserver_resolver(dns.address, timeout=3.0), **kwargs)


@pytest.mark.parametrize("port", ["22", "80", "3306", "0", "465x"])
async def test_non_smtp_ports_are_refused_before_resolving(dns, port):
    asked = len(dns.queries)
    result = await policy_via(dns).admit({"host": "smtp.looks-public.test", "port": port})
    assert isinstance(result, PolicyRefusal)
    assert result.code in ("port-not-allowed", "port-invalid")
    assert len(dns.queries) == asked


async def test_configured_ports_replace_the_default_set(dns):
    policy = policy_via(dns, allowed_ports=frozenset({2525}), allow_private=True)
    assert isinstance(await policy.admit({"host": "127.0.0.1", "port": "587"}), PolicyRefusal)
    assert isinstance(await policy.admit({"host": "127.0.0.1", "port": "2525"}), Admission)


def test_port_refusal_says_which_ports_in_both_languages():
    refusal = TargetPolicy().check_port(22)
    assert refusal is not None and refusal.code == "port-not-allowed"
    assert "22" in refusal.message.cs and "25, 465, 587, 2525" in refusal.message.cs
    assert "22" in refusal.message.en and "only SMTP ports" in refusal.message.en


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
    ("192.168.1.1", "private"), ("172.16.0.1", "private"), ("169.254.10.10", "link-local"),
    ("fe80::1", "link-local"), ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"),
    ("::ffff:127.0.0.1", "loopback"), ("100.64.0.1", "not-global"), ("240.0.0.1", "private"),
])
def test_non_public_addresses_are_classified(address, kind):
    assert address_kind(address) == kind


def test_a_public_address_passes_the_classification():
    assert address_kind("8.8.8.8") is None  # classified only; nothing connects to it
    assert address_kind("2001:4860:4860::8888") is None


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "10.0.0.5", "192.168.0.10"])
async def test_loopback_and_private_literals_are_refused(dns, host):
    result = await policy_via(dns).admit({"host": host, "port": "587"})
    assert isinstance(result, PolicyRefusal) and result.code == "private-target"


@pytest.mark.parametrize("name", ["smtp.looks-public.test", "six.looks-public.test",
                                  "mapped.looks-public.test", "mixed.looks-public.test"])
async def test_a_name_that_resolves_to_loopback_is_refused(dns, name):
    result = await policy_via(dns).admit({"host": name, "port": "465"})
    assert isinstance(result, PolicyRefusal), result
    assert result.code == "private-target"
    assert name in result.message.en and "non-public address" in result.message.en
    assert name in result.message.cs and "neveřejnou adresu" in result.message.cs
    assert (name.rstrip("."), "A") in dns.queries or (name, "AAAA") in dns.queries


async def test_allow_private_lets_loopback_through_with_the_vetted_addresses(dns):
    result = await policy_via(dns, allow_private=True).admit({"host": "smtp.looks-public.test", "port": "587"})
    assert isinstance(result, Admission)
    assert result.args["addresses"] == "127.0.0.1"
    assert result.args["host"] == "smtp.looks-public.test"


async def test_a_name_that_does_not_resolve_is_a_dns_outcome_not_a_refusal(dns):
    result = await policy_via(dns).admit({"host": "missing.looks-public.test", "port": "587"})
    assert isinstance(result, Unresolved) and result.outcome == "dns-not-found"


async def test_registry_returns_refused_by_policy_without_running_the_probe(dns):
    CALLS.clear()
    outcome = await STUB.run({"host": "smtp.looks-public.test", "port": "587"}, policy=policy_via(dns))
    assert outcome.outcome == REFUSED_BY_POLICY and outcome.stage == "policy"
    assert outcome.facts["policy"] == "private-target"
    assert set(outcome.facts["message"]) == {"cs", "en"}
    assert CALLS == []


async def test_registry_hands_the_probe_vetted_addresses_and_the_policy_deadline(dns):
    CALLS.clear()
    policy = policy_via(dns, allow_private=True, deadline=3.0)
    outcome = await STUB.run({"host": "six.looks-public.test", "port": "25"}, deadline=10, policy=policy)
    assert outcome.outcome == "ok"
    assert CALLS[0]["args"]["addresses"] == "::1"
    assert CALLS[0]["deadline"] <= 3.0


async def test_registry_without_policy_runs_the_probe_untouched():
    CALLS.clear()
    await STUB.run({"host": "127.0.0.1", "port": "22"})
    assert CALLS[0]["args"] == {"host": "127.0.0.1", "port": "22"}


async def test_registry_reports_an_unresolvable_name_without_a_second_lookup(dns):
    CALLS.clear()
    outcome = await STUB.run({"host": "missing.looks-public.test", "port": "587"}, policy=policy_via(dns))
    assert outcome.outcome == "dns-not-found" and outcome.stage == "dns"
    assert CALLS == []


async def test_a_cancel_as_the_policy_or_the_probe_ends_is_kept(dns):
    """Esc pressed in the moment the policy's answer or the probe's outcome arrives stops the check."""
    refused = {"host": "smtp.looks-public.test", "port": "587"}
    await assert_every_cancel_is_kept(lambda: STUB.run(refused, policy=policy_via(dns)))
    admitted = policy_via(dns, allow_private=True)
    await assert_every_cancel_is_kept(lambda: STUB.run(refused, policy=admitted))


async def test_auth_attempts_are_capped_per_session(dns):
    policy = policy_via(dns, allow_private=True, max_auth_per_session=2)
    login = {"host": "127.0.0.1", "port": "587", "username": "a@b.test", "password": "wrong"}
    assert isinstance(await policy.admit(login), Admission)
    assert isinstance(await policy.admit({**login, "host": "::1"}), Admission)
    third = await policy.admit(login)
    assert isinstance(third, PolicyRefusal) and third.code == "auth-limit-session"
    assert "2 pokusů o přihlášení" in third.message.cs and "lock the mailbox" in third.message.en
    # A probe without a password is no login attempt and still runs.
    assert isinstance(await policy.admit({"host": "127.0.0.1", "port": "587"}), Admission)


async def test_a_refused_target_does_not_use_up_a_login_attempt(dns):
    policy = policy_via(dns, max_auth_per_session=1)
    login = {"host": "127.0.0.1", "port": "587", "username": "a@b.test", "password": "x"}
    for _ in range(3):
        assert (await policy.admit(login)).code == "private-target"
    assert policy.auth_attempts == 0


async def test_auth_attempts_are_capped_per_server_across_sessions(dns, tmp_path):
    ledger_file = tmp_path / "ledger.json"

    def session() -> TargetPolicy:  # each served session is its own process with its own policy
        return policy_via(dns, allow_private=True, max_auth_per_session=10, max_auth_per_server=3,
                          ledger=AuthLedger(ledger_file))

    login = {"host": "SMTP.looks-public.test", "port": "465", "username": "u", "password": "p"}
    first, second = session(), session()
    assert isinstance(await first.admit(login), Admission)
    assert isinstance(await first.admit(login), Admission)
    assert isinstance(await second.admit(login), Admission)
    refused = await second.admit({**login, "host": "smtp.looks-public.test"})
    assert isinstance(refused, PolicyRefusal) and refused.code == "auth-limit-server"
    assert "smtp.looks-public.test" in refused.message.en and "3" in refused.message.cs
    # Another server still has its own budget.
    assert isinstance(await second.admit({**login, "host": "six.looks-public.test"}), Admission)


def test_the_server_ledger_forgets_attempts_after_its_window(tmp_path):
    ledger = AuthLedger(tmp_path / "ledger.json", window=60)
    assert ledger.take("smtp.x.test", 1, now=1000.0)
    assert not ledger.take("smtp.x.test", 1, now=1059.0)
    assert ledger.take("smtp.x.test", 1, now=1061.0)


async def test_the_policy_file_round_trips(dns, tmp_path):
    policy = TargetPolicy(allowed_ports=frozenset({587}), max_auth_per_session=1, max_auth_per_server=4,
                          deadline=7.5)
    write_policy_file(tmp_path / "p.json", policy, dns_server=dns.address, ledger=tmp_path / "l.json")
    loaded = load_policy_file(tmp_path / "p.json")
    assert loaded.allowed_ports == {587} and not loaded.allow_private
    assert (loaded.max_auth_per_session, loaded.max_auth_per_server, loaded.deadline) == (1, 4, 7.5)
    assert loaded.ledger.path == tmp_path / "l.json"
    refused = await loaded.admit({"host": "smtp.looks-public.test", "port": "587"})
    assert isinstance(refused, PolicyRefusal) and refused.code == "private-target"


async def test_served_settings_finder_vets_every_candidate_it_finds():
    """The finder takes its targets from provider data, DNS and autoconfig files a visitor's
    domain controls: under the policy each one is vetted, and no login is attempted."""
    from troubleshooter.flow.probes import probe_spec

    spec = probe_spec("find-settings")
    # Checked first: without the policy the finder would look the shipped host up for real.
    assert spec is not None and spec.vets_targets
    zone = {"smtp.seznam.cz": {"A": ["127.0.0.1"]}}
    with dns_server(zone) as dns:
        policy = TargetPolicy(resolver=nameserver_resolver(dns.address, timeout=3.0))
        outcome = await spec.run(
            {"sender": "jan@seznam.cz", "password": "not-sent"}, deadline=5.0, policy=policy)
    checked = outcome.facts["checked"]
    # the provider data's values are still shown, as not verified from here (issue 14)
    assert outcome.outcome == "found-unverified" and outcome.facts["card"]["verified"] is False
    assert checked and {c["outcome"] for c in checked} == {REFUSED_BY_POLICY}
    assert "127.0.0.1" in checked[0]["detail"]
    assert policy.auth_attempts == 0


@pytest.mark.parametrize(("address", "kind"), [
    ("2002:7f00:1::", "loopback"), ("2002:7f00:1:0:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", "private"), ("2002:a00:5::", "private"),       # 6to4 of 192.168.1.1, 10.0.0.5
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),               # Teredo, client 127.0.0.1
    ("64:ff9b::7f00:1", "loopback"), ("64:ff9b::a00:1", "private"),     # NAT64
    ("::ffff:10.0.0.1", "private"),
    ("fec0::1", "site-local"), ("feff:ffff::1", "site-local"),          # deprecated site-local
])
def test_wrapped_ipv4_and_site_local_addresses_are_refused(address, kind):
    assert address_kind(address) == kind


def test_wrapped_public_addresses_pass():
    assert address_kind("2002:808:808::1") is None    # 6to4 of 8.8.8.8
    assert address_kind("64:ff9b::808:808") is None   # what DNS64 hands an IPv6-only network


async def test_every_port_of_a_port_sweep_goes_through_the_policy(dns):
    policy = policy_via(dns, allow_private=True)
    for ports in ("587,22", "22", "465, 80", "6379"):
        refused = await policy.admit({"host": "smtp.looks-public.test", "ports": ports})
        assert isinstance(refused, PolicyRefusal) and refused.code == "port-not-allowed", ports
    assert isinstance(await policy.admit({"host": "smtp.looks-public.test", "ports": "587,465"}), Admission)


# A value for each kind of target parameter that the default policy must refuse.
HOSTILE_TARGETS = {"host": "127.0.0.1", "port": "22", "ports": "587,6379", "nameserver": "127.0.0.1:5353"}


def test_every_registered_probe_parameter_is_known_to_the_policy():
    """A new parameter must be classified: it names a target (and is vetted) or it does not."""
    from troubleshooter.flow.probes import REGISTRY
    from troubleshooter.probes.policy import NOT_TARGETS, TARGET_PARAMS

    for spec in REGISTRY.values():
        for param in spec.params:
            assert spec.vets_targets or param.name in TARGET_PARAMS or param.name in NOT_TARGETS, \
                f"{spec.name}.{param.name}: does it name a target? add it to TARGET_PARAMS or NOT_TARGETS"
    assert set(HOSTILE_TARGETS) == set(TARGET_PARAMS)


@pytest.mark.parametrize("probe", [name for name, spec in
                                   __import__("troubleshooter.flow.probes", fromlist=["REGISTRY"])
                                   .REGISTRY.items() if not spec.vets_targets])
async def test_each_target_parameter_of_each_probe_is_vetted(dns, probe):
    """Walk the probe's parameters: each one naming a target, given a hostile value, stops the
    probe before it runs (the probe's other arguments are harmless)."""
    from troubleshooter.flow.probes import REGISTRY
    from troubleshooter.probes.policy import TARGET_PARAMS

    spec = REGISTRY[probe]
    safe = {"host": "", "port": "", "ports": "", "nameserver": "", "sender": "web@example.test",
            "message": "535 5.7.8", "username": "u", "password": ""}
    for param in spec.params:
        if param.name not in TARGET_PARAMS:
            continue
        args = {p.name: safe.get(p.name, "") for p in spec.params}
        args[param.name] = HOSTILE_TARGETS[param.name]
        if param.name in ("port", "ports"):
            args["host"] = "smtp.looks-public.test"
        outcome = await spec.run(args, deadline=3, policy=policy_via(dns, allow_private=param.name != "host"))
        assert outcome.outcome == REFUSED_BY_POLICY, (probe, param.name, outcome)


async def test_the_login_cap_counts_the_resolved_address_as_the_same_server(dns):
    """Capped by name, the server's IP literal (or another name for it) gets no fresh budget."""
    policy = policy_via(dns, allow_private=True, max_auth_per_session=50, max_auth_per_server=2)
    login = {"host": "smtp.looks-public.test", "port": "465", "username": "u", "password": "p"}
    assert isinstance(await policy.admit(login), Admission)
    assert isinstance(await policy.admit(login), Admission)
    for other in ("127.0.0.1", "SMTP.looks-public.test."):
        refused = await policy.admit({**login, "host": other})
        assert isinstance(refused, PolicyRefusal) and refused.code == "auth-limit-server", other


async def test_the_login_cap_is_per_visitor_across_conversations(dns):
    """A reload starts a new conversation (a new policy copy) but not a new budget."""
    from dataclasses import replace

    served = policy_via(dns, allow_private=True, max_auth_per_session=2, max_auth_per_server=100)
    login = {"host": "127.0.0.1", "port": "587", "username": "u", "password": "p"}
    first, reloaded = replace(served, visitor="203.0.113.7"), replace(served, visitor="203.0.113.7")
    assert isinstance(await first.admit(login), Admission)
    assert isinstance(await first.admit(login), Admission)
    refused = await reloaded.admit(login)
    assert isinstance(refused, PolicyRefusal) and refused.code == "auth-limit-session"
    assert "new conversation" not in refused.message.en and "nový rozhovor" not in refused.message.cs
    assert isinstance(await replace(served, visitor="198.51.100.9").admit(login), Admission)


def test_x_forwarded_for_names_the_visitor_only_behind_a_trusted_proxy():
    from troubleshooter.probes.policy import visitor_address

    proxy = frozenset({"10.0.0.2"})
    assert visitor_address("198.51.100.1", "203.0.113.7", frozenset()) == "198.51.100.1"
    assert visitor_address("198.51.100.1", "203.0.113.7", proxy) == "198.51.100.1"  # not the proxy
    assert visitor_address("10.0.0.2", "203.0.113.7", proxy) == "203.0.113.7"
    # a visitor's own X-Forwarded-For is prepended to by the proxy: the last hop counts
    assert visitor_address("10.0.0.2", "1.2.3.4, 203.0.113.7", proxy) == "203.0.113.7"
    assert visitor_address("10.0.0.2", None, proxy) == "10.0.0.2"


@pytest.mark.parametrize("content", ["{not json", '{"smtp.x.test": "many"}', "[]"])
def test_a_corrupted_ledger_file_refuses_instead_of_resetting(tmp_path, content):
    path = tmp_path / "ledger.json"
    path.write_text(content, encoding="utf-8")
    assert not AuthLedger(path).take("smtp.x.test", 20)
    assert path.read_text(encoding="utf-8") == content  # left for the operator to look at


async def test_served_probes_ask_the_configured_dns_server_only():
    """serve --dns-server: the settings finder's SRV/MX questions and domain-health's go there."""
    from troubleshooter.flow.probes import REGISTRY

    zone = {"nowhere-provider.test": {"MX": [(10, "mx.nowhere-provider.test")]},
            "mx.nowhere-provider.test": {"A": ["127.0.0.1"]}}
    with dns_server(zone) as dns:
        policy = TargetPolicy(resolver=nameserver_resolver(dns.address, timeout=3.0), dns_server=dns.address)
        for probe in ("find-settings", "domain-health"):
            await REGISTRY[probe].run({"sender": "jan@nowhere-provider.test"}, deadline=5.0, policy=policy)
        asked = {(name.rstrip("."), kind) for name, kind in dns.queries}
    assert ("nowhere-provider.test", "MX") in asked
    assert ("_submissions._tcp.nowhere-provider.test", "SRV") in asked
    assert ("nowhere-provider.test", "TXT") in asked or ("_dmarc.nowhere-provider.test", "TXT") in asked

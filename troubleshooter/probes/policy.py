"""What a served probe may connect to: checked before any connection is made.

Served (``troubleshooter serve``), any visitor can make the server open connections, so
a probe runs under a :class:`TargetPolicy`: SMTP ports only, no loopback, private,
link-local, multicast or otherwise non-public targets (checked on the addresses the name
resolves to, so a public-looking name that resolves to 127.0.0.1 is refused too), a cap on
AUTH attempts per session and per target server (a wrong password retried in a loop can
lock a mailbox), and a cap on the probe deadline. The probes themselves know nothing of
this: :meth:`troubleshooter.probes.registry.ProbeSpec.run` asks :meth:`TargetPolicy.admit`
first. A refusal is a :class:`PolicyRefusal` whose message is in both languages.

Time of check vs time of use: the probe resolves the name again, and DNS may answer
differently the second time (rebinding). The vetted addresses are therefore handed to the
probe in the ``addresses`` argument (comma-separated); a probe that honours it connects
only to those. A probe that ignores it leaves that residual risk.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import socket
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from troubleshooter.i18n import Text, text
from troubleshooter.portable import locked
from troubleshooter.probes.security import security_mode

SMTP_PORTS: frozenset[int] = frozenset({25, 465, 587, 2525})
ADDRESSES_ARG = "addresses"  # vetted addresses handed to the probe (comma-separated)

# How the policy reads every probe parameter (a test walks the registry against these two): the
# ones that name a place the server would connect to, and the ones that name none. A probe
# with ``vets_targets`` (the settings finder) is handed the policy and vets what it finds.
TARGET_PARAMS: dict[str, str] = {"host": "host", "port": "port", "ports": "ports", "nameserver": "nameserver"}
NOT_TARGETS: frozenset[str] = frozenset({"security", "username", "password", "sender", "recipient",
                                         "message", "dkim_selector", "provider"})

# name, port -> addresses; raises LookupError(outcome id) when the name does not resolve.
Resolver = Callable[[str, int], Awaitable[list[str]]]


class Unresolved(LookupError):
    """The name did not resolve; ``outcome`` is ``dns-not-found`` or ``dns-failed``."""

    def __init__(self, outcome: str, detail: str = "") -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PolicyRefusal:
    """Why a probe was not run; ``code`` is stable, ``message`` is what the visitor reads."""

    code: str  # port-not-allowed, port-invalid, private-target, auth-limit-session, auth-limit-server
    message: Text

    def facts(self) -> dict[str, object]:
        return {"policy": self.code, "message": self.message.to_json()}


@dataclass(frozen=True, slots=True)
class Admission:
    """The policy let the probe run: with these arguments (vetted addresses added)."""

    args: dict[str, str]


async def system_resolver(host: str, port: int) -> list[str]:
    """The system resolver (``getaddrinfo``: /etc/hosts, then DNS), as ``asyncio`` connections use."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        missing = exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5))
        raise Unresolved("dns-not-found" if missing else "dns-failed", str(exc)) from None
    except (OSError, UnicodeError) as exc:
        raise Unresolved("dns-failed", str(exc)) from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def nameserver_resolver(nameserver: str, timeout: float = 5.0) -> Resolver:
    """A resolver asking only ``nameserver`` ("HOST:PORT"), for ``--dns-server`` and tests."""

    async def resolve(host: str, port: int) -> list[str]:
        from troubleshooter.probes.dns import DnsClient, status_outcome

        answer = await DnsClient(nameserver=nameserver, deadline=timeout).addresses(host)
        if not answer.ok:
            raise Unresolved(status_outcome(answer.status), answer.detail)
        return list(answer.records)

    return resolve


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: the last 32 bits are the IPv4 address


def _embedded(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries and a packet to it would reach: IPv4-mapped,
    6to4 (2002::/16), Teredo (2001::/32: the server and the de-obfuscated client), NAT64."""
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def address_kind(address: str) -> str | None:
    """Why an address is not a public target (``loopback``, ``private``, ``site-local``, …),
    None if it is public. An IPv6 address that wraps an IPv4 one (mapped, 6to4, Teredo,
    NAT64) is judged by what it wraps as well: 2002:7f00:1:: reaches 127.0.0.1."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in _embedded(ip):
            if kind := address_kind(str(inner)):
                return kind
        if ip.ipv4_mapped is not None or ip in _NAT64:  # DNS64 gives public hosts these forms
            return None
        if ip.is_site_local:  # fec0::/10, deprecated (RFC 3879) yet routed inside some networks
            return "site-local"
    for kind, hit in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("not-global", not ip.is_global),
    ):
        if hit:
            return kind
    return None


def _private_message(host: str, address: str, kind: str) -> Text:
    """The refusal text, with the kind of address named in each language."""
    kind_text = text(f"policy.kind.{kind}")
    whole = text("policy.private-target", host=host, address=address, kind="{kind}")
    return Text(whole.cs.replace("{kind}", kind_text.cs), whole.en.replace("{kind}", kind_text.en))


def _counts(data: object) -> dict[str, list[float]]:
    """The ledger file's content, checked: server -> attempt times; ValueError otherwise."""
    if not isinstance(data, dict) or not all(
            isinstance(times, list) and all(isinstance(t, int | float) for t in times)
            for times in data.values()):
        raise ValueError("not a ledger")
    return data


class AuthLedger:
    """AUTH attempts per target server within a time window, shared by every session.

    Each served session is its own process, so the counts live in a small JSON file that
    is locked while read and written; without a path the counts stay in this process.
    """

    def __init__(self, path: Path | None = None, window: float = 3600.0) -> None:
        self.path = path
        self.window = window
        self._memory: dict[str, list[float]] = {}

    def take(self, server: str, limit: int, now: float | None = None) -> bool:
        """Record one attempt on ``server`` unless ``limit`` attempts are already in the window."""
        return self.take_all({server: limit}, now) is None

    def take_all(self, limits: Mapping[str, int], now: float | None = None) -> str | None:
        """Record one attempt under every key unless one of them is at its limit: then nothing
        is recorded and that key comes back. A ledger file that cannot be read refuses all."""
        now = time.time() if now is None else now
        if self.path is None:
            return self._take(self._memory, limits, now)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as handle, locked(handle):
            try:
                counts = _counts(json.loads(handle.read() or "{}"))
            except ValueError:  # a torn or tampered file: refuse rather than start again from zero
                return next(iter(limits), "")
            refused = self._take(counts, limits, now)
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(counts))
            return refused

    def _take(self, counts: dict[str, list[float]], limits: Mapping[str, int], now: float) -> str | None:
        for key in list(counts):
            counts[key] = [t for t in counts[key] if now - t < self.window]
            if not counts[key]:
                del counts[key]
        for key, limit in limits.items():
            if len(counts.get(key, ())) >= limit:
                return key
        for key in limits:
            counts.setdefault(key, []).append(now)
        return None


@dataclass
class TargetPolicy:
    """The rules a served probe runs under; one instance per session (process)."""

    allowed_ports: frozenset[int] = SMTP_PORTS
    allow_private: bool = False
    max_auth_per_session: int = 5
    max_auth_per_server: int = 20
    deadline: float = 10.0
    resolver: Resolver = system_resolver
    ledger: AuthLedger = field(default_factory=AuthLedger)
    dns_server: str | None = None  # ``serve --dns-server``: every DNS question a probe asks goes there
    # Who is asking (the web front end sets it per visitor, see :func:`visitor_address`): the
    # login cap counts per visitor over the ledger's window, so a reload starts no new budget.
    visitor: str = ""
    trusted_proxies: frozenset[str] = frozenset()  # ``serve --trusted-proxy``: X-Forwarded-For believed
    auth_attempts: int = field(default=0, init=False)

    def check_port(self, port: object) -> PolicyRefusal | None:
        allowed = ", ".join(str(p) for p in sorted(self.allowed_ports))
        try:
            number = int(str(port).strip())
        except ValueError:
            return PolicyRefusal("port-invalid", text("policy.port-invalid", port=port))
        if number not in self.allowed_ports:
            return PolicyRefusal("port-not-allowed", text("policy.port-not-allowed", port=number,
                                                          allowed=allowed))
        return None

    async def vet(self, host: str, port: int) -> list[str] | PolicyRefusal:
        """The addresses ``host`` resolves to, or a refusal; raises :class:`Unresolved`."""
        refusal = self.check_port(port)
        if refusal:
            return refusal
        return await self.vet_host(host, port)

    async def vet_host(self, host: str, port: int) -> list[str] | PolicyRefusal:
        """The addresses ``host`` resolves to unless one is private or loopback (any port: the
        settings finder also fetches autoconfig files over HTTPS); raises :class:`Unresolved`."""
        addresses = await self.resolver(host.strip().strip("[]"), port)
        if not self.allow_private:
            for address in addresses:
                kind = address_kind(address)
                if kind:
                    return PolicyRefusal("private-target", _private_message(host, address, kind))
        return addresses

    async def check_target(self, host: str, port: int) -> PolicyRefusal | None:
        """None when ``host:port`` may be probed; an unresolvable name is left to the probe."""
        try:
            found = await self.vet(host, port)
        except Unresolved:
            return None
        return found if isinstance(found, PolicyRefusal) else None

    def take_auth_attempt(self, server: str, addresses: list[str] | tuple[str, ...] = (),
                          ) -> PolicyRefusal | None:
        """Count one AUTH attempt on ``server`` (by its name and by every address it resolved to:
        the IP literal of a capped server is the same server), or refuse when a limit is
        reached: per visitor (over the ledger's window) or, without a visitor, per session."""
        limit = self.max_auth_per_session
        refused_here = PolicyRefusal("auth-limit-session", text("policy.auth-limit-session", limit=limit))
        if self.auth_attempts >= limit:
            return refused_here
        name = server.strip().strip("[]").rstrip(".").lower()
        keys = list(dict.fromkeys([name, *(a.split("%", 1)[0].lower() for a in addresses)]))
        visitor = [f"visitor:{self.visitor}"] if self.visitor else []
        refused = self.ledger.take_all({**{key: self.max_auth_per_server for key in keys},
                                        **{key: limit for key in visitor}})
        if refused is not None:
            if refused in visitor:
                return refused_here
            return PolicyRefusal("auth-limit-server", text("policy.auth-limit-server", host=name,
                                                           limit=self.max_auth_per_server))
        self.auth_attempts += 1
        return None

    async def _check_nameserver(self, nameserver: str) -> PolicyRefusal | None:
        """A DNS server a probe would ask ("HOST" or "HOST:PORT"): port 53 and a public address."""
        host, _, port = nameserver.rpartition(":") if nameserver.count(":") == 1 else (nameserver, "", "53")
        host = host.strip("[]")
        if (port or "53") != "53":
            return PolicyRefusal("port-not-allowed", text("policy.port-not-allowed", port=port, allowed="53"))
        try:
            found = await self.vet_host(host, 53)
        except Unresolved:
            return PolicyRefusal("port-invalid", text("policy.port-invalid", port=nameserver))
        return found if isinstance(found, PolicyRefusal) else None

    async def admit(self, args: Mapping[str, str]) -> Admission | PolicyRefusal | Unresolved:
        """Check a probe's arguments before it runs.

        Probes with a ``host`` connect to it: its port and addresses are checked and the
        vetted addresses are added to the arguments. Probes given a password log in: one
        AUTH attempt is counted, only once the target itself was allowed. A name that does
        not resolve comes back as :class:`Unresolved` so the caller reports a DNS outcome
        without the probe resolving it again (a second answer could differ).
        """
        admitted = dict(args)
        host = str(args.get("host") or "").strip()
        for port_text in str(args.get("ports") or "").replace(" ", ",").split(","):  # the port sweep
            if port_text.strip() and (refusal := self.check_port(port_text)):
                return refusal
        if nameserver := str(args.get("nameserver") or "").strip():
            refusal = await self._check_nameserver(nameserver)
            if refusal:
                return refusal
        if host:
            port = args.get("port") or (465 if security_mode(args.get("security")) == "tls" else 587)
            refusal = self.check_port(port)
            if refusal:
                return refusal
            try:
                found = await self.vet(host, int(str(port).strip()))
            except Unresolved as unresolved:
                return unresolved
            if isinstance(found, PolicyRefusal):
                return found
            admitted[ADDRESSES_ARG] = ",".join(found)
        if host and str(args.get("password") or ""):
            refusal = self.take_auth_attempt(host, admitted[ADDRESSES_ARG].split(","))
            if refusal:
                return refusal
        return Admission(admitted)


def visitor_address(peer: str | None, forwarded_for: str | None, trusted_proxies: frozenset[str]) -> str:
    """Who a web request comes from: the peer's address, or, when the peer is a trusted
    reverse proxy (``serve --trusted-proxy``), the last address in ``X-Forwarded-For`` that is
    not one of the trusted proxies (a visitor can prepend anything to that header)."""
    peer = (peer or "").strip()
    if peer not in trusted_proxies or not forwarded_for:
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if hop and hop not in trusted_proxies:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # not an address: the proxy's own budget, not a made-up visitor
                return peer
    return peer


def write_policy_file(path: Path, policy: TargetPolicy, *, dns_server: str | None, ledger: Path) -> None:
    """What ``troubleshooter serve`` hands each session (``--served PATH``): no secrets in it."""
    path.write_text(json.dumps({
        "allowed_ports": sorted(policy.allowed_ports),
        "allow_private": policy.allow_private,
        "max_auth_per_session": policy.max_auth_per_session,
        "max_auth_per_server": policy.max_auth_per_server,
        "auth_window": policy.ledger.window,
        "deadline": policy.deadline,
        "dns_server": dns_server,
        "ledger": str(ledger),
    }, indent=2), encoding="utf-8")


def load_policy_file(path: str | Path) -> TargetPolicy:
    """The policy of one served session; its AUTH counts per server are shared through the ledger."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    dns_server = data.get("dns_server")
    return TargetPolicy(
        allowed_ports=frozenset(int(p) for p in data["allowed_ports"]),
        allow_private=bool(data["allow_private"]),
        max_auth_per_session=int(data["max_auth_per_session"]),
        max_auth_per_server=int(data["max_auth_per_server"]),
        deadline=float(data["deadline"]),
        resolver=nameserver_resolver(dns_server) if dns_server else system_resolver,
        ledger=AuthLedger(Path(data["ledger"]), float(data["auth_window"])),
        dns_server=dns_server,
    )

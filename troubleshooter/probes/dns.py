"""DNS look-ups for the probes and the settings finder: typed answers under a total deadline.

A wrong host name (NXDOMAIN), a name without the asked record (NODATA), a broken
resolver (SERVFAIL) and a resolver that never answers (timeout) need different advice,
so :class:`DnsAnswer` keeps them apart instead of raising. :class:`DnsClient` shares one
deadline across all its look-ups, so a probe that asks MX, TXT and A in turn still ends
in time. ``nameserver="HOST:PORT"`` points it at a chosen server (tests, ``--dns-server``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass, field
from typing import Literal

import dns.asyncresolver
import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver
import dns.rrset

from troubleshooter.probes.smtp_session import Deadline, DeadlineExceeded

DnsStatus = Literal["ok", "nxdomain", "nodata", "servfail", "timeout", "error"]

# One try per nameserver should not eat the whole deadline; dnspython retries within lifetime.
_TRY_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class MxRecord:
    preference: int
    host: str  # lower case, without the trailing dot


@dataclass(frozen=True, slots=True)
class SrvRecord:
    priority: int
    weight: int
    port: int
    target: str  # lower case, without the trailing dot; "" means "service not offered"


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """The result of one look-up; ``records`` are the answers in text form (TXT joined)."""

    name: str
    rdtype: str
    status: DnsStatus
    records: tuple[str, ...] = ()
    mx: tuple[MxRecord, ...] = ()
    srv: tuple[SrvRecord, ...] = ()
    elapsed: float = 0.0
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def found(self) -> bool:
        """The name exists (it may still lack this record type)."""
        return self.status in ("ok", "nodata")

    def mx_hosts(self) -> list[str]:
        """MX hosts, most preferred first."""
        return [r.host for r in sorted(self.mx, key=lambda r: (r.preference, r.host))]

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "type": self.rdtype, "status": self.status,
                "records": list(self.records), "elapsed": round(self.elapsed, 4), "detail": self.detail}


def parse_nameserver(value: str) -> tuple[str, int]:
    """``"127.0.0.1:5353"``, ``"[::1]:53"`` or ``"127.0.0.1"`` → (address, port).

    Raises ValueError with a readable reason; the address must be an IP literal, since a
    name would need a resolver to find the resolver.
    """
    text = value.strip()
    port = 53
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest:
            if not rest.startswith(":"):
                raise ValueError(f"expected [ADDRESS]:PORT, got {value!r}")
            port = _port(rest[1:], value)
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = _port(port_text, value)
    else:
        host = text
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"DNS server must be an IP address (HOST:PORT), got {value!r}") from None
    return host, port


def _port(text: str, whole: str) -> int:
    if not (text.isascii() and text.isdecimal()) or not 0 < int(text) < 65536:
        raise ValueError(f"invalid port in {whole!r}")
    return int(text)


def make_resolver(nameserver: str | None = None) -> dns.asyncresolver.Resolver:
    """The system resolver, or one that asks only ``nameserver`` ("HOST:PORT")."""
    if nameserver:
        host, port = parse_nameserver(nameserver)
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver(host, port)]
    else:
        try:
            resolver = dns.asyncresolver.Resolver()
        except dns.resolver.NoResolverConfiguration:
            resolver = dns.asyncresolver.Resolver(configure=False)  # look-ups then report "error"
    resolver.timeout = _TRY_TIMEOUT
    resolver.retry_servfail = False
    return resolver


def _clean(name: str) -> str:
    return name.rstrip(".").lower()


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass
class DnsClient:
    """Look-ups sharing one total deadline (seconds from creation)."""

    nameserver: str | None = None
    deadline: float = 5.0
    resolver: dns.asyncresolver.Resolver = field(init=False)
    _end: float = field(init=False)

    def __post_init__(self) -> None:
        self.resolver = make_resolver(self.nameserver)
        self._end = time.monotonic() + self.deadline

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    async def lookup(self, name: str, rdtype: str) -> DnsAnswer:
        """One look-up; never raises, never outlives the deadline."""
        started = time.monotonic()
        qname = _clean(name)
        budget = self.remaining()
        if budget <= 0:
            return DnsAnswer(qname, rdtype, "timeout", detail="deadline already spent")
        try:
            answer = await Deadline.after(budget + 0.1).run(
                self.resolver.resolve(qname + ".", rdtype, lifetime=budget, raise_on_no_answer=False,
                                      search=False),
            )
        except dns.resolver.NXDOMAIN:
            return DnsAnswer(qname, rdtype, "nxdomain", elapsed=time.monotonic() - started)
        except (dns.exception.Timeout, DeadlineExceeded):
            return DnsAnswer(qname, rdtype, "timeout", elapsed=time.monotonic() - started)
        except dns.resolver.NoNameservers as exc:
            return DnsAnswer(qname, rdtype, "servfail", elapsed=time.monotonic() - started,
                             detail=str(exc)[:200])
        except (dns.exception.DNSException, OSError, ValueError) as exc:
            return DnsAnswer(qname, rdtype, "error", elapsed=time.monotonic() - started,
                             detail=f"{type(exc).__name__}: {exc}"[:200])
        elapsed = time.monotonic() - started
        if answer.rrset is None:
            return DnsAnswer(qname, rdtype, "nodata", elapsed=elapsed)
        return _typed(qname, rdtype, answer.rrset, elapsed)

    async def mx(self, domain: str) -> DnsAnswer:
        return await self.lookup(domain, "MX")

    async def txt(self, name: str) -> DnsAnswer:
        return await self.lookup(name, "TXT")

    async def srv(self, name: str) -> DnsAnswer:
        return await self.lookup(name, "SRV")

    async def addresses(self, host: str) -> DnsAnswer:
        """A and AAAA together (rdtype "A/AAAA"): ok when either has addresses.

        An IP literal is returned as it is, without asking anybody.
        """
        if is_ip_literal(host):
            literal = host.strip("[]")
            return DnsAnswer(literal, "A/AAAA", "ok", records=(literal,))
        started = time.monotonic()
        four, six = await asyncio.gather(self.lookup(host, "A"), self.lookup(host, "AAAA"))
        records = four.records + six.records
        elapsed = time.monotonic() - started
        if records:
            return DnsAnswer(four.name, "A/AAAA", "ok", records=records, elapsed=elapsed)
        for status in ("nxdomain", "servfail", "timeout", "error"):
            if status in (four.status, six.status):
                detail = four.detail or six.detail
                return DnsAnswer(four.name, "A/AAAA", status, elapsed=elapsed, detail=detail)  # type: ignore[arg-type]
        return DnsAnswer(four.name, "A/AAAA", "nodata", elapsed=elapsed)


def _typed(qname: str, rdtype: str, rrset: dns.rrset.RRset, elapsed: float) -> DnsAnswer:
    texts: list[str] = []
    mx: list[MxRecord] = []
    srv: list[SrvRecord] = []
    for rdata in rrset:
        kind = dns.rdatatype.to_text(rdata.rdtype)
        if kind == "TXT":
            texts.append(b"".join(rdata.strings).decode("utf-8", "replace"))
        elif kind == "MX":
            mx.append(MxRecord(rdata.preference, _clean(rdata.exchange.to_text())))
            texts.append(f"{rdata.preference} {_clean(rdata.exchange.to_text())}")
        elif kind == "SRV":
            srv.append(SrvRecord(rdata.priority, rdata.weight, rdata.port, _clean(rdata.target.to_text())))
            texts.append(f"{rdata.priority} {rdata.weight} {rdata.port} {_clean(rdata.target.to_text())}")
        else:
            texts.append(_clean(rdata.to_text()) if kind == "CNAME" else rdata.to_text())
    return DnsAnswer(qname, rdtype, "ok", records=tuple(texts), mx=tuple(mx), srv=tuple(srv), elapsed=elapsed)


def status_outcome(status: DnsStatus) -> str:
    """The probe outcome for a failed host look-up: the name does not exist vs DNS is broken."""
    return "dns-not-found" if status in ("nxdomain", "nodata") else "dns-failed"

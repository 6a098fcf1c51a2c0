"""The settings finder: from a sender address to SMTP settings proven against the live server.

Mail clients (Thunderbird's account setup) taught the order: shipped provider data by the
address's domain; the provider's own autoconfig file; DNS (RFC 6186/8314 SRV records, then
MX and the provider data again for the MX host's domain); and last, guessed host names.
Each step is recorded (:class:`FinderStep`), a certain answer ends the search, and every
candidate is then checked by the SMTP probes in parallel under the one total deadline
(:mod:`troubleshooter.probes.finder_proof`). The result is a settings card in the terms of a
website's form, every value with its evidence. The entry point, :func:`find_settings`, is in
:mod:`troubleshooter.probes.find_settings`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troubleshooter.probes import autoconfig
from troubleshooter.probes.dns import DnsClient
from troubleshooter.probes.providers import (
    OutgoingServer,
    Provider,
    load_providers,
    provider_for_domain,
    provider_for_mx,
    providers,
)
from troubleshooter.probes.security import security_mode

if TYPE_CHECKING:
    from troubleshooter.probes.policy import PolicyRefusal, TargetPolicy

# source -> rank (lower is more trustworthy); also the evidence ids of the card
SOURCES = ("provider", "autoconfig", "srv", "mx", "guess")
DEFAULT_GUESS_PORTS = ((465, "tls"), (587, "starttls"))
MAX_CANDIDATES = 8
_FETCH_STATUS = {"found": "found", "none": "none", "redirect-elsewhere": "redirect"}
_AUTOCONFIG_SHARE = 0.3  # of the total deadline the autoconfig look-ups may take (at most 4 s)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One server to try: where it came from, and the provider (when known) that publishes it."""

    host: str
    port: int
    security: str  # tls (implicit, the form's "SSL"), starttls (the form's "TLS"), none
    source: str  # one of SOURCES
    source_detail: str  # provider name, URL, SRV record, MX host
    username: str = "%EMAILADDRESS%"
    authentication: tuple[str, ...] = ("password-cleartext",)
    provider_id: str = ""
    provider_article: str = ""
    checked: str = ""  # when the provider data's fact was last checked at its source (YYYY-MM-DD)

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.host, self.port, self.security)

    def label(self) -> str:
        return f"{self.host}:{self.port} {self.security}"


@dataclass(slots=True)
class FinderStep:
    """One look-up: ``step`` (provider, autoconfig, srv, mx, mx-provider, guess), what was asked,
    ``status`` (found, none, error, redirect, skipped) and the candidates or facts it gave."""

    step: str
    query: str
    status: str
    found: list[str] = field(default_factory=list)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class FinderOptions:
    """Everything a user (or a test) can point elsewhere: all of it is a command-line option."""

    nameserver: str | None = None  # --dns-server HOST:PORT; candidates are then resolved with it
    ca_file: str | None = None  # --ca-file: also trusted for HTTPS and SMTP
    providers_file: Path | None = None  # --providers FILE instead of the shipped data
    autoconfig_port: int = 443  # --autoconfig-port (self-hosted/test autoconfig servers)
    guess_ports: tuple[tuple[int, str], ...] = DEFAULT_GUESS_PORTS  # --guess-ports 465/ssl,587/starttls
    # Served mode only (not an option): every host the finder would connect to is vetted,
    # because the candidates come from DNS and files a visitor's domain controls.
    policy: TargetPolicy | None = None


def parse_guess_ports(text: str) -> tuple[tuple[int, str], ...]:
    """``"465/ssl,587/starttls,2525"`` → ((465, "tls"), (587, "starttls"), (2525, "starttls"))."""
    found: list[tuple[int, str]] = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        port_text, _, mode_text = item.partition("/")
        if not port_text.isdecimal() or not 0 < int(port_text) < 65536:
            raise ValueError(item)
        port = int(port_text)
        mode = security_mode(mode_text) if mode_text else ("tls" if port == 465 else "starttls")
        if mode in (None, "auto"):
            raise ValueError(item)
        found.append((port, str(mode)))
    if not found:
        raise ValueError(text)
    return tuple(found)


def split_address(address: str) -> tuple[str, str]:
    """(local part, domain) of a plausible address; ValueError otherwise."""
    local, at, domain = address.strip().rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    plausible = at and local and " " not in address.strip() and "." in domain
    if not plausible or not autoconfig.HOST_RE.match(domain):
        raise ValueError(address)
    return local, domain


def _from_server(server: OutgoingServer, source: str, detail: str, provider: Provider | None = None
                 ) -> Candidate:
    return Candidate(server.hostname, server.port, server.security, source, detail, server.username,
                     server.authentication, provider.id if provider else "",
                     (provider.article or "") if provider else "", server.fact.checked if provider else "")


class Search:
    """The candidate search for one address; steps are appended as they happen."""

    def __init__(self, address: str, options: FinderOptions, dns: DnsClient, end: float) -> None:
        self.address = address.strip()
        self.local, self.domain = split_address(self.address)
        self.options = options
        self.dns = dns
        self.end = end
        self.steps: list[FinderStep] = []
        self.catalogue = (load_providers(options.providers_file) if options.providers_file else providers())
        self.mx_hosts: list[str] = []
        self.refusals: dict[str, PolicyRefusal] = {}  # host -> why the policy refused it

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    async def resolve(self, host: str, port: int = 443) -> list[str] | None:
        """Addresses from the chosen DNS server; None means "let the system resolver connect".
        Under a policy, only vetted public addresses ([] when refused or unresolvable)."""
        policy = self.options.policy
        if policy is not None:
            from troubleshooter.probes.policy import PolicyRefusal, Unresolved

            try:
                vetted = await policy.vet_host(host, port)
            except Unresolved:
                return []
            if isinstance(vetted, PolicyRefusal):
                self.refusals[host] = vetted
                return []
            return vetted
        if not self.options.nameserver:
            return None
        answer = await self.dns.addresses(host)
        return list(answer.records) if answer.ok else []

    async def candidates(self) -> list[Candidate]:
        found = self.by_provider(self.domain, "provider", self.domain)
        if found:
            return found
        # autoconfig and DNS are independent: ask both at once, use them in order
        fetches = asyncio.ensure_future(self.autoconfig())
        srv = asyncio.ensure_future(asyncio.gather(
            self.dns.srv(f"_submissions._tcp.{self.domain}"), self.dns.srv(f"_submission._tcp.{self.domain}")))
        mx = asyncio.ensure_future(self.dns.mx(self.domain))
        try:
            found = await fetches
            if found:
                self.steps.append(FinderStep("srv", f"_submission(s)._tcp.{self.domain}", "skipped"))
                return found
            found = self.from_srv(*(await srv))
            if found:
                return found
            found = self.from_mx(await mx)
            if found:
                return found
            return self.guesses()
        finally:
            for task in (fetches, srv, mx):
                task.cancel()

    def by_provider(self, domain: str, step: str, query: str, mx_host: str = "") -> list[Candidate]:
        provider = provider_for_domain(domain, self.catalogue)
        if provider is None and mx_host:
            match = provider_for_mx([mx_host], self.catalogue)
            provider = match.provider if match else None
        if provider is None:
            self.steps.append(FinderStep(step, query, "none"))
            return []
        source = "provider" if step == "provider" else "mx"
        detail = provider.name if source == "provider" else f"MX {mx_host} → {provider.name}"
        found = [_from_server(s, source, detail, provider) for s in provider.outgoing]
        status = "found" if found else "none"
        note = "" if found else "the provider publishes no SMTP server"
        self.steps.append(FinderStep(step, query, status, [c.label() for c in found] or [provider.name], note))
        return found

    async def autoconfig(self) -> list[Candidate]:
        timeout = min(4.0, self.remaining() * _AUTOCONFIG_SHARE)
        for url in autoconfig.autoconfig_urls(self.domain, self.options.autoconfig_port):
            fetched = await autoconfig.fetch(url, self.address, resolve=self.resolve,
                                             ca_file=self.options.ca_file, timeout=timeout)
            status = _FETCH_STATUS.get(fetched.status, "error")
            detail = fetched.detail if not fetched.redirect else f"{fetched.redirect} ({fetched.detail})"
            found = [_from_server(s, "autoconfig", url) for s in fetched.servers]
            self.steps.append(FinderStep("autoconfig", url, status, [c.label() for c in found],
                                         f"{fetched.status}: {detail}".rstrip(": ")))
            if found:
                return found
        return []

    def from_srv(self, submissions: Any, submission: Any) -> list[Candidate]:
        found: list[Candidate] = []
        for answer, mode in ((submissions, "tls"), (submission, "starttls")):
            records = sorted(answer.srv, key=lambda r: (r.priority, -r.weight))
            usable = [r for r in records if r.target and r.port]
            for record in usable:
                found.append(Candidate(record.target, record.port, mode, "srv",
                                       f"{answer.name} SRV {record.priority} {record.weight} {record.port} "
                                       f"{record.target}"))
            self.steps.append(FinderStep("srv", answer.name, "found" if usable else
                                         ("none" if answer.found or answer.status == "nxdomain" else "error"),
                                         [c.label() for c in found if c.security == mode],
                                         "" if answer.ok else answer.status))
        return found

    def from_mx(self, answer: Any) -> list[Candidate]:
        self.mx_hosts = answer.mx_hosts()
        self.steps.append(FinderStep("mx", self.domain, "found" if self.mx_hosts else "none", self.mx_hosts[:3],
                                     "" if answer.ok else answer.status))
        if not self.mx_hosts:
            return []
        host = self.mx_hosts[0]
        mx_domain = host.split(".", 1)[1] if host.count(".") >= 2 else host
        return self.by_provider(mx_domain, "mx-provider", host, mx_host=host)

    def guesses(self) -> list[Candidate]:
        hosts = [f"smtp.{self.domain}", f"mail.{self.domain}", *self.mx_hosts[:1]]
        found = [Candidate(host, port, mode, "guess", host) for host in dict.fromkeys(hosts)
                 for port, mode in self.options.guess_ports]
        self.steps.append(FinderStep("guess", self.domain, "found", [c.label() for c in found]))
        return found


def dedupe(candidates: list[Candidate]) -> list[Candidate]:
    seen: dict[tuple[str, int, str], Candidate] = {}
    for candidate in candidates:
        seen.setdefault(candidate.key, candidate)
    return list(seen.values())[:MAX_CANDIDATES]


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    return asdict(candidate)

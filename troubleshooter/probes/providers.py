"""Known providers' published SMTP settings and rules (``data/providers.yaml``), and questions about them.

Every fact carries its source and the date it was checked (:class:`Fact`); lint reports a
fact without them, and one that is old or past its review date (``knowledge.provider_facts``).

Used by the DNS stage (close names for a host that does not exist), by the settings
finder (provider by address domain or by MX) and by flows that compare what the user
typed with what the provider publishes. The data keeps Mozilla's autoconfig field names
so entries can be compared with, or imported from, Thunderbird's ISP database.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from troubleshooter.i18n import Text, text
from troubleshooter.probes.security import SecurityMode, security_mode

SocketType = Literal["SSL", "STARTTLS", "plain"]
_SOCKET_TO_MODE: dict[str, SecurityMode] = {"SSL": "tls", "STARTTLS": "starttls", "plain": "none"}
# The flows' choice ids for encryption (choose-security): ssl / starttls / none.
_MODE_TO_CHOICE = {"tls": "ssl", "starttls": "starttls", "none": "none"}


LoginMethod = Literal["password", "app-password", "admin-must-allow", "oauth-only"]
LOGIN_METHODS: tuple[str, ...] = ("password", "app-password", "admin-must-allow", "oauth-only")


@dataclass(frozen=True, slots=True)
class Fact:
    """Where a fact comes from and when it was last compared with that source (ISO dates)."""

    source: str = ""
    checked: str = ""
    review: str = ""  # when the fact is known to need a new look (a provider's announced change)
    second_hand: bool = False  # taken over from a collection, not re-read at the source


@dataclass(frozen=True, slots=True)
class OutgoingServer:
    """One ``<outgoingServer type="smtp">`` of an autoconfig file."""

    hostname: str
    port: int
    socket_type: SocketType
    username: str = "%EMAILADDRESS%"  # or %EMAILLOCALPART%
    authentication: tuple[str, ...] = ("password-cleartext",)
    current: bool = True  # False: an older source's server that a newer one replaced
    fact: Fact = Fact()

    @property
    def security(self) -> SecurityMode:
        """As the probes name it: ``tls`` (implicit), ``starttls``, ``none``."""
        return _SOCKET_TO_MODE[self.socket_type]

    @property
    def security_choice(self) -> str:
        """As the flows' encryption question stores it: ``ssl``, ``starttls``, ``none``."""
        return _MODE_TO_CHOICE[self.security]

    @property
    def wants_oauth_first(self) -> bool:
        return bool(self.authentication) and self.authentication[0] == "OAuth2"

    def username_for(self, address: str) -> str:
        local = address.split("@", 1)[0]
        return self.username.replace("%EMAILADDRESS%", address).replace("%EMAILLOCALPART%", local)


@dataclass(frozen=True, slots=True)
class ProviderRule:
    """A known limit or trap of a provider (country block, sender domain, daily limit, …)."""

    id: str
    text: Text
    fact: Fact = Fact()


@dataclass(frozen=True, slots=True)
class Login:
    """The login method that works for a website, as the provider's sources say."""

    method: str
    fact: Fact = Fact()


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    domains: tuple[str, ...]
    outgoing: tuple[OutgoingServer, ...]  # current servers first
    mx: tuple[str, ...] = ()
    article: str | None = None
    login: Login | None = None
    rules: tuple[ProviderRule, ...] = ()
    fact: Fact = Fact()
    dkim_selectors: tuple[str, ...] = ()  # the DKIM selectors the provider signs with by default
    dkim_fact: Fact = Fact()

    @property
    def source(self) -> str:
        return self.fact.source

    @property
    def hostnames(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(server.hostname for server in self.outgoing))

    def rule(self, rule_id: str) -> ProviderRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


@dataclass(frozen=True, slots=True)
class ProviderMatch:
    """A provider recognised from MX records, and how: ``mx`` (a listed MX suffix) or
    ``mx-domain`` (the MX host lies in one of the provider's e-mail domains, Thunderbird's rule)."""

    provider: Provider
    via: Literal["mx", "mx-domain"]
    mx_host: str


def read_fact(entry: Mapping, inherited: Fact = Fact()) -> Fact:
    """The fact fields of an entry; what it does not say, it has from ``inherited`` (its provider)."""
    own = "source" in entry or "checked" in entry
    if not own:
        return inherited
    return Fact(str(entry.get("source") or ""), str(entry.get("checked") or ""),
                str(entry.get("review") or ""), bool(entry.get("second_hand", False)))


def _server(entry: dict, inherited: Fact) -> OutgoingServer:
    auth = entry.get("authentication", ["password-cleartext"])
    return OutgoingServer(
        hostname=str(entry["hostname"]).lower(),
        port=int(entry["port"]),
        socket_type=entry["socketType"],
        username=str(entry.get("username", "%EMAILADDRESS%")),
        authentication=tuple(auth if isinstance(auth, list) else [auth]),
        current=entry.get("current", True) is not False,
        fact=read_fact(entry, inherited),
    )


def load_providers(path: Path | None = None) -> dict[str, Provider]:
    """Read the provider data (the shipped file unless ``path`` is given)."""
    from troubleshooter import yamlio

    source = path or Path(__file__).parent.parent / "data" / "providers.yaml"
    data = yamlio.load(source, str(path) if path else "data/providers.yaml").data
    found: dict[str, Provider] = {}
    for provider_id, entry in (data or {}).items():
        fact = read_fact(entry)
        login = entry.get("login")
        servers = sorted((_server(s, fact) for s in entry.get("outgoing") or []), key=lambda s: not s.current)
        found[provider_id] = Provider(
            id=provider_id,
            name=str(entry["name"]),
            domains=tuple(d.lower() for d in entry.get("domains", [])),
            outgoing=tuple(servers),
            mx=tuple(m.lower().strip(".") for m in entry.get("mx", [])),
            article=entry.get("article"),
            login=(Login(str(login.get("method", "")), read_fact(login, fact))
                   if isinstance(login, dict) else None),
            rules=tuple(ProviderRule(str(r["id"]), Text(**r["text"]), read_fact(r, fact))
                        for r in entry.get("rules") or []),
            fact=fact,
            dkim_selectors=tuple(str(x) for x in (entry.get("dkim") or {}).get("selectors", [])),
            dkim_fact=read_fact(entry.get("dkim") or {}, fact),
        )
    return found


@cache
def providers() -> dict[str, Provider]:
    return load_providers()


def _norm(name: str) -> str:
    return name.strip().strip(".").lower()


def _within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def provider_for_domain(domain: str, catalogue: Mapping[str, Provider] | None = None) -> Provider | None:
    """The provider whose e-mail domains include ``domain`` (or the domain of an address).

    ``catalogue`` replaces the shipped data (the finder's ``--providers FILE``)."""
    wanted = _norm(domain.rsplit("@", 1)[-1])
    return next((p for p in (catalogue or providers()).values() if wanted in p.domains), None)


def provider_for_mx(mx_hosts: Iterable[str], catalogue: Mapping[str, Provider] | None = None
                    ) -> ProviderMatch | None:
    """The provider behind a domain's mail, from its MX hosts (most preferred first).

    A listed MX suffix wins over the weaker "MX host is in the provider's e-mail domain".
    """
    hosts = [_norm(h) for h in mx_hosts if h and _norm(h)]
    known = catalogue or providers()
    for host in hosts:
        for provider in known.values():
            if any(_within(host, suffix) for suffix in provider.mx):
                return ProviderMatch(provider, "mx", host)
    for host in hosts:
        for provider in known.values():
            if any(_within(host, domain) for domain in provider.domains):
                return ProviderMatch(provider, "mx-domain", host)
    return None


def dkim_selectors_to_try(domain: str, limit: int = 6) -> list[tuple[str, str]]:
    """(selector, provider name) to look up when no message says which selector signs the mail:
    the domain's own provider's first (gmail.com → google), then every provider's known default,
    at most ``limit`` (each is one DNS question)."""
    own = provider_for_domain(domain)
    ordered = ([own] if own else []) + [p for p in providers().values() if p is not own]
    found: dict[str, str] = {}
    for provider in ordered:
        for selector in provider.dkim_selectors:
            found.setdefault(selector, provider.name)
    return list(found.items())[:limit]


def provider_for_host(host: str) -> Provider | None:
    """The provider that publishes ``host`` as its SMTP server."""
    wanted = _norm(host)
    return next((p for p in providers().values() if wanted in p.hostnames), None)


def known_hosts() -> list[str]:
    return sorted({h for p in providers().values() for h in p.hostnames})


def suggest_hosts(host: str, limit: int = 3) -> list[str]:
    """Known SMTP host names close to ``host`` (a typo such as smtp.seznan.cz → smtp.seznam.cz).

    difflib is enough for a few dozen names and adds no dependency. A name that is
    itself known, or nothing alike, gives an empty list.
    """
    wanted = _norm(host)
    known = known_hosts()
    if not wanted or wanted in known:
        return []
    found = difflib.get_close_matches(wanted, known, n=limit, cutoff=0.85)
    prefixed = [h for h in known if h in (f"smtp.{wanted}", f"smtp.{wanted.removeprefix('mail.')}")]
    return list(dict.fromkeys(prefixed + found))[:limit]


@dataclass(frozen=True, slots=True)
class Difference:
    """One value the user entered that differs from the provider's published settings."""

    field: Literal["host", "port", "security", "username"]
    entered: str
    expected: str

    def text(self) -> Text:
        return text(f"providers.diff-{self.field}", entered=self.entered or "—", expected=self.expected)


def compare(
    provider: Provider,
    host: str | None = None,
    port: int | str | None = None,
    security: str | None = None,
    username: str | None = None,
    address: str | None = None,
) -> list[Difference]:
    """What the user entered vs what the provider publishes; empty when it matches a published server.

    ``security`` takes the flows' ids (``ssl``, ``starttls``, ``none``) or the probes' modes;
    ``None``/``auto`` and a missing port are not compared. ``address`` (the sender mailbox)
    lets the username form be checked (full address vs local part).
    """
    if not provider.outgoing:
        return []
    diffs: list[Difference] = []
    servers = list(provider.outgoing)
    if host is not None:
        same_host = [s for s in servers if s.hostname == _norm(host)]
        if not same_host:
            diffs.append(Difference("host", host, provider.outgoing[0].hostname))
        else:
            servers = same_host
    port_no = int(port) if port not in (None, "") and str(port).isdecimal() else None
    mode = security_mode(security) if security else None
    mode = None if mode == "auto" else mode
    def fits(s: OutgoingServer) -> bool:
        return (port_no is None or s.port == port_no) and (mode is None or s.security == mode)

    if not any(fits(s) for s in servers):
        by_port = [s for s in servers if s.port == port_no]
        by_mode = [s for s in servers if s.security == mode]
        if by_port and mode is not None:
            diffs.append(Difference("security", _MODE_TO_CHOICE[mode], by_port[0].security_choice))
        elif by_mode and port_no is not None:
            diffs.append(Difference("port", str(port_no), str(by_mode[0].port)))
        else:
            best = servers[0]
            if port_no is not None and port_no != best.port:
                diffs.append(Difference("port", str(port_no), str(best.port)))
            if mode is not None and mode != best.security:
                diffs.append(Difference("security", _MODE_TO_CHOICE[mode], best.security_choice))
    if username is not None and address and "@" in address:
        expected = servers[0].username_for(address.strip())
        if username.strip().lower() != expected.lower():
            diffs.append(Difference("username", username, expected))
    return diffs

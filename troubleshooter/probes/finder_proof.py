"""Proving the finder's candidates and building the settings card.

All candidates are checked at once (connection, TLS, certificate; AUTH when a password is
given) under the one total deadline; the best-ranked candidate that passes wins, and the
search stops as soon as every better-ranked one has failed, so one silent server never
costs more than the deadline. Rejected candidates keep the probe's outcome as the reason.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from troubleshooter.probes.finder import (
    Candidate,
    FinderStep,
    Search,
    candidate_json,
)
from troubleshooter.probes.outcome import ProbeOutcome

if TYPE_CHECKING:
    pass

FINDER_OUTCOMES = frozenset({"found", "found-needs-app-password", "found-unverified", "login-failed",
                             "not-found", "deadline"})
# a probe outcome that proves the server is the right one even though the login did not pass
_SERVER_RIGHT = {"auth-app-password": "app-password", "auth-disabled": "smtp-auth-disabled",
                 "auth-basic-off": "smtp-auth-disabled", "auth-failed": "login-failed",
                 "auth-m365-refused": "login-failed"}
# what the form calls the encryption (Mioweb, WP Mail SMTP): SSL = implicit TLS, TLS = STARTTLS
FORM_ENCRYPTION = {"tls": "SSL", "starttls": "TLS", "none": "none"}
# providers whose SMTP login needs more than the mailbox password, by their article id
_SPECIAL_LOGIN = {
    "provider-microsoft365": ("smtp-auth-disabled", ["provider-microsoft365", "error-auth-disabled"]),
}
NEEDS_ARTICLES = {"app-password": ["app-passwords"], "smtp-auth-disabled": ["error-auth-disabled"],
                  "oauth": ["app-passwords"]}


@dataclass(slots=True)
class Checked:
    """A candidate after the proof: ``outcome`` is the probe's (``ok`` passed), or ``not-needed``
    (a better one already passed) or ``deadline`` (still running when time ran out)."""

    candidate: Candidate
    outcome: str
    stage: str = ""
    elapsed: float = 0.0
    addresses: list[str] = field(default_factory=list)
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"candidate": candidate_json(self.candidate), "outcome": self.outcome, "stage": self.stage,
                "elapsed": round(self.elapsed, 3), "addresses": self.addresses, "detail": self.detail}


@dataclass(slots=True)
class Evidence:
    source: str  # provider, autoconfig, srv, mx, guess, address
    detail: str
    confirmed: bool  # the live server confirmed it
    checked: str = ""  # provider data: the day the fact was last checked at its source


@dataclass(slots=True)
class SettingsCard:
    """The values for the website's form, each with where it came from."""

    address: str
    host: str
    port: int
    security: str  # tls / starttls / none (probe terms)
    encryption: str  # SSL / TLS / none (the form's terms)
    username: str
    sender: str
    evidence: dict[str, Evidence]
    verified: bool  # the server answered and its certificate is valid (and the login passed, if tried)
    login_checked: bool
    needs: str = ""  # app-password, smtp-auth-disabled, oauth, login-failed
    articles: list[str] = field(default_factory=list)
    provider: str = ""
    # known from provider data, but no server proved it from here: why (the check's outcome id)
    unverified_why: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class FinderResult:
    address: str
    outcome: str  # one of FINDER_OUTCOMES
    steps: list[FinderStep]
    checked: list[Checked]
    card: SettingsCard | None = None
    elapsed: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "outcome": self.outcome, "steps": [asdict(s) for s in self.steps],
                "card": self.card.to_json() if self.card else None,
                "checked": [c.to_json() for c in self.checked], "elapsed": round(self.elapsed, 3),
                "articles": self.articles()}

    def articles(self) -> list[str]:
        if self.card is not None and self.card.articles:
            return self.card.articles
        return [] if self.outcome == "found" else ["ask-your-provider"]


async def _prove(candidate: Candidate, search: Search, address: str, password: str) -> Checked:
    from troubleshooter.probes import smtp

    started = time.monotonic()
    policy = search.options.policy
    if policy is not None and (refusal := policy.check_port(candidate.port)):
        return Checked(candidate, "refused-by-policy", "policy", detail=refusal.message.en)
    addresses = await search.resolve(candidate.host, candidate.port)
    if candidate.host in search.refusals:
        return Checked(candidate, "refused-by-policy", "policy", time.monotonic() - started,
                       detail=search.refusals[candidate.host].message.en)
    if addresses == []:
        return Checked(candidate, "dns-not-found", "resolve", time.monotonic() - started)
    if policy is not None and password and (refusal := policy.take_auth_attempt(candidate.host)):
        return Checked(candidate, "refused-by-policy", "policy", detail=refusal.message.en)
    local = address.split("@", 1)[0]
    args = {"host": candidate.host, "port": str(candidate.port), "security": candidate.security,
            "ca_file": search.options.ca_file or "", "addresses": ",".join(addresses or [])}
    if password:
        username = candidate.username.replace("%EMAILADDRESS%", address).replace("%EMAILLOCALPART%", local)
        args |= {"username": username, "password": password}
        probe = smtp.probe_login
    else:
        probe = smtp.probe_connection
    outcome: ProbeOutcome = await probe(args, deadline=max(0.05, search.remaining()))
    failed = next((s for s in outcome.stages if not s.ok), None)
    return Checked(candidate, outcome.outcome, outcome.stage, time.monotonic() - started, addresses or
                   list(outcome.facts.get("addresses") or []), failed.detail[:200] if failed else "")


async def prove(candidates: list[Candidate], search: Search, address: str, password: str) -> list[Checked]:
    """Check all at once; stop when the best-ranked passing one is known, or at the deadline."""
    tasks = [asyncio.ensure_future(_prove(c, search, address, password)) for c in candidates]
    done: dict[int, Checked] = {}
    try:
        while len(done) < len(tasks):
            pending = [t for i, t in enumerate(tasks) if i not in done]
            finished, _ = await asyncio.wait(pending, timeout=search.remaining() + 0.2,
                                             return_when=asyncio.FIRST_COMPLETED)
            if not finished:
                break
            for index, task in enumerate(tasks):
                if task in finished:
                    done[index] = task.result()
            if _settled(done, len(tasks)):
                break
    finally:
        for task in tasks:
            task.cancel()
    winner = next((i for i in sorted(done) if done[i].outcome == "ok"), None)
    return [done.get(i) or Checked(c, "not-needed" if winner is not None and i > winner else "deadline")
            for i, c in enumerate(candidates)]


def _settled(done: dict[int, Checked], count: int) -> bool:
    for index in range(count):
        if index not in done:
            return False
        if done[index].outcome == "ok":
            return True
    return True


def build_card(checked: list[Checked], address: str, password: str) -> SettingsCard | None:
    """The card from the best candidate that passed, else from one that proved the server right,
    else the provider data's own values, marked as not verified from here (with why): the
    network may be down or the hosting may block the port, but the provider data still holds."""
    winner = next((c for c in checked if c.outcome == "ok"), None)
    server_right = winner or next((c for c in checked if c.outcome in _SERVER_RIGHT), None)
    chosen = server_right
    if chosen is None:
        known = next((c for c in checked if c.candidate.source == "provider"
                      or (c.candidate.source == "mx" and c.candidate.provider_id)), None)
        return _known_card(known, address) if known else None
    cand = chosen.candidate
    local = address.split("@", 1)[0]
    username = cand.username.replace("%EMAILADDRESS%", address).replace("%EMAILLOCALPART%", local)
    login_ok = bool(password) and chosen.outcome == "ok"
    needs, articles = "", []
    if chosen.outcome in _SERVER_RIGHT:
        needs = _SERVER_RIGHT[chosen.outcome]
        articles = ["could-not-authenticate"] if needs == "login-failed" else list(NEEDS_ARTICLES[needs])
    elif not login_ok and cand.authentication and cand.authentication[0] == "OAuth2":
        needs, articles = _SPECIAL_LOGIN.get(cand.provider_article, (
            "app-password" if "password-cleartext" in cand.authentication else "oauth",
            list(NEEDS_ARTICLES["app-password"])))
        articles = list(articles)
    if cand.provider_article and cand.provider_article not in articles and needs:
        articles.append(cand.provider_article)
    source = Evidence(cand.source, cand.source_detail, True, cand.checked)
    user_source = cand.source if cand.source in ("provider", "autoconfig", "mx") else "assumed"
    evidence = {
        "host": source, "port": source,
        "encryption": Evidence(cand.source, cand.source_detail, True, cand.checked),
        "username": Evidence(user_source, cand.username, login_ok),
        "sender": Evidence("address", address, login_ok),
    }
    return SettingsCard(address, cand.host, cand.port, cand.security, FORM_ENCRYPTION[cand.security], username,
                        address, evidence, winner is not None, bool(password), needs, articles,
                        cand.source_detail if cand.source in ("provider", "mx") else "")


def _known_card(known: Checked, address: str) -> SettingsCard:
    cand = known.candidate
    local = address.split("@", 1)[0]
    username = cand.username.replace("%EMAILADDRESS%", address).replace("%EMAILLOCALPART%", local)
    source = Evidence(cand.source, cand.source_detail, False, cand.checked)
    user_source = cand.source if cand.source in ("provider", "mx") else "assumed"
    evidence = {"host": source, "port": source, "encryption": source,
                "username": Evidence(user_source, cand.username, False),
                "sender": Evidence("address", address, False)}
    articles = [cand.provider_article] if cand.provider_article else []
    return SettingsCard(address, cand.host, cand.port, cand.security, FORM_ENCRYPTION[cand.security], username,
                        address, evidence, False, False, "", articles, cand.source_detail,
                        unverified_why=known.outcome)


def outcome_of(card: SettingsCard | None, checked: list[Checked]) -> str:
    if card is not None and card.unverified_why:
        return "found-unverified"
    if card is not None:
        if card.needs == "login-failed":
            return "login-failed"
        return "found-needs-app-password" if card.needs else "found"
    if any(c.outcome in ("deadline", "connection-timeout") for c in checked):
        return "deadline"
    return "not-found"

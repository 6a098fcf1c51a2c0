"""Lint of the provider data: every fact has a source and a date, none is stale, and the
provider articles say what the data says.

A fact is an entry of ``data/providers.yaml`` (its name, domains and MX), each outgoing
server, the login method and each rule; one without its own ``source``/``checked`` has its
entry's. Errors: a fact without a source or a date, a date that is not YYYY-MM-DD, an
unknown login method, a provider article whose "SMTP server" or "Port" row or summary names
a host or port the data does not list for that provider. Warnings: a fact checked more than
12 months ago, or one past its own ``review`` date, a provider article that does not tell its
reader when its facts were checked (the date is the linting day: the shipped
content has to be looked at again, the flows never branch on it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from troubleshooter import yamlio
from troubleshooter.diagnostics import Diagnostic
from troubleshooter.probes.providers import LOGIN_METHODS, Fact, Provider, load_providers, read_fact

MAX_AGE = timedelta(days=365)
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
# A mail host name as articles write it: smtp.seznam.cz, email.active24.com, smtp-mail.outlook.com.
_HOST = re.compile(r"(?<![\w.@-])((?:smtp|mail|email)[\w-]*(?:\.[a-z0-9-]+){2,})(?![\w-])", re.IGNORECASE)
# Placeholders an article uses for "your own domain": smtp.vasedomena.cz, smtp.<your domain>.
_PLACEHOLDER = re.compile(r"vase|vas-|your|domena|domain|example|mojefirma", re.IGNORECASE)
# Table rows that state a value: | SMTP server | … | and | Port | … | (cs and en labels).
_HOST_ROW = re.compile(r"^\|\s*(?:SMTP server|Server|Adresa serveru)\s*\|(?P<value>[^|]*)\|", re.IGNORECASE)
_PORT_ROW = re.compile(r"^\|\s*Port\b[^|]*\|(?P<value>[^|]*)\|", re.IGNORECASE)
_PORT = re.compile(r"(?<![\d.])(\d{2,5})(?![\d.])")
# An article tells its reader when its facts were checked: "3. 12. 2026", "3 December 2026",
# "prosinec 2026", "December 2026".
_MONTHS = ("leden|únor|březen|duben|květen|červen|červenec|srpen|září|říjen|listopad|prosinec|January|"
           "February|March|April|May|June|July|August|September|October|November|December")
_DATED = re.compile(rf"\b\d{{1,2}}\. ?\d{{1,2}}\. ?20\d\d\b|\b(?:{_MONTHS}) 20\d\d\b")


def data_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "providers.yaml"


def _facts(entry: dict) -> Iterator[tuple[tuple, str, dict]]:
    """(YAML key path below the entry, what it is, the raw mapping) for every fact of an entry."""
    yield (), "entry", entry
    for i, server in enumerate(entry.get("outgoing") or []):
        if isinstance(server, dict):
            yield ("outgoing", i), f"server {server.get('hostname')}:{server.get('port')}", server
    if isinstance(entry.get("login"), dict):
        yield ("login",), "login", entry["login"]
    if isinstance(entry.get("dkim"), dict):
        yield ("dkim",), "DKIM selectors", entry["dkim"]
    for i, rule in enumerate(entry.get("rules") or []):
        if isinstance(rule, dict):
            yield ("rules", i), f"rule {rule.get('id')}", rule


def lint_fact_dates(path: Path | None = None, today: date | None = None) -> list[Diagnostic]:
    """Findings about the facts themselves: source, date, age, review date, login method."""
    from troubleshooter.content import display_path

    source = path or data_path()
    shown = display_path(source)
    doc = yamlio.load(source, shown)
    today = today or date.today()
    found: list[Diagnostic] = []

    def report(key: tuple, severity: str, code: str, **params: object) -> None:
        pos = doc.where(key, prefer_key=True)
        found.append(Diagnostic(shown, pos.line, pos.col, severity, code, params))  # type: ignore[arg-type]

    for provider_id, entry in (doc.data or {}).items():
        if not isinstance(entry, dict):
            continue
        inherited = read_fact(entry)
        for sub, what, raw in _facts(entry):
            key = (provider_id, *sub)
            fact = inherited if not sub else read_fact(raw, inherited)
            label = f"{provider_id}: {what}"
            _check_fact(fact, label, key, today, report)
        login = entry.get("login")
        if isinstance(login, dict) and login.get("method") not in LOGIN_METHODS:
            report((provider_id, "login", "method"), "error", "provider-bad-login",
                   method=login.get("method"), allowed=", ".join(LOGIN_METHODS))
    return found


def _check_fact(fact: Fact, label: str, key: tuple, today: date, report) -> None:
    if not fact.source.strip():
        report(key, "error", "provider-fact-no-source", fact=label)
    if not fact.checked:
        report(key, "error", "provider-fact-no-date", fact=label)
        return
    for field, value in (("checked", fact.checked), ("review", fact.review)):
        if value and not (_DATE.match(value) and _parse(value)):
            report(key, "error", "provider-fact-bad-date", fact=label, field=field, value=value)
    checked = _parse(fact.checked)
    if checked and today - checked > MAX_AGE:
        report(key, "warning", "provider-fact-old", fact=label, checked=fact.checked)
    review = _parse(fact.review)
    if review and today >= review:
        report(key, "warning", "provider-fact-review", fact=label, review=fact.review)


def _parse(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if _DATE.match(value) else None
    except ValueError:
        return None


def lint_articles_against_data(kb_dir: str | os.PathLike[str], path: Path | None = None) -> list[Diagnostic]:
    """Each provider article's stated host names and ports, compared with the provider data."""
    from troubleshooter.knowledge.articles import load_articles

    catalogue = load_providers(path) if path else load_providers()
    every_host = {h for p in catalogue.values() for h in p.hostnames}
    articles = load_articles(kb_dir)
    found: list[Diagnostic] = []
    for provider in catalogue.values():
        if not provider.article:
            continue
        for lang in ("cs", "en"):
            article = articles.get(provider.article, lang)
            if article is not None:
                found.extend(_compare_article(article, provider, every_host))
    return found


def _compare_article(article, provider: Provider, every_host: set[str]) -> Iterator[Diagnostic]:
    text = Path(article.path).read_text(encoding="utf-8") if Path(article.path).is_file() else article.body
    own_ports = {s.port for s in provider.outgoing}
    own_hosts = set(provider.hostnames)
    if not _DATED.search(text):
        yield Diagnostic(article.path, 1, 1, "warning", "provider-article-undated", {"provider": provider.id})
    for number, line in enumerate(text.split("\n"), start=1):
        summary = line.startswith("summary:")
        host_row = _HOST_ROW.match(line)
        for match in _HOST.finditer(host_row["value"] if host_row else line if summary else ""):
            host = match[1].lower().rstrip(".")
            if _PLACEHOLDER.search(host):
                continue
            if host not in own_hosts and (host_row or host not in every_host):
                col = (host_row.start("value") if host_row else 0) + match.start(1) + 1
                yield Diagnostic(article.path, number, col, "error", "provider-article-host",
                                 {"host": host, "provider": provider.id,
                                  "hosts": ", ".join(provider.hostnames) or "—"})
        port_row = _PORT_ROW.match(line)
        if port_row and own_ports:
            for match in _PORT.finditer(port_row["value"]):
                port = int(match[1])
                if port not in own_ports:
                    col = port_row.start("value") + match.start(1) + 1
                    yield Diagnostic(article.path, number, col, "error", "provider-article-port",
                                     {"port": port, "provider": provider.id,
                                      "ports": ", ".join(str(p) for p in sorted(own_ports))})


def lint_provider_facts(kb_dir: str | os.PathLike[str] | None,
                        today: date | None = None) -> list[Diagnostic]:
    """All findings about the shipped provider data (and, with ``kb_dir``, its articles)."""
    found = lint_fact_dates(today=today)
    if kb_dir is not None:
        found.extend(lint_articles_against_data(kb_dir))
    return found

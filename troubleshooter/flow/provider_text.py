"""Words and values that follow the mail provider the conversation has learnt.

The provider (Seznam, Gmail, Microsoft 365, Forpsi, …) is known once the user names it (a
question that stores ``provider``), a check finds it (``identify-provider``, the settings
finder's card), or a typed value shows it (a published SMTP host, an address in one of its
e-mail domains). Flows never restate a provider's facts: a node's text says
``{provider.servers}`` or ``{provider.rule.sender-domain}`` and the words come from
``data/providers.yaml``, with the date each fact was checked. The same data gives the
values' defaults (the published server, port and username form) and the encryption
choices that can apply.

UI-free and pure; the provider data is read on first use, never by a session that only starts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from troubleshooter.i18n import LANGS, Lang, Text, tr

if TYPE_CHECKING:
    from troubleshooter.probes.providers import OutgoingServer, Provider

ANY = "*"  # ``when: {provider: "*"}``: any provider the conversation knows
PROVIDER_VALUE = "provider"
OTHER = "other"  # the choice id of a question storing the provider that says "none of these"
# {provider}, {provider.servers}, {provider.username}, {provider.rule.<rule id>}
PLACEHOLDER = re.compile(r"\{provider(?:\.(servers|username|rule\.([a-z0-9][a-z0-9.-]*)))?\}")
_ANY_BRACE = re.compile(r"\{[^{}]*\}")


def catalogue() -> Mapping[str, Provider]:
    from troubleshooter.probes.providers import providers

    return providers()


def provider(provider_id: str | None) -> Provider | None:
    return catalogue().get(provider_id or "")


def from_value(kind: str, value: str) -> str | None:
    """The provider a typed value shows: a published SMTP host, an address in its domains."""
    from troubleshooter.probes.providers import provider_for_domain, provider_for_host

    value = value.strip()
    if kind == "host" and value:
        found = provider_for_host(value)
    elif kind in ("sender", "username") and "@" in value:
        found = provider_for_domain(value.rpartition("@")[2])
    else:
        return None
    return found.id if found else None


def from_facts(facts: Mapping[str, object], outcome: str = "") -> str | None:
    """The provider a check's result names: ``identify-provider``'s (its facts, or its outcome
    ``provider-<id>``), or the finder card's host."""
    said = facts.get("provider") or outcome.removeprefix("provider-")
    if isinstance(said, str) and said in catalogue():
        return said
    card = facts.get("card")
    if isinstance(card, Mapping) and card.get("host"):
        return from_value("host", str(card["host"]))
    return None


# -- words ------------------------------------------------------------------------------

def _date(iso: str, lang: Lang) -> str:
    """2026-12-03 as a person writes it: 3. 12. 2026, 3 December 2026."""
    year, month, day = (int(part) for part in iso.split("-"))
    if lang == "cs":
        return f"{day}. {month}. {year}"
    return f"{day} {tr(f'provider.month.{month}', lang)} {year}"


def _checked(iso: str, lang: Lang) -> str:
    return tr("provider.checked", lang, date=_date(iso, lang)) if iso else ""


def _current(found: Provider) -> list[OutgoingServer]:
    return [s for s in found.outgoing if s.current] or list(found.outgoing)


def _port_text(server: OutgoingServer, lang: Lang) -> str:
    if server.security_choice == "none":
        return tr("provider.port-plain", lang, port=server.port)
    return tr("provider.port", lang, port=server.port,
              security=tr(f"provider.security.{server.security_choice}", lang))


def servers_text(found: Provider, lang: Lang) -> str:
    """``smtp.gmail.com – port 465 se šifrováním SSL nebo port 587 se šifrováním TLS (STARTTLS)
    (údaj ověřen 1. 12. 2026)``: the current servers, with the date they were checked."""
    by_host: dict[str, list[OutgoingServer]] = {}
    for server in _current(found):
        by_host.setdefault(server.hostname, []).append(server)
    if not by_host:
        return tr("provider.no-servers", lang, provider=found.name)
    parts = []
    for host, servers in by_host.items():
        ports = tr("provider.or", lang).join(_port_text(s, lang) for s in servers)
        parts.append(f"{host} – {ports}")
    checked = max(s.fact.checked for s in _current(found))
    return f"{tr('provider.or', lang).join(parts)} {_checked(checked, lang)}".strip()


def username_text(found: Provider, lang: Lang) -> str:
    forms = {s.username for s in _current(found)}
    if not forms:
        return ""
    key = "provider.username-local" if forms == {"%EMAILLOCALPART%"} else "provider.username-address"
    return tr(key, lang)


def rule_text(found: Provider, rule_id: str, lang: Lang) -> str:
    rule = found.rule(rule_id)
    if rule is None:
        return ""
    return f"{rule.text.get(lang)} {_checked(rule.fact.checked, lang)}".strip()


def fillable(text: Text | None, provider_id: str | None) -> bool:
    """Whether the data holds every fact ``text`` names for this provider: a variant that says
    ``{provider.servers}`` does not apply to a provider that publishes none (WEDOS), one that
    says ``{provider.rule.country-block}`` only to the providers with that rule."""
    if text is None or "{provider" not in text.cs + text.en:
        return True
    found = provider(provider_id)
    if found is None:
        return False
    for match in PLACEHOLDER.finditer(text.cs + text.en):
        what, rule_id = match[1], match[2]
        if what in ("servers", "username") and not found.outgoing:
            return False
        if rule_id and found.rule(rule_id) is None:
            return False
    return True


def render(text: Text, provider_id: str | None) -> Text:
    """``text`` with its provider placeholders filled in from the data (unchanged without any)."""
    if "{provider" not in text.cs and "{provider" not in text.en:
        return text
    found = provider(provider_id)

    def fill(lang: Lang):
        def one(match: re.Match[str]) -> str:
            if found is None:
                return ""
            what, rule_id = match[1], match[2]
            if what is None:
                return found.name
            if what == "servers":
                return servers_text(found, lang)
            if what == "username":
                return username_text(found, lang)
            return rule_text(found, rule_id, lang)
        return one

    return Text(*(PLACEHOLDER.sub(fill(lang), text.get(lang)) for lang in LANGS))


def published(label: Text, provider_id: str | None) -> Text:
    """A choice's label, said to be what the provider publishes: ``SSL – uvádí Seznam.cz``."""
    found = provider(provider_id)
    if found is None:
        return label
    return Text(*(tr("provider.published", lang, label=label.get(lang), provider=found.name) for lang in LANGS))


def placeholders(text: str) -> list[tuple[str, bool, str | None]]:
    """Every ``{…}`` in an authored text, for lint: (as written, whether it is one of ours,
    the provider rule it names)."""
    found = []
    for match in _ANY_BRACE.finditer(text):
        ours = PLACEHOLDER.fullmatch(match[0])
        found.append((match[0], ours is not None, ours[2] if ours else None))
    return found


# -- values ---------------------------------------------------------------------------

def _fitting(found: Provider, values: Mapping[str, str]) -> list[OutgoingServer]:
    """The published servers that fit what the user already gave (host, port, encryption)."""
    servers = _current(found)
    for name, attr in (("host", "hostname"), ("port", "port"), ("security", "security_choice")):
        given = (values.get(name) or "").strip().lower()
        narrowed = [s for s in servers if str(getattr(s, attr)).lower() == given]
        servers = narrowed or servers
    return servers


def default(kind: str, provider_id: str | None, values: Mapping[str, str]) -> str | None:
    """The provider's published value for an input of ``kind`` (host, port, username)."""
    found = provider(provider_id)
    if found is None or not found.outgoing:
        return None
    server = _fitting(found, values)[0]
    if kind == "host":
        return server.hostname
    if kind == "port":
        return str(server.port)
    if kind == "username" and "@" in (values.get("sender") or ""):
        return server.username_for(values["sender"].strip())
    return None


def fitting_choices(kind: str, provider_id: str | None, values: Mapping[str, str]) -> set[str] | None:
    """The encryption choices (``ssl``, ``starttls``, ``none``) the provider publishes for the
    port already given (or for any port); None when there are none to point out: no provider,
    no published server, or a port the provider does not publish."""
    found = provider(provider_id)
    if kind != "security" or found is None or not found.outgoing:
        return None
    servers = _current(found)
    port = (values.get("port") or "").strip()
    if port:
        servers = [s for s in servers if str(s.port) == port]
    return {s.security_choice for s in servers} or None

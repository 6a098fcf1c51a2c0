"""A check's result in the user's words: its stages, what it found, where it ran, and the
values it proposes. UI-free; the plain mode, the Textual app and the transcript export all
show a check through these functions, so no stage name, outcome id or Python value of ours
reaches a screen (ids stay in the JSON export).

A probe result arrives as :class:`ProbeOutcome` or as its JSON form (a recorded step).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from troubleshooter.i18n import Lang, catalog, tr
from troubleshooter.probes.catalog import catalog as outcome_catalog
from troubleshooter.probes.catalog import describe
from troubleshooter.probes.outcome import ProbeOutcome, StageResult

_LOOKUP = re.compile(r"^(?P<name>\S+) TXT: (?P<status>[a-z]+)$")
_DNS_STATUSES = {"ok", "nodata", "nxdomain", "servfail", "timeout", "error"}


def _get(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, Mapping) else getattr(item, name, default)


def stage_name(stage: str, lang: Lang) -> str:
    for key in (f"result.stage.{stage}", f"diagnose.stage.{stage}"):
        if key in catalog():
            return tr(key, lang)
    return tr("result.stage-other", lang)


def _detail(stage: Any, lang: Lang) -> str:
    detail = str(_get(stage, "detail", "") or "")
    unverified = detail.startswith("(unverified)")
    detail = detail.removeprefix("(unverified)").strip()
    lookup = _LOOKUP.match(detail)
    if lookup and lookup["status"] in _DNS_STATUSES:
        detail = f"{lookup['name']}: {tr('result.dns.' + lookup['status'], lang)}"
    elif detail.startswith("vetted: "):
        detail = detail.removeprefix("vetted: ")
    elif detail in outcome_catalog():  # a stage that names its outcome (the finder's)
        detail = describe(detail).title.get(lang)
    if not _get(stage, "ok"):
        outcome = _get(stage, "outcome")
        title = describe(outcome).title.get(lang) if outcome else ""
        evidence = detail if detail[:3].isdecimal() or lookup else ""  # a server's reply, a lookup
        detail = " – ".join(part for part in (title, evidence) if part)
    if unverified:
        detail = f"{tr('result.unverified', lang)} {detail}".strip()
    return detail


def stage_line(stage: StageResult | Mapping[str, Any], lang: Lang) -> str:
    """``✓ připojení (12 ms) – 127.0.0.1 port 587``: ✓ only where the stage found what it
    looked for (a lookup that found no record is ✗, not ✓)."""
    mark = "✓" if _get(stage, "ok") else "✗"
    name = stage_name(str(_get(stage, "stage", "")), lang)
    took = float(_get(stage, "elapsed", 0.0) or 0.0)
    detail = _detail(stage, lang)
    return f"{mark} {name} ({took * 1000:.0f} ms)" + (f" – {detail}" if detail else "")


def _name_mismatch(facts: Mapping[str, Any]) -> bool:
    return facts.get("verify_reason") == "name-mismatch" or facts.get("certificate_matches_host") is False


def certificate_lines(facts: Mapping[str, Any], lang: Lang) -> list[str]:
    """Whom the server's certificate is for, who issued it, until when; and whether it
    covers the server name the user entered."""
    cert = facts.get("certificate") or {}
    if not isinstance(cert, Mapping) or not (cert.get("subject") or cert.get("names")):
        return []
    names = [str(n) for n in cert.get("names") or []] or [str(cert.get("subject"))]
    lines = [tr("result.cert-names", lang, names=", ".join(names[:8]) + (" …" if len(names) > 8 else ""))]
    if cert.get("subject") and cert.get("subject") not in names:
        lines.append(tr("result.cert-subject", lang, subject=cert["subject"]))
    lines.append(tr("result.cert-issuer", lang, issuer=cert.get("issuer") or "?",
                    not_after=cert.get("not_after") or "?", days=cert.get("days_left", "?")))
    host = str(facts.get("host") or "")
    if host and _name_mismatch(facts):
        lines.append(tr("result.cert-not-for", lang, host=host))
    return lines


def sweep_lines(facts: Mapping[str, Any], lang: Lang) -> list[str]:
    lines = []
    for port in facts.get("ports") or []:
        state = tr(f"diagnose.sweep.{port.get('state')}", lang)
        speaks = port.get("speaks")
        known = speaks in ("smtp", "tls", "silent", "other")
        said = f" – {tr('result.speaks.' + speaks, lang)}" if known else ""
        if speaks == "smtp" and port.get("starttls"):
            said += f" ({tr('result.starttls-offered', lang)})"
        lines.append(f"{tr('result.port', lang, port=port.get('port'))}: {state}{said}")
    best = facts.get("suggestion")
    if isinstance(best, Mapping):
        lines.append(tr("diagnose.sweep.suggest", lang, port=best.get("port"),
                        security=tr(f"diagnose.security.{best.get('security')}", lang)))
    elif facts.get("ports"):
        lines.append(tr("diagnose.sweep.none-works", lang))
    return lines


def fact_lines(probe: ProbeOutcome | Mapping[str, Any], lang: Lang) -> list[str]:
    """What the check found besides its verdict, one sentence a line."""
    facts = _get(probe, "facts", {}) or {}
    lines = certificate_lines(facts, lang)
    later = facts.get("after_verification_failure")
    if isinstance(later, Mapping) and later.get("outcome"):
        lines.append(tr("result.after-verification", lang,
                        outcome=describe(str(later["outcome"])).title.get(lang)))
    if facts.get("suggestions"):
        lines.append(tr("diagnose.fact.suggestions", lang, names=", ".join(facts["suggestions"])))
    lines += sweep_lines(facts, lang)
    if facts.get("accepted_not_delivered"):
        lines.append(tr("diagnose.fact.accepted", lang))
    if facts.get("kind") in ("transcript", "bounce", "headers"):  # a pasted text, read (explain-message)
        from troubleshooter.explain.render import paste_lines

        lines += paste_lines(str(facts["kind"]), facts.get("paste"), facts.get("candidates"), lang,
                             cut=bool(facts.get("cut")), timeline=False)[1:]
    elif facts.get("candidates"):
        lines.append(tr("paste.candidates", lang, titles=", ".join(
            describe(str(c)).title.get(lang) for c in facts["candidates"])))
    for check in facts.get("checks") or []:  # the domain check: one sentence per record (SPF, DMARC, DKIM)
        text = check.get("text") if isinstance(check, Mapping) else None
        if isinstance(text, Mapping) and text.get(lang):
            lines.append(str(text[lang]))
    return lines


def where_line(probe_name: str, lang: Lang, *, served: bool = False) -> str | None:
    """Where the check ran and what that proves (None for a check that reads a text)."""
    from troubleshooter.probes.registry import NETWORK_PROBES

    if probe_name not in NETWORK_PROBES:
        return None
    return tr("result.where-served" if served else "result.where-here", lang)


def proposal(probe: ProbeOutcome | Mapping[str, Any]) -> dict[str, str]:
    """Values the check found that would work, by value kind: the settings finder's card, a
    known provider's host among the certificate's names, the port and encryption a sweep
    found open."""
    facts = _get(probe, "facts", {}) or {}
    found: dict[str, str] = {}
    card = facts.get("card")
    if isinstance(card, Mapping) and card.get("host") and card.get("port"):
        found |= {"host": str(card["host"]), "port": str(card["port"]),
                  "security": "ssl" if card.get("security") == "tls" else str(card.get("security") or "")}
        if card.get("username"):
            found["username"] = str(card["username"])
        return {kind: value for kind, value in found.items() if value}
    cert = facts.get("certificate") or {}
    host = str(facts.get("host") or "").lower()
    if isinstance(cert, Mapping) and _name_mismatch(facts):
        from troubleshooter.probes.providers import known_hosts

        known = set(known_hosts())
        names = [str(n).lower() for n in (cert.get("names") or [cert.get("subject") or ""])]
        usable = [n for n in names if n in known and n != host]
        if usable:
            found["host"] = usable[0]
    best = facts.get("suggestion")
    if isinstance(best, Mapping) and best.get("port"):
        found["port"] = str(best["port"])
        found["security"] = "ssl" if best.get("security") == "tls" else str(best.get("security"))
    return found

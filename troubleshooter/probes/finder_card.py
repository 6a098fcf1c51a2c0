"""The settings finder's result as lines of text in the chosen language.

Works on the JSON form (:meth:`FinderResult.to_json`, also the ``find-settings`` probe's
facts), so the command line, the plain conversation and saved transcripts print the same.
"""

from __future__ import annotations

from typing import Any

from troubleshooter.i18n import Lang, tr

FIELDS = ("host", "port", "encryption", "username", "sender")
ASK_ITEMS = ("host", "port", "encryption", "username", "password", "sender")


def step_lines(result: dict[str, Any], lang: Lang) -> list[str]:
    lines = [tr("finder.steps", lang)]
    for step in result.get("steps") or []:
        status = tr(f"finder.status.{step['status']}", lang)
        found = ", ".join(step.get("found") or [])
        extra = f" – {found}" if found else (f" – {step['detail']}" if step.get("detail") else "")
        label = tr("finder.step." + step["step"], lang)
        lines.append(f"  {label}: {step['query']} → {status}{extra}")
    return lines


def _articles(articles: list[str], lang: Lang, ids: bool) -> str:
    """Article ids for the command line; their titles in the conversation."""
    if ids:
        return ", ".join(articles)
    from troubleshooter.knowledge.render import article_title

    return ", ".join(article_title(a, lang) or a for a in articles)


def card_lines(result: dict[str, Any], lang: Lang, ids: bool = True) -> list[str]:
    """The card as a table (value, evidence), or the "ask your provider" checklist."""
    card = result.get("card")
    if not card:
        address = result.get("address", "")
        lines = [tr("finder.not-found", lang), tr("finder.ask-provider", lang)]
        lines += [f"  – {tr(f'finder.ask.{item}', lang, address=address)}" for item in ASK_ITEMS]
        lines.append(tr("finder.articles", lang, articles=_articles(["ask-your-provider"], lang, ids)))
        return lines
    if card.get("unverified_why"):
        from troubleshooter.probes.catalog import describe

        why = describe(card["unverified_why"]).title.get(lang)
        lines = [tr("finder.card-known", lang, provider=card.get("provider") or "?", why=why)]
    else:
        lines = [tr("finder.card-verified" if card["verified"] else "finder.card-unverified", lang)]
    values = {"host": card["host"], "port": str(card["port"]),
              "encryption": tr(f"finder.encryption.{card['encryption']}", lang),
              "username": card["username"], "sender": card["sender"]}
    labels = {name: tr(f"finder.field.{name}", lang) for name in FIELDS}
    label_width = max(len(label) for label in labels.values())
    value_width = max(len(value) for value in values.values())
    for name in FIELDS:
        evidence = card["evidence"][name]
        source = tr(f"finder.source.{evidence['source']}", lang, detail=evidence["detail"])
        if evidence.get("checked"):
            source += " " + tr("finder.checked", lang, date=evidence["checked"])
        lines.append(f"  {labels[name]:<{label_width}}  {values[name]:<{value_width}}  {source}  "
                     f"{_confirmation(name, evidence, card, lang)}")
    if card.get("needs"):
        lines.append(tr(f"finder.needs.{card['needs']}", lang))
    if card.get("articles"):
        lines.append(tr("finder.articles", lang, articles=_articles(card["articles"], lang, ids)))
    return lines


def _confirmation(name: str, evidence: dict[str, Any], card: dict[str, Any], lang: Lang) -> str:
    if card.get("unverified_why"):
        return tr("finder.not-verified-here", lang)
    if name in ("username", "sender"):
        if not card["login_checked"]:
            return tr("finder.not-confirmed", lang)
        return tr("finder.login-confirmed" if evidence["confirmed"] else "finder.login-not-passed", lang)
    return tr("finder.confirmed", lang) if evidence["confirmed"] else ""


def rejected_lines(result: dict[str, Any], lang: Lang, ids: bool = True) -> list[str]:
    """Candidates not chosen, with the reason in words (the outcome catalogue's title)."""
    from troubleshooter.probes.catalog import describe

    card = result.get("card") or {}
    chosen = (card.get("host"), card.get("port"))
    lines = []
    for checked in result.get("checked") or []:
        candidate = checked["candidate"]
        if (candidate["host"], candidate["port"]) == chosen or checked["outcome"] == "ok":
            continue
        outcome = checked["outcome"]
        if outcome in ("not-needed", "deadline"):
            reason = tr(f"finder.reason.{outcome}", lang)
        else:
            reason = describe(outcome).title.get(lang)
        lines.append(f"  ✗ {candidate['host']}:{candidate['port']} ({candidate['security']}) – {reason}"
                     + (f" [{outcome}]" if ids else ""))
    return [tr("finder.rejected", lang), *lines] if lines else []


def compare_lines(compare: list[dict[str, str]], lang: Lang) -> list[str]:
    if not compare:
        return []
    return [tr("finder.compare", lang)] + [
        "  " + tr("finder.compare-row", lang, field=tr(f"finder.field.{_field(row['field'])}", lang),
                  entered=row["entered"], found=row["found"]) for row in compare]


def _field(name: str) -> str:
    return "encryption" if name == "security" else name


def result_lines(result: dict[str, Any], lang: Lang, *, steps: bool = True, ids: bool = True) -> list[str]:
    """Everything a person reads: the steps, the card (or checklist), rejected candidates,
    differences. ``ids=False`` (the conversation): article titles and no outcome ids."""
    lines = step_lines(result, lang) if steps else []
    lines += card_lines(result, lang, ids)
    lines += rejected_lines(result, lang, ids)
    lines += compare_lines(result.get("compare") or [], lang)
    return lines

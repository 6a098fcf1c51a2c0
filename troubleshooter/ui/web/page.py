"""What one page of the web conversation shows, as plain data for the template.

Built from the engine's view, the transcript's entries (the same history the terminal app
and the ticket show) and the outcome catalogue; nothing here decides what comes next.
Articles are rendered with markdown-it-py with raw HTML escaped (an article is data, never
markup), and links rewritten to this page's own addresses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from troubleshooter.flow.checks import mask_secret_looking
from troubleshooter.flow.model import ESCALATE, NodeRef
from troubleshooter.i18n import LANGS, Lang, Text, tr
from troubleshooter.probes.catalog import describe
from troubleshooter.probes.outcome import ProbeOutcome
from troubleshooter.probes.result_text import where_line
from troubleshooter.safe_text import visible, visible_line
from troubleshooter.transcript import entries, node_title
from troubleshooter.ui.app.served import refusal
from troubleshooter.ui.app.services import Articles, route_link
from troubleshooter.ui.web.checks import stage_name
from troubleshooter.ui.web.store import WebSession

# How each kind of value is typed on a phone: the keyboard it gets, and no autofill of this
# site's own logins (these are the website's mailbox settings, not the visitor's account here).
INPUT_ATTRS: dict[str, dict[str, str]] = {
    "host": {"type": "text", "inputmode": "url", "autocomplete": "off", "autocapitalize": "none",
             "spellcheck": "false"},
    "port": {"type": "text", "inputmode": "numeric", "autocomplete": "off"},
    "sender": {"type": "email", "autocomplete": "off", "spellcheck": "false"},
    "recipient": {"type": "email", "autocomplete": "off", "spellcheck": "false"},
    "username": {"type": "text", "autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    "password": {"type": "password", "autocomplete": "off"},
}


class ArticleShelf:
    """Articles as HTML, rendered once per (id, language)."""

    def __init__(self, kb: str | None) -> None:
        self.articles = Articles(kb)
        self._rendered = lru_cache(maxsize=512)(self._render)

    def get(self, article_id: str, lang: Lang) -> tuple[str, str] | None:
        return self._rendered(article_id, lang)

    def _render(self, article_id: str, lang: Lang) -> tuple[str, str] | None:
        found = self.articles.get(article_id, lang)
        if found is None:
            return None
        title, body = found
        return title, render_markdown(body)


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

    def link_open(renderer: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
        token = tokens[index]
        link = route_link(str(token.attrGet("href") or ""))
        if link.kind == "article":
            token.attrSet("href", f"?article={quote(link.target)}#article")
        elif link.kind == "web":
            token.attrSet("rel", "noopener noreferrer")
        else:  # a flow jump needs a form post; the guide's question offers the way on
            token.attrSet("href", "#question")
        return renderer.renderToken(tokens, index, options, env)

    def heading(renderer: Any, tokens: Any, index: int, options: Any, env: Any) -> str:
        token = tokens[index]  # an article's headings sit under the article's own h2
        token.tag = f"h{min(6, int(token.tag[1]) + 1)}"
        return renderer.renderToken(tokens, index, options, env)

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("heading_open", heading)
    md.add_render_rule("heading_close", heading)
    return md


def render_markdown(body: str) -> str:
    """Markdown to HTML; raw HTML in the source comes out escaped, as text."""
    return _markdown().render(body)


def check_card(probe: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """A check's result for a card: verdict, cause, fix, stages, certificate names, refusal."""
    outcome = str(probe.get("outcome", ""))
    info = describe(outcome)
    facts = probe.get("facts") or {}
    stages = [{"ok": bool(s.get("ok")), "name": stage_name(str(s.get("stage", "?")))[lang],
               "ms": round(float(s.get("elapsed") or 0) * 1000),
               "detail": visible_line(str(s.get("detail") or ""))} for s in probe.get("stages") or []]
    certificate = facts.get("certificate") if isinstance(facts.get("certificate"), dict) else {}
    card: dict[str, Any] = {
        "ok": outcome in ("ok", "found", "found-needs-app-password"),
        "outcome": outcome,
        "title": info.title.get(lang),
        "cause": info.cause.get(lang),
        "advice": info.advice.get(lang),
        "stages": stages,
        "names": [visible_line(str(n)) for n in certificate.get("names") or []],
        "refusal": refusal(ProbeOutcome.from_json(probe), lang) if "probe" in probe else None,
        # where the check ran (this service's server, not the website) and what that proves
        "where": where_line(str(probe.get("probe", "")), lang, served=True),
        "finder": [],
        "copies": [],
    }
    if probe.get("probe") == "find-settings" and "steps" in facts and "checked" in facts:
        from troubleshooter.probes.finder_card import result_lines

        card["finder"] = [visible_line(line) for line in result_lines(facts, lang, steps=False, ids=False)]
        card["copies"] = settings_copies(facts.get("card"), lang)
    return card


def settings_copies(card: dict[str, Any] | None, lang: Lang) -> list[dict[str, str]]:
    """The proven settings card's values with what their copy buttons say: each value as the
    website's SMTP form wants it (no encryption named as the form names it)."""
    from troubleshooter.probes.finder_card import FIELDS

    if not card:
        return []
    copies = []
    for name in FIELDS:
        value = str(card.get(name, ""))
        if name == "encryption" and value == "none":
            value = tr("finder.encryption.none", lang)
        label = tr(f"finder.field.{name}", lang)
        copies.append({"value": value, "label": tr("web.copy-value", lang, field=label, value=value)})
    return copies


def _aside(aside: Any, web: WebSession, lang: Lang) -> dict[str, Any]:
    actions = []
    for label, link in aside.reply.actions:
        kind, target = link.kind, link.target
        session = web.session
        ref = session.flows.resolve(target, session.current.flow) if kind == "node" else None
        if ref is not None:  # the step by its title, not its id
            label = tr("ask.jump", lang, node=node_title(session, ref).get(lang))
        actions.append({"label": label, "kind": kind, "target": target,
                        "href": f"?article={quote(target)}#article" if kind == "article" else None})
    return {"question": visible(aside.question), "lines": [visible(line) for line in aside.reply.lines],
            "actions": actions}


def _t(value: Text | None, lang: Lang) -> str:
    return value.get(lang) if value else ""


def conversation(web: WebSession, lang: Lang) -> list[dict[str, Any]]:
    """The path so far: the guide's question, any question-box exchanges, the answer, a card."""
    turns = []
    for position, entry in enumerate(entries(web.session)):
        turns.append({
            "title": _t(entry.title, lang),
            "question": _t(entry.question, lang) or _t(entry.title, lang),
            "asides": [_aside(a, web, lang) for a in web.asides if a.position == position],
            "answer": _t(entry.answer, lang),
            "card": check_card(entry.probe, lang) if entry.probe else None,
        })
    return turns


def current(web: WebSession, lang: Lang) -> dict[str, Any]:
    """The question asked now, with what the visitor can do about it."""
    session = web.session
    view = session.view()
    pending = web.pending if web.pending and web.pending.ref == view.ref else None
    state: dict[str, Any] = {
        "ref": str(view.ref),
        "kind": view.kind,
        "heading": _t(view.title, lang) or _t(view.flow_title, lang),
        "text": _t(view.text, lang),
        "status": view.status,
        "status_label": tr(f"app.end-{view.status}", lang) if view.is_end and view.status else "",
        "choices": [{"id": c.id, "label": c.label.get(lang)} for c in view.choices if c.id != ESCALATE],
        "warnings": [_t(f.message, lang) for f in view.findings],
        "asides": [_aside(a, web, lang) for a in web.asides if a.position == len(session.steps)],
    }
    if view.input:
        spec = view.input
        findings = list(pending.result.findings) if pending else []
        suggestion = pending.result.suggestion if pending else None
        # a password typed into the username field is not echoed in the offer
        shown = mask_secret_looking(suggestion, spec.kind) if suggestion is not None else ""
        state["input"] = {
            "name": spec.name, "kind": spec.kind, "secret": spec.secret, "optional": spec.optional,
            "attrs": INPUT_ATTRS.get(spec.kind, {"type": "text", "autocomplete": "off"}),
            "value": "" if spec.secret else (pending.value if pending else (spec.current or "")),
            "findings": [{"error": f.severity == "error", "message": _t(f.message, lang)} for f in findings],
            "blocking": bool(pending and pending.result.blocking),
            "cleaned": suggestion is not None,
            "cleaned_label": (tr("input.use-cleaned-secret", lang) if spec.secret
                              else tr("input.use-cleaned", lang, value=shown))
            if suggestion is not None else "",
        }
    if view.probe:
        check = web.check if web.check is not None and not web.check.done else None
        state["probe"] = {
            "running": check is not None,
            "event_count": len(check.events) if check else 0,
            "events": shown_progress([progress_line(e, lang) for e in check.events]) if check else [],
            "missing": session.missing_values(),
            "unset": session.unset_values(),
        }
    return state


def progress_line(event: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """One live event of a running check as the page (and the script) shows it."""
    if event.get("type") == "probe":
        return {"kind": "probe", "text": tr("probe.title", lang, probe=event["title"][lang])}
    if event.get("type") == "result":
        outcome = describe(event["outcome"]).title.get(lang)
        return {"kind": "result", "text": tr("probe.result", lang, outcome=outcome)}
    name = event.get("name", {}).get(lang, event.get("stage", "?"))
    if event.get("state") != "done":
        return {"kind": "running", "text": f"… {name}"}
    mark = "✓" if event.get("ok") else "✗"
    detail = f" – {visible_line(str(event['detail']))}" if event.get("detail") else ""
    return {"kind": "ok" if event.get("ok") else "fail",
            "text": f"{mark} {name} ({event.get('elapsed_ms', 0)} ms){detail}"}


def shown_progress(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A stage's "running" line gives way to its result line (as the script does live)."""
    shown: list[dict[str, Any]] = []
    for line in lines:
        if line["kind"] in ("ok", "fail"):
            running = [i for i, old in enumerate(shown) if old["kind"] == "running"]
            if running:
                del shown[running[-1]]
        shown.append(line)
    return shown


def escalate_target(web: WebSession) -> NodeRef | None:
    """Where "I need a person" leads from an end node (the flow's support end), if anywhere."""
    session = web.session
    flow = session.flows.flow(session.current.flow)
    if not flow.escalate:
        return None
    target = session.flows.resolve(flow.escalate, session.current.flow)
    return None if target == session.current else target


def other_lang(lang: Lang) -> Lang:
    return next(code for code in LANGS if code != lang)

"""The conversation as a record: what the app shows as history and what a ticket gets.

UI-free, so the Textual app, the plain mode and the browser build the same transcript.
The record is derived from ``Session.steps`` (the one source of truth), so back, resume and
a maintainer's reload never leave a stale history. A transcript never holds a secret: the
engine keeps secret answers out of the steps, probe dialogues arrive redacted, and
:meth:`Session.secrets` (:mod:`troubleshooter.redaction`) removes every form of every secret
the session holds from all free text as a last line of defence.
"""

from __future__ import annotations

import json
import platform
from datetime import datetime
from pathlib import Path
from typing import Any

from msgspec import Struct

from troubleshooter.flow.engine import NodeView, Session, Step
from troubleshooter.flow.model import CONTINUE, ESCALATE, ESCALATE_NODE, Node, NodeRef
from troubleshooter.i18n import LANGS, Lang, Text, text, tr
from troubleshooter.safe_text import visible_line

TRANSCRIPT_FORMAT = 1


class Entry(Struct, frozen=True):
    """One exchange: what the guide asked at a node and what the user answered."""

    ref: NodeRef
    kind: str
    title: Text  # short name of the node (breadcrumb)
    question: Text | None
    answer: Text
    findings: tuple[str, ...] = ()
    probe: dict[str, Any] | None = None


def _same(value: str) -> Text:
    return Text(value, value)


def _per_lang(key: str, **params: Text) -> Text:
    parts = {lang: tr(key, lang, **{k: v.get(lang) for k, v in params.items()}) for lang in LANGS}
    return Text(**parts)


def node_title(session: Session, ref: NodeRef) -> Text:
    """A node's short name: its authored title, else its id in words."""
    try:
        node = session.node(ref)
    except KeyError:
        return _same(ref.node)
    if node.title:
        return node.title
    if ref.node == ESCALATE_NODE:
        return text("app.end-escalate")
    return _same(ref.node.replace("-", " ").capitalize())


def _answer(session: Session, node: Node, step: Step, shown: NodeView) -> Text:
    if step.kind == "choose":
        if step.answer == CONTINUE and node.kind == "info":
            return text("engine.continue")
        if step.answer == ESCALATE:
            return text("engine.escalate")
        said = next((c for c in shown.choices if c.id == step.answer), None)  # as it was offered
        choice = said or next((c for c in node.choices if c.id == step.answer), None)
        return choice.label if choice else _same(step.answer or "")
    if step.kind == "submit":
        if node.input and node.input.secret:
            return text("app.secret-mask")
        return _same(visible_line(step.answer)) if step.answer else text("app.empty-answer")
    if step.kind == "probe":
        from troubleshooter.probes.catalog import describe  # here: the first screen has no probe step

        return describe(step.answer or "").title
    if step.kind == "jump":
        target = session.flows.resolve(step.answer or "", step.ref.flow)
        name = node_title(session, target) if target else _same(step.answer or "")
        return _per_lang("app.jumped", target=name)
    return _same(step.answer or "")


def entries(session: Session) -> list[Entry]:
    """The path so far, one entry per step, with texts in both languages."""
    found: list[Entry] = []
    for step, shown in zip(session.steps, session.path_views(), strict=True):
        node = session.node(step.ref)
        found.append(Entry(step.ref, step.kind, node_title(session, step.ref), shown.text,
                           _answer(session, node, step, shown), step.findings, step.probe))
    return found


def breadcrumb(session: Session) -> list[Text]:
    """Node titles along the path, the current node last (repeats collapsed)."""
    refs = [step.ref for step in session.steps] + [session.current]
    crumbs: list[Text] = []
    for ref in refs:
        title = node_title(session, ref)
        if not crumbs or crumbs[-1] != title:
            crumbs.append(title)
    return crumbs


# -- building --------------------------------------------------------------------------
def build(session: Session, *, created: datetime | None = None,
          versions: dict[str, str] | None = None) -> dict[str, Any]:
    """The transcript as plain data (the JSON export), in the session's language."""
    from troubleshooter import __version__

    lang = session.lang
    view = session.view()
    steps = []
    for entry in entries(session):
        item: dict[str, Any] = {
            "node": str(entry.ref),
            "title": entry.title.get(lang),
            "kind": entry.kind,
            "question": entry.question.get(lang) if entry.question else None,
            "answer": entry.answer.get(lang),
        }
        if entry.findings:
            item["findings"] = list(entry.findings)
        if entry.probe:
            item["probe"] = entry.probe
        steps.append(item)
    data = {
        "format": TRANSCRIPT_FORMAT,
        "created": (created or datetime.now().astimezone()).isoformat(timespec="seconds"),
        "lang": lang,
        "flow": view.ref.flow,
        "flow_title": view.flow_title.get(lang),
        "current": str(view.ref),
        "current_title": node_title(session, view.ref).get(lang),
        "verdict": view.status if view.is_end else None,
        "provider": session.provider_id,  # as the conversation learnt it (said, checked or typed)
        "provider_name": _provider_name(session.provider_id),
        "values": dict(session.values),
        "value_titles": {name: session.value_title(name).get(lang) for name in session.values},
        "value_texts": {name: session.value_text(name).get(lang) for name in session.values},
        "steps": steps,
        "versions": {"troubleshooter": __version__, "python": platform.python_version(),
                     **(versions or {})},
    }
    return session.secrets().shown_data(data, keep="\n\t")


def _provider_name(provider_id: str | None) -> str | None:
    if not provider_id:
        return None
    from troubleshooter.flow.provider_text import provider

    found = provider(provider_id)
    return found.name if found else None


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _ms(seconds: Any) -> str:
    try:
        return f"{float(seconds) * 1000:.0f} ms"
    except (TypeError, ValueError):
        return "?"


def _finding_text(code: str, lang: Lang) -> str:
    """A kept finding in words; its details (``{port}``…) are in the JSON export."""
    import re

    from troubleshooter.i18n import catalog

    known = catalog().get(f"check.{code}")
    return re.sub(r"\s*\{[^}]*\}", " …", known.get(lang)) if known else code


def to_markdown(data: dict[str, Any]) -> str:
    """A transcript to paste into a ticket; built from :func:`build`'s data (already scrubbed).
    Everything in it is in the transcript's language: titles, not ids (those are in the JSON)."""
    from troubleshooter.probes import result_text

    lang: Lang = data.get("lang", "cs")
    verdict = data.get("verdict")
    verdict_text = tr(f"app.end-{verdict}", lang) if verdict else tr("transcript.unfinished", lang)
    lines = [
        f"# {tr('transcript.title', lang)}",
        "",
        f"- {tr('transcript.flow', lang)}: {data['flow_title']}",
        f"- {tr('transcript.verdict', lang)}: **{verdict_text}** — {data['current_title']}",
        f"- {tr('transcript.created', lang)}: {data['created']}",
    ]
    if data.get("provider_name"):
        lines.append(f"- {tr('transcript.provider', lang)}: {data['provider_name']}")
    lines += ["", f"## {tr('transcript.path', lang)}", ""]
    for number, step in enumerate(data["steps"], 1):
        probe = step.get("probe")
        if probe:
            lines.append(f"{number}. **{step['title']}** — {tr('transcript.check-result', lang)}: "
                         f"{step['answer']} ({_ms(probe.get('elapsed'))})")
        else:
            lines.append(f"{number}. **{step['title']}** → {step['answer']}")
        if step.get("findings"):
            kept = "; ".join(_finding_text(code, lang) for code in step["findings"])
            lines.append(f"   - {tr('transcript.findings', lang)}: {kept}")
        if probe:
            for stage in probe.get("stages", []):
                lines.append(f"   - {result_text.stage_line(stage, lang)}")
            lines += [f"   - {line}" for line in result_text.fact_lines(probe, lang)]
            where = result_text.where_line(str(probe.get("probe", "")), lang, served=bool(data.get("served")))
            if where:
                lines.append(f"   - {where}")
            if probe.get("transcript"):
                lines += ["", f"   {tr('transcript.dialogue', lang)}:", "", "   ```"]
                lines += [f"   {line}" for line in probe["transcript"]]
                lines += ["   ```", ""]
    if data.get("values"):
        titles, texts = data.get("value_titles") or {}, data.get("value_texts") or {}
        lines += ["", f"## {tr('transcript.values', lang)}", ""]
        lines += [f"- {titles.get(name, name)}: `{texts.get(name, value)}`"
                  for name, value in data["values"].items()]
    lines += ["", f"## {tr('transcript.versions', lang)}", ""]
    lines += [f"- {name} {version}" for name, version in data["versions"].items()]
    return "\n".join(lines) + "\n"


def default_name(now: datetime | None = None) -> str:
    """``troubleshooter-20261129-142501.md``: a timestamped file in the working directory."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"troubleshooter-{stamp}.md"


def _unused(target: Path) -> Path:
    """``target``, or ``stem-N`` beside it, reserved (created empty, exclusively) so that a
    second export at the same moment cannot take the same name; its JSON twin is free too."""
    import os

    for number in range(1, 10_000):
        candidate = target if number == 1 else target.with_name(f"{target.stem}-{number}{target.suffix}")
        if candidate.with_suffix(".json").exists():
            continue
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(target)


def export(session: Session, path: str, *,
           versions: dict[str, str] | None = None) -> tuple[str, str, str]:
    """Write ``path`` (Markdown) and the JSON beside it, atomically; returns both paths and
    the Markdown text (what a front end copies to the clipboard). An existing file is never
    overwritten: the name gets ``-2``, ``-3``, … (two exports within one second)."""
    from pathlib import Path

    from troubleshooter.cache import write_atomic

    data = build(session, versions=versions)
    target = Path(path)
    if target.suffix.lower() == ".json":
        target = target.with_suffix(".md")
    target = _unused(target)
    json_path = target.with_suffix(".json")
    markdown = to_markdown(data)
    write_atomic(target, markdown)
    write_atomic(json_path, to_json(data))
    return str(target), str(json_path), markdown

"""What the chat shows, derived from the session: a block per step, then the current node.

Each block is (what it shows, how to build its widgets); :class:`~.widgets.ChatLog` rebuilds
only the blocks whose content changed. Question-box exchanges (asides) sit in the block of
the step they were asked at; the latest settings card carries the copy buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text as RichText
from textual.markup import escape
from textual.widgets import Static

from troubleshooter.i18n import Lang, Text, tr
from troubleshooter.safe_text import visible
from troubleshooter.ui.app.messages import Follow
from troubleshooter.ui.app.widgets import ChatBlock, SayButton, bubble, finder_card, stage_line

if TYPE_CHECKING:
    from troubleshooter.flow.engine import Session
    from troubleshooter.ui.app.question_box import Aside


def chat_blocks(session: Session, asides: Sequence[Aside], lang: Lang, *,
                served: bool = False) -> list[ChatBlock]:
    """``served``: checks run on this service's server (``serve``), not on the user's computer."""
    from troubleshooter.transcript import entries

    bot, you = tr("app.bot", lang), tr("app.you", lang)
    blocks: list[ChatBlock] = []
    reply_sizes = tuple(len(a.reply.lines) for a in asides)
    card_step = latest_card_step(session)

    def in_lang(value: Text | None) -> str:
        return value.get(lang) if value else ""

    for position, entry in enumerate(entries(session)):
        def build(entry=entry, position=position) -> list:
            found = [bubble(bot, in_lang(entry.question) or in_lang(entry.title))]
            found += aside_widgets(asides, position, lang, session)
            if entry.kind == "probe":  # the check's result is the guide's to say, not the user's reply
                found += check_result(entry, lang, bot, finder_keys=position == card_step, served=served)
            else:
                found.append(bubble(you, in_lang(entry.answer), user=True))
            return found

        shows = (lang, str(entry.ref), entry.kind, entry.answer, entry.findings,
                 sum(1 for a in asides if a.position == position), reply_sizes, position == card_step)
        blocks.append((shows, build))
    view = session.view()

    def build_current() -> list:
        body = in_lang(view.text)
        if view.is_end and view.status:
            body = f"{tr(f'app.end-{view.status}', lang)} — {body}"
        found = [bubble(bot, body, style="bold" if view.is_end else "")]
        found += [Static(f"⚠ {in_lang(f.message)}", classes="warning user") for f in view.findings]
        return found + aside_widgets(asides, len(session.steps), lang, session)

    blocks.append(((lang, "current", str(view.ref), view.findings, len(asides), reply_sizes), build_current))
    return blocks


def check_result(entry, lang: Lang, bot: str, *, finder_keys: bool, served: bool) -> list:
    """A check's card: its verdict, its stages, what it found (the certificate's names and
    issuer, the ports open), where it ran and what that proves."""
    from troubleshooter.probes import result_text

    found: list = [bubble(bot, tr("probe.result-heading", lang, outcome=entry.answer.get(lang)), style="bold")]
    probe = entry.probe or {}
    for stage in probe.get("stages", []):
        found.append(Static(stage_line(stage.get("stage", "?"), stage, lang), classes="check"))
    if is_finder(probe):
        found += finder_card(probe["facts"], lang, with_keys=finder_keys)
    lines = result_text.fact_lines(probe, lang) if probe else []
    where = result_text.where_line(str(probe.get("probe", "")), lang, served=served) if probe else None
    if lines or where:
        found.append(Static(RichText("\n".join([*lines, *([where] if where else [])])), classes="check"))
    return found


def problem_block(said: str, lang: Lang) -> list[ChatBlock]:
    """The chat when there is no conversation: why (or that the content is still loading)."""
    return [(("problem", said), lambda: [bubble(tr("app.bot", lang), said)])]


def aside_widgets(asides: Sequence[Aside], position: int, lang: Lang, session: Session | None = None) -> list:
    """The question box's exchanges at ``position``; the latest one's first step link and
    first article link carry their keys (j, o), so they need no Tab."""
    found: list = []
    latest = asides[-1] if asides else None
    for aside in asides:
        if aside.position != position:
            continue
        from troubleshooter.explain.render import pasted_summary  # not before the first screen

        found.append(bubble(tr("app.you", lang), visible(pasted_summary(aside.question, lang)), user=True))
        for line in aside.reply.lines:
            found.append(Static(RichText(line), classes="aside"))
        keyed: set[str] = set()
        for label, link in aside.reply.actions:
            if link.kind == "node" and session is not None:
                label = _step_label(session, link.target, lang, label)
            key = LINK_KEYS.get(link.kind) if aside is latest and link.kind not in keyed else None
            if key:
                keyed.add(link.kind)
                label = f"{escape(f'[{key}]')} {label}"  # shown as [j], not read as markup
            found.append(SayButton(label, partial(Follow, link)))
    return found


LINK_KEYS = {"node": "j", "article": "o"}  # the latest answer's links: j goes to its step, o opens


def _step_label(session: Session, target: str, lang: Lang, fallback: str) -> str:
    """"Go to the step: <its title>", never the step's id."""
    from troubleshooter.transcript import node_title

    ref = session.flows.resolve(target, session.current.flow)
    if ref is None:
        return fallback
    return tr("ask.jump", lang, node=node_title(session, ref).get(lang))


def latest_link(asides: Sequence[Aside], kind: str):
    """The link the key of ``kind`` follows: the latest answer's first of that kind."""
    if not asides:
        return None
    return next((link for _label, link in asides[-1].reply.actions if link.kind == kind), None)


def latest_card_step(session: Session | None) -> int | None:
    """The step holding the latest settings card (the copy keys act on it)."""
    if session is None:
        return None
    for index in range(len(session.steps) - 1, -1, -1):
        probe = session.steps[index].probe
        if is_finder(probe) and probe["facts"].get("card"):
            return index
    return None


def latest_card(session: Session | None) -> dict | None:
    index = latest_card_step(session)
    if index is None or session is None:
        return None
    return session.steps[index].probe["facts"]["card"]


def is_finder(probe: dict | None) -> bool:
    """A recorded ``find-settings`` result with the facts the card needs."""
    return bool(probe and probe.get("probe") == "find-settings" and isinstance(probe.get("facts"), dict)
                and "steps" in probe["facts"])

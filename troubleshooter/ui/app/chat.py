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
from textual.widgets import Static

from troubleshooter.explain.render import pasted_summary
from troubleshooter.i18n import Lang, Text, tr
from troubleshooter.safe_text import visible
from troubleshooter.ui.app.messages import Follow
from troubleshooter.ui.app.widgets import ChatBlock, SayButton, bubble, finder_card, stage_line

if TYPE_CHECKING:
    from troubleshooter.flow.engine import Session
    from troubleshooter.ui.app.question_box import Aside


def chat_blocks(session: Session, asides: Sequence[Aside], lang: Lang) -> list[ChatBlock]:
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
            found += aside_widgets(asides, position, lang)
            found.append(bubble(you, in_lang(entry.answer), user=True))
            for stage in (entry.probe or {}).get("stages", []):
                found.append(Static(stage_line(stage.get("stage", "?"), stage), classes="user"))
            if is_finder(entry.probe):
                found += finder_card(entry.probe["facts"], lang, with_keys=position == card_step)
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
        return found + aside_widgets(asides, len(session.steps), lang)

    blocks.append(((lang, "current", str(view.ref), view.findings, len(asides), reply_sizes), build_current))
    return blocks


def problem_block(said: str, lang: Lang) -> list[ChatBlock]:
    """The chat when there is no conversation: why (or that the content is still loading)."""
    return [(("problem", said), lambda: [bubble(tr("app.bot", lang), said)])]


def aside_widgets(asides: Sequence[Aside], position: int, lang: Lang) -> list:
    found: list = []
    for aside in asides:
        if aside.position != position:
            continue
        found.append(bubble(tr("app.you", lang), visible(pasted_summary(aside.question, lang)), user=True))
        for line in aside.reply.lines:
            found.append(Static(RichText(line), classes="aside"))
        for label, link in aside.reply.actions:
            found.append(SayButton(label, partial(Follow, link)))
    return found


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

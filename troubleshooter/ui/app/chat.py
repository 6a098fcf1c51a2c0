"""What the chat shows, derived from the session: a block per step, then the current node.

:func:`chat_blocks` turns the session into records, one per block, that hold everything the
block shows (an answered step, the current node, or a note when there is no conversation);
two equal records draw the same widgets. :class:`ChatLog` keeps them in a reactive attribute
and gives record *i* to block *i*, a :class:`ChatBlock` whose own reactive record recomposes
it: Textual's comparison of the old and the new record decides which blocks are drawn again —
after a step, the last answer and the new node; after a language switch or a reload, every
block whose texts changed. Question-box exchanges (asides) sit in the block of the step they
were asked at; the latest settings card carries the copy buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from msgspec import Struct
from rich.text import Text as RichText
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.reactive import reactive, var
from textual.widget import Widget
from textual.widgets import Static

from troubleshooter.i18n import Lang, tr
from troubleshooter.safe_text import visible
from troubleshooter.ui.app.messages import Follow
from troubleshooter.ui.app.widgets import SayButton, bubble, finder_card, stage_line

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from troubleshooter.flow.engine import Session
    from troubleshooter.transcript import Entry
    from troubleshooter.ui.app.question_box import Aside
    from troubleshooter.ui.app.services import Link


class AsideShows(Struct, frozen=True):
    """A question-box exchange: the question, the answer's lines and its links (labels final:
    a step link says the step's title, the latest answer's first links carry their keys)."""

    question: str
    lines: tuple[str, ...]
    links: tuple[tuple[str, Link], ...]
    lang: Lang

    def widgets(self) -> list[Widget]:
        from troubleshooter.explain.render import pasted_summary  # not before the first screen

        asked = visible(pasted_summary(self.question, self.lang))
        found: list[Widget] = [bubble(tr("app.you", self.lang), asked, user=True)]
        found += [Static(RichText(line), classes="aside") for line in self.lines]
        found += [SayButton(label, partial(Follow, link)) for label, link in self.links]
        return found


class StepShows(Struct, frozen=True):
    """An answered step: the guide's question, the asides asked there, then the user's answer
    or, for a check, the check's card (its copy buttons on the latest settings card)."""

    entry: Entry
    asides: tuple[AsideShows, ...]
    lang: Lang
    card_keys: bool
    served: bool  # checks run on this service's server (``serve``), not on the user's computer

    def widgets(self) -> list[Widget]:
        entry, lang = self.entry, self.lang
        bot = tr("app.bot", lang)
        question = entry.question.get(lang) if entry.question else ""
        found = [bubble(bot, question or entry.title.get(lang))]
        for aside in self.asides:
            found += aside.widgets()
        if entry.kind == "probe":  # the check's result is the guide's to say, not the user's reply
            found += check_result(entry, lang, bot, finder_keys=self.card_keys, served=self.served)
        else:
            found.append(bubble(tr("app.you", lang), entry.answer.get(lang), user=True))
        return found


class NodeShows(Struct, frozen=True):
    """The current node: its text (an end's verdict first, in bold), the findings the last
    answer left, the asides asked here."""

    text: str
    is_end: bool
    warnings: tuple[str, ...]
    asides: tuple[AsideShows, ...]
    lang: Lang

    def widgets(self) -> list[Widget]:
        found: list[Widget] = [bubble(tr("app.bot", self.lang), self.text, style="bold" if self.is_end else "")]
        found += [Static(f"⚠ {warning}", classes="warning user") for warning in self.warnings]
        for aside in self.asides:
            found += aside.widgets()
        return found


class NoteShows(Struct, frozen=True):
    """The chat when there is no conversation: why (or that the content is still loading)."""

    said: str
    lang: Lang

    def widgets(self) -> list[Widget]:
        return [bubble(tr("app.bot", self.lang), self.said)]


Shows = StepShows | NodeShows | NoteShows


class ChatBlock(Widget):
    """One block of the chat, composed from its record; an unequal new record recomposes it."""

    shows: reactive[Shows | None] = reactive(None, recompose=True)

    def __init__(self, shows: Shows) -> None:
        super().__init__()
        self.set_reactive(ChatBlock.shows, shows)

    def compose(self) -> ComposeResult:
        if self.shows is not None:
            yield from self.shows.widgets()


class ChatLog(VerticalScroll):
    """The conversation so far: a :class:`ChatBlock` per record of :attr:`blocks`."""

    can_focus = False

    blocks: var[tuple[Shows, ...]] = var(())

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.shown: list[ChatBlock] = []  # in order; a removed block leaves at once, not when pruned

    def watch_blocks(self, blocks: tuple[Shows, ...]) -> None:
        """In the same turn as the change, not awaited: the chat and the answer area are then
        laid out together (an awaited mount here is an extra layout pass on the first screen)."""
        for block, shows in zip(self.shown, blocks, strict=False):
            block.shows = shows  # recomposed only if the record changed
        stale, kept = self.shown[len(blocks):], self.shown[:len(blocks)]
        fresh = [ChatBlock(shows) for shows in blocks[len(kept):]]
        self.shown = kept + fresh
        if stale:
            self.remove_children(stale)
        if fresh:
            self.mount_all(fresh)
        self.anchor()


def chat_blocks(session: Session, asides: Sequence[Aside], lang: Lang, *,
                served: bool = False) -> tuple[Shows, ...]:
    """The chat's records for ``session``; ``served``: checks run on this service's server."""
    from troubleshooter.transcript import entries

    card_step = latest_card_step(session)
    shown = [aside_shows(aside, aside is asides[-1], lang, session) for aside in asides]

    def asked_at(position: int) -> tuple[AsideShows, ...]:
        return tuple(said for aside, said in zip(asides, shown, strict=True) if aside.position == position)

    blocks: list[Shows] = [StepShows(entry, asked_at(position), lang, position == card_step, served)
                           for position, entry in enumerate(entries(session))]
    view = session.view()
    body = view.text.get(lang) if view.text else ""
    if view.is_end and view.status:
        body = f"{tr(f'app.end-{view.status}', lang)} — {body}"
    warnings = tuple(finding.message.get(lang) for finding in view.findings)
    blocks.append(NodeShows(body, view.is_end, warnings, asked_at(len(session.steps)), lang))
    return tuple(blocks)


def check_result(entry: Entry, lang: Lang, bot: str, *, finder_keys: bool, served: bool) -> list:
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


def aside_shows(aside: Aside, latest: bool, lang: Lang, session: Session) -> AsideShows:
    """The latest answer's first step link and first article link carry their keys (j, o),
    so they need no Tab."""
    links: list[tuple[str, Link]] = []
    keyed: set[str] = set()
    for label, link in aside.reply.actions:
        if link.kind == "node":
            label = _step_label(session, link.target, lang, label)
        key = LINK_KEYS.get(link.kind) if latest and link.kind not in keyed else None
        if key:
            keyed.add(link.kind)
            label = f"{escape(f'[{key}]')} {label}"  # shown as [j], not read as markup
        links.append((label, link))
    return AsideShows(aside.question, tuple(aside.reply.lines), tuple(links), lang)


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

"""The conversation pane: the chat so far and the answer area, driven by the engine's session.

State lives in the :class:`Session` (steps replayed); the chat is derived from it
(:func:`~.chat.chat_blocks` into the chat's reactive ``blocks``), so back, restart, resume,
reload and a language switch are one re-render each. The pane handles what its widgets post
(a choice, a typed value, a check's end) and tells the screen after every re-render
(:class:`ConversationPane.Changed`), which then updates the top bar, the article pane and the
key line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message

from troubleshooter.flow.errors import FlowError
from troubleshooter.i18n import Lang, tr
from troubleshooter.ui.app import served, state
from troubleshooter.ui.app.answer import AnswerArea, Pending
from troubleshooter.ui.app.chat import ChatLog, NoteShows, chat_blocks
from troubleshooter.ui.app.messages import (
    Choose,
    ProbeCancelled,
    ProbeFinished,
    RunProbeAgain,
    SecretRetyped,
    ValueTyped,
)
from troubleshooter.ui.app.probe_run import ProbeRunner
from troubleshooter.ui.app.question_box import Aside
from troubleshooter.ui.app.services import Reply
from troubleshooter.ui.app.usage_log import UsageLog
from troubleshooter.ui.app.widgets import ProbePanel

if TYPE_CHECKING:
    from troubleshooter.flow.engine import Session
    from troubleshooter.probes.policy import TargetPolicy
    from troubleshooter.usage.record import Recorder


class ConversationPane(Vertical):
    class Changed(Message):
        """The pane re-rendered: the session moved, or the language or the content changed."""

    def __init__(self, policy: TargetPolicy | None, *, blink: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        self.blink = blink
        self.session: Session | None = None
        self.problem: str | None = None  # why there is no session (or None: still loading)
        self.pending: Pending | None = None  # a typed value the input checks held back
        self.asides: list[Aside] = []
        self.probe = ProbeRunner(self, policy)
        self.shown_ref = None  # the node the answer area shows
        self.usage = UsageLog(self._open_usage_record)  # the opt-in usage record (--record)

    def _open_usage_record(self, session: Session) -> Recorder | None:
        from troubleshooter.ui.conversation import usage_recorder

        return usage_recorder(self.app.args, "terminal" if self.app.is_web else "app", session)

    def on_unmount(self) -> None:
        self.usage.close(self.session)

    def compose(self) -> ComposeResult:
        yield ChatLog(id="chat")
        yield AnswerArea(id="answer")

    async def start(self, session: Session | None, problem: str | None = None, *,
                    replayed: bool = False) -> None:
        """Show ``session`` (or, without one, ``problem``); ``replayed``: the content was
        reloaded under the same path, so every text may have changed."""
        self.session, self.problem = session, problem
        if replayed:
            self.shown_ref = None
            await self.after_step()
        else:
            await self.refresh_view()

    async def refresh_view(self, *, keep_answer: bool = False) -> None:
        """Re-render the chat and the answer area from the session."""
        session = self.session
        if session is None:
            said = self.problem or tr("app.loading", self.app.lang)
            self.query_one(ChatLog).blocks = (NoteShows(said, self.app.lang),)
            self.post_message(self.Changed())
            return
        view = session.view()
        self.usage.observe(session)
        if self.probe.ref is not None and self.probe.ref != view.ref:
            self.probe.cancel()
        self._show_chat()
        node_changed = view.ref != self.shown_ref
        self.shown_ref = view.ref
        if not (keep_answer and self.probe.running):
            await self._render_answer(node_changed)
        self.post_message(self.Changed())

    def _show_chat(self) -> None:
        assert self.session is not None
        self.query_one(ChatLog).blocks = chat_blocks(self.session, self.asides, self.app.lang,
                                                     served=self.probe.policy is not None)

    async def _render_answer(self, node_changed: bool) -> None:
        session = self.session
        assert session is not None
        view = session.view()
        if node_changed:
            self.pending = None
        missing = session.missing_values() if view.kind == "probe" else []
        await self.query_one(AnswerArea).show(view, missing, self.app.lang, pending=self.pending,
                                              node_changed=node_changed, probe_running=self.probe.running,
                                              blink=self.blink)
        self.query_one(ChatLog).anchor()
        if view.kind == "probe" and node_changed and not missing:
            def start_probe() -> None:  # later: not from inside the previous probe's worker
                self.probe.start(session, self.query_one(ProbePanel))

            self.call_later(start_probe)

    async def after_step(self) -> None:
        if self.session is None:
            return
        self.pending = None
        self.asides = [a for a in self.asides if a.position <= len(self.session.steps)]
        state.save(self.session.to_json())
        await self.refresh_view()

    async def jump(self, target: str) -> None:
        if self.session is None:
            return
        try:
            self.session.jump(target)
        except FlowError as exc:
            self.notify(exc.say(self.app.lang), severity="error")
            return
        await self.after_step()

    async def go_back(self) -> None:
        if self.session and self.session.steps:
            self.session.back()
            self.usage.next_action = "back"
            await self.after_step()

    async def restart(self) -> None:
        if self.session:
            self.session.restart()
            self.usage.next_action = "restart"
            self.asides.clear()
            await self.after_step()

    async def switch_lang(self, lang: Lang) -> None:
        """Everything again in ``lang``; a check running keeps its panel."""
        if self.session:
            self.session.set_lang(lang)
            state.save(self.session.to_json())
        await self.refresh_view(keep_answer=True)

    # -- the question box's exchanges ---------------------------------------------------------
    def add_aside(self, question: str, reply: Reply) -> None:
        if self.session is None:
            return
        self.usage.question(question, reply)
        self.asides.append(Aside(len(self.session.steps), question, reply))
        self._show_chat()

    def reanswered(self, lang: Lang, asides: list[Aside], replies: list[Reply]) -> None:
        if lang != self.app.lang or self.session is None:
            return  # switched again meanwhile: a newer re-ask follows
        for aside, reply in zip(asides, replies, strict=True):
            aside.reply = reply
        self._show_chat()

    # -- what the answer area posts -----------------------------------------------------------
    async def on_choose(self, event: Choose) -> None:
        event.stop()
        if self.session is None or self.session.current != event.ref:
            return  # the previous node's button (its key handled before this node was shown)
        try:
            self.session.choose(event.choice_id)
        except FlowError as exc:
            self.notify(exc.say(self.app.lang), severity="error")
            return
        await self.after_step()

    async def on_value_typed(self, event: ValueTyped) -> None:
        event.stop()
        if self.session is None or self.session.current != event.ref:
            return  # typed into the previous node's field (Enter pressed twice)
        result = self.session.submit(event.value, keep=event.keep)
        if result.accepted:
            await self.after_step()
        else:
            self.pending = Pending(event.value, result)
            await self._render_answer(False)

    async def on_secret_retyped(self, event: SecretRetyped) -> None:
        event.stop()
        if self.session is None:
            return
        missing = self.session.missing_values()
        if missing:
            self.session.provide_secret(missing[0], event.value)
        await self._render_answer(True)

    # -- the node's check ---------------------------------------------------------------------
    async def on_run_probe_again(self, event: RunProbeAgain) -> None:
        event.stop()
        if self.session is not None and self.session.current == event.ref and not self.probe.running:
            self.probe.start(self.session, self.query_one(ProbePanel))
            await self._render_answer(False)

    async def on_probe_finished(self, event: ProbeFinished) -> None:
        if self.session is None or self.session.current != event.ref:
            return
        refused = served.refusal(event.outcome, self.app.lang)
        if refused:
            self.notify(refused, severity="warning", timeout=30)
        self.session.record_probe(event.outcome)
        await self.after_step()

    async def on_probe_cancelled(self, event: ProbeCancelled) -> None:
        if self.session is not None:
            await self._render_answer(False)

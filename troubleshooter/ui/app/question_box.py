"""The question box (``/``): a free question or a pasted red message, answered beside the flow.

The answers come from the knowledge base and the explainer in a worker thread (they must never
take the conversation down) and go to the screen as :class:`~.messages.Answered`; after a
language switch the screen asks for the same questions again (:meth:`QuestionBox.reask`).
"""

from __future__ import annotations

from msgspec import Struct
from textual import events, work
from textual.widgets import Input

from troubleshooter.i18n import Lang, tr
from troubleshooter.ui.app.messages import Answered, Reanswered
from troubleshooter.ui.app.services import Reply, answer, search_context


class Aside(Struct):
    """A question-box exchange, shown in the chat after ``position`` steps."""

    position: int
    question: str
    reply: Reply


class QuestionBox(Input):
    def __init__(self, kb: str | None, lang: Lang, *, blink: bool, **kwargs) -> None:
        super().__init__(placeholder=tr("ask.placeholder", lang), compact=True, **kwargs)
        self.kb = kb
        self.lang = lang
        self.cursor_blink = blink
        self.session = None  # the conversation's session (follow()): its node and provider break ties

    def follow(self, session) -> None:
        """The conversation moved (read when a question is asked, not on every step: the
        search module is not imported before the first screen)."""
        self.session = session

    def set_lang(self, lang: Lang) -> None:
        self.lang = lang
        self.placeholder = tr("ask.placeholder", lang)

    def on_paste(self, event: events.Paste) -> None:
        """Several lines (a whole debug output, a bounce, headers) go to the paste area, not
        into this one-line field, and are asked from there without their login data."""
        from troubleshooter.redaction import scrub_auth
        from troubleshooter.ui.app.paste_area import catch_multiline_paste

        catch_multiline_paste(self, event, self.lang, lambda text: self.ask(scrub_auth(text)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        question = event.value.strip()
        self.value = ""
        if question:
            self.ask(question)

    def ask(self, question: str) -> None:
        self._answer(question, search_context(self.session))

    @work(thread=True, exit_on_error=False, group="ask", exclusive=True)
    def _answer(self, question: str, context: object) -> None:
        lang = self.lang
        try:
            reply = answer(question, lang, self.kb, context)
        except Exception:  # the knowledge base must never take the conversation down
            reply = Reply([tr("ask.no-answer", lang)], [])
        self.post_message(Answered(question, reply))

    def reask(self, asides: list[Aside]) -> None:
        self._reanswer(asides, search_context(self.session))

    @work(thread=True, exit_on_error=False, group="reask", exclusive=True)
    def _reanswer(self, asides: list[Aside], context: object) -> None:
        """The same questions, answered again in the current language."""
        lang = self.lang
        replies = []
        for aside in asides:
            try:
                replies.append(answer(aside.question, lang, self.kb, context))
            except Exception:  # keep the old answer rather than lose it
                replies.append(aside.reply)
        self.post_message(Reanswered(lang, asides, replies))

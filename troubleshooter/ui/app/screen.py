"""The conversation screen: the layout, the keys, and what ties the panes together.

Top bar, then the conversation pane (chat + answer area) beside the article pane, the question
box and the key line. The screen owns the keys that act on the conversation (bindings from
:mod:`~.keys`), follows links (:class:`~.messages.Follow`) and, after every re-render of the
conversation pane, updates the top bar, the article shown and the key line.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen

from troubleshooter.i18n import Lang, tr
from troubleshooter.ui.app.answer import AnswerArea
from troubleshooter.ui.app.article_pane import ArticlePane
from troubleshooter.ui.app.chat import latest_card, latest_link
from troubleshooter.ui.app.conversation_pane import ConversationPane
from troubleshooter.ui.app.keys import KEYS, make_bindings
from troubleshooter.ui.app.messages import Answered, Follow, Reanswered
from troubleshooter.ui.app.question_box import QuestionBox
from troubleshooter.ui.app.widgets import KeyBar, TopBar, copy_value

WIDE = 100  # columns from which the article pane sits beside the conversation


class ConversationScreen(Screen):
    BINDINGS = make_bindings()
    # No focus until the answer area puts it on the first choice or field: Textual's automatic
    # focus would take the first focusable widget, the article pane (hidden while the content
    # loads, and on narrow terminals), and restyle it on taking the focus and on losing it.
    AUTO_FOCUS = ""
    HORIZONTAL_BREAKPOINTS = [(0, "narrow"), (WIDE, "wide")]

    article_open: reactive[bool | None] = reactive(None, init=False)  # None: automatic by width

    @property
    def conversation(self) -> ConversationPane:
        return self.query_one(ConversationPane)

    def compose(self) -> ComposeResult:
        app = self.app
        # The class the breakpoints give, set before the children exist: set by the first resize
        # event, after the mount, it restyles every widget just styled.
        self.set_class(app.size.width < WIDE, "narrow")
        self.set_class(app.size.width >= WIDE, "wide")
        yield TopBar(" …", id="topbar")
        # Hidden until the content arrives: the first paint is then the top bar and key line
        # only, not a full empty layout that is laid out again a moment later. Hidden by its
        # inline style, not a class: un-hiding it then lays it out without restyling it all.
        body = Horizontal(id="body")
        body.display = False
        with body:
            yield ConversationPane(app.policy, blink=app.blink, id="main")
            yield ArticlePane(app.articles, id="article")
        yield QuestionBox(getattr(app.args, "kb", None), app.lang, blink=app.blink, id="ask")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.show_keys()
        self.watch(self.app, "lang", self._lang_switched, init=False)

    def watch_article_open(self, article_open: bool | None) -> None:
        self.set_class(article_open is True, "article-open")
        self.set_class(article_open is False, "article-closed")

    def on_conversation_pane_changed(self, event: ConversationPane.Changed) -> None:
        """The conversation moved: the top bar, the article and the keys follow it."""
        session, lang = self.conversation.session, self.app.lang
        self.query_one(QuestionBox).follow(session)
        if session is not None:
            from troubleshooter.transcript import breadcrumb

            view = session.view()
            crumbs = [crumb.get(lang) for crumb in breadcrumb(session)]
            self.query_one(TopBar).show(view.flow_title.get(lang), lang, crumbs)
            self.query_one(ArticlePane).show(view.article, lang)
        self.show_keys()

    def show_keys(self) -> None:
        """The key line: the footer keys that can act now, in the current language."""
        lang = self.app.lang
        shown = []
        for key, action, desc, _bid, show in KEYS:
            target = self.app if action.startswith("app.") else self
            if show and target.check_action(action.removeprefix("app."), ()):
                shown.append(("/" if key == "slash" else key, action, tr(desc, lang)))
        self.query_one(KeyBar).show(shown)

    async def _lang_switched(self, lang: Lang) -> None:
        self.query_one(QuestionBox).set_lang(lang)
        conversation = self.conversation
        await conversation.switch_lang(lang)
        if conversation.asides:
            self.query_one(QuestionBox).reask(list(conversation.asides))
        self.notify(tr("app.lang-now", lang), timeout=2)

    # -- keys ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action == "choose" and parameters:
            return int(parameters[0]) <= len(self.query("#answer Button.choice"))  # type: ignore[call-overload]
        if action == "back":
            session = self.conversation.session
            return bool(session and session.steps)
        if action == "copy":
            return latest_card(self.conversation.session) is not None
        if action == "cancel_check":
            return self.conversation.probe.running
        if action == "follow" and parameters:
            return latest_link(self.conversation.asides, str(parameters[0])) is not None
        return True

    def action_choose(self, number: int) -> None:
        buttons = list(self.query("#answer Button.choice"))
        if 1 <= number <= len(buttons):
            buttons[number - 1].press()

    async def action_back(self) -> None:
        await self.conversation.go_back()

    async def action_restart(self) -> None:
        await self.conversation.restart()

    def action_copy(self, field: str) -> None:
        card = latest_card(self.conversation.session)
        if not card:
            return
        value = copy_value(card, field, self.app.lang)
        self.app.copy_to_clipboard(value)
        self.notify(tr("app.copied", self.app.lang, value=value), timeout=3)

    def action_question(self) -> None:
        self.query_one(QuestionBox).focus()

    def action_article(self) -> None:
        visible = self.article_open if self.article_open is not None else self.size.width >= WIDE
        self.article_open = not visible
        if self.article_open:
            self.query_one(ArticlePane).focus()
            self.conversation.usage.article(self.query_one(ArticlePane).article_id)

    def action_follow(self, kind: str) -> None:
        """j / o: the latest question-box answer's step link or article link, without Tab."""
        link = latest_link(self.conversation.asides, kind)
        if link is not None:
            self.post_message(Follow(link))

    def action_cancel_check(self) -> None:
        if self.conversation.probe.running:
            self.conversation.probe.cancel()

    def action_cancel(self) -> None:
        if self.conversation.probe.running:
            self.conversation.probe.cancel()
            return
        if self.article_open and self.size.width < WIDE:
            self.article_open = None
        self.query_one(AnswerArea).focus_first()

    # -- links and the question box's answers -------------------------------------------------
    async def on_follow(self, event: Follow) -> None:
        event.stop()
        link, lang = event.link, self.app.lang
        if link.kind == "article":
            self.query_one(ArticlePane).show(link.target, lang, force=True)
            self.conversation.usage.article(link.target)
            if self.size.width < WIDE:
                self.article_open = True
        elif link.kind == "node":
            await self.conversation.jump(link.target)
        elif link.kind == "web":
            self.notify(tr("article.link-web", lang, href=link.target))
            self.app.open_url(link.target)
        else:
            self.notify(tr("article.link-unknown", lang, href=link.target), severity="warning")

    def on_answered(self, event: Answered) -> None:
        self.conversation.add_aside(event.question, event.reply)

    def on_reanswered(self, event: Reanswered) -> None:
        self.conversation.reanswered(event.lang, event.asides, event.replies)

"""The Textual app: loads the content, holds the language, and runs the app-wide commands.

The conversation itself is on :class:`~.screen.ConversationScreen` (see the package docstring
for the map). The first screen appears before any content is read: flows load in a worker
thread, articles after the first screen.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from textual import work
from textual.app import SystemCommand
from textual.markup import escape
from textual.reactive import reactive
from textual.screen import Screen

from troubleshooter.flow.engine import Session
from troubleshooter.flow.errors import FlowError
from troubleshooter.i18n import Lang, detect_lang, tr

# The front ends' content loading (the flow engine, the loader) with the app's modules, before
# Textual runs, not in the loader worker: a worker that only reads the content is then usually
# done before the first paint, which shows the conversation at once instead of an empty frame
# first (docs/benchmarks.md, App start-up).
from troubleshooter.ui import conversation as shared
from troubleshooter.ui.app import served, state
from troubleshooter.ui.app.article_pane import ArticlePane
from troubleshooter.ui.app.chat import ChatLog
from troubleshooter.ui.app.conversation_pane import ConversationPane
from troubleshooter.ui.app.crash import QuietCrash
from troubleshooter.ui.app.keys import HELP_KEYS, PALETTE
from troubleshooter.ui.app.screen import ConversationScreen
from troubleshooter.ui.app.services import Articles


class TroubleshooterApp(QuietCrash):
    CSS_PATH = "app.tcss"
    TITLE = "troubleshooter"

    lang: reactive[Lang] = reactive[Lang]("cs", init=False)  # the screens follow it

    def __init__(self, args: argparse.Namespace | None = None, *, blink: bool = True,
                 offer_resume: bool = True) -> None:
        super().__init__()
        self.args = args or argparse.Namespace()
        self.policy = served.served_policy(self.args)  # `troubleshooter serve`: probes under a policy
        self.set_reactive(TroubleshooterApp.lang, detect_lang(getattr(self.args, "lang", None)))
        self.blink = blink
        preview = bool(getattr(self.args, "flow", None) or getattr(self.args, "from_node", None))
        self.offer_resume = offer_resume and not preview
        self.articles = Articles(getattr(self.args, "kb", None))

    def get_default_screen(self) -> Screen:
        self.main_screen = ConversationScreen()
        return self.main_screen

    @property
    def conversation(self) -> ConversationPane:
        """Where the session lives: the conversation screen's chat and answer area."""
        return self.main_screen.conversation

    def on_mount(self) -> None:
        self.load_content()

    # -- content ------------------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group="load")
    def load_content(self) -> None:
        try:
            startup = shared.load_content(self.args)
        except Exception as exc:  # a bug or a broken install: said on screen, the app stays usable
            problem = tr("content.failed", self.lang, error=type(exc).__name__)
            self.call_from_thread(self._content_ready, None, None, None, problem)
            return
        session: Session | None = None
        problem = None
        resumable: Session | None = None
        if not len(startup.flows):
            problem = tr("content.empty", self.lang)
        else:
            try:
                session = shared.start_session(startup, self.args)
                session.set_lang(self.lang)
            except FlowError as exc:
                problem = exc.say(self.lang)
            if session is not None and self.offer_resume:
                resumable = _resumable(startup.flows)
        self.call_from_thread(self._content_ready, startup, session, resumable, problem)

    async def _content_ready(self, startup, session, resumable, problem) -> None:
        errors = [d for d in startup.diagnostics if d.severity == "error"] if startup else []
        if errors:
            self.notify(tr("content.errors", self.lang, count=len(errors)), severity="warning")
        # Shown before the pane renders into it: un-hidden after, every widget just drawn
        # would be laid out again.
        self.main_screen.query_one("#body").display = True
        await self.conversation.start(session, problem)
        # The articles (and the Markdown widget's module) load in a worker thread that competes
        # for the interpreter: never before the first screen is drawn. The chat mounts its blocks
        # without waiting for them (ChatLog.watch_blocks): wait for the refresh that draws them.
        await self.main_screen.query_one(ChatLog).wait_for_refresh()
        self.call_after_refresh(self.main_screen.query_one(ArticlePane).load_articles)
        if resumable is not None:
            from troubleshooter.transcript import node_title
            from troubleshooter.ui.app.dialogs import ResumeScreen

            where = node_title(resumable, resumable.current).get(self.lang)

            async def decided(resume: bool | None) -> None:
                if resume:
                    resumable.set_lang(self.lang)
                    await self.conversation.start(resumable)
                else:
                    state.clear()
                    await self.conversation.refresh_view()

            self.push_screen(ResumeScreen(self.lang, where), decided)

    @work(thread=True, exit_on_error=False, group="load", exclusive=True)
    def action_reload(self) -> None:
        try:
            startup = shared.load_content(self.args)
            self.articles.reload()
        except Exception as exc:  # shown, never raised: a maintainer is editing files
            self.call_from_thread(self._reloaded, None, [str(exc)])
            return
        errors = [d.format(self.lang) for d in sorted(startup.diagnostics, key=lambda d: d.sort_key())
                  if d.severity == "error"]
        self.call_from_thread(self._reloaded, startup, errors)

    async def _reloaded(self, startup, errors: list[str]) -> None:
        """Replay the path on the new content; if the app started without a conversation (the
        content was broken), begin one now that it loads."""
        from troubleshooter.ui.app.dialogs import MessageScreen

        current = self.conversation.session
        loaded = startup is not None and len(startup.flows) > 0
        session, kept = None, 0
        if loaded and current is None:
            try:
                session = shared.start_session(startup, self.args)
                session.set_lang(self.lang)
            except FlowError as exc:
                errors = errors or [exc.say(self.lang)]
        elif loaded and current is not None and current.start.flow in startup.flows:
            session = current
            kept = session.rebase(startup.flows)
        if session is not None:
            self.main_screen.query_one(ArticlePane).forget()  # texts may have changed
            await self.conversation.start(session, replayed=True)
            self.notify(tr("reload.done", self.lang, steps=kept))
        elif not errors:
            errors = [tr("reload.failed", self.lang)]
        if errors:
            self.push_screen(MessageScreen(tr("reload.errors", self.lang), errors, tr("help.close", self.lang)))

    # -- app-wide commands --------------------------------------------------------------------
    def action_lang(self) -> None:
        self.lang = "en" if self.lang == "cs" else "cs"

    def action_help(self) -> None:
        from troubleshooter.ui.app.dialogs import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.lang, [(key, tr(desc, self.lang)) for key, desc in HELP_KEYS]))

    def action_export(self) -> None:
        from troubleshooter.transcript import default_name
        from troubleshooter.ui.app.dialogs import ExportScreen

        if self.conversation.session is None:
            return
        self.push_screen(ExportScreen(self.lang, default_name(), self.blink), self._export_to)

    def _export_to(self, path: str | None) -> None:
        session = self.conversation.session
        if not path or session is None:
            return
        if self.is_web:  # served: the browser downloads it; nothing is written on the server
            served.deliver_transcript(self, session, path)
            return
        import textual

        from troubleshooter.transcript import export

        try:
            written, _json, markdown = export(session, path, versions={"textual": textual.__version__})
        except OSError as exc:
            self.notify(tr("export.failed", self.lang, error=exc.strerror or str(exc)), severity="error")
            return
        self.copy_to_clipboard(markdown)
        self.notify(tr("export.done", self.lang, path=written))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang
        for key, action, name in PALETTE:
            yield SystemCommand(tr(name, lang), escape(f"[{key}]"), self._command(action))
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def _command(self, action: str):
        async def run() -> None:
            await self.main_screen.run_action(action)  # unqualified actions are the screen's

        return run


def _resumable(flows) -> Session | None:
    """The unfinished conversation saved by the last run, if it still fits the content."""
    saved = state.load()
    if not saved:
        return None
    try:
        session = Session.from_json(flows, saved)
    except (FlowError, KeyError, TypeError, ValueError):
        return None
    return session if session.steps and not session.finished else None

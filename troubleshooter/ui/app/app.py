"""The Textual app: renders what the engine, the probes and the knowledge base give it.

State lives in the :class:`Session` (steps replayed); the chat history is derived from it
(``transcript.entries``), so back, restart, resume, reload and a language switch are one
re-render each. The first screen appears before any content is read: flows load in a
worker thread, articles after them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from msgspec import Struct
from rich.text import Text as RichText
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingsMap
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from troubleshooter.flow.errors import FlowError
from troubleshooter.i18n import Lang, Text, detect_lang, tr
from troubleshooter.safe_text import visible
from troubleshooter.ui.app import served, state
from troubleshooter.ui.app.answer import Pending, answer_widgets
from troubleshooter.ui.app.article_pane import ArticlePane
from troubleshooter.ui.app.keys import HELP_KEYS, KEYS, PALETTE, make_bindings
from troubleshooter.ui.app.services import Articles, Reply, answer, route_link
from troubleshooter.ui.app.widgets import (
    AnswerArea,
    ChatBlock,
    ChatLog,
    KeyBar,
    ProbePanel,
    TopBar,
    bubble,
    copy_value,
    finder_card,
    stage_line,
)

if TYPE_CHECKING:  # the engine is imported with the content, off the first screen's path
    from troubleshooter.flow.engine import Session

PROBE_DEADLINE = 15.0
WIDE = 100  # columns from which the article pane sits beside the conversation

class Aside(Struct):
    """A question-box exchange, shown in the chat after ``position`` steps."""

    position: int
    question: str
    reply: Reply


class TroubleshooterApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "troubleshooter"

    def __init__(self, args: argparse.Namespace | None = None, *, blink: bool = True,
                 offer_resume: bool = True) -> None:
        super().__init__()
        self.args = args or argparse.Namespace()
        self.policy = served.served_policy(self.args)  # `troubleshooter serve`: probes under a policy
        self.lang: Lang = detect_lang(getattr(self.args, "lang", None))
        self.blink = blink
        self.preview = bool(getattr(self.args, "flow", None) or getattr(self.args, "from_node", None))
        self.offer_resume = offer_resume and not self.preview
        self.exit_on_ready = bool(os.environ.get("TROUBLESHOOTER_EXIT_ON_READY"))
        self.session: Session | None = None
        self.problem: str | None = None
        self.pending: Pending | None = None
        self.asides: list[Aside] = []
        self.articles = Articles(getattr(self.args, "kb", None))
        self.article_open: bool | None = None  # None: automatic by width
        self.probe_ref = None
        self.probe_running = False
        self.shown_ref = None
        self._bindings = BindingsMap(make_bindings(self.lang))

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The width classes go on the screen before it has children: set after the mount (by
        # the first resize event), they restyled every widget just styled (~10 ms).
        self._apply_width(self.size.width)
        yield TopBar(" …", id="topbar")
        # Hidden until the content arrives: the first paint is then the top bar and key line
        # only, not a full empty layout that is laid out again a moment later.
        with Horizontal(id="body", classes="loading"):
            with Vertical(id="main"):
                yield ChatLog(id="chat")
                yield AnswerArea(id="answer")
            yield ArticlePane(self.articles, id="article")
        yield Input(placeholder=tr("ask.placeholder", self.lang), id="ask", compact=True)
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#ask", Input).cursor_blink = self.blink
        self._apply_width(self.size.width)
        self.show_keys()
        self.load_content()

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        screen = self.screen
        narrow = width < WIDE
        screen.set_class(narrow, "narrow")
        screen.set_class(not narrow, "wide")
        screen.set_class(self.article_open is True, "article-open")
        screen.set_class(self.article_open is False, "article-closed")

    # -- content --------------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group="load")
    def load_content(self) -> None:
        from troubleshooter.ui.conversation import load_content, start_session

        try:
            startup = load_content(self.args)
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
                session = start_session(startup, self.args)
                session.set_lang(self.lang)
            except FlowError as exc:
                problem = exc.say(self.lang)
            if session is not None and self.offer_resume:
                resumable = self._resumable(startup.flows)
        self.call_from_thread(self._content_ready, startup, session, resumable, problem)

    def _resumable(self, flows) -> Session | None:
        from troubleshooter.flow.engine import Session

        saved = state.load()
        if not saved:
            return None
        try:
            session = Session.from_json(flows, saved)
        except (FlowError, KeyError, TypeError, ValueError):
            return None
        return session if session.steps and not session.finished else None

    async def _content_ready(self, startup, session, resumable, problem) -> None:
        self.query_one("#body").remove_class("loading")
        self.session = session
        self.problem = problem
        errors = [d for d in startup.diagnostics if d.severity == "error"] if startup else []
        if errors:
            self.notify(tr("content.errors", self.lang, count=len(errors)), severity="warning")
        await self.refresh_view()
        self.call_after_refresh(self._first_screen_shown)
        if self.exit_on_ready:
            return
        if resumable is not None:
            from troubleshooter.transcript import node_title
            from troubleshooter.ui.app.dialogs import ResumeScreen

            where = node_title(resumable, resumable.current).get(self.lang)

            async def decided(resume: bool | None) -> None:
                if resume:
                    resumable.set_lang(self.lang)
                    self.session = resumable
                else:
                    state.clear()
                await self.refresh_view()

            self.push_screen(ResumeScreen(self.lang, where), decided)

    def _first_screen_shown(self) -> None:
        if not gc.isenabled():  # `run_app` paused the collector for the start-up
            gc.freeze()  # what start-up built lives as long as the app: never walk it again
            gc.enable()
        if self.exit_on_ready:  # `bench/bench_startup.py`: the first screen is ready here
            self._ready_exit()
        else:
            self.load_articles()  # after the first screen, never before it

    def _ready_exit(self) -> None:
        """Tell the bench the first screen is painted (``TROUBLESHOOTER_READY_FD``), then quit."""
        ready_fd = os.environ.get("TROUBLESHOOTER_READY_FD")
        if ready_fd and ready_fd.isdecimal():
            with contextlib.suppress(OSError):
                os.write(int(ready_fd), b"ready\n")
        self.exit(0)

    @work(thread=True, exit_on_error=False, group="articles")
    def load_articles(self) -> None:
        try:
            import textual.widgets._markdown  # noqa: F401  (imported here, off the main thread)

            self.articles.load()
        finally:
            self.call_from_thread(self._articles_loaded)

    def _articles_loaded(self) -> None:
        self.query_one(ArticlePane).articles_loaded(self.lang)

    # -- rendering ------------------------------------------------------------------------
    async def refresh_view(self, *, keep_answer: bool = False) -> None:
        """Re-render everything from the session (after a step, a switch, a reload)."""
        session = self.session
        if session is None:
            await self._render_problem()
            return
        view = session.view()
        if self.probe_ref is not None and self.probe_ref != view.ref:
            self.cancel_probe()
        from troubleshooter.transcript import breadcrumb

        self.query_one(TopBar).show(view.flow_title.get(self.lang), self.lang,
                                    [c.get(self.lang) for c in breadcrumb(session)])
        await self._render_chat()
        node_changed = view.ref != self.shown_ref
        self.shown_ref = view.ref
        if not (keep_answer and self.probe_running):
            await self._render_answer(node_changed)
        self.query_one(ArticlePane).show(view.article, self.lang)
        self.query_one("#ask", Input).placeholder = tr("ask.placeholder", self.lang)
        self.show_keys()

    async def _render_problem(self) -> None:
        said, bot = self.problem or tr("app.loading", self.lang), tr("app.bot", self.lang)
        await self.query_one(ChatLog).show([(("problem", said), lambda: [bubble(bot, said)])])

    def show_keys(self) -> None:
        """The key line: the footer keys that can act now, in the current language."""
        shown = [("/" if key == "slash" else key, action, tr(desc, self.lang))
                 for key, action, desc, _bid, show in KEYS if show and self.check_action(action, ())]
        self.query_one(KeyBar).show(shown)

    def t(self, value: Text | None) -> str:
        return value.get(self.lang) if value else ""

    async def _render_chat(self) -> None:
        """Rebuild only the blocks that changed (usually: the last answer and the new node)."""
        from troubleshooter.transcript import entries

        session = self.session
        assert session is not None
        bot, you = tr("app.bot", self.lang), tr("app.you", self.lang)
        blocks: list[ChatBlock] = []
        asides = tuple(len(a.reply.lines) for a in self.asides)
        latest_card = self._card_step()
        for position, entry in enumerate(entries(session)):
            def build(entry=entry, position=position) -> list:
                found = [bubble(bot, self.t(entry.question) or self.t(entry.title))]
                found += self._aside_widgets(position)
                found.append(bubble(you, self.t(entry.answer), user=True))
                for stage in (entry.probe or {}).get("stages", []):
                    found.append(Static(stage_line(stage.get("stage", "?"), stage), classes="user"))
                if _is_finder(entry.probe):
                    found += finder_card(entry.probe["facts"], self.lang, with_keys=position == latest_card)
                return found

            key = (self.lang, str(entry.ref), entry.kind, entry.answer, entry.findings,
                   sum(1 for a in self.asides if a.position == position), asides, position == latest_card)
            blocks.append((key, build))
        view = session.view()

        def build_current() -> list:
            body = self.t(view.text)
            if view.is_end and view.status:
                body = f"{tr(f'app.end-{view.status}', self.lang)} — {body}"
            found = [bubble(bot, body, style="bold" if view.is_end else "")]
            found += [Static(f"⚠ {self.t(f.message)}", classes="warning user") for f in view.findings]
            return found + self._aside_widgets(len(session.steps))

        blocks.append(((self.lang, "current", str(view.ref), view.findings, len(self.asides), asides),
                       build_current))
        await self.query_one(ChatLog).show(blocks)

    def _card_step(self) -> int | None:
        """The step holding the latest settings card (the copy keys act on it)."""
        if self.session is None:
            return None
        for index in range(len(self.session.steps) - 1, -1, -1):
            probe = self.session.steps[index].probe
            if _is_finder(probe) and probe["facts"].get("card"):
                return index
        return None

    def _card(self) -> dict | None:
        index = self._card_step()
        if index is None or self.session is None:
            return None
        return self.session.steps[index].probe["facts"]["card"]

    def action_copy(self, field: str) -> None:
        card = self._card()
        if not card:
            return
        value = copy_value(card, field, self.lang)
        self.copy_to_clipboard(value)
        self.notify(tr("app.copied", self.lang, value=value), timeout=3)

    def _aside_widgets(self, position: int) -> list:
        found: list = []
        for aside in self.asides:
            if aside.position != position:
                continue
            found.append(bubble(tr("app.you", self.lang), visible(aside.question), user=True))
            for line in aside.reply.lines:
                found.append(Static(RichText(line), classes="aside"))
            for label, action in aside.reply.actions:
                found.append(Button(label, name=action, compact=True))
        return found

    async def _render_answer(self, node_changed: bool) -> None:
        session = self.session
        assert session is not None
        view = session.view()
        area = self.query_one(AnswerArea)
        if node_changed:
            self.pending = None
        shown_value = None if node_changed else next(iter(area.query("#value").results(Input)), None)
        shown_panel = None if node_changed else next(iter(area.query(ProbePanel)), None)
        missing = session.missing_values() if view.kind == "probe" else []
        built = answer_widgets(view, missing, self.lang, pending=self.pending, same_node=not node_changed,
                               typed=shown_value.value if shown_value else "", carry=shown_panel,
                               probe_running=self.probe_running, blink=self.blink)
        with self.batch_update():
            await area.remove_children()
            await area.mount_all(built.widgets)
        self.query_one(ChatLog).anchor()
        if built.focus_input:
            area.query(Input).first().focus()
        else:
            buttons = area.query(Button)
            if buttons:
                buttons.first().focus()
        if view.kind == "probe" and node_changed and not missing:
            self.call_later(self.start_probe)  # not from inside the previous probe's worker

    # -- answering -----------------------------------------------------------------------
    async def after_step(self) -> None:
        if self.session is None:
            return
        self.pending = None
        self.asides = [a for a in self.asides if a.position <= len(self.session.steps)]
        state.save(self.session.to_json())
        await self.refresh_view()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = event.button.name or ""
        session = self.session
        if session is None:
            return
        kind, _, target = name.partition(":")
        if kind == "choice":
            try:
                session.choose(target)
            except FlowError as exc:
                self.notify(exc.say(self.lang), severity="error")
                return
            await self.after_step()
        elif name in ("cleaned", "keep") and self.pending:
            pending = self.pending
            value = pending.result.suggestion if name == "cleaned" else pending.value
            result = session.submit(value or "", keep=True)
            if result.accepted:
                await self.after_step()
            else:
                self.pending = Pending(value or "", result)
                await self._render_answer(False)
        elif name == "toggle-secret":
            field = self.query_one("#value", Input)
            field.password = not field.password
            event.button.label = tr("input.show" if field.password else "input.hide", self.lang)
        elif name == "probe:run":
            self.start_probe()
            await self._render_answer(False)
        elif kind == "cmd":
            await self.run_action(target)
        elif kind == "copy":
            self.action_copy(target)
        elif kind == "article":
            self.open_article(target)
        elif kind == "node":
            await self.jump(target)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        session = self.session
        if event.input.id == "ask":
            question = event.value.strip()
            event.input.value = ""
            if question:
                self.ask(question)
            return
        if session is None:
            return
        if event.input.id == "secret-again":
            missing = session.missing_values()
            if missing:
                session.provide_secret(missing[0], event.value)
            await self._render_answer(True)
            return
        if event.input.id == "value":
            result = session.submit(event.value)
            if result.accepted:
                await self.after_step()
            else:
                self.pending = Pending(event.value, result)
                await self._render_answer(False)

    async def jump(self, target: str) -> None:
        if self.session is None:
            return
        try:
            self.session.jump(target)
        except FlowError as exc:
            self.notify(exc.say(self.lang), severity="error")
            return
        await self.after_step()

    # -- probes ---------------------------------------------------------------------------
    def start_probe(self) -> None:
        from troubleshooter.flow.probes import probe_spec

        session = self.session
        if session is None:
            return
        view = session.view()
        if view.probe is None:
            return
        panel = self.query_one(ProbePanel)
        spec = probe_spec(view.probe.name)
        if spec is None:
            panel.begin(tr("probe.unknown", self.lang, probe=view.probe.name), "")
            panel.finish("")
            return
        title = tr("probe.title", self.lang, probe=view.probe.name)
        note = served.network_note(self.policy, self.lang)
        panel.begin(f"{title}\n{note}" if note else title, tr("probe.running", self.lang))
        self.probe_ref = view.ref
        self.probe_running = True
        self.run_worker(self._run_probe(spec, session.probe_arguments(), view.ref, panel),
                        group="probe", exclusive=True, exit_on_error=False, name="probe")

    async def _run_probe(self, spec, args: dict[str, str], ref, panel: ProbePanel) -> None:
        def on_stage(stage: str, status: str, result) -> None:
            if panel.is_mounted:
                panel.on_stage(stage, status, result)

        try:
            outcome = await spec.run(args, deadline=PROBE_DEADLINE, on_stage=on_stage, policy=self.policy)
        except asyncio.CancelledError:
            self.probe_running = False
            self.probe_ref = None
            if panel.is_mounted:
                panel.finish(tr("probe.cancelled", self.lang))
                self.call_later(self._render_answer, False)
            raise
        finally:
            args.clear()
        self.probe_running = False
        self.probe_ref = None
        if self.session is None or self.session.current != ref:
            return
        refused = served.refusal(outcome, self.lang)
        if refused:
            self.notify(refused, severity="warning", timeout=30)
        self.session.record_probe(outcome)
        await self.after_step()

    def cancel_probe(self) -> None:
        self.workers.cancel_group(self, "probe")

    # -- question box ---------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group="ask", exclusive=True)
    def ask(self, question: str) -> None:
        lang = self.lang
        try:
            reply = answer(question, lang, getattr(self.args, "kb", None))
        except Exception:  # the knowledge base must never take the conversation down
            reply = Reply([tr("ask.no-answer", lang)], [])
        self.call_from_thread(self._add_aside, question, reply)

    async def _add_aside(self, question: str, reply: Reply) -> None:
        if self.session is None:
            return
        self.asides.append(Aside(len(self.session.steps), question, reply))
        await self._render_chat()

    @work(thread=True, exit_on_error=False, group="reask", exclusive=True)
    def reask(self) -> None:
        """After a language switch: the same questions, answered again in the new language."""
        lang = self.lang
        asides = list(self.asides)
        replies = []
        for aside in asides:
            try:
                replies.append(answer(aside.question, lang, getattr(self.args, "kb", None)))
            except Exception:  # keep the old answer rather than lose it
                replies.append(aside.reply)
        self.call_from_thread(self._reasked, lang, asides, replies)

    async def _reasked(self, lang: Lang, asides: list[Aside], replies: list[Reply]) -> None:
        if lang != self.lang or self.session is None:
            return  # switched again meanwhile: a newer re-ask follows
        for aside, reply in zip(asides, replies, strict=True):
            aside.reply = reply
        self.query_one(ChatLog).forget()  # answers changed in place: rebuild the chat
        await self._render_chat()

    # -- article pane ---------------------------------------------------------------------
    def open_article(self, article_id: str) -> None:
        self.query_one(ArticlePane).show(article_id, self.lang, force=True)
        if self.size.width < WIDE:
            self.article_open = True
            self._apply_width(self.size.width)

    async def on_markdown_link_clicked(self, event) -> None:  # Markdown.LinkClicked
        event.stop()
        link = route_link(event.href)
        if link.kind == "article":
            self.open_article(link.target)
        elif link.kind == "node":
            await self.jump(link.target)
        elif link.kind == "web":
            self.notify(tr("article.link-web", self.lang, href=link.target))
            self.open_url(link.target)
        else:
            self.notify(tr("article.link-unknown", self.lang, href=link.target), severity="warning")

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters:
            count = len(self.query("#answer Button.choice")) if self.is_mounted else 0
            return int(parameters[0]) <= count  # type: ignore[call-overload]
        if action == "back":
            return bool(self.session and self.session.steps)
        if action == "copy":
            return self.is_mounted and self._card() is not None
        return True

    async def action_choose(self, number: int) -> None:
        buttons = list(self.query("#answer Button.choice"))
        if 1 <= number <= len(buttons):
            buttons[number - 1].press()

    async def action_back(self) -> None:
        if self.session and self.session.steps:
            self.session.back()
            await self.after_step()

    async def action_restart(self) -> None:
        if self.session:
            self.session.restart()
            self.asides.clear()
            await self.after_step()

    async def action_lang(self) -> None:
        self.lang = "en" if self.lang == "cs" else "cs"
        if self.session:
            self.session.set_lang(self.lang)
            state.save(self.session.to_json())
        self._bindings = BindingsMap(make_bindings(self.lang))
        await self.refresh_view(keep_answer=True)
        self.refresh_bindings()
        if self.asides:
            self.reask()
        self.notify(tr("app.lang-now", self.lang), timeout=2)

    def action_question(self) -> None:
        self.query_one("#ask", Input).focus()

    def action_article(self) -> None:
        narrow = self.size.width < WIDE
        visible = self.article_open if self.article_open is not None else not narrow
        self.article_open = not visible
        self._apply_width(self.size.width)
        if self.article_open:
            self.query_one(ArticlePane).focus()

    def action_cancel(self) -> None:
        if self.probe_running:
            self.cancel_probe()
            return
        if self.article_open and self.size.width < WIDE:
            self.article_open = None
            self._apply_width(self.size.width)
        area = self.query_one(AnswerArea)
        target = area.query(Input).first() if area.query(Input) else None
        if target is None and area.query(Button):
            target = area.query(Button).first()
        if target is not None:
            target.focus()

    def action_help(self) -> None:
        from troubleshooter.ui.app.dialogs import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.lang, [(key, tr(desc, self.lang)) for key, desc in HELP_KEYS]))

    def action_export(self) -> None:
        from troubleshooter.transcript import default_name
        from troubleshooter.ui.app.dialogs import ExportScreen

        if self.session is None:
            return
        self.push_screen(ExportScreen(self.lang, default_name(), self.blink), self._export_to)

    def _export_to(self, path: str | None) -> None:
        if not path or self.session is None:
            return
        if self.is_web:  # served: the browser downloads it; nothing is written on the server
            served.deliver_transcript(self, self.session, path)
            return
        import textual

        from troubleshooter.transcript import export

        try:
            written, _json, markdown = export(self.session, path,
                                              versions={"textual": textual.__version__})
        except OSError as exc:
            self.notify(tr("export.failed", self.lang, error=exc.strerror or str(exc)), severity="error")
            return
        self.copy_to_clipboard(markdown)
        self.notify(tr("export.done", self.lang, path=written))

    @work(thread=True, exit_on_error=False, group="load", exclusive=True)
    def action_reload(self) -> None:
        from troubleshooter.ui.conversation import load_content

        try:
            startup = load_content(self.args)
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
        from troubleshooter.ui.conversation import start_session

        loaded = startup is not None and len(startup.flows) > 0
        session, kept = None, 0
        if loaded and self.session is None:
            try:
                session = start_session(startup, self.args)
                session.set_lang(self.lang)
            except FlowError as exc:
                errors = errors or [exc.say(self.lang)]
        elif loaded and self.session is not None and self.session.start.flow in startup.flows:
            session = self.session
            kept = session.rebase(startup.flows)
        if session is not None:
            self.session, self.problem, self.shown_ref = session, None, None
            self.query_one(ChatLog).forget()  # texts may have changed: rebuild the whole chat
            self.query_one(ArticlePane).forget()
            await self.after_step()
            self.notify(tr("reload.done", self.lang, steps=kept))
        elif not errors:
            errors = [tr("reload.failed", self.lang)]
        if errors:
            self.push_screen(MessageScreen(tr("reload.errors", self.lang), errors, tr("help.close", self.lang)))

    # -- command palette ------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang
        for key, action, name in PALETTE:
            yield SystemCommand(tr(name, lang), f"[{key}]", self._command(action))
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def _command(self, action: str):
        async def run() -> None:
            await self.run_action(action)

        return run

    # -- a bug of ours ----------------------------------------------------------------------
    def _fatal_error(self) -> None:
        """An unhandled exception ends the app. Textual would print a traceback with every
        frame's local variables, and a local may hold the password just typed. The policy is
        the command line's: a short note naming the error; with ``TROUBLESHOOTER_DEBUG`` the
        traceback, without locals and with every secret the app holds scrubbed from it."""
        import io
        import sys

        error = sys.exc_info()[1] or self._exception
        note = f"troubleshooter: {tr('cli.internal-error', self.lang, error=type(error).__name__)}"
        if not os.environ.get("TROUBLESHOOTER_DEBUG") or error is None:
            self.panic(RichText(note))
            return
        from rich.console import Console
        from rich.traceback import Traceback

        from troubleshooter.redaction import Secrets

        recorder = Console(width=self.console.width, record=True, file=io.StringIO())
        recorder.print(Traceback.from_exception(type(error), error, error.__traceback__, show_locals=False))
        dump = recorder.export_text()
        username = self.session.values.get("username", "") if self.session else ""
        dump = Secrets(*self._held_secrets(), username=username).scrub(dump)
        self.panic(RichText(f"{dump}\n{note}"))  # one renderable: Textual prints only the first

    def _held_secrets(self) -> list[str]:
        """Every secret value the app holds: the session's, one held back by the checks, and
        what is typed into a secret field."""
        found = list(self.session.secret_values()) if self.session else []
        if self.pending and self.pending.value:
            found.append(self.pending.value)
            found.append(self.pending.value.strip())
        with contextlib.suppress(Exception):
            found += [field.value for field in self.query(Input) if field.password and field.value]
        return [secret for secret in found if secret]


def _is_finder(probe: dict | None) -> bool:
    """A recorded ``find-settings`` result with the facts the card needs."""
    return bool(probe and probe.get("probe") == "find-settings" and isinstance(probe.get("facts"), dict)
                and "steps" in probe["facts"])

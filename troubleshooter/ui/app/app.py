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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text as RichText
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from troubleshooter.flow.errors import FlowError
from troubleshooter.i18n import Lang, Text, detect_lang, tr
from troubleshooter.ui.app import served, state
from troubleshooter.ui.app.services import Articles, Reply, answer, route_link
from troubleshooter.ui.app.widgets import (
    COPY_KEYS,
    AnswerArea,
    ChatLog,
    KeyBar,
    ProbePanel,
    TopBar,
    ValueInput,
    bubble,
    choice_button,
    copy_value,
    finder_card,
    stage_line,
)

if TYPE_CHECKING:  # the engine is imported with the content, off the first screen's path
    from troubleshooter.flow.engine import Session, SubmitResult

PROBE_DEADLINE = 15.0
WIDE = 100  # columns from which the article pane sits beside the conversation

# (key, action, string key for the description, binding id, shown in the footer)
KEYS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("f1", "help", "key.help", "help", True),
    ("b", "back", "key.back", "back", True),
    ("r", "restart", "key.restart", "restart", True),
    ("l", "lang", "key.lang", "language", True),
    ("e", "export", "key.export", "export", True),
    ("slash", "question", "key.question", "question", True),
    ("a", "article", "key.article", "article", True),
    ("q", "quit", "key.quit", "quit", True),
    ("escape", "cancel", "key.cancel", "cancel", False),
    ("ctrl+r", "reload", "key.reload", "reload", False),
)
HELP_KEYS = (("F1", "key.help"), ("1–9", "key.digits"), ("↑ ↓ Tab", "key.tab"), ("Enter", "key.enter"),
             ("b", "key.back"), ("r", "key.restart"), ("l", "key.lang"), ("e", "key.export"),
             ("/", "key.question"), ("a", "key.article"), ("h p s u m", "key.copy"), ("Esc", "key.cancel"),
             ("ctrl+p", "key.palette"), ("ctrl+r", "key.reload"), ("q", "key.quit"))


def make_bindings(lang: Lang) -> list[Binding]:
    found = [Binding(key, action, tr(desc, lang), show=show, id=bid,
                     key_display="/" if key == "slash" else None)
             for key, action, desc, bid, show in KEYS]
    found += [Binding(str(n), f"choose({n})", tr("key.digits", lang), show=False, id=f"choice-{n}")
              for n in range(1, 10)]
    found += [Binding(key, f"copy('{field}')", tr("key.copy", lang), show=False, id=f"copy-{field}")
              for key, field in COPY_KEYS]
    return found


@dataclass(slots=True)
class Pending:
    """A typed value held back by input checks, waiting for the user's decision."""

    value: str
    result: SubmitResult


@dataclass(slots=True)
class Aside:
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
        self.articles_ready = False
        self.article_id: str | None = None
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
            with VerticalScroll(id="article"):
                yield Static(id="article-title")  # the Markdown widget is mounted with the first article
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
        self.articles_ready = True
        self.show_article(self.article_id, force=True)

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
        self.show_article(view.article)
        self.query_one("#ask", Input).placeholder = tr("ask.placeholder", self.lang)
        self.show_keys()

    async def _render_problem(self) -> None:
        chat = self.query_one(ChatLog)
        await chat.remove_children()
        self._chat_keys, self._chat_widgets = [], []
        await chat.mount(bubble(tr("app.bot", self.lang), self.problem or tr("app.loading", self.lang)))

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
        blocks: list[tuple[tuple, object]] = []
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
        old_keys: list[tuple] = getattr(self, "_chat_keys", [])
        old_widgets: list[list] = getattr(self, "_chat_widgets", [])
        keep = 0
        while keep < min(len(old_keys), len(blocks)) and old_keys[keep] == blocks[keep][0]:
            keep += 1
        chat = self.query_one(ChatLog)
        stale = [w for group in old_widgets[keep:] for w in group]
        fresh = [build() for _key, build in blocks[keep:]]
        with self.batch_update():
            if stale:
                await chat.remove_children(stale)
            new_widgets = [w for group in fresh for w in group]
            if new_widgets:
                await chat.mount_all(new_widgets)
        self._chat_keys = [key for key, _ in blocks]
        self._chat_widgets = old_widgets[:keep] + fresh
        chat.anchor()

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
            found.append(bubble(tr("app.you", self.lang), aside.question, user=True))
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
        typed = ""
        if not node_changed:
            old = area.query("#value")
            typed = old.first(Input).value if old else ""
        else:
            self.pending = None
        widgets: list = []
        number = 0
        focus_input = False

        def numbered(label: Text | str, name: str) -> Button:
            nonlocal number
            number += 1
            return choice_button(number, label, self.lang, name)

        if view.kind == "input" and view.input:
            spec = view.input
            hint = "input.placeholder-optional" if spec.optional else "input.placeholder"
            field = ValueInput(typed or (view.input.current or ""), placeholder=tr(hint, self.lang),
                          password=spec.secret, id="value", compact=True)
            field.cursor_blink = self.blink
            if spec.secret:
                row = Horizontal(field, Button(tr("input.show", self.lang), name="toggle-secret",
                                               compact=True), classes="secret-row")
                widgets.append(row)
            else:
                widgets.append(field)
            focus_input = True
            if self.pending:
                result = self.pending.result
                for finding in result.findings:
                    level = "error" if finding.severity == "error" else "warning"
                    widgets.append(Static(f"{tr(f'input.{level}', self.lang)}: {self.t(finding.message)}",
                                          classes=f"finding-{level}"))
                if result.suggestion is not None:
                    label = (tr("input.use-cleaned-secret", self.lang) if spec.secret
                             else tr("input.use-cleaned", self.lang, value=result.suggestion))
                    widgets.append(numbered(label, "cleaned"))
                if not result.blocking:
                    widgets.append(numbered(tr("input.keep-typed", self.lang), "keep"))
                focus_input = number == 0
        elif view.kind == "probe" and view.probe:
            missing = session.missing_values()
            if missing:
                widgets.append(Static(tr("input.secret-again", self.lang, name=missing[0])))
                field = ValueInput(password=True, id="secret-again", compact=True)
                field.cursor_blink = self.blink
                widgets.append(field)
                focus_input = True
            else:
                old_panel = None if node_changed else next(iter(area.query(ProbePanel)), None)
                widgets.append(ProbePanel(id="probe", carry=old_panel))
                if not (node_changed or self.probe_running):
                    widgets.append(numbered(tr("probe.run-again", self.lang), "probe:run"))
        elif view.is_end:
            status = tr(f"app.end-{view.status}", self.lang) if view.status else ""
            widgets.append(Static(f"{status}. {tr('app.end-hint', self.lang)}", classes="status"))
            widgets.append(numbered(tr("key.export", self.lang), "cmd:export"))
            widgets.append(numbered(tr("key.restart", self.lang), "cmd:restart"))
        for choice in view.choices:
            widgets.append(numbered(choice.label, f"choice:{choice.id}"))
        with self.batch_update():
            await area.remove_children()
            await area.mount_all(widgets)
        self.query_one(ChatLog).anchor()
        if focus_input:
            area.query(Input).first().focus()
        else:
            buttons = area.query(Button)
            if buttons:
                buttons.first().focus()
        if view.kind == "probe" and node_changed and not session.missing_values():
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
        from troubleshooter.probes import registry

        session = self.session
        if session is None:
            return
        view = session.view()
        if view.probe is None:
            return
        panel = self.query_one(ProbePanel)
        spec = registry.get(view.probe.name)
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
        self._chat_keys = []  # answers changed in place: rebuild the chat
        await self._render_chat()

    # -- article pane ---------------------------------------------------------------------
    def show_article(self, article_id: str | None, force: bool = False) -> None:
        key = (article_id, self.lang, self.articles_ready)
        if not force and key == getattr(self, "_article_key", None):
            return
        self._article_key = key
        self.article_id = article_id
        title = self.query_one("#article-title", Static)
        if not article_id:
            title.update(tr("article.none", self.lang))
            self._show_markdown("")
            return
        if not self.articles.available:
            title.update(tr("article.unavailable", self.lang))
            self._show_markdown("")
            return
        if not self.articles_ready:
            title.update(tr("app.loading", self.lang))
            return
        found = self.articles.get(article_id, self.lang)
        if found is None:
            title.update(tr("article.missing", self.lang, article=article_id))
            self._show_markdown("")
            return
        title.update(found[0])
        self._show_markdown(found[1])
        self.query_one("#article", VerticalScroll).scroll_home(animate=False)

    def _show_markdown(self, body: str) -> None:
        """Queue ``body`` for the article pane; updates apply in order (``article_settled``)."""
        previous = getattr(self, "_article_update", None)
        self._article_update = asyncio.ensure_future(self._put_markdown(body, previous))

    async def _put_markdown(self, body: str, previous) -> None:
        if previous is not None:
            await previous
        found = self.query("#article-md")
        if found:
            markdown = found.first()
        elif not body:
            return
        else:  # the widget (and markdown-it) cost start-up time: mounted with the first article
            from textual.widgets import Markdown

            markdown = Markdown(open_links=False, id="article-md")
            await self.query_one("#article", VerticalScroll).mount(markdown)
        await markdown.update(body)

    async def article_settled(self) -> None:
        """Wait until the article pane has finished rendering (tests, snapshots)."""
        pending = getattr(self, "_article_update", None)
        if pending is not None:
            await pending

    def open_article(self, article_id: str) -> None:
        self.show_article(article_id, force=True)
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
            self.query_one("#article", VerticalScroll).focus()

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
        self.call_from_thread(self._reloaded, startup.flows, errors)

    async def _reloaded(self, flows, errors: list[str]) -> None:
        from troubleshooter.ui.app.dialogs import MessageScreen

        session = self.session
        if flows is not None and len(flows) and session is not None and session.start.flow in flows:
            kept = session.rebase(flows)
            self.shown_ref = None
            self._chat_keys = []  # texts may have changed: rebuild the whole chat
            self.article_id = None
            self._article_key = None
            await self.after_step()
            self.notify(tr("reload.done", self.lang, steps=kept))
        elif not errors:
            errors = [tr("reload.failed", self.lang)]
        if errors:
            self.push_screen(MessageScreen(tr("reload.errors", self.lang), errors, tr("help.close", self.lang)))

    # -- command palette ------------------------------------------------------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang = self.lang
        for key, action, name in (("b", "back", "cmd.back"), ("r", "restart", "cmd.restart"),
                                  ("l", "lang", "cmd.lang"), ("e", "export", "cmd.export"),
                                  ("/", "question", "cmd.question"), ("a", "article", "cmd.article"),
                                  ("F1", "help", "cmd.help"), ("ctrl+r", "reload", "cmd.reload"),
                                  ("q", "quit", "cmd.quit")):
            yield SystemCommand(tr(name, lang), f"[{key}]", self._command(action))
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def _command(self, action: str):
        async def run() -> None:
            await self.run_action(action)

        return run


def _is_finder(probe: dict | None) -> bool:
    """A recorded ``find-settings`` result with the facts the card needs."""
    return bool(probe and probe.get("probe") == "find-settings" and isinstance(probe.get("facts"), dict)
                and "steps" in probe["facts"])

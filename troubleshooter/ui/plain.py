"""The plain conversation: numbered choices on stdin/stdout, for screen readers and pipes.

No colours, no cursor movement, one prompt per line, text wrapped at the terminal's width
(80 columns when not a terminal); secret input without echo when stdin is a terminal.
End of input at any prompt ends the conversation cleanly. An end node does not end the
program: it offers the transcript for support, a new start, or leaving.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import textwrap
from typing import TYPE_CHECKING, TextIO

from troubleshooter.flow.engine import FlowError, NodeView, Session
from troubleshooter.flow.probes import probe_spec
from troubleshooter.i18n import Lang, Text, tr
from troubleshooter.probes import registry, result_text
from troubleshooter.probes.catalog import describe
from troubleshooter.ui.conversation import load_content, start_session, usage_recorder

if TYPE_CHECKING:
    from troubleshooter.usage.record import Recorder

WAIT_NOTE_AFTER = 1.0  # a stage that takes longer than this gets a line saying what we wait for
COMMANDS = {"b": "back", "r": "restart", "l": "lang", "a": "article", "e": "export", "q": "quit",
            "h": "help"}


class EndOfInput(Exception):
    """stdin was closed: the user left."""


class PlainConversation:
    def __init__(self, session: Session, stdin: TextIO, stdout: TextIO,
                 kb: str | None = None, recorder: Recorder | None = None,
                 ca_file: str | None = None) -> None:
        from troubleshooter.redaction import ShownStream

        self.session = session
        self.ca_file = ca_file  # --ca-file: a CA the checks trust too (the practice server's)
        self.recorder = recorder
        self.stdin = stdin
        # every line shown is scrubbed of the session's secrets, control characters made visible
        self.out = ShownStream(getattr(stdout, "wrapped", stdout), lambda: self.session.secrets())
        self.kb = kb
        self.width = _width(stdout)

    @property
    def lang(self) -> Lang:
        return self.session.lang

    def say(self, line: str = "", *, wrap: bool = True) -> None:
        """Write text wrapped to the width; each authored line keeps its indent, and a
        bullet's continuation lines stand under its text. A table row is not wrapped."""
        if not wrap:
            self.out.write(line + "\n")
            self.out.flush()
            return
        wrapped = []
        for part in line.split("\n"):
            body = part.lstrip(" ")
            indent = part[:len(part) - len(body)]
            hang = indent + " " * (len(body) - len(body.lstrip("•-*0123456789)")) + 1
                                   if body[:1] in "•-*" or body[:2].rstrip(")").isdecimal() else 0)
            wrapped.append(textwrap.fill(body, self.width, initial_indent=indent, subsequent_indent=hang,
                                         break_long_words=False, break_on_hyphens=False) or part)
        self.out.write("\n".join(wrapped) + "\n")
        self.out.flush()

    def in_lang(self, value: Text | None) -> str:
        """A bilingual text in this conversation's language ("" for none)."""
        return value.get(self.lang) if value else ""

    def read(self, prompt: str, secret: bool = False) -> str:
        if secret and self.stdin.isatty():
            import getpass

            try:
                return getpass.getpass(f"{prompt}: ", stream=self.out)
            except EOFError:
                raise EndOfInput from None
        from troubleshooter.limits import cut_note, read_line

        self.out.write(f"{prompt}: ")
        self.out.flush()
        line, cut = read_line(self.stdin)  # a 50 MB paste on one line is cut at the paste limit
        if not line:
            raise EndOfInput
        if cut:
            self.say(cut_note(self.lang))
        return line.rstrip("\n").rstrip("\r")

    # -- the loop ---------------------------------------------------------------------
    def run(self) -> int:
        self.say(tr("plain.help", self.lang))
        try:
            while True:
                if self.recorder:
                    self.recorder.observe(self.session)
                view = self.session.view()
                self.show(view)
                if view.is_end:
                    self.at_end(view)
                elif view.kind == "probe":
                    self.run_probe(view)
                elif view.kind == "input":
                    self.ask_value(view)
                else:
                    self.ask_choice(view)
        except EndOfInput:
            self.say()
            self.say(tr("plain.goodbye", self.lang))
            return 0
        finally:
            if self.recorder:
                self.recorder.observe(self.session)
                self.recorder.close(self.session)

    def show(self, view: NodeView) -> None:
        self.say()
        heading = self.in_lang(view.title) or self.in_lang(view.flow_title)
        if view.is_end and view.status:
            heading = f"{tr(f'plain.end-{view.status}', self.lang)}: {heading}"
        self.say(f"== {heading} ==")
        if view.text:
            self.say(self.in_lang(view.text))
        for finding in view.findings:
            self.say(f"  {tr('plain.finding-warning', self.lang)}: {self.in_lang(finding.message)}")
        if view.article:
            from troubleshooter.knowledge.render import article_title

            title = article_title(view.article, self.lang, self.kb)
            if title:
                self.say(f"  [a] {tr('plain.article-hint', self.lang, title=title)}")

    def at_end(self, view: NodeView) -> None:
        """An end is where a ticket starts: save the transcript, start again, or leave."""
        options = [("export", tr("plain.end-export", self.lang)),
                   ("restart", tr("plain.end-restart", self.lang)),
                   ("quit", tr("plain.end-quit", self.lang))]
        if view.status == "resolved":
            options.append(options.pop(0))  # solved: saving a transcript is the least likely wish
        while True:
            for number, (_, label) in enumerate(options, 1):
                self.say(f"  {number}) {label}")
            answer = self.read(tr("plain.prompt-choice", self.lang)).strip().lstrip(":")
            if answer.isdecimal() and 1 <= int(answer) <= len(options):
                answer = options[int(answer) - 1][0][0]  # the command letter: e, r, q
            before = (len(self.session.steps), self.lang)
            if answer and self.command(answer):
                if self.session.view().ref != view.ref or (len(self.session.steps), self.lang) != before:
                    return  # back, restart, a jump: the conversation goes on
                continue
            self.say(tr("plain.bad-choice", self.lang, count=len(options)))

    def command(self, word: str) -> bool:
        """Run a one-letter command, ``?question`` or ``??`` and a pasted text; True when it was one."""
        if word.startswith("??"):
            first = word[2:].strip()
            if not first:
                self.say(tr("plain.paste-hint", self.lang))
            self.paste_box("\n".join(part for part in (first, self.read_paste()) if part))
            return True
        if word.startswith("?"):
            self.ask_box(word[1:].strip())
            return True
        action = COMMANDS.get(word.strip().lower())
        if action is None:
            return False
        if action == "quit":
            raise EndOfInput
        if action == "help":
            self.say(tr("plain.help", self.lang))
        elif action == "back":
            self.session.back()
        elif action == "restart":
            self.session.restart()
        elif action == "lang":
            self.session.set_lang("en" if self.lang == "cs" else "cs")
            self.say(tr("plain.language-now", self.lang))
        elif action == "article":
            self.show_article(self.session.view().article)
        elif action == "export":
            self.export()
        return True

    def ask_box(self, question: str) -> None:
        """The question box: a question or a pasted red message → answers, and a jump."""
        if not question:
            self.say(tr("plain.ask-hint", self.lang))
            return
        from troubleshooter.knowledge.render import print_ask
        from troubleshooter.knowledge.search import ask, context_from

        here = self.session.current
        context = context_from(f"{here.flow}:{here.node}", self.session.values)
        result = ask(question, self.lang, self.kb, context=context)
        if self.recorder:
            self.recorder.question(question, [m.article_id for m in result.matches], result.confident)
        print_ask(result, self.lang, file=self.out, ids=False)
        explained = getattr(result.explanation, "node", None) if result.explanation else None
        target = explained or (result.matches[0].node if result.confident and result.matches else None)
        target = target or result.offer_flow
        self.offer_jump(target)

    def read_paste(self) -> str:
        """Pasted lines up to an empty line or the end of input, kept within the paste limit."""
        from troubleshooter.limits import PASTE_LIMIT, read_line

        lines: list[str] = []
        size = 0
        while True:
            line, _ = read_line(self.stdin)
            if not line.strip():
                return "\n".join(lines)
            if size < PASTE_LIMIT:  # past the limit the rest is read and dropped (explain says it cut)
                lines.append(line.rstrip("\r\n"))
                size += len(line)

    def paste_box(self, text: str) -> None:
        """A pasted red message, debug output, returned e-mail or headers: what it says, and a jump."""
        from troubleshooter.explain import explain
        from troubleshooter.explain.render import fact_lines
        from troubleshooter.probes.catalog import describe

        if not text.strip():
            return
        found = explain(text)
        if not found.explained and found.kind == "message":
            self.ask_box(text)  # not an error we know: the knowledge base may still answer it
            return
        info = describe(found.outcome)
        self.say(f"» {info.title.get(self.lang)}")
        self.say(f"  {info.cause.get(self.lang)}")
        self.say(f"  {tr('explain.advice', self.lang)} {info.advice.get(self.lang)}")
        for line in fact_lines(found, self.lang):
            self.say(f"  {line}")
        self.offer_jump(found.node)

    def offer_jump(self, target: str | None) -> None:
        ref = self.session.flows.resolve(target, self.session.current.flow) if target else None
        if ref is None:
            return
        from troubleshooter.transcript import node_title

        title = self.in_lang(node_title(self.session, ref))
        self.say(f"  1) {tr('plain.ask-go', self.lang, node=title)}")
        self.say(f"  2) {tr('plain.ask-stay', self.lang)}")
        if self.read(tr("plain.prompt-choice", self.lang)).strip() == "1":
            self.session.jump(target)

    def export(self) -> None:
        """The transcript for a ticket (Markdown + JSON, never a password) in the current folder."""
        from troubleshooter import transcript

        try:
            markdown, json_path, _ = transcript.export(self.session, transcript.default_name())
        except OSError as exc:
            self.say(tr("plain.export-failed", self.lang, reason=exc.strerror or str(exc)))
            return
        self.say(tr("plain.exported", self.lang, markdown=markdown, json=json_path))

    def ask_choice(self, view: NodeView) -> None:
        for number, choice in enumerate(view.choices, 1):
            self.say(f"  {number}) {self.in_lang(choice.label)}")
        answer = self.read(tr("plain.prompt-choice", self.lang)).strip()
        if self.command(answer.lstrip(":")):
            return
        if answer.isdecimal() and 1 <= int(answer) <= len(view.choices):
            self.session.choose(view.choices[int(answer) - 1].id)
            return
        ids = {c.id: c for c in view.choices}
        if answer in ids:
            self.session.choose(answer)
            return
        self.say(tr("plain.bad-choice", self.lang, count=len(view.choices)))

    def ask_value(self, view: NodeView) -> None:
        spec = view.input
        assert spec is not None
        prompt = tr("plain.prompt-secret" if spec.secret else "plain.prompt-value", self.lang)
        known = None if spec.secret else spec.current
        if known:
            self.say(f"  {tr('plain.default-hint', self.lang, value=_masked(known, spec.kind))}")
            prompt = f"{prompt} [{_masked(known, spec.kind)}]"
        elif spec.optional:
            self.say(f"  {tr('plain.optional-hint', self.lang)}")
        if spec.kind == "message":
            self.say(f"  {tr('plain.paste-hint', self.lang)}")
        value = self.read(prompt, secret=spec.secret)
        if value.startswith(":") and self.command(value[1:]):
            return
        if spec.kind == "message" and value.strip():  # a pasted text goes on to its empty line
            value = "\n".join(part for part in (value, self.read_paste()) if part)
        if known and not value.strip():
            value = known
        result = self.session.submit(value)
        if result.accepted:
            return
        for finding in result.findings:
            level = "plain.finding-error" if finding.severity == "error" else "plain.finding-warning"
            self.say(f"  {tr(level, self.lang)}: {self.in_lang(finding.message)}")
        if result.blocking and result.suggestion is None:
            return
        options: list[tuple[str, str | None]] = []
        if result.suggestion is not None:
            label = (tr("plain.use-cleaned-secret", self.lang) if spec.secret
                     else tr("plain.use-cleaned", self.lang, value=_masked(result.suggestion, spec.kind)))
            options.append((label, result.suggestion))
        if not result.blocking:
            options.append((tr("plain.keep-typed", self.lang), value))
        options.append((tr("plain.type-again", self.lang), None))
        for number, (label, _) in enumerate(options, 1):
            self.say(f"  {number}) {label}")
        while True:
            answer = self.read(tr("plain.prompt-choice", self.lang)).strip()
            if answer.isdecimal() and 1 <= int(answer) <= len(options):
                break
            self.say(tr("plain.bad-choice", self.lang, count=len(options)))
        chosen = options[int(answer) - 1][1]
        if chosen is None:
            return
        if chosen is value:
            self.session.submit(value, keep=True)
        else:
            self.session.submit(chosen, keep=True)

    def run_probe(self, view: NodeView) -> None:
        assert view.probe is not None
        spec = probe_spec(view.probe.name)
        for name in self.session.missing_values():
            title = self.in_lang(self.session.value_title(name))
            self.say(tr("plain.probe-missing-value", self.lang, name=title))
            self.session.provide_secret(name, self.read(tr("plain.prompt-secret", self.lang),
                                                        secret=True))
        deadline = registry.DEFAULT_DEADLINE
        self.say(tr("plain.probe-running", self.lang,
                    probe=self.in_lang(view.title) or self.in_lang(view.flow_title), seconds=f"{deadline:.0f}"))
        if spec is None:
            raise FlowError(f"unknown probe {view.probe.name!r}")
        try:
            outcome = asyncio.run(self._watch(spec, deadline))
        except KeyboardInterrupt:  # Ctrl+C during a check cancels the check, not the program
            self.cancelled()
            return
        self.show_result(outcome)

    def cancelled(self) -> None:
        """A cancelled check has no result: run it again, or go back before it."""
        self.say()
        self.say(tr("probe.cancelled", self.lang))
        options = [tr("plain.run-again", self.lang), tr("plain.go-back", self.lang)]
        while True:
            for number, label in enumerate(options, 1):
                self.say(f"  {number}) {label}")
            answer = self.read(tr("plain.prompt-choice", self.lang)).strip().lstrip(":")
            if answer == "1":
                return  # the loop shows the check's step again and runs it
            if answer in ("2", "b"):
                self.session.back()
                return
            if answer and self.command(answer):
                return
            self.say(tr("plain.bad-choice", self.lang, count=len(options)))

    def show_result(self, outcome) -> None:
        """What the check found, where it ran, and the values it proposes; then on."""
        info = describe(outcome.outcome)
        self.say(tr("plain.probe-result", self.lang, outcome=self.in_lang(info.title)))
        if "steps" in outcome.facts and "checked" in outcome.facts:  # the settings finder's card
            from troubleshooter.probes.finder_card import result_lines

            for line in result_lines(outcome.facts, self.lang, steps=False, ids=False):
                self.say(line, wrap=not line.startswith("  "))  # the card's rows are a table
        for line in result_text.fact_lines(outcome, self.lang):
            self.say(f"  {line}")
        where = result_text.where_line(outcome.probe, self.lang)
        if where:
            self.say(where)
        self.session.record_probe(outcome)
        proposed = self.session.proposal()
        if proposed:
            session = self.session
            values = ", ".join(
                f"{self.in_lang(session.value_title(name))} {self.in_lang(session.value_text(name, value))}"
                for name, value in proposed.items())
            self.say(tr("result.proposal", self.lang, values=values))

    async def _watch(self, spec: registry.ProbeSpec, deadline: float):
        """Run the probe, saying each stage's result as it comes, and what is being waited
        for (and for how long at most) when a stage takes longer than a moment."""
        loop = asyncio.get_running_loop()
        ends = loop.time() + deadline
        waiting: dict[str, asyncio.TimerHandle] = {}

        def note(stage: str) -> None:
            left = max(1, round(ends - loop.time()))
            what = result_text.stage_name(stage, self.lang)
            self.say(f"  … {tr('result.waiting', self.lang, what=what, seconds=left)}")

        def on_stage(stage: str, state: str, result) -> None:
            if state == "start":
                waiting[stage] = loop.call_later(WAIT_NOTE_AFTER, note, stage)
                return
            handle = waiting.pop(stage, None)
            if handle is not None:
                handle.cancel()
            if state == "done" and result is not None:
                self.say(f"  {result_text.stage_line(result, self.lang)}")

        try:
            args = self.session.probe_arguments()
            if self.ca_file:
                args["ca_file"] = self.ca_file
            return await spec.run(args, deadline=deadline, on_stage=on_stage)
        finally:
            for handle in waiting.values():
                handle.cancel()

    def show_article(self, article_id: str | None) -> None:
        if not article_id:
            self.say(tr("plain.no-article", self.lang))
            return
        try:
            from troubleshooter.knowledge.render import article_for_terminal
        except ImportError:
            self.say(tr("plain.article-missing", self.lang, article=article_id))
            return
        if self.recorder:
            self.recorder.article(article_id)
        rendered = article_for_terminal(article_id, self.lang, self.kb)
        self.say(rendered or tr("plain.article-missing", self.lang, article=article_id))


def _width(stream: TextIO) -> int:
    """The terminal's width (less one: a full line would wrap on some terminals); 80 in a pipe."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return max(20, shutil.get_terminal_size((80, 24)).columns - 1)
    return 80


def _masked(value: str, kind: str) -> str:
    """A value shown back on screen, with what looks like a secret hidden (a password typed
    into the username field must not be echoed inside a "corrected value" offer)."""
    from troubleshooter.flow.checks import mask_secret_looking

    return mask_secret_looking(value, kind)


def run_plain(args: argparse.Namespace, stdin: TextIO | None = None,
              stdout: TextIO | None = None) -> int:
    out = stdout or sys.stdout
    startup = load_content(args)
    if startup.broken:
        print(tr("plain.flow-errors", startup.lang), file=sys.stderr)
        for diagnostic in sorted(startup.diagnostics, key=lambda d: d.sort_key()):
            print(diagnostic.format(startup.lang), file=sys.stderr)
        if not len(startup.flows):
            return 2
    try:
        session = start_session(startup, args)
    except FlowError as exc:
        print(f"troubleshooter: {exc.say(startup.lang)}", file=sys.stderr)
        return 2
    recorder = usage_recorder(args, "plain", session)
    return PlainConversation(session, stdin or sys.stdin, out, getattr(args, "kb", None), recorder,
                             getattr(args, "ca_file", None)).run()

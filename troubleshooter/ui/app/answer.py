"""What the answer area offers at the current node: a value field, a probe panel, choices.

Built from the engine's view of the node and what the app holds for it (a value the input
checks held back, a probe running, what the previous widgets showed); the app mounts the
widgets and moves the focus. Choices are numbered in the order shown: the digit keys press them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct, field
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Static

from troubleshooter.i18n import Lang, Text, tr
from troubleshooter.ui.app.widgets import ProbePanel, ValueInput, choice_button

if TYPE_CHECKING:  # the engine is imported with the content, off the first screen's path
    from troubleshooter.flow.engine import NodeView, SubmitResult


class Pending(Struct):
    """A typed value held back by input checks, waiting for the user's decision."""

    value: str  # may be a password: never in the repr
    result: SubmitResult

    def __repr__(self) -> str:
        return f"Pending(value=<{len(self.value)} characters>, result={self.result!r})"


class AnswerWidgets(Struct):
    widgets: list[Widget] = field(default_factory=list)
    focus_input: bool = False  # else the first button takes the focus
    numbered: int = 0

    def choice(self, label: Text | str, lang: Lang, name: str) -> None:
        self.numbered += 1
        self.widgets.append(choice_button(self.numbered, label, lang, name))


def answer_widgets(view: NodeView, missing: list[str], lang: Lang, *, pending: Pending | None,
                   same_node: bool, typed: str, carry: ProbePanel | None, probe_running: bool,
                   blink: bool) -> AnswerWidgets:
    """``missing``: secret values a probe needs that this session no longer holds (resumed).
    When the node is the one shown already (``same_node``), ``typed`` and ``carry`` are what
    its field and its probe panel showed, and a finished probe can be run again."""
    built = AnswerWidgets()
    if view.kind == "input" and view.input:
        spec = view.input
        hint = "input.placeholder-optional" if spec.optional else "input.placeholder"
        value = ValueInput(typed or (spec.current or ""), placeholder=tr(hint, lang),
                           password=spec.secret, id="value", compact=True)
        value.cursor_blink = blink
        if spec.secret:
            built.widgets.append(Horizontal(value, Button(tr("input.show", lang), name="toggle-secret",
                                                          compact=True), classes="secret-row"))
        else:
            built.widgets.append(value)
        if pending:
            result = pending.result
            for finding in result.findings:
                level = "error" if finding.severity == "error" else "warning"
                built.widgets.append(Static(f"{tr(f'input.{level}', lang)}: {finding.message.get(lang)}",
                                            classes=f"finding-{level}"))
            if result.suggestion is not None:
                built.choice(tr("input.use-cleaned-secret", lang) if spec.secret
                             else tr("input.use-cleaned", lang, value=result.suggestion), lang, "cleaned")
            if not result.blocking:
                built.choice(tr("input.keep-typed", lang), lang, "keep")
        built.focus_input = built.numbered == 0  # findings: the user decides with a button first
    elif view.kind == "probe" and view.probe:
        if missing:
            built.widgets.append(Static(tr("input.secret-again", lang, name=missing[0])))
            again = ValueInput(password=True, id="secret-again", compact=True)
            again.cursor_blink = blink
            built.widgets.append(again)
            built.focus_input = True
        else:
            built.widgets.append(ProbePanel(id="probe", carry=carry))
            if same_node and not probe_running:
                built.choice(tr("probe.run-again", lang), lang, "probe:run")
    elif view.is_end:
        status = tr(f"app.end-{view.status}", lang) if view.status else ""
        built.widgets.append(Static(f"{status}. {tr('app.end-hint', lang)}", classes="status"))
        built.choice(tr("key.export", lang), lang, "cmd:export")
        built.choice(tr("key.restart", lang), lang, "cmd:restart")
    for choice in view.choices:
        built.choice(choice.label, lang, f"choice:{choice.id}")
    return built

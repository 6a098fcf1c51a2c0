"""The answer area: what the user can do at the current node — a value field, a probe panel, choices.

Built from the engine's view of the node and what the screen holds for it (a value the input
checks held back, a probe running, what the previous widgets showed). Choices are numbered in
the order shown: the digit keys press them. Every button and field posts a typed message
(:mod:`troubleshooter.ui.app.messages`) that the conversation screen handles.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from msgspec import Struct, field
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from troubleshooter.i18n import Lang, Text, text, tr
from troubleshooter.ui.app.messages import (
    Choose,
    RunProbeAgain,
    SecretRetyped,
    ValueTyped,
)
from troubleshooter.ui.app.widgets import ChoiceButton, ProbePanel, ValueInput

if TYPE_CHECKING:
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

    def choice(self, label: Text, lang: Lang, says: Callable[[], Message] | str) -> None:
        self.numbered += 1
        self.widgets.append(ChoiceButton(self.numbered, label, lang, says))


class SecretRow(Horizontal):
    """A secret field with a show/hide button beside it."""

    def __init__(self, field: ValueInput, lang: Lang) -> None:
        super().__init__(field, Button(tr("input.show", lang), compact=True), classes="secret-row")
        self.field = field
        self.lang = lang

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.field.password = not self.field.password
        event.button.label = tr("input.show" if self.field.password else "input.hide", self.lang)


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
        field_class: type[ValueInput] = ValueInput
        if spec.kind == "message":  # the paste step: its module only when one is shown
            from troubleshooter.ui.app.paste_area import PasteField

            field_class = PasteField
        value = field_class(typed or (spec.current or ""), placeholder=tr(hint, lang),
                            password=spec.secret, id="value", compact=True, node_ref=view.ref)
        value.cursor_blink = blink
        if spec.secret:
            built.widgets.append(SecretRow(value, lang))
        else:
            built.widgets.append(value)
        if spec.kind == "message":
            built.widgets.append(Static(tr("paste.field-hint", lang), classes="hint"))
        if pending:
            result = pending.result
            for finding in result.findings:
                level = "error" if finding.severity == "error" else "warning"
                built.widgets.append(Static(f"{tr(f'input.{level}', lang)}: {finding.message.get(lang)}",
                                            classes=f"finding-{level}"))
            if result.suggestion is not None:
                from troubleshooter.flow.checks import mask_secret_looking

                cleaned = (text("input.use-cleaned-secret") if spec.secret else  # a password typed
                           text("input.use-cleaned",  # into the username field is not echoed
                                value=mask_secret_looking(result.suggestion, spec.kind)))
                suggestion = result.suggestion
                built.choice(cleaned, lang, lambda: ValueTyped(suggestion, view.ref, keep=True))
            if not result.blocking:
                typed_value = pending.value  # a lambda, not a partial: a partial's repr shows it
                built.choice(text("input.keep-typed"), lang,
                             lambda: ValueTyped(typed_value, view.ref, keep=True))
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
                built.choice(text("probe.run-again"), lang, partial(RunProbeAgain, view.ref))
    elif view.is_end:
        status = tr(f"app.end-{view.status}", lang) if view.status else ""
        built.widgets.append(Static(f"{status}. {tr('app.end-hint', lang)}", classes="status"))
        built.choice(text("key.export"), lang, "app.export")
        built.choice(text("key.restart"), lang, "screen.restart")
    for choice in view.choices:
        built.choice(choice.label, lang, partial(Choose, choice.id, view.ref))
    return built


class AnswerArea(Vertical):
    """What the user can do now; rebuilt by :meth:`show` when the node or its state changes."""

    BINDINGS = [
        ("down", "app.focus_next", ""),
        ("up", "app.focus_previous", ""),
    ]

    async def show(self, view: NodeView, missing: list[str], lang: Lang, *, pending: Pending | None,
                   node_changed: bool, probe_running: bool, blink: bool) -> None:
        """Mount the widgets for ``view`` and put the focus on the field or the first button."""
        shown_value = None if node_changed else next(iter(self.query("#value").results(Input)), None)
        shown_panel = None if node_changed else next(iter(self.query(ProbePanel)), None)
        built = answer_widgets(view, missing, lang, pending=pending, same_node=not node_changed,
                               typed=shown_value.value if shown_value else "", carry=shown_panel,
                               probe_running=probe_running, blink=blink)
        with self.app.batch_update():
            # no focus while the old widgets leave, else it falls on the question box meanwhile
            # (and a digit pressed then is typed there); the keys go to the screen's bindings
            self.screen.set_focus(None)
            await self.remove_children()
            await self.mount_all(built.widgets)
        if built.focus_input:
            self.query(Input).first().focus()
        elif buttons := self.query(Button):
            buttons.first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "secret-again":
            self.post_message(SecretRetyped(event.value))
        else:
            answered = event.input.node_ref if isinstance(event.input, ValueInput) else None
            self.post_message(ValueTyped(event.value, answered))

    def focus_first(self) -> None:
        """The field if there is one, else the first button (Esc from elsewhere)."""
        target = self.query(Input).first() if self.query(Input) else None
        if target is None and self.query(Button):
            target = self.query(Button).first()
        if target is not None:
            target.focus()

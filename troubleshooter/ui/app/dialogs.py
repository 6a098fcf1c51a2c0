"""Modal screens: help (F1), export, resume offer, content errors."""

from __future__ import annotations

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from troubleshooter.i18n import Lang, tr


class HelpScreen(ModalScreen[None]):
    """Every key the app knows, in the current language."""

    BINDINGS = [("escape", "dismiss", ""), ("f1", "dismiss", ""), ("q", "dismiss", "")]

    def __init__(self, lang: Lang, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.lang = lang
        self.keys = keys

    def compose(self) -> ComposeResult:
        body = RichText()
        body.append(tr("help.title", self.lang) + "\n\n", style="bold")
        body.append(tr("help.intro", self.lang) + "\n\n")
        for key, what in self.keys:
            body.append(f"  {key:<10}", style="bold cyan")
            body.append(f"{what}\n")
        body.append("\n" + tr("help.lang-note", self.lang) + "\n")
        with Vertical(classes="dialog"):
            with VerticalScroll():
                yield Static(body)
            yield Button(tr("help.close", self.lang), id="close", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)


class ExportScreen(ModalScreen[str | None]):
    """Asks where to save the transcript; the default is a timestamped file in the cwd."""

    BINDINGS = [("escape", "cancel", "")]

    def __init__(self, lang: Lang, default: str, blink: bool = True) -> None:
        super().__init__()
        self.lang = lang
        self.default = default
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(RichText(tr("export.title", self.lang), style="bold"))
            yield Static(tr("export.path", self.lang))
            field = Input(self.default, id="export-path", compact=True)
            field.cursor_blink = self.blink
            yield field
            with Horizontal(classes="buttons"):
                yield Button(tr("export.save", self.lang), id="save", compact=True, variant="primary")
                yield Button(tr("export.cancel", self.lang), id="cancel", compact=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or self.default)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.dismiss(self.query_one(Input).value.strip() or self.default)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ResumeScreen(ModalScreen[bool]):
    """Offers to continue an unfinished conversation."""

    BINDINGS = [("escape", "fresh", ""), ("1", "resume", ""), ("2", "fresh", "")]

    def __init__(self, lang: Lang, where: str) -> None:
        super().__init__()
        self.lang = lang
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(RichText(tr("resume.title", self.lang), style="bold"))
            yield Static(tr("resume.text", self.lang, node=self.where))
            with Horizontal(classes="buttons"):
                yield Button("1 " + tr("resume.yes", self.lang), id="resume", compact=True,
                             variant="primary")
                yield Button("2 " + tr("resume.no", self.lang), id="fresh", compact=True)

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "resume")

    def action_resume(self) -> None:
        self.dismiss(True)

    def action_fresh(self) -> None:
        self.dismiss(False)


class MessageScreen(ModalScreen[None]):
    """A list of content problems (lint) or any longer message; shown, never raised."""

    BINDINGS = [("escape", "dismiss", ""), ("enter", "dismiss", "")]

    def __init__(self, title: str, lines: list[str], close: str) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.close = close

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(RichText(self.title_text, style="bold red"))
            with VerticalScroll():
                yield Static(RichText("\n".join(self.lines)))
            yield Button(self.close, id="close", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

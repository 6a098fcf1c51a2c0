"""The multi-line paste area: a whole debug output, a returned e-mail or a message's headers.

A one-line field keeps only the first line of a paste (Textual's ``Input``), so a field that
may receive one — the question box and the paste step's answer field — opens this area instead
when a paste holds more than one line, with the pasted text in it; the user can look at it, add
to it, and send it (Ctrl+S or the button) or close it (Esc). The text is cut to the paste limit
before it is shown (``troubleshooter.limits``); explaining it is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from troubleshooter.i18n import Lang, tr
from troubleshooter.ui.app.messages import ValueTyped
from troubleshooter.ui.app.widgets import ValueInput


def is_multiline(text: str) -> bool:
    return "\n" in text.strip() or "\r" in text.strip()


class PasteScreen(ModalScreen[str | None]):
    """The area itself; dismissed with the text, or with None when closed."""

    BINDINGS = [Binding("escape", "close", show=False), Binding("ctrl+s", "send", show=False)]
    DEFAULT_CSS = """
    PasteScreen { align: center middle; }
    PasteScreen > Vertical { width: 90%; height: 80%; border: round $accent; background: $surface;
                             padding: 0 1; }
    PasteScreen TextArea { height: 1fr; }
    PasteScreen .paste-buttons { height: auto; }
    """

    def __init__(self, text: str, lang: Lang) -> None:
        from troubleshooter.limits import cut_paste

        super().__init__()
        self.text, self.cut = cut_paste(text)
        self.lang = lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical():
            yield Static(f"[b]{tr('paste.area.title', lang)}[/b]", markup=True)
            yield Static(tr("paste.area.hint", lang), classes="paste-hint")
            if self.cut:
                from troubleshooter.limits import cut_note

                yield Static(cut_note(lang), classes="finding-warning")
            yield TextArea(self.text, id="paste-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(classes="paste-buttons"):
                yield Button(tr("paste.area.send", lang), id="paste-send", variant="primary", compact=True)
                yield Button(tr("paste.area.close", lang), id="paste-close", compact=True)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "paste-send":
            self.action_send()
        else:
            self.action_close()

    def action_send(self) -> None:
        text = self.query_one(TextArea).text
        self.dismiss(text if text.strip() else None)

    def action_close(self) -> None:
        self.dismiss(None)


def catch_multiline_paste(field: Input, event: events.Paste, lang: Lang, done: Callable[[str], None]) -> None:
    """In ``field``'s paste handler: a paste of several lines opens the area (the field keeps
    nothing of it) and ``done`` gets the text sent from there; one line is left to the field."""
    if not is_multiline(event.text):
        return
    event.prevent_default()
    event.stop()

    def sent(text: str | None) -> None:
        if text:
            done(text)

    field.app.push_screen(PasteScreen(event.text, lang), sent)


class PasteField(ValueInput):
    """The paste step's answer field: one line as typed, several lines through the paste area,
    sent as the step's value (the engine's input checks take the login data out)."""

    def on_paste(self, event: events.Paste) -> None:
        catch_multiline_paste(self, event, self.app.lang,
                              lambda text: self.post_message(ValueTyped(text, self.node_ref)))

"""The app's keys: one table gives the bindings, the key line, the help screen and their ids.

Only keys every terminal passes (F1, letters, digits, arrows, Enter, Esc, Tab). The bindings
sit on the conversation screen; an action without a namespace is the screen's, ``app.`` ones
are app-wide. The key line and the help screen are drawn by the app in the current language
(:class:`~.widgets.KeyBar`, :class:`~.dialogs.HelpScreen`), so the bindings carry no description.
"""

from __future__ import annotations

from textual.binding import Binding

from troubleshooter.ui.app.widgets import COPY_KEYS

# (key, action, string key for the description, binding id, shown in the footer)
KEYS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("f1", "app.help", "key.help", "help", True),
    ("b", "back", "key.back", "back", True),
    ("r", "restart", "key.restart", "restart", True),
    ("l", "app.lang", "key.lang", "language", True),
    ("e", "app.export", "key.export", "export", True),
    ("slash", "question", "key.question", "question", True),
    ("a", "article", "key.article", "article", True),
    ("q", "app.quit", "key.quit", "quit", True),
    ("escape", "cancel", "key.cancel", "cancel", False),
    ("c", "cancel_check", "key.cancel", "cancel-check", False),
    ("j", "follow('node')", "key.follow-step", "follow-step", False),
    ("o", "follow('article')", "key.follow-article", "follow-article", False),
    ("ctrl+r", "app.reload", "key.reload", "reload", False),
)
HELP_KEYS = (("F1", "key.help"), ("1–9", "key.digits"), ("↑ ↓ Tab", "key.tab"), ("Enter", "key.enter"),
             ("b", "key.back"), ("r", "key.restart"), ("l", "key.lang"), ("e", "key.export"),
             ("/", "key.question"), ("a", "key.article"), ("h p s u m", "key.copy"), ("j", "key.follow-step"),
             ("o", "key.follow-article"), ("Esc c", "key.cancel"),
             ("ctrl+p", "key.palette"), ("ctrl+r", "key.reload"), ("q", "key.quit"))

# the command palette's own commands: (key shown, action, string key of the command's name)
PALETTE = (("b", "back", "cmd.back"), ("r", "restart", "cmd.restart"), ("l", "app.lang", "cmd.lang"),
           ("e", "app.export", "cmd.export"), ("/", "question", "cmd.question"),
           ("a", "article", "cmd.article"), ("F1", "app.help", "cmd.help"),
           ("ctrl+r", "app.reload", "cmd.reload"), ("q", "app.quit", "cmd.quit"))


def make_bindings() -> list[Binding]:
    found = [Binding(key, action, show=show, id=bid, key_display="/" if key == "slash" else None)
             for key, action, _desc, bid, show in KEYS]
    found += [Binding(str(n), f"choose({n})", show=False, id=f"choice-{n}") for n in range(1, 10)]
    found += [Binding(key, f"copy('{field}')", show=False, id=f"copy-{field}") for key, field in COPY_KEYS]
    return found

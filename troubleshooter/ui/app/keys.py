"""The app's keys: one table gives the bindings, the key line, the help screen and their ids.

Only keys every terminal passes (F1, letters, digits, arrows, Enter, Esc, Tab); descriptions
are UI strings, so the bindings are rebuilt when the language switches.
"""

from __future__ import annotations

from textual.binding import Binding

from troubleshooter.i18n import Lang, tr
from troubleshooter.ui.app.widgets import COPY_KEYS

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

# the command palette's own commands: (key shown, action, string key of the command's name)
PALETTE = (("b", "back", "cmd.back"), ("r", "restart", "cmd.restart"), ("l", "lang", "cmd.lang"),
           ("e", "export", "cmd.export"), ("/", "question", "cmd.question"), ("a", "article", "cmd.article"),
           ("F1", "help", "cmd.help"), ("ctrl+r", "reload", "cmd.reload"), ("q", "quit", "cmd.quit"))


def make_bindings(lang: Lang) -> list[Binding]:
    found = [Binding(key, action, tr(desc, lang), show=show, id=bid,
                     key_display="/" if key == "slash" else None)
             for key, action, desc, bid, show in KEYS]
    found += [Binding(str(n), f"choose({n})", tr("key.digits", lang), show=False, id=f"choice-{n}")
              for n in range(1, 10)]
    found += [Binding(key, f"copy('{field}')", tr("key.copy", lang), show=False, id=f"copy-{field}")
              for key, field in COPY_KEYS]
    return found

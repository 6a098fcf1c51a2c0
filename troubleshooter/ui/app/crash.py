"""What the app prints when a bug of ours ends it: never a secret.

Textual prints an unhandled exception's traceback with every frame's local variables, and a
local may hold the password just typed. Textual has no public hook for this, so
:class:`QuietCrash` overrides ``App._fatal_error`` — the one private name the app touches
(why: docs/security.md). ``tests/test_app_crash.py`` crashes the app for real and fails if a
Textual upgrade stops calling the override.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

from rich.text import Text as RichText
from textual.app import App
from textual.widgets import Input

from troubleshooter.i18n import tr


class QuietCrash(App):
    """The policy is the command line's: a short note naming the error; with
    ``TROUBLESHOOTER_DEBUG`` the traceback, without locals and with every secret the app
    holds scrubbed from it."""

    def _fatal_error(self) -> None:
        error = sys.exc_info()[1]  # Textual calls this while handling the error
        name = type(error).__name__ if error is not None else "Exception"
        note = f"troubleshooter: {tr('cli.internal-error', self.lang, error=name)}"
        if not os.environ.get("TROUBLESHOOTER_DEBUG") or error is None:
            self.panic(RichText(note))
            return
        from rich.console import Console
        from rich.traceback import Traceback

        from troubleshooter.redaction import Secrets

        recorder = Console(width=self.console.width, record=True, file=io.StringIO())
        recorder.print(Traceback.from_exception(type(error), error, error.__traceback__, show_locals=False))
        dump = recorder.export_text()
        session = None
        with contextlib.suppress(Exception):  # the crash may have come before the screen
            session = self.conversation.session
        username = session.values.get("username", "") if session else ""
        dump = Secrets(*self.held_secrets(), username=username).scrub(dump)
        self.panic(RichText(f"{dump}\n{note}"))  # one renderable: Textual prints only the first

    def held_secrets(self) -> list[str]:
        """Every secret value the app holds: the session's, one held back by the checks, and
        what is typed into a secret field."""
        found: list[str] = []
        with contextlib.suppress(Exception):  # the crash may have come before the screen
            conversation = self.conversation
            found += list(conversation.session.secret_values()) if conversation.session else []
            if conversation.pending and conversation.pending.value:
                found.append(conversation.pending.value)
                found.append(conversation.pending.value.strip())
        with contextlib.suppress(Exception):
            found += [field.value for field in self.query(Input) if field.password and field.value]
        return [secret for secret in found if secret]

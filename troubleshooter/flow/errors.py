"""The engine's one error type, in a module of its own so that a front end can catch it
without importing the engine (the app imports the engine with the content, off its first
screen's path)."""

from __future__ import annotations

from troubleshooter.i18n import Lang, Text


class FlowError(Exception):
    """An answer the current node cannot take, or a target that does not exist.

    ``text`` says it to a person in both languages where the cause is theirs (a mistyped
    ``--flow`` or ``--from``); the English ``str()`` is for logs and programming errors."""

    def __init__(self, message: str, text: Text | None = None) -> None:
        super().__init__(message)
        self.text = text

    def say(self, lang: Lang) -> str:
        return self.text.get(lang) if self.text else str(self)

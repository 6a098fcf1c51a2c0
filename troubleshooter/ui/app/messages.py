"""What the app's widgets tell the conversation, as typed Textual messages.

A button or a field never names what it does in a string: it posts one of these, and the
conversation pane or the screen handles it in an ``on_<name>`` method. (A button that does
exactly what a key does — export, restart, copy — runs that key's action instead.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from troubleshooter.probes.outcome import ProbeOutcome
    from troubleshooter.ui.app.question_box import Aside
    from troubleshooter.ui.app.services import Link, Reply


@dataclass
class Choose(Message):
    """One of the choices of the node ``ref`` was picked (its id in the flow)."""

    choice_id: str
    ref: object  # a digit handled before the next node's buttons replace these picks one of these


@dataclass
class Follow(Message):
    """A link to follow: an article, a flow node, a web page (from an article or a reply)."""

    link: Link


@dataclass
class ValueTyped(Message):
    """A value for the field of the node ``ref``: typed and submitted, or, with ``keep``, the
    user's decision on one the input checks held back (the cleaned value or the value as typed)."""

    value: str = field(repr=False)  # may be a password
    ref: object  # Enter pressed twice must not give the next node (say, after a password) this value
    keep: bool = False


@dataclass
class SecretRetyped(Message):
    """A secret the resumed session no longer holds was typed again for the check."""

    value: str = field(repr=False)


@dataclass
class RunProbeAgain(Message):
    """Run the check of the node ``ref`` once more."""

    ref: object


@dataclass
class Answered(Message):
    """The question box has a reply to ``question``."""

    question: str
    reply: Reply


@dataclass
class Reanswered(Message):
    """After a language switch: the replies to ``asides``' questions in ``lang``, in order."""

    lang: str
    asides: list[Aside]
    replies: list[Reply]


@dataclass
class ProbeFinished(Message):
    """A check ran to its end at the node ``ref``."""

    ref: object
    outcome: ProbeOutcome


class ProbeCancelled(Message):
    """A running check was cancelled (Esc, or the user left its node)."""

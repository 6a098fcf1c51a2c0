"""What the app's widgets tell the conversation, as typed Textual messages.

A button or a field never names what it does in a string: it posts one of these, and the
conversation pane or the screen handles it in an ``on_<name>`` method. (A button that does
exactly what a key does — export, restart, copy — runs that key's action instead.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from troubleshooter.probes.outcome import ProbeOutcome
    from troubleshooter.ui.app.question_box import Aside
    from troubleshooter.ui.app.services import Link, Reply

# Plain classes, as Textual's own messages are written: a dataclass costs ten times as much to
# create at import, before the first screen. A message's repr shows none of its fields (Textual's
# ``Message.__rich_repr__`` yields nothing), so a typed password never appears in one.


class Choose(Message):
    """One of the choices of the node ``ref`` was picked (its id in the flow)."""

    def __init__(self, choice_id: str, ref: object) -> None:
        super().__init__()
        self.choice_id = choice_id
        self.ref = ref  # a digit handled before the next node's buttons replace these picks one of these


class Follow(Message):
    """A link to follow: an article, a flow node, a web page (from an article or a reply)."""

    def __init__(self, link: Link) -> None:
        super().__init__()
        self.link = link


class ValueTyped(Message):
    """A value for the field of the node ``ref``: typed and submitted, or, with ``keep``, the
    user's decision on one the input checks held back (the cleaned value or the value as typed)."""

    def __init__(self, value: str, ref: object, keep: bool = False) -> None:
        super().__init__()
        self.value = value  # may be a password
        self.ref = ref  # Enter pressed twice must not give the next node (say, after a password) this value
        self.keep = keep


class SecretRetyped(Message):
    """A secret the resumed session no longer holds was typed again for the check."""

    def __init__(self, value: str) -> None:
        super().__init__()
        self.value = value


class RunProbeAgain(Message):
    """Run the check of the node ``ref`` once more."""

    def __init__(self, ref: object) -> None:
        super().__init__()
        self.ref = ref


class Answered(Message):
    """The question box has a reply to ``question``."""

    def __init__(self, question: str, reply: Reply) -> None:
        super().__init__()
        self.question = question
        self.reply = reply


class Reanswered(Message):
    """After a language switch: the replies to ``asides``' questions in ``lang``, in order."""

    def __init__(self, lang: str, asides: list[Aside], replies: list[Reply]) -> None:
        super().__init__()
        self.lang = lang
        self.asides = asides
        self.replies = replies


class ProbeFinished(Message):
    """A check ran to its end at the node ``ref``."""

    def __init__(self, ref: object, outcome: ProbeOutcome) -> None:
        super().__init__()
        self.ref = ref
        self.outcome = outcome


class ProbeCancelled(Message):
    """A running check was cancelled (Esc, or the user left its node)."""

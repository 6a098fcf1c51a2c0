"""The opt-in usage record (``--record``) as the app keeps it.

Opened with the first view of a session (the flow is known then), fed every view, the
articles opened and the questions asked, closed when the conversation pane goes away.
Nothing is recorded unless a maintainer turned recording on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from troubleshooter.flow.engine import Session
    from troubleshooter.ui.app.services import Reply
    from troubleshooter.usage.record import Recorder


class UsageLog:
    def __init__(self, opener: Callable[[Session], Recorder | None]) -> None:
        self.opener = opener  # the recorder for a session, or None when recording is off
        self.recorder: Recorder | None = None
        self.opened = False
        self.next_action: str | None = None  # "back" / "restart" while one is being shown

    def observe(self, session: Session) -> None:
        if not self.opened:
            self.opened = True
            self.recorder = self.opener(session)
        if self.recorder:
            self.recorder.observe(session, self.next_action)
        self.next_action = None

    def article(self, article_id: str | None) -> None:
        if self.recorder and article_id:
            self.recorder.article(article_id)

    def question(self, question: str, reply: Reply) -> None:
        if self.recorder:
            self.recorder.question(question, reply.found, reply.confident)

    def close(self, session: Session | None) -> None:
        if self.recorder:
            self.recorder.close(session)

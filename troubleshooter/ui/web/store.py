"""Conversations of the web page, kept in this server's memory under a random id.

A visitor's browser holds only the id (a cookie); the engine's :class:`Session` with its
path, the typed values and the secrets stays here, and is dropped when the visitor has been
idle for the configured time (or the server stops). Nothing is written to disk, so a
password never outlives the conversation that was given it.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from troubleshooter.flow.engine import Session, SubmitResult
from troubleshooter.flow.model import NodeRef
from troubleshooter.ui.app.services import Reply

if TYPE_CHECKING:
    from troubleshooter.probes.policy import TargetPolicy
    from troubleshooter.ui.web.checks import CheckRun


@dataclass
class Pending:
    """A typed value the input checks held back, waiting for "use cleaned" / "keep as typed".

    Kept here rather than echoed into the page: for the password, the page shows only the
    finding, and the buttons refer to this value without carrying it."""

    ref: NodeRef
    value: str = field(repr=False)
    result: SubmitResult = field(repr=False)


@dataclass
class Aside:
    """A question-box exchange, shown in the conversation after step ``position``."""

    position: int
    question: str
    reply: Reply


@dataclass
class WebSession:
    id: str = field(repr=False)
    csrf: str = field(repr=False)
    session: Session
    policy: TargetPolicy
    last_seen: float = field(default_factory=time.monotonic)
    pending: Pending | None = None
    asides: list[Aside] = field(default_factory=list)
    check: CheckRun | None = None
    notice: str | None = None  # a one-off message key for the next page (e.g. "checks busy")
    test_mails: int = 0
    recorder: Any = None  # the opt-in usage record (troubleshooter.usage.record.Recorder)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def position(self) -> str:
        """What a form was rendered for: the step count and node. A post made for another
        position (a double submit, a stale tab) is not applied a second time."""
        return f"{len(self.session.steps)}:{self.session.current}"

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    def forget(self) -> None:
        """Drop everything secret held for this conversation."""
        if self.check is not None:
            self.check.cancel()
        if self.recorder is not None:
            self.recorder.close(self.session)
        self.pending = None
        self.session.restart()


class SessionStore:
    """At most ``limit`` conversations; each expires ``idle`` seconds after its last request."""

    def __init__(self, limit: int, idle: float) -> None:
        self.limit = limit
        self.idle = idle
        self._sessions: dict[str, WebSession] = {}

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str | None) -> WebSession | None:
        found = self._sessions.get(session_id or "")
        if found is None:
            return None
        if self._expired(found, time.monotonic()):
            self.drop(found.id)
            return None
        found.touch()
        return found

    def add(self, session: Session, policy: TargetPolicy) -> WebSession | None:
        """A new conversation, or None when the server holds its limit of live ones.

        At the limit, idle conversations go first, then the least recently seen one that
        never got an answer (every page view without the cookie starts one: a crawler or a
        browser refusing cookies must not lock real visitors out)."""
        if len(self._sessions) >= self.limit:
            self.sweep()
        if len(self._sessions) >= self.limit:
            unanswered = [s for s in self._sessions.values()
                          if not s.session.steps and not s.asides and (s.check is None or s.check.done)]
            if not unanswered:
                return None
            self.drop(min(unanswered, key=lambda s: s.last_seen).id)
        created = WebSession(secrets.token_urlsafe(32), secrets.token_urlsafe(32), session, policy)
        self._sessions[created.id] = created
        return created

    def drop(self, session_id: str) -> None:
        gone = self._sessions.pop(session_id, None)
        if gone is not None:
            gone.forget()

    def sweep(self) -> int:
        """Drop every idle conversation (a running check keeps its conversation alive)."""
        now = time.monotonic()
        stale = [s.id for s in self._sessions.values() if self._expired(s, now)]
        for session_id in stale:
            self.drop(session_id)
        return len(stale)

    def _expired(self, session: WebSession, now: float) -> bool:
        running = session.check is not None and not session.check.done
        return not running and now - session.last_seen > self.idle

    def clear(self) -> None:
        for session_id in list(self._sessions):
            self.drop(session_id)


class RecipientLedger:
    """Test e-mails per recipient address within a window, all visitors together: the page
    must not become a way to flood someone's mailbox."""

    def __init__(self, limit: int, window: float = 3600.0) -> None:
        self.limit = limit
        self.window = window
        self._sent: dict[str, deque[float]] = {}

    def take(self, recipient: str) -> bool:
        now = time.monotonic()
        key = recipient.strip().lower()
        sent = self._sent.setdefault(key, deque())
        while sent and now - sent[0] > self.window:
            sent.popleft()
        if len(sent) >= self.limit:
            return False
        sent.append(now)
        return True

"""The opt-in usage record: anonymous events of each conversation, one JSON object a line.

A maintainer turns it on with ``--record DIR`` (or ``TROUBLESHOOTER_RECORD``); nothing is
written otherwise. What an event may hold is decided here and nowhere else:

- node ids, choice ids, input *names*, probe and outcome ids, article ids, flow ids;
- never a value typed into an input, never a password, never an address: a probe's host
  is written only with ``record_hosts``, a question's text only with ``record_questions``.

Writing is append-only: each event is one ``os.write`` of one line on a file opened with
``O_APPEND``, so many served sessions and processes can share a file without losing or
splitting lines. A record that cannot be written never disturbs the conversation: the first
failure switches the recorder off.

Front ends call :meth:`Recorder.observe` after every move of the engine; the recorder
derives the events from the session's steps (what was added, what was taken back), so the
front ends need not know the event vocabulary.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from troubleshooter.flow.engine import Session

RECORD_FORMAT = 1
RECORD_FILE = "usage.jsonl"
QUESTION_CHARS = 300  # a recorded question's text is cut here: a pasted log is not a question
ENV_VAR = "TROUBLESHOOTER_RECORD"
FRONT_ENDS = ("app", "plain", "web", "terminal")


def record_dir(option: str | os.PathLike[str] | None) -> Path | None:
    """The directory the record goes to: the option, else the environment, else none."""
    chosen = option or os.environ.get(ENV_VAR)
    return Path(chosen) if chosen else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Recorder:
    """The events of one conversation, appended to ``DIR/usage.jsonl``."""

    def __init__(self, directory: str | os.PathLike[str], *, front_end: str, flow: str,
                 content: str = "", record_hosts: bool = False,
                 record_questions: bool = False) -> None:
        import secrets  # here: with recording off (the default) nothing needs it, nor its hashlib

        self.path = Path(directory) / RECORD_FILE
        self.session_id = secrets.token_hex(8)
        self.front_end = front_end
        self.flow = flow
        self.content = content
        self.record_hosts = record_hosts
        self.record_questions = record_questions
        self.broken = False
        self._seen: int = 0  # steps of the session already turned into events
        self._lang: str | None = None
        self._started = False
        self._ended = False
        self._session: Session | None = None  # the last observed: its secrets are scrubbed from questions

    # -- what front ends call ---------------------------------------------------------------
    def observe(self, session: Session, action: str | None = None) -> None:
        """Turn what changed in ``session`` since the last call into events.

        Steps taken away are a back, or a restart when none are left of several (a front
        end that knows which it was says so with ``action="back"|"restart"``)."""
        self._session = session
        steps = session.steps
        if not self._started:
            self._started = True
            self._lang = session.lang
            self.write("start", front_end=self.front_end, lang=session.lang, flow=self.flow,
                       content=self.content)
            self._enter(session, len(steps))
        if session.lang != self._lang:
            self._lang = session.lang
            self.write("lang", lang=session.lang)
        if len(steps) < self._seen:
            restarted = action == "restart" or (action is None and not steps and self._seen > 1)
            self.write("restart" if restarted else "back", node=str(session.current))
            self._seen = len(steps)
            self._ended = False
            self.write("node", node=str(session.current))
            return
        for index in range(self._seen, len(steps)):
            self._step_event(session, index)
            self._enter(session, index + 1)
        self._seen = len(steps)

    def article(self, article_id: str) -> None:
        self.write("article", article=article_id)

    def question(self, question: str, ids: list[str], confident: bool) -> None:
        fields: dict[str, Any] = {"ids": ids, "confident": confident}
        if self.record_questions:
            from troubleshooter.redaction import scrub_auth

            text = scrub_auth(question[:QUESTION_CHARS])  # login data pasted with a log never lands
            if self._session is not None:
                text = self._session.secrets().scrub(text)
            fields["text"] = text
        self.write("question", **fields)

    def close(self, session: Session | None = None) -> None:
        """The conversation is over (quit, window closed, session expired)."""
        if self._started:
            current = str(session.current) if session is not None else None
            self.write("close", ended=self._ended, node=current)

    # -- events from steps ------------------------------------------------------------------
    def _step_event(self, session: Session, index: int) -> None:
        step = session.steps[index]
        node = str(step.ref)
        if step.kind == "choose":
            self.write("choice", node=node, choice=step.answer)
        elif step.kind == "submit":
            spec = session.node(step.ref).input
            self.write("submit", node=node, input=spec.name if spec else None,
                       findings=list(step.findings))
        elif step.kind == "probe":
            probe = step.probe or {}
            fields: dict[str, Any] = {"node": node, "outcome": step.answer,
                                      "stage": probe.get("stage")}
            spec = session.node(step.ref).probe
            fields["probe"] = spec.name if spec else probe.get("probe")
            host = (probe.get("facts") or {}).get("host")
            if self.record_hosts and host:
                fields["host"] = host
            self.write("probe", **fields)
        elif step.kind == "jump":
            self.write("jump", node=node, target=step.answer)

    def _enter(self, session: Session, steps_done: int) -> None:
        """The node reached after ``steps_done`` steps."""
        steps = session.steps
        ref = steps[steps_done].ref if steps_done < len(steps) else session.current
        self.write("node", node=str(ref))
        node = session.node(ref)
        if node.kind == "end":
            self._ended = True
            self.write("end", node=str(ref), status=node.status)

    def write(self, event: str, **fields: Any) -> None:
        if self.broken:
            return
        line = json.dumps({"v": RECORD_FORMAT, "t": _now(), "session": self.session_id,
                           "event": event, **fields}, ensure_ascii=False, separators=(",", ":"))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode("utf-8"))
            finally:
                os.close(fd)
        except OSError:
            self.broken = True  # a record that cannot be written never disturbs the conversation


def open_recorder(directory: str | os.PathLike[str] | None, *, front_end: str, flow: str,
                  content: str = "", record_hosts: bool = False,
                  record_questions: bool = False) -> Recorder | None:
    """A recorder when recording is on (the option or the environment), else ``None``."""
    chosen = record_dir(directory)
    if chosen is None:
        return None
    return Recorder(chosen, front_end=front_end, flow=flow, content=content,
                    record_hosts=record_hosts, record_questions=record_questions)

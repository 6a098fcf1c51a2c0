"""The line-level SMTP dialogue over asyncio streams, bounded by ONE total deadline.

Stdlib ``smtplib`` (and socket timeouts in general) limit each operation separately, so a
server that drips a byte a second keeps a client alive for ever. Here every connect, read,
write and TLS handshake is given only what is left of a single monotonic deadline, replies
are read from our own bounded buffer (line length, line count), and every line sent or
received goes into a transcript that never holds a secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from troubleshooter.redaction import Secrets

T = TypeVar("T")

MAX_LINE = 2048  # RFC 5321 allows 512; real servers stay far below this
MAX_REPLY_LINES = 100
MAX_TRANSCRIPT_LINES = 200
MAX_TRANSCRIPT_WIDTH = 300

_REPLY_LINE = re.compile(r"^(\d{3})(?:([ -])(.*))?$")
_ENHANCED = re.compile(r"^([245]\.\d{1,3}\.\d{1,3})\b\s*")


class DeadlineExceeded(Exception):
    """The total deadline ran out during the current stage."""


class ProtocolError(Exception):
    """The peer said something that is not SMTP. ``reason``: junk, line-too-long,
    too-many-lines, closed, tls-bytes."""

    def __init__(self, reason: str, sample: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.sample = sample


class Deadline(NamedTuple):  # the immutable records here are NamedTuples: see registry.ProbeSpec
    """One point in monotonic time that every operation of a probe must finish by."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + max(0.0, seconds))

    def remaining(self) -> float:
        return self.at - time.monotonic()

    async def run(self, awaitable: Awaitable[T], budget: float | None = None) -> T:
        """Await within what is left (or within ``budget`` if smaller). The one way the probes
        bound a wait: a cancel from the caller always comes out as ``CancelledError``."""
        left = self.remaining() if budget is None else min(budget, self.remaining())
        if left <= 0:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise DeadlineExceeded
        # asyncio.timeout, not wait_for: on Python 3.11, wait_for returns the result when the
        # awaited step completes in the same moment its task is cancelled, and the cancel
        # (Ctrl+C, Esc) is lost - the check then ran on to its deadline. A step may still lose
        # one inside (dnspython waits with wait_for): the task's count of cancels tells.
        task = asyncio.current_task()
        assert task is not None
        cancels = task.cancelling()
        try:
            async with asyncio.timeout(left):
                result = await awaitable
        except TimeoutError:
            raise DeadlineExceeded from None
        if task.cancelling() > cancels:
            raise asyncio.CancelledError
        return result


class Reply(NamedTuple):
    """One (possibly multi-line) SMTP reply."""

    code: int
    lines: list[str]
    enhanced: str | None = None  # "5.7.8"

    @property
    def text(self) -> str:
        return " ".join(line for line in self.lines if line)

    def summary(self) -> str:
        return f"{self.code} {self.text}".strip()[:MAX_TRANSCRIPT_WIDTH]


@dataclass
class SmtpTranscript:
    """The SMTP dialogue as sent and received (``C: …`` / ``S: …`` lines), bounded, every secret
    blanked out whatever its form. Not the conversation transcript (:mod:`troubleshooter.transcript`)."""

    secrets: Secrets = field(default_factory=Secrets)
    lines: list[str] = field(default_factory=list)
    dropped: int = 0

    def add(self, line: str) -> None:
        line = self.secrets.scrub(line)
        if len(line) > MAX_TRANSCRIPT_WIDTH:
            line = line[: MAX_TRANSCRIPT_WIDTH - 1] + "…"
        if len(self.lines) < MAX_TRANSCRIPT_LINES:
            self.lines.append(line)
        else:
            self.dropped += 1

    def replace_last(self, line: str) -> None:
        """Blank out what was just recorded (a base64 AUTH challenge)."""
        if self.lines and not self.dropped:
            self.lines[-1] = line

    def note(self, text: str) -> None:
        self.add(f"* {text}")

    def result(self) -> list[str]:
        if self.dropped:
            return [*self.lines, f"* … {self.dropped} more lines not kept"]
        return list(self.lines)


def _looks_like_tls(data: bytes) -> bool:
    # a TLS record: handshake/alert type, version 3.x
    return len(data) >= 2 and data[0] in (0x15, 0x16) and data[1] == 0x03


class SmtpSession:
    """Reads replies and sends commands on one connection, all within ``deadline``."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        deadline: Deadline,
        transcript: SmtpTranscript,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.deadline = deadline
        self.transcript = transcript
        self.tls = False
        self.received_any = False
        self._buffer = b""

    async def _more(self) -> None:
        chunk = await self.deadline.run(self.reader.read(4096))
        if not chunk:
            raise ProtocolError("closed", self._buffer[:80].decode("latin-1"))
        if not self.received_any and not self._buffer and _looks_like_tls(chunk):
            self.received_any = True
            raise ProtocolError("tls-bytes", chunk[:16].hex())
        self.received_any = True
        self._buffer += chunk

    async def _line(self) -> str:
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_LINE:
                raise ProtocolError("line-too-long", self._buffer[:80].decode("utf-8", "replace"))
            await self._more()
        raw, _, self._buffer = self._buffer.partition(b"\n")
        if len(raw) > MAX_LINE:
            raise ProtocolError("line-too-long", raw[:80].decode("utf-8", "replace"))
        return raw.rstrip(b"\r").decode("utf-8", "replace")

    async def read_reply(self) -> Reply:
        """One complete reply; junk, endless lines and endless continuations are errors."""
        lines: list[str] = []
        code = 0
        while True:
            line = await self._line()
            match = _REPLY_LINE.match(line)
            if not match or (code and int(match.group(1)) != code):
                self.transcript.add(f"S: {line}")
                raise ProtocolError("junk", line[:80])
            self.transcript.add(f"S: {line}")
            code = int(match.group(1))
            lines.append(match.group(3) or "")
            if len(lines) > MAX_REPLY_LINES:
                raise ProtocolError("too-many-lines", line[:80])
            if match.group(2) != "-":
                break
        enhanced = None
        if 200 <= code < 600 and (found := _ENHANCED.match(lines[0])):
            enhanced = found.group(1)
        return Reply(code, lines, enhanced)

    async def send(self, line: str, shown: str | None = None) -> None:
        self.transcript.add(f"C: {line if shown is None else shown}")
        self.writer.write(line.encode("utf-8") + b"\r\n")
        await self.deadline.run(self.writer.drain())

    async def command(self, line: str, shown: str | None = None) -> Reply:
        await self.send(line, shown)
        return await self.read_reply()

    async def send_data(self, lines: Iterable[str]) -> None:
        """The message body, dot-stuffed, summarised in the transcript."""
        body = [("." + line) if line.startswith(".") else line for line in lines]
        self.transcript.add(f"C: <message, {len(body)} lines>")
        self.transcript.add("C: .")
        self.writer.write(("\r\n".join(body) + "\r\n.\r\n").encode("utf-8"))
        await self.deadline.run(self.writer.drain())

    async def start_tls(self, context, server_hostname: str | None) -> None:
        """Upgrade this connection; the handshake too is bounded by the deadline."""
        self._buffer = b""  # bytes sent before the handshake must not be trusted after it
        left = self.deadline.remaining()
        await self.deadline.run(
            self.writer.start_tls(context, server_hostname=server_hostname,
                                  ssl_handshake_timeout=max(left, 0.01))
        )
        self.tls = True

    def ssl_object(self):
        return self.writer.get_extra_info("ssl_object")

    async def quit(self) -> None:
        """QUIT, without waiting for the server's goodbye: the check is complete by then, and
        its ``221`` would cost a round trip (the client SHOULD wait, RFC 5321 4.1.1.10 — a
        check that has its answer does not need to; the server has the QUIT either way)."""
        with contextlib.suppress(DeadlineExceeded, OSError, ConnectionError):
            await self.send("QUIT")

    def abort(self) -> None:
        transport = self.writer.transport
        if transport is not None:
            transport.abort()

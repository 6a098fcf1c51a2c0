"""Real SMTP servers on loopback for tests: the practice server (aiosmtpd + trustme CA) and
misbehaving listeners (silent, drip, junk, endless line, early close, TLS-only, never accepts)
and hostile ones (a server that echoes the credentials back decoded, one that sends terminal
escape codes in its banner, EHLO lines and replies).

Reusable by any test module (probes, CLI, the app, the settings finder)::

    from smtp_servers import practice_server, misbehaving_server, free_port_pair  # tests/ is on sys.path

    with practice_server(faults={"wrong-password"}) as server:
        server.starttls_port, server.tls_port, server.ca_file, server.config.username, server.config.password

    async with misbehaving_server("drip") as port:
        ...

Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator

from troubleshooter.practice.server import PracticeConfig, PracticeServer

LOOPBACK = "127.0.0.1"
BEHAVIOURS = ("silent", "drip", "junk", "endless-line", "early-close", "mid-close", "endless-reply",
              "tls-only", "never-accept", "echo-credentials", "escape-codes")
# What the escape-codes server puts in its banner, EHLO lines and replies: set the title, clear
# the screen, write the clipboard (OSC 52), plant a link (OSC 8), C1 CSI and NEL, a bidi override.
ESCAPES = ("\x1b]0;pwned\x07", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://evil.test/\x1b\\",
           "\x9b31m", "\x85", "\u202e", "\x7f", "\x00")


def free_port_pair() -> int:
    """A port N such that N and N+1 are both free on loopback now."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind((LOOPBACK, 0))
            port = first.getsockname()[1]
            if port >= 65535:
                continue
            with socket.socket() as second:
                try:
                    second.bind((LOOPBACK, port + 1))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free pair of loopback ports")


@contextlib.contextmanager
def practice_server(faults: Iterable[str] = (), **config: object) -> Iterator[PracticeServer]:
    """The practice server in a background thread (usable from sync and async tests)."""
    last: Exception | None = None
    for _ in range(5):
        settings = PracticeConfig(port=free_port_pair(), faults=frozenset(faults), **config)  # type: ignore[arg-type]
        server = PracticeServer(settings)
        try:
            server.in_thread()
        except OSError as exc:  # the port was taken in between: try another pair
            server.cleanup()
            last = exc
            continue
        try:
            yield server
        finally:
            server.stop_thread()
        return
    raise RuntimeError(f"could not start the practice server: {last}")


def tls_server_context(hostnames: Iterable[str] = ("localhost", "127.0.0.1")):
    """(server SSLContext, CA PEM path holder) from a fresh trustme CA; keep the CA to trust it."""
    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hostnames).configure_cert(context)
    return context, ca


async def _behave(kind: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        if kind == "silent" or kind == "tls-only":
            await asyncio.sleep(3600)
        elif kind == "drip":
            for byte in b"220 drip.example ESMTP so slow\r\n" * 100:
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(1.0)
        elif kind == "junk":
            writer.write(b"\x00\xffHELLO? this is not SMTP at all\r\n")
            await writer.drain()
            await asyncio.sleep(3600)
        elif kind == "endless-line":
            writer.write(b"220 ")
            while True:
                writer.write(b"x" * 1024)
                await writer.drain()
                await asyncio.sleep(0.01)
        elif kind == "endless-reply":
            writer.write(b"220 ok\r\n")
            await reader.readline()
            while True:
                writer.write(b"250-still going\r\n" * 50)
                await writer.drain()
                await asyncio.sleep(0.01)
        elif kind == "early-close":
            pass
        elif kind == "echo-credentials":
            await _echo_credentials(reader, writer)
        elif kind == "escape-codes":
            await _escape_codes(reader, writer)
        elif kind == "mid-close":
            writer.write(b"220 mid.example ESMTP\r\n")
            await writer.drain()
            await reader.readline()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def _echo_credentials(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Offers PLAIN and LOGIN and answers every login with a 535 quoting what it got, base64
    and decoded, as chatty servers do in their logs."""
    import base64

    def say(text: str) -> None:
        writer.write(text.encode("utf-8", "surrogateescape") + b"\r\n")

    say("220 echo.example ESMTP")
    while line := (await reader.readline()).decode("utf-8", "surrogateescape").rstrip("\r\n"):
        verb = line.split(" ")[0].upper()
        if verb in ("EHLO", "HELO"):
            say("250-echo.example\r\n250 AUTH PLAIN LOGIN")
        elif line.upper().startswith("AUTH PLAIN "):
            blob = line.split(" ", 2)[2]
            password = base64.b64decode(blob).split(b"\0")[-1].decode("utf-8", "surrogateescape")
            say(f"535 5.7.8 Authentication failed for {blob} ({password})")
        elif line.upper() == "AUTH LOGIN":
            say("334 VXNlcm5hbWU6")
            user = (await reader.readline()).strip().decode()
            say("334 UGFzc3dvcmQ6")
            blob = (await reader.readline()).strip().decode()
            password = base64.b64decode(blob).decode("utf-8", "surrogateescape")
            say(f"535-5.7.8 user {user} password {blob}\r\n535 5.7.8 ({password}) rejected")
        elif verb == "QUIT":
            say("221 bye")
            break
        else:
            say(f"250 ok {line}")
        await writer.drain()
    await writer.drain()


async def _escape_codes(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Escape codes and bidi controls in the banner, the EHLO lines and every reply."""
    junk = "".join(ESCAPES)

    def say(text: str) -> None:
        writer.write(text.encode("utf-8") + b"\r\n")

    say(f"220 hostile.example ESMTP {junk}")
    while line := (await reader.readline()).decode("utf-8", "replace").rstrip("\r\n"):
        verb = line.split(" ")[0].upper()
        if verb in ("EHLO", "HELO"):
            say(f"250-hostile.example {junk}\r\n250-X-{junk}\r\n250 AUTH PLAIN LOGIN")
        elif verb == "AUTH":
            say(f"535 5.7.8 no {junk}")
        elif verb == "QUIT":
            say(f"221 {junk}")
            break
        else:
            say(f"250 {junk}")
        await writer.drain()
    await writer.drain()


@contextlib.asynccontextmanager
async def misbehaving_server(kind: str) -> AsyncIterator[int]:
    """A loopback listener that misbehaves in the named way; yields its port.

    ``tls-only`` is a TLS server that (like any implicit-TLS port) says nothing until the
    client's handshake; ``never-accept`` is bound and listening with a full backlog and
    never accepts, so new connections hang in the SYN stage as behind a packet-dropping firewall.
    """
    if kind not in BEHAVIOURS:
        raise ValueError(kind)
    if kind == "never-accept":
        with never_accepting_listener() as port:
            yield port
        return
    context = tls_server_context()[0] if kind == "tls-only" else None
    server = await asyncio.start_server(lambda r, w: _behave(kind, r, w), LOOPBACK, 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 1.0)


@contextlib.contextmanager
def never_accepting_listener() -> Iterator[int]:
    """A listening socket with its backlog filled and never accept()ed."""
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError, OSError):
            filler.connect((LOOPBACK, port))
        fillers.append(filler)
    try:
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@contextlib.contextmanager
def misbehaving_server_in_thread(kind: str) -> Iterator[int]:
    """:func:`misbehaving_server` on its own event loop in a thread, for code that runs its own
    loop (the CLI commands, the plain mode); yields the port."""
    import threading

    loop = asyncio.new_event_loop()
    ready: asyncio.Future[int] = loop.create_future()
    stop = asyncio.Event()

    async def serve() -> None:
        async with misbehaving_server(kind) as port:
            ready.set_result(port)
            await stop.wait()
        handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in handlers:  # connections still open (a silent server's sleepers)
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(asyncio.wait_for(asyncio.shield(ready), 5), loop).result(6)
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(5)
        loop.close()

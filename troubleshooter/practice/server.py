"""The practice SMTP server: aiosmtpd on loopback, STARTTLS on port N, implicit TLS on N+1.

Faults are switched on by name and make the server behave like the real ones the
troubleshooter explains (see :data:`FAULTS`). It accepts mail only from its demo mailbox
after a login, keeps accepted messages in memory, and never relays anything anywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from troubleshooter.practice.certs import INTERCEPTOR, PracticeCertificates
from troubleshooter.probes.smtp_session import Deadline, DeadlineExceeded

# fault -> the outcome ``diagnose`` should name for it (with the matching options)
FAULTS: dict[str, str] = {
    "wrong-password": "auth-failed",
    "no-starttls": "starttls-missing",
    "starttls-required": "auth-requires-tls",
    "self-signed": "certificate-invalid",
    "wrong-name": "certificate-name-mismatch",
    "421": "server-unavailable",
    "slow": "deadline",
    "intercepted": "intercepted",
    "app-password": "auth-app-password",
    "auth-disabled": "auth-disabled",
    "basic-auth-off": "auth-basic-off",
    "auth-tempfail": "auth-tempfail",
    "dmarc": "dmarc-rejected",
}
SLOW_REPLY = 3.0  # seconds before each reply with the "slow" fault
DEMO_DOMAIN = "practice.test"
UNKNOWN_RECIPIENTS = ("nobody", "unknown")

_AUTH_REFUSALS = {
    "app-password": "534 5.7.9 Application-specific password required. Learn more at "
                    "https://support.google.com/mail/?p=InvalidSecondFactor",
    "auth-disabled": "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                     "for the Tenant.",
    "auth-tempfail": "454 4.7.0 Temporary authentication failure, try again later",
    # Microsoft 365 once password login is off (from the end of December 2026 by default)
    "basic-auth-off": "550 5.7.30 Basic authentication is not supported for Client Submission",
}


@dataclass
class Delivered:
    sender: str
    recipients: list[str]
    size: int


@dataclass
class PracticeConfig:
    port: int = 2587
    faults: frozenset[str] = frozenset()
    host: str = "127.0.0.1"
    username: str = f"demo@{DEMO_DOMAIN}"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(9), repr=False)
    folder: Path | None = None  # where the CA file goes; a temporary folder by default
    cert_names: tuple[str, ...] = ()  # extra names in the certificate (tests: the finder's test hosts)


class _PracticeSMTP(SMTP):
    """aiosmtpd with slow replies and RFC 3207's enhanced code on 530."""

    def __init__(self, *args: Any, delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._delay = delay

    async def push(self, status: Any) -> None:
        if self._delay:
            await asyncio.sleep(self._delay)
        if isinstance(status, str) and status.startswith("530 Must issue a STARTTLS"):
            status = "530 5.7.0 Must issue a STARTTLS command first"
        await super().push(status)


class _Handler:
    def __init__(self, config: PracticeConfig, mailbox: list[Delivered], log) -> None:
        self.config = config
        self.mailbox = mailbox
        self.log = log

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        if address.lower() != self.config.username.lower():
            return (f"553 5.7.1 <{address}>: Sender address rejected: not owned by user "
                    f"{self.config.username}")
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 Ok"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if not session.authenticated:
            return f"554 5.7.1 <{address}>: Relay access denied"
        if address.split("@")[0].lower() in UNKNOWN_RECIPIENTS:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if "dmarc" in self.config.faults:
            return (f"550 5.7.26 Unauthenticated email from {DEMO_DOMAIN} is not accepted due to "
                    "domain's DMARC policy")
        size = len(envelope.original_content or b"")
        self.mailbox.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), size))
        self.log(f"accepted a message from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}, "
                 f"{size} bytes (kept in memory, not delivered anywhere)")
        return f"250 2.0.0 Ok: queued as PRACTICE{len(self.mailbox)}"


class PracticeServer:
    """Both listeners; ``await start()`` / ``await stop()``, or :meth:`in_thread` for sync code."""

    def __init__(self, config: PracticeConfig, log=None) -> None:
        unknown = set(config.faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # aiosmtpd's chatter on aborted sessions
        self.config = config
        self.log = log or (lambda line: None)
        self.mailbox: list[Delivered] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if config.folder is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="troubleshooter-practice-")
            config.folder = Path(self._tmp.name)
        self.certificates = PracticeCertificates(config.folder)
        self.ca_file = self.certificates.ca_file
        self._servers: list[asyncio.AbstractServer] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def starttls_port(self) -> int:
        return self.config.port

    @property
    def tls_port(self) -> int:
        return self.config.port + 1

    def _authenticator(self, server, session, envelope, mechanism, auth_data):
        faults = self.config.faults
        for fault, reply in _AUTH_REFUSALS.items():
            if fault in faults:
                return AuthResult(success=False, handled=False, message=reply)
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login.decode(errors="replace").lower() == self.config.username.lower()
              and secrets.compare_digest(auth_data.password, self.config.password.encode())
              and "wrong-password" not in faults)
        if ok:
            return AuthResult(success=True, auth_data=self.config.username)
        # handled=False: aiosmtpd then answers 535 5.7.8 itself (handled=True would send nothing)
        return AuthResult(success=False, handled=False)

    def _factory(self, *, implicit: bool):
        faults = self.config.faults
        cert_kind = {"self_signed": "self-signed" in faults, "wrong_name": "wrong-name" in faults,
                     "intercepted": "intercepted" in faults}
        context = self.certificates.server_context(**cert_kind, extra_names=self.config.cert_names)
        hostname = f"mx1.{INTERCEPTOR}" if "intercepted" in faults else "localhost"
        handler = _Handler(self.config, self.mailbox, self.log)
        offer_starttls = not implicit and "no-starttls" not in faults
        kwargs: dict[str, Any] = {
            "hostname": hostname,
            "ident": "ESMTP troubleshooter practice server",
            "authenticator": self._authenticator,
            "tls_context": context if offer_starttls else None,
            "require_starttls": "starttls-required" in faults and offer_starttls,
            # AUTH is announced only under TLS, except when the 530 fault is to be shown
            "auth_require_tls": not implicit and "starttls-required" not in faults,
            "delay": SLOW_REPLY if "slow" in faults else 0.0,
        }
        if "no-starttls" in faults and not implicit:
            kwargs["auth_require_tls"] = False
        return (lambda: _PracticeSMTP(handler, **kwargs)), (context if implicit else None)

    async def _unavailable(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"421 4.3.2 localhost Service not available, closing transmission channel\r\n")
        try:
            await writer.drain()
        finally:
            writer.close()

    async def start(self) -> PracticeServer:
        loop = asyncio.get_running_loop()
        for port, implicit in ((self.starttls_port, False), (self.tls_port, True)):
            factory, context = self._factory(implicit=implicit)
            if "421" in self.config.faults:
                server = await asyncio.start_server(self._unavailable, self.config.host, port, ssl=context)
            else:
                server = await loop.create_server(factory, self.config.host, port, ssl=context)
            self._servers.append(server)
        return self

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
        for server in self._servers:
            with contextlib.suppress(DeadlineExceeded):
                await Deadline.after(1.0).run(server.wait_closed())
        self._servers.clear()

    # -- sync use: a background thread with its own loop ------------------------------------
    def in_thread(self) -> PracticeServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            pending = asyncio.all_tasks(loop)  # sessions still open: end them quietly
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.wait(pending, timeout=1.0))
            loop.close()

        self._thread = threading.Thread(target=main, name="practice-smtp", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop_thread(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
        self.cleanup()

    def cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> PracticeServer:
        return self.in_thread()

    def __exit__(self, *exc: object) -> None:
        self.stop_thread()


def describe_faults(faults: Iterable[str]) -> list[str]:
    return [f"{fault} → {FAULTS[fault]}" for fault in faults]

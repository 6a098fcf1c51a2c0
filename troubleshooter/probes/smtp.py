"""SMTP probes: connection, login and test message, stage by stage, under one deadline.

``probe_connection`` stops after EHLO over TLS, ``probe_login`` after AUTH,
``probe_test_message`` after DATA. Each stage is timed, reported to ``on_stage`` and
kept in the outcome. The probes never raise and never outlive their deadline: every
network operation gets only what is left of one monotonic deadline (see
:mod:`troubleshooter.probes.smtp_session`). Outcome ids: :data:`SMTP_OUTCOMES`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any

from troubleshooter.probes import smtp_replies, smtp_syntax, tls
from troubleshooter.probes.outcome import ProbeOutcome, StageCallback, StageResult
from troubleshooter.probes.security import default_security, security_mode
from troubleshooter.probes.smtp_session import (
    Deadline,
    DeadlineExceeded,
    ProtocolError,
    Reply,
    SmtpSession,
    SmtpTranscript,
)
from troubleshooter.redaction import MARKER, Secrets, hidden_field

_MAX_ADDRESSES = 6
# What we greet the server with unless the user names a machine (``diagnose --helo``): not
# this computer's name, which would end up in the transcript a customer sends to support.
NEUTRAL_HELO = "troubleshooter.invalid"
# After this long without a greeting, a fresh connection asks in parallel whether the port
# speaks TLS: an implicit-TLS port (465) waits in silence for our handshake, and waiting for a
# greeting that never comes would cost the whole deadline.
TLS_PROBE_AFTER = 2.0
# ... but never so late that the handshake has less than this left of the deadline: with a short
# deadline (or a slow connect before it) the question came too late to be answered.
TLS_PROBE_TIME = 1.0


class Stop(Exception):
    """Ends the probe with an outcome at the current stage."""

    def __init__(self, outcome: str, detail: str = "") -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.detail = detail


class _CertificateFailed(Exception):
    def __init__(self, outcome: str, facts: dict[str, Any]) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        self.facts = facts


@dataclass
class Settings:
    host: str
    port: int
    security: str  # tls, starttls, none, opportunistic
    username: str = ""
    password: str = hidden_field()
    sender: str = ""
    recipient: str = ""
    ca_file: str | None = None
    helo_name: str = ""
    addresses: list[str] = field(default_factory=list)  # vetted by a policy: no new look-up


def settings_from(args: dict[str, str]) -> Settings:
    """Probe arguments as flows and the command line give them; raises ValueError on nonsense."""
    host = str(args.get("host") or "").strip().strip("[]").rstrip(".")
    if not host:
        raise ValueError("host")
    mode = security_mode(args.get("security")) or "auto"
    port_text = str(args.get("port") or "").strip()
    port = int(port_text) if port_text else (465 if mode == "tls" else 587)
    if not 0 < port < 65536:
        raise ValueError("port")
    if mode == "auto":
        mode = default_security(port)
        if mode == "none":
            mode = "opportunistic"  # unknown port: STARTTLS when offered, as PHPMailer's SMTPAutoTLS
    addresses = [a.strip() for a in str(args.get("addresses") or "").split(",") if a.strip()]
    for name in ("username", "password"):
        try:
            str(args.get(name) or "").encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes kept as surrogates: not sendable
            raise ValueError(name) from None
    # Nothing but a valid mailbox and greeting name goes on the wire (CR/LF, NUL, ESC, NEL …)
    sender, recipient = (str(args.get(name) or "").strip() for name in ("sender", "recipient"))
    return Settings(
        host=host, port=port, security=mode,
        username=str(args.get("username") or ""), password=str(args.get("password") or ""),
        sender=smtp_syntax.mailbox(sender) if sender else "",
        recipient=smtp_syntax.mailbox(recipient) if recipient else "",
        ca_file=str(args.get("ca_file") or "") or None,
        helo_name=smtp_syntax.helo_name(str(args.get("helo_name") or "") or NEUTRAL_HELO),
        addresses=addresses,
    )


class _Probe:
    """One run: stages, facts and transcript, and the dialogue that fills them."""

    def __init__(self, name: str, settings: Settings, deadline: Deadline, on_stage: StageCallback | None):
        self.name = name
        self.settings = settings
        self.deadline = deadline
        self.on_stage = on_stage
        self.started = time.monotonic()
        self.stages: list[StageResult] = []
        self.facts: dict[str, Any] = {"host": settings.host, "port": settings.port,
                                      "security": settings.security}
        self.transcript = SmtpTranscript(secrets=Secrets(settings.password, username=settings.username))
        self.session: SmtpSession | None = None
        self.current = ""
        self._stage_started = 0.0
        self.unverified = False  # continuing after a failed certificate verification
        self.addresses: list[str] = []

    # -- stage bookkeeping ---------------------------------------------------------------
    def _emit(self, *event: Any) -> None:
        if self.on_stage is not None:
            with contextlib.suppress(Exception):  # a front end's bug must not end the probe
                self.on_stage(*event)

    def begin(self, stage: str) -> None:
        self.current = stage
        self._stage_started = time.monotonic()
        self._emit(stage, "start", None)

    def end(self, ok: bool, detail: str = "", outcome: str | None = None) -> None:
        if not self.current:
            return
        if self.unverified:
            detail = f"(unverified) {detail}".strip()
        detail = self.transcript.secrets.shown(detail, keep="")  # a server may echo the password
        took = round(time.monotonic() - self._stage_started, 4)
        result = StageResult(self.current, ok, took, detail, outcome)
        self.stages.append(result)
        self.current = ""
        self._emit(result.stage, "done", result)

    # -- stages ---------------------------------------------------------------------------
    async def resolve(self) -> None:
        self.begin("resolve")
        if self.settings.addresses:
            self.addresses = self.settings.addresses[:_MAX_ADDRESSES]
            self.facts["addresses"] = self.addresses
            self.end(True, "vetted: " + ", ".join(self.addresses))
            return
        if tls.is_ip_address(self.settings.host):  # nothing to look up (and no resolver thread to start)
            self.addresses = [self.settings.host]
            self.facts["addresses"] = self.addresses
            self.end(True, self.settings.host)
            return
        loop = asyncio.get_running_loop()
        try:
            infos = await self.deadline.run(
                loop.getaddrinfo(self.settings.host, self.settings.port, type=socket.SOCK_STREAM))
        except socket.gaierror as exc:
            missing = exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5))
            if missing:
                suggestions = _close_names(self.settings.host)
                if suggestions:
                    self.facts["suggestions"] = suggestions
                raise Stop("dns-not-found", str(exc)) from None
            raise Stop("dns-failed", str(exc)) from None
        except DeadlineExceeded:
            raise Stop("dns-failed", "the resolver did not answer in time") from None
        except (OSError, UnicodeError) as exc:
            raise Stop("dns-failed", str(exc)) from None
        self.addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))[:_MAX_ADDRESSES]
        self.facts["addresses"] = self.addresses
        self.end(True, ", ".join(self.addresses))

    async def connect(self) -> SmtpSession:
        self.begin("connect")
        attempts: list[dict[str, str]] = []
        for index, address in enumerate(self.addresses):
            # later addresses get their share of what is left, the last one all of it
            share = self.deadline.remaining() / (len(self.addresses) - index)
            started = time.monotonic()
            try:
                reader, writer = await self.deadline.run(
                    asyncio.open_connection(address, self.settings.port, limit=65536), budget=share)
            except (DeadlineExceeded, TimeoutError):
                attempts.append({"address": address, "result": "timeout"})
                continue
            except ConnectionRefusedError:
                attempts.append({"address": address, "result": "refused"})
                continue
            except OSError as exc:
                attempts.append({"address": address, "result": _connect_error(exc), "error": str(exc)})
                continue
            attempts.append({"address": address, "result": "connected",
                             "elapsed": f"{time.monotonic() - started:.3f}"})
            self.facts["connections"] = attempts
            self.facts["connected_to"] = address
            self.end(True, f"{address} port {self.settings.port}")
            return SmtpSession(reader, writer, self.deadline, self.transcript)
        self.facts["connections"] = attempts
        results = {a["result"] for a in attempts}
        outcome = ("connection-refused" if "refused" in results
                   else "connection-timeout" if "timeout" in results or not attempts
                   else "network-unreachable")
        raise Stop(outcome, "; ".join(f"{a['address']}: {a['result']}" for a in attempts))

    async def banner(self, session: SmtpSession) -> None:
        self.begin("banner")
        reply = await (session.read_reply() if session.tls else self.plain_greeting(session))
        self.facts["banner"] = reply.summary()
        if reply.code != 220:
            raise Stop("server-unavailable", reply.summary())
        self.end(True, reply.summary())

    async def plain_greeting(self, session: SmtpSession) -> Reply:
        """The greeting on a plain connection; when it has not come within
        :data:`TLS_PROBE_AFTER` seconds (sooner when the deadline would leave the handshake less
        than :data:`TLS_PROBE_TIME`), a TLS handshake on a fresh connection runs alongside, and a
        port that answers it is a TLS port spoken to in plain text."""
        reading = asyncio.ensure_future(session.read_reply())
        tasks = [reading]
        try:
            first_wait = max(0.0, min(TLS_PROBE_AFTER, self.deadline.remaining() - TLS_PROBE_TIME))
            done, _ = await asyncio.wait({reading}, timeout=first_wait)
            if reading in done or session.received_any:
                return await reading
            self.transcript.note(f"no greeting within {first_wait:.1f} s; a TLS handshake alongside")
            asking = asyncio.ensure_future(self.speaks_tls())
            tasks.append(asking)
            done, _ = await asyncio.wait({reading, asking}, return_when=asyncio.FIRST_COMPLETED)
            if reading not in done and await asking and not session.received_any:
                self.facts["banner_silent"] = True
                self.facts["port_speaks"] = "tls"
                raise Stop("tls-mismatch", "silent in plain text, but answers a TLS handshake")
            return await reading
        finally:  # cancelled (the user pressed Esc) or decided: nothing left running or unread
            for task in tasks:
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                elif not task.cancelled():
                    task.exception()  # retrieved: an error of a task we no longer need is no news

    async def speaks_tls(self) -> bool:
        """Does the port answer a TLS handshake on a fresh connection (within the deadline)?"""
        address = self.facts.get("connected_to")
        if not address:
            return False
        try:
            reader, writer = await self.deadline.run(asyncio.open_connection(address, self.settings.port))
        except (DeadlineExceeded, OSError):
            return False
        other = SmtpSession(reader, writer, self.deadline, SmtpTranscript())
        try:
            await other.start_tls(tls.unverified_context(), self.settings.host)
            return True
        except (DeadlineExceeded, ssl.SSLError, OSError, ConnectionError):
            return False
        finally:
            other.abort()

    async def ehlo(self, session: SmtpSession, stage: str) -> dict[str, str]:
        self.begin(stage)
        reply = await session.command(f"EHLO {self.settings.helo_name}")
        if reply.code == 421:
            raise Stop("server-unavailable", reply.summary())
        if reply.code != 250:
            helo = await session.command(f"HELO {self.settings.helo_name}")
            if helo.code != 250:
                raise Stop("protocol-error", helo.summary())
            self.facts["ehlo_refused"] = reply.summary()
            reply = helo
        capabilities = smtp_replies.capabilities(reply)
        self.facts["greeting" if stage == "ehlo" else "greeting_tls"] = reply.lines[0][:200]
        self.facts["capabilities" if stage == "ehlo" else "capabilities_tls"] = sorted(capabilities)
        if "AUTH" in capabilities:
            self.facts["auth_mechanisms"] = capabilities["AUTH"].upper().split()
        elif stage != "ehlo":
            self.facts.pop("auth_mechanisms", None)
        self.end(True, " ".join(sorted(capabilities)))
        return capabilities

    async def handshake(self, session: SmtpSession) -> None:
        """The TLS handshake, verified like PHP does; unverified when already known to fail."""
        self.begin("tls")
        context = tls.unverified_context() if self.unverified else tls.verifying_context(self.settings.ca_file)
        try:
            await session.start_tls(context, self.settings.host)
        except ssl.SSLCertVerificationError as exc:
            outcome, facts = tls.verification_failure(exc)
            raise _CertificateFailed(outcome, facts) from None
        except ssl.SSLError as exc:
            if tls.is_tls_mismatch(exc):
                self.facts["tls_error"] = str(exc)
                raise Stop("tls-mismatch", str(exc)) from None
            raise Stop("protocol-error", f"TLS: {exc}") from None
        except (ConnectionError, EOFError, OSError) as exc:
            self.facts["tls_error"] = str(exc) or type(exc).__name__
            if self.settings.security == "tls":  # a plain-text server hangs up on our ClientHello
                raise Stop("tls-mismatch", f"TLS: connection closed ({type(exc).__name__})") from None
            raise Stop("protocol-error", f"TLS: {exc or type(exc).__name__}") from None
        facts = tls.certificate_facts(session.ssl_object())
        self.facts.update(facts)
        cert = facts.get("certificate", {})
        self.end(True, f"{facts.get('tls_version', '')} {cert.get('subject', '')}".strip())

    async def starttls(self, session: SmtpSession, capabilities: dict[str, str]) -> bool:
        """STARTTLS when wanted; False when continuing without TLS."""
        if session.tls:  # implicit TLS already
            return False
        offered = "STARTTLS" in capabilities
        self.facts["starttls_offered"] = offered
        if self.settings.security == "none" or (self.settings.security == "opportunistic" and not offered):
            return False
        self.begin("starttls")
        if not offered:
            raise Stop("starttls-missing", "STARTTLS is not among the EHLO capabilities")
        reply = await session.command("STARTTLS")
        if reply.code != 220:
            raise Stop("starttls-missing", reply.summary())
        self.end(True, reply.summary())
        await self.handshake(session)
        return True

    async def auth(self, session: SmtpSession, capabilities: dict[str, str]) -> None:
        self.begin("auth")
        mechanisms = capabilities.get("AUTH", "").upper().split()
        if not mechanisms:
            if not session.tls and "STARTTLS" in capabilities:
                raise Stop("auth-requires-tls", "AUTH is offered only after STARTTLS")
            raise Stop("auth-not-offered", "the server offers no AUTH")
        if "PLAIN" in mechanisms:
            import base64

            blob = base64.b64encode(f"\0{self.settings.username}\0{self.settings.password}".encode()).decode()
            reply = await session.command(f"AUTH PLAIN {blob}", shown=f"AUTH PLAIN {MARKER}")
            if reply.code == 334:  # server wants the answer on its own line
                reply = await session.command(blob, shown=MARKER)
        elif "LOGIN" in mechanisms:
            reply = await self._auth_login(session)
        else:
            self.facts["auth_mechanisms"] = mechanisms
            raise Stop("auth-not-offered", "neither PLAIN nor LOGIN: " + " ".join(mechanisms))
        if reply.code == 235:
            self.end(True, reply.summary())
            return
        outcome = smtp_replies.auth_outcome(reply, tls=session.tls)
        self.facts["auth_reply"] = reply.summary()
        raise Stop(outcome, reply.summary())

    async def _auth_login(self, session: SmtpSession) -> Reply:
        import base64

        reply = await session.command("AUTH LOGIN")
        for value in (self.settings.username, self.settings.password):
            if reply.code != 334:
                return reply
            session.transcript.replace_last(f"S: 334 {MARKER}")
            reply = await session.command(base64.b64encode(value.encode()).decode(), shown=MARKER)
        return reply

    async def message(self, session: SmtpSession) -> None:
        self.begin("mail")
        reply = await session.command(f"MAIL FROM:<{self.settings.sender}>")
        if reply.code != 250:
            raise Stop(smtp_replies.mail_outcome(reply, tls=session.tls), reply.summary())
        self.end(True, reply.summary())
        self.begin("rcpt")
        reply = await session.command(f"RCPT TO:<{self.settings.recipient}>")
        if reply.code not in (250, 251):
            raise Stop(smtp_replies.rcpt_outcome(reply), reply.summary())
        self.end(True, reply.summary())
        self.begin("data")
        reply = await session.command("DATA")
        if reply.code != 354:
            raise Stop(smtp_replies.data_outcome(reply), reply.summary())
        await session.send_data(smtp_replies.test_message(self.settings.sender, self.settings.recipient))
        reply = await session.read_reply()
        if reply.code != 250:
            raise Stop(smtp_replies.data_outcome(reply), reply.summary())
        self.facts["accepted"] = reply.summary()
        self.facts["accepted_not_delivered"] = True
        self.end(True, reply.summary())

    # -- the whole dialogue -----------------------------------------------------------------
    async def dialogue(self, kind: str) -> None:
        session = await self.connect()
        self.session = session
        if self.settings.security == "tls":
            await self.handshake(session)
        await self.banner(session)
        capabilities = await self.ehlo(session, "ehlo")
        if await self.starttls(session, capabilities):
            capabilities = await self.ehlo(session, "ehlo-tls")
        if session.tls:
            self.check_identity()
        if kind == "connection":
            return
        if self.settings.username or self.settings.password or kind == "login":
            await self.auth(session, capabilities)
        if kind == "message":
            await self.message(session)

    def check_identity(self) -> None:
        """Intercepted: the certificate AND the banner/EHLO name someone else's domain."""
        host_domain = tls.registered_domain(self.settings.host)
        cert = self.facts.get("certificate") or {}
        names = list(cert.get("names") or []) or ([cert["subject"]] if cert.get("subject") else [])
        if host_domain is None or not names:
            return
        if tls.name_matches(self.settings.host, names):
            return
        self.facts["certificate_matches_host"] = False
        cert_domains = {d for d in map(tls.registered_domain, names) if d}
        greeting = [smtp_replies.identity(self.facts.get(key, "")) for key in ("banner", "greeting")]
        foreign = {d for d in map(tls.registered_domain, filter(None, greeting)) if d and d != host_domain}
        if cert_domains and host_domain not in cert_domains and foreign:
            self.facts["intercepted_by"] = sorted(foreign | cert_domains)
            self.facts["intercepted"] = True

    async def run(self, kind: str) -> ProbeOutcome:
        outcome, stage = "ok", ""
        try:
            await self.resolve()
            try:
                await self.dialogue(kind)
            except _CertificateFailed as failed:
                outcome, stage = failed.outcome, "tls"
                self.facts.update(failed.facts)
                self.end(False, failed.facts.get("verify_message", ""), failed.outcome)
                later = await self.continue_unverified(kind)
                self.facts["after_verification_failure"] = later
                if self.facts.get("intercepted"):
                    outcome = "intercepted"
            if self.session is not None:
                await self.session.quit()
        except Stop as stop:
            outcome, stage = stop.outcome, self.current or (self.stages[-1].stage if self.stages else "")
            self.end(False, stop.detail, stop.outcome)
        except DeadlineExceeded:
            stage = self.current
            outcome = self.timeout_outcome(stage)
            self.end(False, "deadline", outcome)
        except ProtocolError as exc:
            stage = self.current
            outcome = self.protocol_outcome(exc)
            self.facts["protocol_error"] = exc.reason
            self.end(False, f"{exc.reason}: {exc.sample}", outcome)
        except (ConnectionError, OSError) as exc:
            stage = self.current
            outcome = "server-unavailable" if stage == "banner" else "protocol-error"
            self.facts["protocol_error"] = type(exc).__name__
            self.end(False, str(exc) or type(exc).__name__, outcome)
        finally:
            if self.session is not None:
                self.session.abort()
        if outcome == "ok" and self.name == "smtp-test-message":
            stage = "data"
        return ProbeOutcome(self.name, outcome, stage or (self.stages[-1].stage if self.stages else ""),
                            self.facts, self.stages, self.transcript.result(),
                            round(time.monotonic() - self.started, 4))

    async def continue_unverified(self, kind: str) -> dict[str, str]:
        """What the next stages would meet if the certificate were accepted (facts only)."""
        if self.session is not None:
            self.session.abort()
            self.session = None
        self.unverified = True
        self.transcript.note("certificate not accepted; looking further without verification")
        try:
            await self.dialogue(kind)
            if self.session is not None:
                await self.session.quit()
            return {"outcome": "ok", "stage": self.stages[-1].stage if self.stages else ""}
        except Stop as stop:
            stage = self.current
            self.end(False, stop.detail, stop.outcome)
            return {"outcome": stop.outcome, "stage": stage}
        except DeadlineExceeded:
            stage = self.current
            self.end(False, "deadline", "deadline")
            return {"outcome": "deadline", "stage": stage}
        except (ProtocolError, ConnectionError, OSError, _CertificateFailed) as exc:
            stage = self.current
            self.end(False, str(exc), "protocol-error")
            return {"outcome": "protocol-error", "stage": stage}

    def timeout_outcome(self, stage: str) -> str:
        if stage == "connect":
            return "connection-timeout"
        if stage == "banner" and self.session is not None and not self.session.received_any:
            self.facts["banner_silent"] = True
            if not self.session.tls and self.settings.port == 465:
                return "tls-mismatch"  # a TLS port waits for our handshake in silence
        return "deadline"

    def protocol_outcome(self, exc: ProtocolError) -> str:
        if exc.reason == "tls-bytes":
            return "tls-mismatch"
        if exc.reason == "closed" and self.current == "banner":
            return "server-unavailable"
        return "protocol-error"


def _connect_error(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
        return "unreachable"
    if exc.errno == errno.ETIMEDOUT:
        return "timeout"
    if exc.errno == errno.ECONNREFUSED:
        return "refused"
    return "unreachable"


def _close_names(host: str) -> list[str]:
    """Known providers' hosts close to a mistyped one (none when the provider data is unreadable)."""
    from troubleshooter.probes.providers import suggest_hosts

    try:
        return suggest_hosts(host, limit=3)
    except Exception:
        return []


async def _run(name: str, kind: str, args: dict[str, str], deadline: float,
               on_stage: StageCallback | None) -> ProbeOutcome:
    started = time.monotonic()
    try:
        settings = settings_from(args)
    except (ValueError, TypeError) as exc:
        return ProbeOutcome(name, "protocol-error", "settings", {"invalid_argument": str(exc)},
                            elapsed=time.monotonic() - started)
    probe = _Probe(name, settings, Deadline(started + deadline), on_stage)
    try:
        return (await probe.run(kind)).shown(probe.transcript.secrets)
    except Exception as exc:  # never raise to the caller
        return ProbeOutcome(name, "protocol-error", probe.current, {**probe.facts, "internal_error":
                            type(exc).__name__}, probe.stages, probe.transcript.result(),
                            time.monotonic() - started)


async def probe_connection(args: dict[str, str], *, deadline: float = 10.0,
                           on_stage: StageCallback | None = None) -> ProbeOutcome:
    """DNS, TCP, banner, EHLO, STARTTLS or implicit TLS, certificate."""
    return await _run("smtp-connection", "connection", args, deadline, on_stage)


async def probe_login(args: dict[str, str], *, deadline: float = 10.0,
                      on_stage: StageCallback | None = None) -> ProbeOutcome:
    """The connection, then AUTH PLAIN or LOGIN with the given username and password."""
    return await _run("smtp-login", "login", args, deadline, on_stage)


async def probe_test_message(args: dict[str, str], *, deadline: float = 10.0,
                             on_stage: StageCallback | None = None) -> ProbeOutcome:
    """The login (when credentials are given), then MAIL, RCPT and DATA of a short test e-mail."""
    return await _run("smtp-test-message", "message", args, deadline, on_stage)

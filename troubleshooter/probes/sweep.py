"""Port sweep: 587, 465, 25 and 2525 at once, under one deadline.

Tells "the hosting blocks this port" (no answer: packets swallowed) from "nothing listens
there" (refused), says what each open port speaks (a plain SMTP greeting, with or without
STARTTLS, or TLS from the start) and suggests the combination that works.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from typing import Any

from troubleshooter.probes import tls
from troubleshooter.probes.outcome import ProbeOutcome, StageCallback, StageResult
from troubleshooter.probes.smtp_session import (
    Deadline,
    DeadlineExceeded,
    ProtocolError,
    SmtpSession,
    SmtpTranscript,
)

SWEEP_PORTS = (587, 465, 25, 2525)
# how long a port that connected may stay silent before we try TLS on it instead
_GREETING_WAIT = 2.0


async def _open(address: str, port: int, deadline: Deadline) -> tuple[str, Any]:
    try:
        return "open", await deadline.run(asyncio.open_connection(address, port))
    except DeadlineExceeded:
        return "timeout", None
    except ConnectionRefusedError:
        return "refused", None
    except OSError:
        return "unreachable", None


async def _greeting(streams: Any, deadline: Deadline, budget: float | None) -> tuple[str, str, bool]:
    """(speaks, banner, starttls offered) on a connected plain socket."""
    session = SmtpSession(*streams, deadline, SmtpTranscript())
    try:
        reply = await deadline.run(session.read_reply(), budget=budget)
        if reply.code != 220:
            return "smtp", reply.summary(), False
        ehlo = await session.command("EHLO troubleshooter.invalid")
        offered = any(line.upper().startswith("STARTTLS") for line in ehlo.lines[1:])
        await session.quit()
        return "smtp", reply.summary(), offered
    except DeadlineExceeded:
        return ("silent" if not session.received_any else "other"), "", False
    except ProtocolError as exc:
        return ("tls" if exc.reason == "tls-bytes" else "other"), "", False
    except OSError:
        return "other", "", False
    finally:
        session.abort()


async def _tls_greeting(address: str, port: int, host: str, deadline: Deadline) -> tuple[str, str]:
    state, streams = await _open(address, port, deadline)
    if state != "open":
        return "", ""
    session = SmtpSession(*streams, deadline, SmtpTranscript())
    try:
        await session.start_tls(tls.unverified_context(), host)
        reply = await session.read_reply()
        await session.quit()
        return "tls", reply.summary()
    except Exception:
        return "", ""
    finally:
        session.abort()


async def _one_port(address: str, host: str, port: int, deadline: Deadline) -> dict[str, Any]:
    started = time.monotonic()
    state, streams = await _open(address, port, deadline)
    found: dict[str, Any] = {"port": port, "state": state}
    if state == "open":
        # a TLS port waits in silence for our handshake: do not spend all the time on it
        budget = _GREETING_WAIT if port == 465 else max(_GREETING_WAIT, deadline.remaining() / 2)
        speaks, banner, starttls = await _greeting(streams, deadline, budget)
        if speaks in ("silent", "tls"):
            tls_speaks, tls_banner = await _tls_greeting(address, port, host, deadline)
            if tls_speaks:
                speaks, banner = tls_speaks, tls_banner
        found.update(speaks=speaks, banner=banner, starttls=starttls)
    found["elapsed"] = round(time.monotonic() - started, 4)
    return found


def suggestion(ports: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The port and encryption that work, preferring implicit TLS, then STARTTLS, then none;
    among equals the usual submission ports first (465, 587, 2525, 25), then any other."""
    usual = {465: 0, 587: 1, 2525: 2, 25: 3}
    found: list[tuple[int, int, dict[str, Any]]] = []
    for entry in ports:
        if entry.get("state") != "open":
            continue
        if entry.get("speaks") == "tls":
            rank, security = 0, "tls"
        elif entry.get("speaks") == "smtp":
            rank, security = (1, "starttls") if entry.get("starttls") else (2, "none")
        else:
            continue
        found.append((rank, usual.get(entry["port"], 9), {"port": entry["port"], "security": security}))
    return min(found, key=lambda item: item[:2])[2] if found else None


async def probe_port_sweep(args: dict[str, str], *, deadline: float = 10.0,
                           on_stage: StageCallback | None = None) -> ProbeOutcome:
    """Args: host; optional ``ports`` ("587,465"; tests and benches) and vetted ``addresses``."""
    started = time.monotonic()
    limit = Deadline(started + deadline)
    facts: dict[str, Any] = {}
    stages: list[StageResult] = []

    def stage(name: str, ok: bool, took: float, detail: str = "", outcome: str | None = None) -> None:
        result = StageResult(name, ok, round(took, 4), detail, outcome)
        stages.append(result)
        if on_stage is not None:
            with contextlib.suppress(Exception):  # a front end's bug must not end the sweep
                on_stage(name, "done", result)

    def done(outcome: str) -> ProbeOutcome:
        return ProbeOutcome("port-sweep", outcome, stages[-1].stage if stages else "", facts, stages, [],
                            round(time.monotonic() - started, 4))

    try:
        host = str(args.get("host") or "").strip().strip("[]")
        ports = [int(p) for p in str(args.get("ports") or "").split(",") if p.strip()] or list(SWEEP_PORTS)
        facts["host"] = host
        addresses = [a for a in str(args.get("addresses") or "").split(",") if a.strip()]
        t0 = time.monotonic()
        if not addresses:
            try:
                loop = asyncio.get_running_loop()
                infos = await limit.run(loop.getaddrinfo(host, None, type=socket.SOCK_STREAM))
            except socket.gaierror as exc:
                missing = exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5))
                outcome = "dns-not-found" if missing else "dns-failed"
                stage("resolve", False, time.monotonic() - t0, str(exc), outcome)
                return done(outcome)
            except (DeadlineExceeded, OSError, UnicodeError) as exc:
                stage("resolve", False, time.monotonic() - t0, str(exc) or "timeout", "dns-failed")
                return done("dns-failed")
            addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        stage("resolve", True, time.monotonic() - t0, ", ".join(addresses))
        address = addresses[0]
        facts["address"] = address
        t0 = time.monotonic()
        results = await asyncio.gather(*(_one_port(address, host, port, limit) for port in ports))
        facts["ports"] = list(results)
        facts["suggestion"] = suggestion(results)
        states = {r["state"] for r in results}
        if facts["suggestion"]:
            outcome = "ok"
        elif "open" in states:
            outcome = "ok" if any(r.get("speaks") in ("smtp", "tls") for r in results) else "protocol-error"
        elif "timeout" in states:
            outcome = "ports-blocked"
        elif states == {"unreachable"}:
            outcome = "network-unreachable"
        else:
            outcome = "nothing-listens"
        summary = ", ".join(f"{r['port']} {r['state']}" for r in results)
        stage("sweep", outcome == "ok", time.monotonic() - t0, summary, None if outcome == "ok" else outcome)
        return done(outcome)
    except Exception as exc:  # never raise to the caller
        facts["internal_error"] = type(exc).__name__
        return done("protocol-error")

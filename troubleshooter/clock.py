"""A command's deadline counts from the process's start, and a missed one says why.

``diagnose --timeout 10`` promises the whole command ends within 10 s, interpreter start and
imports included: the probes get what is left (:func:`left`). When the machine is too busy to
keep the promise (50 checks on 2 cores), the result says so instead of silently running
late (:func:`overrun`).

API: ``process_age() -> float`` (seconds since this process started: ``/proc`` on Linux,
else since this module was imported); ``begin()`` — the CLI's ``main`` marks a command's
start: the process's start for a fresh process, now for a later command in a long-lived one
(tests, an embedding program); ``elapsed()``; ``left(limit, reserve=0.05) -> float``;
``overrun(limit) -> dict | None`` (``{"by": s, "busy": bool, "load": float | None}``).
"""

from __future__ import annotations

import os
import time

_FALLBACK_START = time.monotonic()  # when this module (imported first by the CLI) was loaded
TOLERANCE = 0.05  # share of the limit a run may overshoot before it counts as missed
FRESH = 5.0  # a process this young at begin() is a command's own: its start-up counts
_command_start: float | None = None


def _linux_age() -> float | None:
    """Seconds since the process started, from /proc (the boot-time clock, as the kernel's)."""
    try:
        with open(f"/proc/{os.getpid()}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat: starttime, after pid and (comm)
        return time.clock_gettime(time.CLOCK_BOOTTIME) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def process_age() -> float:
    age = _linux_age()
    return age if age is not None and age >= 0 else time.monotonic() - _FALLBACK_START


def begin() -> None:
    """Mark the start of a command: the process's start when the process is fresh."""
    global _command_start
    age = process_age()
    _command_start = time.monotonic() - (age if age < FRESH else 0.0)


def elapsed() -> float:
    """Seconds since the command began (since the process started when begin() was not called)."""
    return process_age() if _command_start is None else time.monotonic() - _command_start


def left(limit: float, reserve: float = 0.05) -> float:
    """What is left of ``limit`` seconds counted from the command's start, minus ``reserve``
    for printing the result (never less than a tenth of a second: the probe still says something)."""
    return max(0.1, limit - elapsed() - reserve)


def overrun(limit: float) -> dict[str, object] | None:
    """None when the command kept ``limit`` (within :data:`TOLERANCE`); else by how much it
    missed and whether the machine was busy (load above the number of CPUs)."""
    late = elapsed() - limit
    if late <= limit * TOLERANCE:
        return None
    try:
        load: float | None = os.getloadavg()[0]
    except (OSError, AttributeError):  # Windows
        load = None
    busy = load is not None and load >= (os.cpu_count() or 1)
    return {"by": round(late, 2), "busy": busy, "load": round(load, 2) if load is not None else None}

"""The one thing done for speed as a ``troubleshooter`` process ends: skip the interpreter's
last garbage collection. Measured, and kept here alone (GUIDE: machinery only where a target
cannot be met without it).

When the process ends, CPython clears every module and collects over everything still alive:
after ``import asyncio`` and ``ssl`` some tens of thousands of objects, all about to be freed
by the operating system anyway. ``gc.freeze()`` moves them to the permanent generation, which
that collection skips. Everything else still happens: atexit handlers (``logging.shutdown``,
``weakref.finalize``), releasing what reference counts free as modules are cleared, flushing
stdout and stderr. Only garbage that sits in reference cycles is left to the operating system.

What it buys is measured in docs/benchmarks.md ("Diagnose vs swaks"): most of the time a
``diagnose`` run spends after its last line of output; without it, ``diagnose`` on loopback is
over its target ratio to swaks.
"""

from __future__ import annotations

import gc


def skip_final_collection() -> None:
    """Call only when the process is about to exit (:func:`troubleshooter.cli.entry`):
    in-process callers of :func:`troubleshooter.cli.main` keep their collector as it was."""
    gc.freeze()

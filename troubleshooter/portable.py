"""What POSIX and Windows do differently, in one place, each with its portable fallback.

Help-desk staff run the program on Linux, macOS and Windows. Nothing else in the package
imports ``fcntl``, ``msvcrt`` or ``signal`` (a test checks):

- :func:`locked` — an exclusive lock on an open file while a block runs (``fcntl.flock`` on
  Linux and macOS, ``msvcrt.locking`` on Windows);
- :func:`stop_on_signals` — SIGTERM and SIGINT end a server cleanly where the event loop can
  handle signals; on Windows it cannot, and Ctrl+C raises ``KeyboardInterrupt`` as usual.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import IO


@contextlib.contextmanager
def locked(handle: IO[str]) -> Iterator[None]:
    """Hold an exclusive lock on ``handle``'s file (other processes wait) for the block."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # the first byte stands for the file
        try:
            yield
        finally:
            handle.flush()  # what the block wrote is in the file before another process reads it
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def stop_on_signals(callback: Callable[[], None]) -> None:
    """Call ``callback`` on SIGTERM or SIGINT, where the running event loop supports it."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(number, callback)
        except (NotImplementedError, RuntimeError):  # Windows' event loops: KeyboardInterrupt stays
            return

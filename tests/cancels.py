"""Cancel a step at each turn of the event loop and check that no cancel is lost.

On Python 3.11, ``asyncio.wait_for`` returns the awaited step's result when the step completes in
the same turn of the loop as its task is cancelled: Ctrl+C or Esc pressed in that moment is lost.
Hitting that moment with a real server is a matter of sweeping: run the step again and again,
cancelling it after 0, 1, 2, … turns of the loop, until a run ends before its cancel. Each turn
first sleeps a millisecond (blocking the loop), so a loopback server's reply is already waiting and
the same turn count meets the same moment from run to run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


async def _turn() -> None:
    time.sleep(0.001)  # blocks the loop on purpose: the server's reply arrives meanwhile
    await asyncio.sleep(0)


async def assert_every_cancel_is_kept(step: Callable[[], Awaitable[Any]], *, limit: int = 200) -> int:
    """Run ``step()`` cancelled after 0, 1, 2, … turns until a run finishes before its cancel;
    fail if a run that was cancelled returned instead. Returns the number of turns a run takes."""
    for turns in range(limit):
        task = asyncio.ensure_future(step())
        for _ in range(turns):
            await _turn()
        if not task.cancel():  # it had finished: every moment before its end has been tried
            await task
            return turns
        try:
            result = await task
        except asyncio.CancelledError:
            continue
        raise AssertionError(f"cancelled after {turns} turns of the loop, the step returned {result!r}")
    raise AssertionError(f"the step did not finish within {limit} turns of the loop")

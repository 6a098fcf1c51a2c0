"""A check's stage deadline (probes/smtp_session.Deadline) keeps a cancel that meets a step's end."""

from __future__ import annotations

import asyncio

import pytest

from troubleshooter.probes.smtp_session import Deadline, DeadlineExceeded


async def test_a_cancel_as_a_step_completes_is_kept() -> None:
    """Ctrl+C or Esc pressed in the moment a stage's reply arrives: the check stops there.
    (On Python 3.11, asyncio.wait_for returned the reply and dropped the cancel.)"""
    reply = asyncio.get_running_loop().create_future()
    stage = asyncio.create_task(Deadline.after(5).run(reply))
    await asyncio.sleep(0)  # the stage waits for its reply
    reply.set_result("220 ready")
    stage.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stage


async def test_a_cancel_the_step_itself_lost_is_kept() -> None:
    """A step that waits with asyncio.wait_for inside (dnspython does) loses a cancel that meets
    its reply; the stage still stops there."""
    reply = asyncio.get_running_loop().create_future()
    stage = asyncio.create_task(Deadline.after(5).run(asyncio.wait_for(reply, 5)))
    await asyncio.sleep(0)
    reply.set_result("220 ready")
    stage.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stage


async def test_a_step_past_its_deadline_is_deadline_exceeded() -> None:
    with pytest.raises(DeadlineExceeded):
        await Deadline.after(0.05).run(asyncio.sleep(5))
    with pytest.raises(DeadlineExceeded):
        await Deadline.after(5).run(asyncio.sleep(5), budget=0.05)
    assert await Deadline.after(5).run(asyncio.sleep(0, "reply")) == "reply"

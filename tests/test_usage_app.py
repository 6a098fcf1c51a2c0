"""The usage record in the Textual app (Pilot): steps, back, restart, an article, a question."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from troubleshooter.ui.app.app import TroubleshooterApp  # noqa: E402
from troubleshooter.usage.stats import load_figures  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_app_records_a_conversation(tmp_path: Path) -> None:
    record = tmp_path / "record"
    args = argparse.Namespace(lang="en", flow=None, from_node=None, flows=str(ROOT / "flows"),
                              kb=str(ROOT / "kb"), plain=False, record=str(record),
                              record_hosts=False, record_questions=False)
    app = TroubleshooterApp(args, blink=False, offer_resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in ("1", "1", "b", "1", "r"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("a")  # the article (already beside the chat at 120 columns: closes it)
        await pilot.press("a")  # ... and opens it again
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"smtp heslo")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
    events = [json.loads(line) for line in (record / "usage.jsonl").read_text("utf-8").splitlines()]
    kinds = [e["event"] for e in events]
    assert events[0]["event"] == "start" and events[0]["front_end"] == "app" and events[0]["lang"] == "en"
    assert kinds.count("choice") == 3 and "back" in kinds and "restart" in kinds
    assert "article" in kinds
    (question,) = [e for e in events if e["event"] == "question"]
    assert question["ids"] and "text" not in question  # the text only with --record-questions
    assert kinds[-1] == "close"
    assert load_figures([record]).by_front_end == {"app": 1}

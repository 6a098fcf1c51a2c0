"""Snapshots of the app's key screens in cs and en at 80×24 and 120×40.

Deterministic: no clock or host name on screen, cursor blink off, content read from the
source tree, resume offer off. Update after a reviewed change with ``--snapshot-update``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

pytest.importorskip("pytest_textual_snapshot")

from troubleshooter.ui.app.app import TroubleshooterApp  # noqa: E402
from troubleshooter.ui.app.article_pane import ArticlePane  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(autouse=True)
def _quiet(state_dir, monkeypatch):
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


def app_for(lang: str, from_node: str | None = None) -> TroubleshooterApp:
    args = argparse.Namespace(lang=lang, flow="smtp" if from_node else None, from_node=from_node,
                              flows=str(ROOT / "flows"), kb=str(ROOT / "kb"), plain=False)
    return TroubleshooterApp(args, blink=False, offer_resume=False)


async def _settle(pilot) -> None:
    """Until the workers (content, articles) are done and the article pane has drawn."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.query_one(ArticlePane).settled()
        await pilot.pause()


def keys(*pressed: str):
    """Settle on the first screen, type ``pressed`` (each key is handled before the next is
    sent), settle once more."""
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press(*pressed)
        await _settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("lang", ["cs", "en"])
def test_first_screen(snap_compare, lang, size):
    assert snap_compare(app_for(lang), terminal_size=size, run_before=keys())


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_input_with_findings(snap_compare, lang):
    typed = list("https://smtp.example.cz/") + ["enter"]
    assert snap_compare(app_for(lang, "enter-host"), terminal_size=(80, 24), run_before=keys(*typed))


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_resolved_end(snap_compare, lang):
    assert snap_compare(app_for(lang, "test"), terminal_size=(120, 40), run_before=keys("1", "1"))


def test_help_screen(snap_compare):
    assert snap_compare(app_for("en"), terminal_size=(80, 24), run_before=keys("f1"))

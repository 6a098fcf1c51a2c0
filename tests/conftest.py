"""Fixtures several test modules share."""

from __future__ import annotations

from pathlib import Path

import pytest

from troubleshooter.flow.loader import load_flows
from troubleshooter.flow.model import FlowSet

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's state (the saved conversation) in a folder of the test's own, never the user's."""
    folder = tmp_path / "state"
    monkeypatch.setenv("TROUBLESHOOTER_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def app_sandbox(state_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """:func:`state_dir`, and the test's folder as the working directory (exports land there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def flows() -> FlowSet:
    """The shipped flows and the test fixtures' (``mini``), loaded once: a FlowSet is immutable."""
    loaded = load_flows([ROOT / "flows", ROOT / "tests" / "fixtures" / "flows"])
    assert "smtp" in loaded.flows and "mini" in loaded.flows, loaded.diagnostics
    return loaded.flows

"""The app as `troubleshooter serve` runs it (``--served POLICY``), driven by Pilot: a check
aimed at loopback is refused before any connection, and the visitor reads why, in their
language, next to the note that checks test the server's network."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from test_app import ROOT, node, press, settle, visible_text, walk_to_values  # noqa: E402

from troubleshooter.probes.policy import AuthLedger, TargetPolicy, write_policy_file  # noqa: E402
from troubleshooter.ui.app.app import TroubleshooterApp  # noqa: E402


def served_app(lang: str, tmp_path: Path) -> TroubleshooterApp:
    policy_file = tmp_path / "policy.json"
    write_policy_file(policy_file, TargetPolicy(ledger=AuthLedger()), dns_server=None,
                      ledger=tmp_path / "ledger.json")
    args = argparse.Namespace(lang=lang, flow=None, from_node=None, flows=str(ROOT / "flows"),
                              kb=str(ROOT / "kb"), plain=False, served=str(policy_file))
    return TroubleshooterApp(args, blink=False, offer_resume=False)


async def test_a_served_check_of_loopback_is_refused_and_explained(tmp_path):
    reason = "neveřejnou adresu"  # the refusal in the visitor's language (cs); both: test_policy.py
    from textual.notifications import Notify

    app = served_app("cs", tmp_path)
    posted: list = []
    async with app.run_test(size=(120, 40), message_hook=posted.append) as pilot:
        await settle(pilot)
        await walk_to_values(pilot, 587, "any-password")
        assert node(app) == "offer-check"
        await press(pilot, "1")  # check connection and login
        await settle(pilot)
        probes = [s.probe for s in app.conversation.session.steps if s.kind == "probe"]
        assert probes and probes[0]["outcome"] == "refused-by-policy"
        assert probes[0]["facts"]["policy"] == "private-target"
        assert node(app) == "support"
        notes = " ".join(str(m.notification.message) for m in posted if isinstance(m, Notify))
        assert reason in notes
        shown = visible_text(app)
        assert reason in shown.replace("\n", " ") or reason in notes
        assert app.policy is not None and app.policy.auth_attempts == 0


def test_the_network_note_is_served_only():
    from troubleshooter.ui.app.served import network_note

    assert network_note(None, "en") == ""
    assert "not yours" in network_note(TargetPolicy(), "en")
    assert "ne vaši" in network_note(TargetPolicy(), "cs")

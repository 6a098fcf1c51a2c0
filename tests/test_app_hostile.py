"""The Textual app against hostile servers (issue #20, items 1 and 2): a password the server
echoes and escape codes in its banner, EHLO lines and replies never reach the screen raw, and
the resume file holds no secret."""

from __future__ import annotations

import base64

import pytest
from smtp_servers import ESCAPES, misbehaving_server_in_thread
from test_app import USER, make_app, press, settle, walk_to_values

CANARY = "App-Hostile-Canary-5"
FORMS = (CANARY, base64.b64encode(CANARY.encode()).decode(),
         base64.b64encode(f"\0{USER}\0{CANARY}".encode()).decode())
RAW = {c for c in "".join(ESCAPES) if not c.isprintable()}


@pytest.mark.parametrize("kind", ["echo-credentials", "escape-codes"])
async def test_the_app_shows_no_echoed_password_and_no_raw_escape(kind, tmp_path, monkeypatch):
    monkeypatch.setenv("TROUBLESHOOTER_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    with misbehaving_server_in_thread(kind) as port:
        app = make_app("en")
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            await walk_to_values(pilot, port, CANARY)
            await press(pilot, "1")  # check connection and login
            await settle(pilot)
            session = app.conversation.session
            probes = [step.probe for step in session.steps if step.kind == "probe"]
            screen = app.export_screenshot()
    assert probes, "a check ran"
    shown = repr(probes) + screen
    assert not [form for form in FORMS if form in shown]
    assert RAW.isdisjoint(screen) and RAW.isdisjoint(repr(probes).encode().decode("unicode_escape"))
    state = (tmp_path / "state" / "session.json").read_text(encoding="utf-8")
    assert not [form for form in FORMS if form in state]

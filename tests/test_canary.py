"""One canary password through every record that can hold one and a whole conversation (issue
#17, "one home for secrets"): absent, in every form a server or an encoder makes of it, from
each record's repr, from every transcript, export, resume file, usage record and screen of a
full conversation, and from the crash dump."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from smtp_servers import misbehaving_server_in_thread
from test_hostile import login_flow

ROOT = Path(__file__).resolve().parent.parent
CANARY = "Kanarek-7f3a-Pw!"
USER = "web@example.test"
FORMS = (CANARY, base64.b64encode(CANARY.encode()).decode(),
         base64.b64encode(f"\0{USER}\0{CANARY}".encode()).decode(), "Kanarek-7f3a-Pw%21")


def _leaks(text: str) -> list[str]:
    return [form for form in FORMS if form in text]


async def test_no_record_type_shows_the_canary_in_its_repr():
    from troubleshooter.flow.engine import Session
    from troubleshooter.flow.loader import load_flows
    from troubleshooter.flow.probes import REGISTRY
    from troubleshooter.practice.server import PracticeConfig
    from troubleshooter.probes.smtp import settings_from
    from troubleshooter.probes.smtp_session import SmtpTranscript
    from troubleshooter.redaction import Secrets
    from troubleshooter.ui.app.answer import Pending

    flows = load_flows([ROOT / "tests" / "fixtures" / "flows"]).flows
    session = Session(flows, flows.resolve("mini:smtp-on", "mini"), lang="en")
    for answer in ("yes", USER, USER):
        view = session.view()
        session.choose(answer) if view.kind == "question" else session.submit(answer, keep=True)
    held = session.submit(f" {CANARY} ")  # a password held back by the checks (the app's Pending)
    assert not held.accepted
    session.submit(CANARY, keep=True)
    secrets = Secrets(CANARY, username=USER)
    with misbehaving_server_in_thread("echo-credentials") as port:
        outcome = await REGISTRY["smtp-login"].run(
            {"host": "127.0.0.1", "port": str(port), "security": "none", "username": USER,
             "password": CANARY}, deadline=5)
    records = [settings_from({"host": "h.test", "username": USER, "password": CANARY}), session,
               Pending(CANARY, held), secrets, SmtpTranscript(secrets=secrets),
               PracticeConfig(password=CANARY), outcome, outcome.to_json()]
    for record in records:
        assert _leaks(repr(record)) == [], type(record).__name__


def test_a_full_plain_conversation_leaves_the_canary_nowhere(tmp_path):
    """Screen, errors, usage record, resume state and every file written under a fresh home."""
    home = tmp_path / "home"
    record = tmp_path / "record"
    home.mkdir()
    record.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_", "TROUBLESHOOTER"))}
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"),
               PYTHONIOENCODING="utf-8", TROUBLESHOOTER_RECORD=str(record))
    with misbehaving_server_in_thread("echo-credentials") as port:
        done = subprocess.run(
            [sys.executable, "-m", "troubleshooter", "--plain", "--flows", str(login_flow(tmp_path)),
             "--flow", "mini", "--lang", "en"],
            input="".join(f"{a}\n" for a in ["1", USER, USER, CANARY, "none", str(port), "1"]),
            cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    assert "535" in done.stdout or "It failed" in done.stdout
    assert _leaks(done.stdout + done.stderr) == []
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.parent == record for path in written)
    for path in written:
        assert _leaks(path.read_text(encoding="utf-8", errors="replace")) == [], path


async def test_exports_and_the_resume_file_of_a_conversation_hold_no_canary(tmp_path):
    from troubleshooter import transcript
    from troubleshooter.flow.engine import Session
    from troubleshooter.flow.loader import load_flows
    from troubleshooter.flow.probes import REGISTRY

    flows = load_flows([login_flow(tmp_path)]).flows
    session = Session(flows, flows.resolve("mini:smtp-on", "mini"), lang="en")
    with misbehaving_server_in_thread("echo-credentials") as port:
        for answer in ("yes", USER, USER, CANARY, "none", str(port)):
            view = session.view()
            session.choose(answer) if view.kind == "question" else session.submit(answer, keep=True)
        outcome = await REGISTRY["smtp-login"].run(session.probe_arguments(), deadline=5)
    session.record_probe(outcome)
    assert session.view().is_end
    markdown, json_path, text = transcript.export(session, str(tmp_path / "ticket.md"))
    for written in (Path(markdown).read_text(encoding="utf-8"), Path(json_path).read_text(encoding="utf-8"),
                    text, json.dumps(session.to_json())):
        assert "535" in written
        assert _leaks(written) == []


@pytest.mark.parametrize("debug", [False, True])
async def test_the_apps_crash_dump_holds_no_canary(capsys, monkeypatch, tmp_path, debug):
    """A bug of ours whose message quotes the password's AUTH PLAIN form."""
    from test_app import make_app, settle, type_value

    from troubleshooter.flow import engine

    def broken(self, value, *, keep=False):
        blob = base64.b64encode(f"\0{USER}\0{value}".encode()).decode()
        raise ValueError(f"a bug of ours with {value!r} and {blob}")

    monkeypatch.setenv("TROUBLESHOOTER_STATE_DIR", str(tmp_path / "state"))
    if debug:
        monkeypatch.setenv("TROUBLESHOOTER_DEBUG", "1")
    app = make_app("en", flow="mini", from_node="password", flows=ROOT / "tests" / "fixtures" / "flows")
    with pytest.raises(ValueError):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.conversation.session.values["username"] = USER
            monkeypatch.setattr(engine.Session, "submit", broken)
            await type_value(pilot, CANARY)
            await settle(pilot)
    printed = "".join(capsys.readouterr())
    assert "internal error (ValueError)" in printed
    assert _leaks(printed) == []
    assert ("a bug of ours with" in printed) == debug


@pytest.mark.parametrize("debug", [False, True])
def test_the_command_lines_crash_dump_holds_no_canary(capsys, monkeypatch, debug):
    """A bug of ours in diagnose whose message quotes the password and its AUTH PLAIN form."""
    from troubleshooter.cli import main
    from troubleshooter.commands import diagnose

    def broken(probe_args, args, lang):
        blob = base64.b64encode(f"\0{USER}\0{probe_args['password']}".encode()).decode()
        raise ValueError(f"a bug of ours with {probe_args['password']!r} and {blob}")

    monkeypatch.setattr(diagnose, "_diagnose", broken)
    monkeypatch.setenv("TS_CANARY_PW", CANARY)
    if debug:
        monkeypatch.setenv("TROUBLESHOOTER_DEBUG", "1")
    else:
        monkeypatch.delenv("TROUBLESHOOTER_DEBUG", raising=False)
    code = main(["diagnose", "--host", "127.0.0.1", "--user", USER, "--password-env", "TS_CANARY_PW",
                 "--lang", "en"])
    printed = "".join(capsys.readouterr())
    assert code == 70 and "internal error (ValueError)" in printed
    assert ("Traceback" in printed and "a bug of ours" in printed) == debug
    assert _leaks(printed) == []

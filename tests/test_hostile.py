"""Hostile servers and hostile text (issue #20, items 1 and 2): a password a server echoes back
never reaches a screen, a file or JSON in any form, and escape codes from a server's banner,
EHLO lines or replies are shown as visible escapes (``\\x1b``), never sent to the terminal."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from smtp_servers import ESCAPES, misbehaving_server_in_thread

from troubleshooter.cli import main

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Hostile-Canary-7"
USER = "web@example.test"
FORMS = (PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
         base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode())
RAW = tuple(c for c in "".join(ESCAPES) if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c == "\u202e")


def _leaks(text: str) -> list[str]:
    return [form for form in FORMS if form in text]


def _raw_controls(text: str) -> list[str]:
    return sorted({repr(c) for c in text if c in RAW and c not in "\n"})


def _diagnose(port: int, monkeypatch, capsys, *extra: str) -> tuple[int, str]:
    monkeypatch.setenv("TS_HOSTILE_PW", PASSWORD)
    code = main(["diagnose", "--host", "127.0.0.1", "--port", str(port), "--security", "none",
                 "--user", USER, "--password-env", "TS_HOSTILE_PW", "--lang", "en", "--timeout", "5",
                 *extra])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("json_out", [False, True], ids=["text", "json"])
def test_diagnose_never_prints_an_echoed_password(json_out, monkeypatch, capsys):
    with misbehaving_server_in_thread("echo-credentials") as port:
        code, shown = _diagnose(port, monkeypatch, capsys, *(["--json"] if json_out else []))
    assert code == 1
    assert "535" in shown
    assert _leaks(shown) == []
    if json_out:
        data = json.loads(shown)
        assert data["cause"] == "auth-failed"
        assert "***" in json.dumps(data)


@pytest.mark.parametrize("json_out", [False, True], ids=["text", "json"])
def test_diagnose_shows_a_servers_escape_codes_as_text(json_out, monkeypatch, capsys):
    with misbehaving_server_in_thread("escape-codes") as port:
        code, shown = _diagnose(port, monkeypatch, capsys, *(["--json"] if json_out else []))
    assert code == 1
    assert _raw_controls(shown) == []
    assert "hostile.example" in shown
    if not json_out:
        assert "\\x1b]0;pwned" in shown


def login_flow(tmp_path: Path) -> Path:
    """The mini flow logging in to 127.0.0.1 with "none" among the encryption choices (the
    hostile servers speak no TLS); its directory."""
    flows = tmp_path / "flows"
    flows.mkdir(exist_ok=True)
    source = (ROOT / "tests" / "fixtures" / "flows" / "mini.yaml").read_text(encoding="utf-8")
    source = source.replace("{id: starttls, label: {cs: TLS, en: TLS}, next: port}",
                            "{id: starttls, label: {cs: TLS, en: TLS}, next: port}\n"
                            "      - {id: none, label: {cs: Žádné, en: None}, next: port}")
    (flows / "mini.yaml").write_text(source.replace("host: localhost", "host: 127.0.0.1"), encoding="utf-8")
    return flows


def _plain(port: int, answers: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    flows = login_flow(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_"))}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [sys.executable, "-m", "troubleshooter", "--plain", "--flows", str(flows), "--flow", "mini",
         "--lang", "en"],
        input="".join(f"{a}\n" for a in answers), cwd=ROOT, env=env, capture_output=True, text=True,
        encoding="utf-8", timeout=60)


@pytest.mark.parametrize("kind", ["echo-credentials", "escape-codes"])
def test_plain_mode_shows_no_echoed_password_and_no_escape_code(kind, tmp_path):
    with misbehaving_server_in_thread(kind) as port:
        done = _plain(port, ["1", USER, USER, PASSWORD, "none", str(port), "1"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "It failed" in done.stdout
    assert _leaks(done.stdout + done.stderr) == []
    assert _raw_controls(done.stdout + done.stderr) == []


async def test_the_resume_file_never_holds_an_echoed_password():
    """The app's session.json is ``Session.to_json()``; the transcript export is built from
    the same session. Neither holds the password in any form after a server echoed it."""
    from troubleshooter.flow.engine import Session
    from troubleshooter.flow.loader import load_flows
    from troubleshooter.flow.probes import REGISTRY
    from troubleshooter.transcript import build

    flows = load_flows([ROOT / "tests" / "fixtures" / "flows"]).flows
    session = Session(flows, flows.resolve("mini:smtp-on", "mini"), lang="en")
    for answer in ("yes", USER, USER, PASSWORD, "starttls", "25"):
        view = session.view()
        session.choose(answer) if view.kind == "question" else session.submit(answer, keep=True)
    args = {**session.probe_arguments(), "host": "127.0.0.1", "security": "none"}
    with misbehaving_server_in_thread("echo-credentials") as port:
        outcome = await REGISTRY["smtp-login"].run({**args, "port": str(port)}, deadline=5)
    assert outcome.outcome == "auth-failed"
    session.record_probe(outcome)
    assert _leaks(json.dumps(session.to_json())) == []
    assert _leaks(json.dumps(build(session))) == []
    raw_outcome = outcome.to_json()
    assert _leaks(json.dumps(raw_outcome)) == []

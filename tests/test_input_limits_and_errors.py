"""Huge input, undecodable input and odd words (issue #20, items 7, 8 and 11): cut at the paste
limit with a note, a usage error instead of an internal error, the internal-error note in the
language asked for, exports that never overwrite, ``ask`` text that starts with ``-``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshooter.cli import main
from troubleshooter.limits import PASTE_LIMIT

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], stdin: bytes, lang: str = "en") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_", "TROUBLESHOOTER_LANG"))}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "troubleshooter", *args], input=stdin, cwd=ROOT, env=env,
                          capture_output=True, timeout=120)


def test_plain_question_box_cuts_a_huge_paste_with_a_note():
    paste = b"?" + b"SMTP Error: Could not authenticate. " * (3 * PASTE_LIMIT // 36) + b"\nq\n"
    done = _run(["--plain", "--flows", str(ROOT / "flows"), "--lang", "en"], paste)
    assert done.returncode == 0, done.stderr[-500:]
    assert b"only its first part was used" in done.stdout
    assert b"Traceback" not in done.stderr


@pytest.mark.parametrize("command", [
    ["diagnose", "--host", "127.0.0.1", "--port", "9", "--user", "a@b.test", "--password-stdin"],
    ["find-settings", "a@nowhere.invalid", "--password-stdin", "--timeout", "1"],
])
def test_a_password_that_is_not_utf8_is_a_usage_error(command):
    done = _run([*command, "--lang", "en"], b"pass\xff\xfeword\n")
    assert done.returncode == 2, done.stderr
    assert b"not UTF-8" in done.stderr
    assert b"internal error" not in done.stderr


async def test_a_probe_given_an_unsendable_password_answers_instead_of_raising():
    from troubleshooter.flow.probes import REGISTRY

    outcome = await REGISTRY["smtp-login"].run(
        {"host": "127.0.0.1", "port": "9", "username": "u", "password": "pw\udcff"}, deadline=2)
    assert (outcome.outcome, outcome.stage) == ("protocol-error", "settings")
    assert "internal_error" not in outcome.facts


def test_the_internal_error_note_follows_lang(monkeypatch, capsys):
    from troubleshooter.commands import diagnose

    def broken(args):
        raise RuntimeError("a bug of ours")

    monkeypatch.setenv("TROUBLESHOOTER_LANG", "cs")
    monkeypatch.delenv("TROUBLESHOOTER_DEBUG", raising=False)
    monkeypatch.setattr(diagnose, "run", broken)
    assert main(["diagnose", "--host", "x", "--lang", "en"]) == 70
    assert "internal error (RuntimeError)" in capsys.readouterr().err
    assert main(["diagnose", "--host", "x", "--lang=cs"]) == 70
    assert "vnitřní chyba" in capsys.readouterr().err


def test_two_exports_in_the_same_second_never_overwrite(tmp_path):
    from troubleshooter import transcript
    from troubleshooter.flow.engine import Session
    from troubleshooter.flow.loader import load_flows

    flows = load_flows([ROOT / "tests" / "fixtures" / "flows"]).flows
    session = Session(flows, flows.resolve("mini:smtp-on", "mini"), lang="en")
    name = str(tmp_path / "troubleshooter-20261203-120000.md")
    first = transcript.export(session, name)
    written = Path(first[0]).read_text(encoding="utf-8")
    session.choose("yes")
    second = transcript.export(session, name)
    assert first[:2] != second[:2]
    assert second[0].endswith("-2.md") and second[1].endswith("-2.json")
    assert Path(first[0]).read_text(encoding="utf-8") == written != Path(second[0]).read_text(encoding="utf-8")
    assert len(list(tmp_path.iterdir())) == 4


@pytest.mark.parametrize("words", [["->", "SMTP", "Error:", "Could", "not", "authenticate."],
                                   ["--", "-> SMTP Error: Could not authenticate."],
                                   ["--json", "-5.7.8", "Authentication", "failed"]])
def test_ask_takes_words_starting_with_a_dash_as_text(words, capsys):
    code = main(["ask", "--lang", "en", *words])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "unrecognized arguments" not in err and "error:" not in err.lower()
    assert out.strip()

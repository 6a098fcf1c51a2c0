"""Seeded, time-bounded fuzzing of every text input of the CLI, the plain mode and the
explainer (issue #20): random bytes, control characters and huge strings end in an answer —
no traceback, no exit 70 — and no escape character from the input reaches the output.

Each case is reproducible: the seed and the case number are in the failure message.
``TROUBLESHOOTER_FUZZ_SECONDS`` sets the time budget per target (default 3 s; at least three
cases each).
"""

from __future__ import annotations

import io
import os
import random
import time
from pathlib import Path

import pytest

from troubleshooter.safe_text import control_characters

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261203
BUDGET = float(os.environ.get("TROUBLESHOOTER_FUZZ_SECONDS", "3"))
NASTY = ["\x1b]0;pwned\x07", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x07", "\x1b]8;;http://x.test/\x1b\\", "\x9b31m",
         "\x85", "\u202e", "\u2066", "\x7f", "\x00", "\r", "\x0b", "\ud800", "\u2028"]
WORDS = ["SMTP Error: Could not authenticate.", "535 5.7.8", "->", "-h", "--json", "heslo", "port 465",
         "AUTH PLAIN AGFAYg==", "smtp.seznam.cz", "příliš žluťoučký kůň", "{", "[", "*a", "&a", "%s", "{lang}"]


def _text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:  # random bytes as the OS hands undecodable argv/stdin to Python
        return rng.randbytes(rng.randint(1, 300)).decode("utf-8", "surrogateescape")
    if kind < 0.2:  # long (the paste limit itself is crossed in test_input_limits_and_errors)
        return rng.choice(WORDS) * rng.choice([100, 1_000, 5_000])
    parts = [rng.choice(NASTY + WORDS + [chr(rng.randint(0, 0x2FFF))]) for _ in range(rng.randint(1, 12))]
    return " ".join(parts)


def _injected(text: str) -> set[str]:
    return {char for _, char in control_characters(text, keep="\n\t")}


def _cases(name: str):
    rng = random.Random(f"{SEED}-{name}")
    ends = time.monotonic() + BUDGET
    number = 0
    while time.monotonic() < ends or number < 3:
        number += 1
        yield number, rng


def _check(label: str, code: int, out: str, given: str) -> None:
    assert code != 70, f"{label}: exit 70"
    assert "Traceback" not in out, f"{label}: traceback"
    leaked = _injected(out) & _injected(given)
    assert not leaked, f"{label}: {sorted(map(repr, leaked))} reached the output"


@pytest.mark.parametrize("command", ["explain", "ask", "explain-stdin", "diagnose", "find-settings"])
def test_cli_text_inputs(command, monkeypatch, capsys):
    from troubleshooter.cli import main

    monkeypatch.delenv("TROUBLESHOOTER_DEBUG", raising=False)
    for number, rng in _cases(command):
        text = _text(rng)
        stdin = io.TextIOWrapper(io.BytesIO(text.encode("utf-8", "surrogatepass")), encoding="utf-8")
        monkeypatch.setattr("sys.stdin", stdin)
        argv = {
            "explain": ["explain", "--lang", "en", text],
            "explain-stdin": ["explain", "--lang", "cs", "-"],
            "ask": ["ask", "--lang", "en", *text.split(" ")[:50]],
            "diagnose": ["diagnose", "--host", text[:300], "--from", text[:100], "--timeout", "0.3",
                         "--lang", "en"],
            "find-settings": ["find-settings", text[:300], "--timeout", "0.3", "--dns-server", "127.0.0.1:9",
                              "--lang", "en"],
        }[command]
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's usage error
            code = exit_.code if isinstance(exit_.code, int) else 2
        out, err = capsys.readouterr()
        _check(f"{command} seed={SEED} case={number}", code, out + err, text)


def test_plain_mode_lines(capsys):
    import argparse

    from troubleshooter.ui.plain import run_plain

    args = argparse.Namespace(lang="en", flow=None, from_node=None, flows=str(ROOT / "flows"),
                              kb=str(ROOT / "kb"), plain=True, record=None, served=None)
    for number, rng in _cases("plain"):
        lines = [rng.choice(["1", "2", "?" + _text(rng), "a", "b", _text(rng), ":l"]) for _ in range(8)]
        given = "\n".join(lines) + "\n"
        out = io.StringIO()
        code = run_plain(args, stdin=io.StringIO(given), stdout=out)
        _check(f"plain seed={SEED} case={number}", code, out.getvalue() + capsys.readouterr().err, given)


def test_explainer_never_raises_and_stays_bounded():
    from troubleshooter.explain import explain

    for number, rng in _cases("explainer"):
        text = _text(rng)
        found = explain(text)
        shown = " ".join(map(str, getattr(found, "evidence", ()) or ()))
        assert found is not None, f"explainer seed={SEED} case={number}"
        del shown

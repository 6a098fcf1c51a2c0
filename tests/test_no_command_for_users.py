"""Self-service users never see a shell command (issue #13): when a pasted message is not
recognised, the app, the plain mode and the browser offer the check in the conversation
("let me test the settings"); only the command line prints `troubleshooter diagnose …`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshooter.cli import COMMANDS
from troubleshooter.flow.loader import load_flows
from troubleshooter.i18n import catalog
from troubleshooter.knowledge.articles import load_articles
from troubleshooter.probes.catalog import catalog as outcome_catalog

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN = "Něco se pokazilo, kód XJ-42, zkuste to později."
COMMAND_LINE = re.compile(r"\btroubleshooter\s+(?:--?[a-z]|(?:" + "|".join(map(re.escape, sorted(COMMANDS)))
                          + r")\b)")
# UI strings only the command-line tools print (never a front end): their keys, and the proof
# below that no front end refers to them.
CLI_ONLY = ("explain.try-diagnose", "kb.ask-full-hint", "kb.ask-question-needed", "paste.headers.check",
            "tools.", "translations.", "lint.stale-translation")  # the last two: `lint` only


def _front_end_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "troubleshooter" / "ui").rglob("*")
                     if p.suffix in (".py", ".html", ".j2", ".jinja", ".tcss", ".js"))


def test_the_command_pattern_is_real():
    assert COMMAND_LINE.search("troubleshooter diagnose --host X")
    assert not COMMAND_LINE.search("the troubleshooter practice server")


def test_no_text_a_front_end_shows_holds_a_command_line():
    texts: list[tuple[str, str]] = []
    for flow in load_flows([ROOT / "flows"]).flows.flows.values():
        for node in flow.nodes.values():
            for part in (node.title, node.text, *(c.label for c in node.choices)):
                if part is not None:
                    texts += [(f"{flow.id}:{node.id}", part.cs), (f"{flow.id}:{node.id}", part.en)]
    for outcome in outcome_catalog().values():
        for part in (outcome.title, outcome.cause, outcome.advice):
            texts += [(f"outcome {outcome.id}", part.cs), (f"outcome {outcome.id}", part.en)]
    for article in load_articles(ROOT / "kb"):
        texts.append((f"article {article.id}.{article.lang}", article.summary + "\n" + article.body))
    for key, value in catalog().items():
        if not key.startswith(CLI_ONLY):
            texts += [(f"string {key}", value.cs), (f"string {key}", value.en)]
    found = [(where, text) for where, text in texts if COMMAND_LINE.search(text)]
    assert found == []


def test_cli_only_strings_are_not_used_by_any_front_end():
    sources = _front_end_sources()
    for key in catalog():
        if key.startswith(CLI_ONLY):
            assert f'"{key}"' not in sources and f"'{key}'" not in sources, key


def test_only_the_command_line_prints_the_command():
    done = subprocess.run([sys.executable, "-m", "troubleshooter", "explain", UNKNOWN, "--lang", "en"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 1
    assert "troubleshooter diagnose --host" in done.stdout


def test_plain_mode_offers_the_check_in_the_conversation(tmp_path):
    answers = ["red", "paste", UNKNOWN, "", "test-settings"]  # an empty line ends a paste
    done = subprocess.run(
        [sys.executable, "-m", "troubleshooter", "--plain", "--flows", str(ROOT / "flows"), "--lang", "en"],
        input="".join(a + "\n" for a in answers), capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"})
    words = " ".join(done.stdout.split())
    assert "Shall I test the settings directly?" in words, done.stdout + done.stderr
    assert "What SMTP server (host)" in words  # the check began in the conversation
    assert not COMMAND_LINE.search(done.stdout + done.stderr)


async def test_app_offers_the_check_in_the_conversation(app_sandbox):
    pytest.importorskip("textual")
    from test_app import make_app, node, press, settle, type_value, visible_text

    app = make_app("en", from_node="red-message")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert node(app) == "red-message"
        await press(pilot, "2")  # paste the red message
        await type_value(pilot, UNKNOWN)
        assert node(app) == "unknown-message"
        shown = visible_text(app)
        assert "test the settings" in shown
        assert not COMMAND_LINE.search(shown)
        assert not COMMAND_LINE.search(app.export_markdown() if hasattr(app, "export_markdown") else "")


async def test_browser_offers_the_check_in_the_conversation():
    from aiohttp.test_utils import TestClient, TestServer
    from test_web import Visitor, make_config

    from troubleshooter.ui.web.server import WebApp

    client = TestClient(TestServer(WebApp(make_config(lang="en")).application()))
    await client.start_server()
    try:
        visitor = Visitor(client)
        await visitor.get()
        await visitor.choose("red")
        await visitor.choose("paste")
        await visitor.type(UNKNOWN)
        if visitor.at() == "explain-message":  # a page that runs the check
            await visitor.get()
        assert visitor.at() == "unknown-message", visitor.html[:2000]
        assert "Shall I test the settings directly?" in visitor.html
        assert not any(COMMAND_LINE.search(body) for body in visitor.bodies)
    finally:
        await client.close()

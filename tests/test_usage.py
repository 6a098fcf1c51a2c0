"""The opt-in usage record, `troubleshooter stats`, `graph --stats/--focus` and bundling."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshooter.cli import main
from troubleshooter.flow.engine import Session
from troubleshooter.flow.graph import diagram, edges, render_mermaid
from troubleshooter.flow.loader import load_flows
from troubleshooter.usage.record import RECORD_FILE, Recorder
from troubleshooter.usage.stats import load_figures

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "flows"
CANARY_PASSWORD = "Kanarek-Heslo-7731"
CANARY_ADDRESS = "kanarek@example.cz"


def events(directory: Path) -> list[dict]:
    return [json.loads(line) for line in (directory / RECORD_FILE).read_text("utf-8").splitlines()]


def walk_mini(flows, directory: Path, *, finish: bool = True, **options) -> Recorder:
    """Yes → sender → username → password → ssl → port (→ login outcome)."""
    session = Session.begin(flows, "mini", lang="cs")
    recorder = Recorder(directory, front_end="plain", flow="mini", **options)
    recorder.observe(session)
    session.choose("no")
    recorder.observe(session)
    session.back()
    recorder.observe(session)
    session.choose("yes")
    session.submit(CANARY_ADDRESS)
    session.submit(CANARY_ADDRESS, keep=True)
    recorder.observe(session)
    session.submit(CANARY_PASSWORD)
    session.choose("ssl")
    session.set_lang("en")
    recorder.observe(session)
    recorder.question("why is " + CANARY_ADDRESS + " failing", [], False)
    recorder.article("smtp-switch-on")
    if finish:
        session.submit("465")
        session.record_probe("ok")
        recorder.observe(session)
    recorder.close(session)
    return recorder


def test_a_conversation_becomes_anonymous_events(flows, tmp_path: Path) -> None:
    walk_mini(flows, tmp_path)
    found = events(tmp_path)
    kinds = [e["event"] for e in found]
    assert kinds[:2] == ["start", "node"] and found[0]["front_end"] == "plain" and found[0]["lang"] == "cs"
    assert {"choice", "back", "submit", "lang", "question", "article", "probe", "end", "close"} <= set(kinds)
    assert found[-1] == {**found[-1], "event": "close", "ended": True}
    assert [e["node"] for e in found if e["event"] == "end"] == ["mini:done"]
    assert {e["input"] for e in found if e["event"] == "submit"} == {"sender", "username", "password", "port"}
    raw = (tmp_path / RECORD_FILE).read_text("utf-8")
    assert CANARY_PASSWORD not in raw and CANARY_ADDRESS not in raw and "465" not in raw
    assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", raw)  # no IP address
    assert len({e["session"] for e in found}) == 1


def test_question_text_only_when_asked_for(flows, tmp_path: Path) -> None:
    walk_mini(flows, tmp_path, record_questions=True)
    (question,) = [e for e in events(tmp_path) if e["event"] == "question"]
    assert question["text"].startswith("why is") and question["ids"] == [] and question["confident"] is False


def test_a_record_that_cannot_be_written_never_disturbs(flows, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    recorder = walk_mini(flows, blocker)  # the directory is a file: every write fails
    assert recorder.broken


def test_stats_counts_ends_drop_off_and_exits(flows, tmp_path: Path) -> None:
    walk_mini(flows, tmp_path)  # resolved
    walk_mini(flows, tmp_path, finish=False)  # stops at the port
    walk_mini(flows, tmp_path, finish=False)
    figures = load_figures([tmp_path])
    assert figures.sessions == 3 and figures.ends == {"resolved": 1} and figures.abandoned == 2
    assert figures.drop_off == {"mini:port": 2}
    assert figures.worst_drop_off() == ["mini:port"]
    assert figures.visits["mini:smtp-on"] == 6  # entered, then again after the back, in each
    assert figures.exits["mini:smtp-on"] == {"mini:switch-on": 3, "mini:sender": 3}
    assert figures.exits["mini:switch-on"] == {}  # the back is not an exit
    assert figures.questions == 3 and figures.questions_unanswered == 3
    assert figures.articles == {"smtp-switch-on": 3}


def test_stats_command_text_and_json(flows, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    walk_mini(flows, tmp_path)
    walk_mini(flows, tmp_path, finish=False)
    (tmp_path / RECORD_FILE).open("a").write("{not json\n")
    assert main(["stats", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "conversations: 2" in out and "left without an end 1" in out and "mini:port" in out
    assert "Unreadable lines or files skipped: 1" in out
    assert main(["stats", str(tmp_path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sessions"] == 2 and data["nodes"]["mini:port"]["drop_off"] == 1
    assert main(["stats", str(tmp_path), "--since", "2999-01-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["sessions"] == 0
    assert main(["stats", str(tmp_path), "--since", "yesterday"]) == 2


def test_exported_transcripts_read_as_records(flows, tmp_path: Path) -> None:
    from troubleshooter import transcript

    session = Session.begin(flows, "mini", lang="en")
    session.choose("yes")
    session.submit(CANARY_ADDRESS)
    transcript.export(session, str(tmp_path / "ticket"))
    figures = load_figures([tmp_path])
    assert figures.sessions == 1 and figures.by_front_end == {"export": 1}
    assert figures.drop_off == {"mini:username": 1}


_WRITER = """
import sys
from troubleshooter.usage.record import Recorder
recorder = Recorder(sys.argv[1], front_end="web", flow="smtp")
for n in range(200):
    recorder.write("node", node=f"smtp:n{n}", pad="x" * 300)
"""


def test_twenty_processes_lose_no_event(tmp_path: Path) -> None:
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path)], cwd=ROOT) for _ in range(20)]
    assert all(w.wait(timeout=120) == 0 for w in writers)
    lines = (tmp_path / RECORD_FILE).read_text("utf-8").splitlines()
    assert len(lines) == 20 * 200
    parsed = [json.loads(line) for line in lines]  # no torn or interleaved line
    assert len({e["session"] for e in parsed}) == 20


# -- graph -----------------------------------------------------------------------------
def test_graph_stats_marks_the_worst_drop_off(flows, tmp_path: Path, capsys) -> None:
    walk_mini(flows, tmp_path, finish=False)
    walk_mini(flows, tmp_path)
    assert main(["graph", "--flows", str(FIXTURES), "mini", "--stats", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert re.search(r'n_port\[/"port: Port\? · 2× · ⚠ 1 stopped here"/\]', out)
    assert "class n_port dropoff" in out
    assert 'n_smtp_on -->|"Yes (2)"| n_sender' in out
    assert main(["graph", "--format", "dot", "--flows", str(FIXTURES), "mini", "--stats", str(tmp_path)]) == 0
    assert re.search(r'"port" \[.*color="#c62828", penwidth=4', capsys.readouterr().out)


def test_graph_focus_shows_only_the_neighbourhood(capsys) -> None:
    assert main(["graph", "smtp", "--focus", "check-login", "--depth", "1", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    nodes = set(re.findall(r"^    (n_\w+)[\[{(]", out, re.M))
    flows = load_flows([ROOT / "flows"]).flows
    flow = flows.flow("smtp")
    around = {"check-login"} | {e.target.node for e in edges(flow, "en") if e.source == "check-login"} | {
        e.source for e in edges(flow, "en") if e.target.node == "check-login"}
    assert nodes == {"n_" + re.sub(r"\W", "_", n) for n in around}
    assert "n_intro" not in nodes
    assert main(["graph", "smtp", "--focus", "nowhere"]) == 1


def test_bundling_halves_the_shipped_flow() -> None:
    flows = load_flows([ROOT / "flows"]).flows
    every = len(edges(flows.flow("smtp"), "en"))
    bundled = diagram(flows, "smtp", "en")
    assert len(bundled.edges) <= every / 2
    assert set(bundled.sections) == {"values", "checks", "fixes", "ends"}
    out = render_mermaid(bundled)
    assert "subgraph s_fixes" in out and "==>" in out


def test_svg_without_graphviz_says_how_to_install(monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", "")
    assert main(["graph", "smtp", "--format", "svg", "--lang", "en"]) == 1
    assert "apt-get install graphviz" in capsys.readouterr().err


def test_plain_mode_records_a_conversation(tmp_path: Path) -> None:
    """The whole process, as a maintainer runs it: --record, a question, back, then the pipe ends."""
    done = subprocess.run(
        [sys.executable, "-m", "troubleshooter", "--plain", "--lang", "en", "--record", str(tmp_path),
         "--record-questions"], input="1\n1\n?why do e-mails not arrive\n2\nb\n", text=True,
        capture_output=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    found = events(tmp_path)
    assert [e["event"] for e in found][:4] == ["start", "node", "choice", "node"]
    assert found[0]["front_end"] == "plain"
    assert {"question", "back", "close"} <= {e["event"] for e in found}
    (question,) = [e for e in found if e["event"] == "question"]
    assert question["text"] == "why do e-mails not arrive" and question["ids"]
    assert found[-1]["event"] == "close" and found[-1]["ended"] is False
    figures = load_figures([tmp_path])
    assert figures.sessions == 1 and figures.abandoned == 1 and figures.by_front_end == {"plain": 1}


def test_no_record_without_the_option(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("TROUBLESHOOTER_RECORD", raising=False)
    done = subprocess.run([sys.executable, "-m", "troubleshooter", "--plain", "--lang", "en"],
                          input="1\n", text=True, capture_output=True, cwd=tmp_path, timeout=60,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and list(tmp_path.iterdir()) == []


def test_serve_terminal_passes_the_record_on_to_each_app(tmp_path: Path, monkeypatch) -> None:
    import argparse
    import shlex

    from troubleshooter.commands.serve import session_command

    args = argparse.Namespace(lang="cs", flows=None, kb=None, record=None, record_hosts=False,
                              record_questions=True)
    monkeypatch.delenv("TROUBLESHOOTER_RECORD", raising=False)
    assert "--record" not in session_command(args, tmp_path, tmp_path / "policy.json")
    monkeypatch.setenv("TROUBLESHOOTER_RECORD", "records")  # relative: each app runs elsewhere
    words = shlex.split(session_command(args, tmp_path, tmp_path / "policy.json").split("; ")[1])
    assert words[words.index("--record") + 1] == str((Path.cwd() / "records").resolve())
    assert "--record-questions" in words and "--record-hosts" not in words


def test_a_recorded_question_holds_no_login_data(flows, tmp_path: Path, capsys) -> None:
    session = Session.begin(flows, "mini", lang="en")
    session.choose("yes")
    session.submit(CANARY_ADDRESS, keep=True)
    session.submit(CANARY_ADDRESS, keep=True)
    session.submit(CANARY_PASSWORD)
    recorder = Recorder(tmp_path, front_end="app", flow="mini", record_questions=True)
    recorder.observe(session)
    import base64

    plain = base64.b64encode(f"\0{CANARY_ADDRESS}\0{CANARY_PASSWORD}".encode()).decode()
    pasted = f"why?\x1b]0;x\x07 my password is {CANARY_PASSWORD}\nCLIENT -> SERVER: AUTH PLAIN {plain}"
    recorder.question(pasted, [], False)
    recorder.question("x" * 5000, [], False)
    raw = (tmp_path / RECORD_FILE).read_text("utf-8")
    assert CANARY_PASSWORD not in raw and plain not in raw
    texts = [e["text"] for e in events(tmp_path) if e["event"] == "question"]
    assert "AUTH PLAIN" in texts[0] and len(texts[1]) == 300
    assert main(["stats", str(tmp_path), "--lang", "en"]) == 0
    shown = capsys.readouterr().out
    assert "\x1b" not in shown and "\\x1b" in shown  # the escape made visible, not sent to the terminal

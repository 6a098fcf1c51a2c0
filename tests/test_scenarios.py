"""Every shipped scenario runs as a test; the runner reports failures at the step's line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshooter.flow.loader import load_flows
from troubleshooter.flow.scenarios import load_scenarios, run_scenario, run_scenarios

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
FIXTURES = ROOT / "tests" / "fixtures"

_shipped, _problems = load_scenarios([FLOWS / "scenarios"])
_flows = load_flows([FLOWS]).flows


def test_shipped_scenarios_load_without_problems():
    assert _problems == []
    assert len(_shipped) >= 20


@pytest.mark.parametrize("scenario", _shipped, ids=[f"{Path(s.path).stem}: {s.name}" for s in _shipped])
def test_shipped_scenario(scenario):
    result = run_scenario(scenario, _flows)
    assert result.passed, result.failure.format("en")


def test_shipped_scenarios_reach_every_end_in_both_languages():
    report = run_scenarios(_shipped, _flows)
    assert report.unreached_ends == []
    for lang in ("cs", "en"):
        ends = {r.reached.node for r in report.results if r.scenario.lang == lang and r.passed
                and _flows.node(r.reached).kind == "end"}
        assert {"resolved", "not-resolved", "support"} <= ends, lang


def _mini():
    return load_flows([FIXTURES / "flows"]).flows


def test_a_failing_scenario_names_its_step():
    scenarios, problems = load_scenarios([FIXTURES / "scenarios" / "mini-failing.yaml"])
    assert problems == [] and len(scenarios) == 1
    result = run_scenario(scenarios[0], _mini())
    assert not result.passed
    assert (result.failure.line, result.failure.col, result.failure.code) == (8, 5, "scenario-no-choice")
    assert result.failure.path.endswith("mini-failing.yaml")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_text(tmp_path, text, flows=None):
    scenarios, problems = load_scenarios([write(tmp_path, text)])
    assert problems == []
    return run_scenario(scenarios[0], flows or _mini())


def test_wrong_end_and_status_are_failures(tmp_path):
    result = run_text(tmp_path, "flow: mini\nsteps:\n  - choose: \"no\"\nend: done\n")
    assert result.failure.code == "scenario-wrong-end" and result.failure.line == 4
    result = run_text(tmp_path, "flow: mini\nsteps: [choose: \"no\", choose: next]\nstatus: resolved\n")
    assert result.failure.code == "scenario-wrong-status"


def test_findings_are_asserted_and_a_held_value_fails(tmp_path):
    base = "flow: mini\nsteps:\n  - choose: \"yes\"\n"
    ok = run_text(tmp_path, base + "  - type: \" web@example.cz\"\n"
                  "    expect_findings: [surrounding-whitespace]\n"
                  "    use_cleaned: true\n  - expect: username\n")
    assert ok.passed, ok.failure and ok.failure.format()
    held = run_text(tmp_path, base + "  - type: \" web@example.cz\"\n")
    assert held.failure.code == "scenario-value-held" and held.failure.line == 4
    wrong = run_text(tmp_path, base + "  - type: \" web@example.cz\"\n    expect_findings: [empty]\n")
    assert wrong.failure.code == "scenario-findings"


def test_stubbed_outcomes_must_be_declared_and_values_entered(tmp_path):
    undeclared = run_text(tmp_path, "flow: smtp\nfrom: check-login\nsteps:\n  - probe: made-up\n", _flows)
    assert undeclared.failure.code == "unknown-outcome"
    # started at the beginning, a probe cannot run before its values were typed
    jumped = run_text(tmp_path, "flow: smtp\nsteps:\n  - jump: check-login\n  - probe: ok\n", _flows)
    assert jumped.failure.code == "scenario-missing-values" and jumped.failure.line == 4


def test_says_checks_the_text_in_the_scenarios_language(tmp_path):
    cs = run_text(tmp_path, "flow: smtp\nlang: cs\nsteps:\n  - says: What do you need help with?\n", _flows)
    assert cs.failure.code == "scenario-text-missing"
    en = run_text(tmp_path, "flow: smtp\nlang: en\nsteps:\n  - says: What do you need help with?\n", _flows)
    assert en.passed


def test_bad_step_is_reported_at_its_place(tmp_path):
    _, problems = load_scenarios([write(tmp_path, "flow: mini\nsteps:\n  - choose: \"no\"\n  - dance: yes\n")])
    assert [(p.code, p.line, p.col) for p in problems] == [("scenario-bad-step", 4, 5)]


def test_unknown_keys_are_reported_at_their_place(tmp_path):
    """A typo in a scenario or a step is a finding (it raised TypeError until fuzzing found it)."""
    text = "flow: mini\nsteps:\n  - choose: \"no\"\n    expect_finding: []\nstepz: []\n"
    _, problems = load_scenarios([write(tmp_path, text)])
    found = sorted((p.line, p.col, p.code, p.message("en")) for p in problems)
    assert found[0] == (4, 5, "scenario-unknown-key", "unknown key 'expect_finding' (allowed: expect_findings)")
    assert found[1][:3] == (5, 1, "scenario-unknown-key") and "'stepz'" in found[1][3]
    assert len(found) == 2


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "troubleshooter", "test-flows", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_command_passes_on_the_shipped_set_and_reports_json():
    done = _cli("--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["failed"] == 0 and report["unreached_ends"] == []


def test_command_fails_with_the_place_of_the_failing_step():
    done = _cli("--flows", "tests/fixtures/flows", "tests/fixtures/scenarios", "--lang", "en")
    assert done.returncode == 1
    assert "tests/fixtures/scenarios/mini-failing.yaml:8:5: error scenario-no-choice" in done.stdout
    strict = _cli("--flows", "tests/fixtures/flows", "--require-all-ends", "--lang", "en",
                  "tests/fixtures/scenarios")
    assert "no scenario reaches end node mini:done" in strict.stdout

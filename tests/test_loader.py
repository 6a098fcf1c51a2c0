"""Building flows from YAML: every problem reported with its place, the rest still read."""

from __future__ import annotations

from pathlib import Path

from troubleshooter.flow.loader import load_flows

FIXTURES = Path(__file__).parent / "fixtures"
MODELINE = "# yaml-language-server: $schema=../troubleshooter/flow/flow.schema.json\n"


def _write(tmp_path: Path, body: str, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    path.write_text(MODELINE + body, encoding="utf-8")
    return path


def _codes(load) -> list[tuple[int, int, str]]:
    return sorted((d.line, d.col, d.code) for d in load.diagnostics)


def test_mini_fixture_loads_clean() -> None:
    load = load_flows([FIXTURES / "flows" / "mini.yaml"])
    assert load.diagnostics == []
    flow = load.flows.flow("mini")
    assert flow.start == "smtp-on"
    assert flow.nodes["smtp-on"].choices[0].label.en == "Yes"  # not True
    assert flow.nodes["password"].input.secret is True
    assert flow.nodes["login"].probe.args["port"] == "$port"
    assert flow.nodes["security"].store.kind == "security"


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
id: broken
title: {cs: Tok, en: Flow}
start: a
nodes:
  a:
    kind: question
    text: {cs: Otázka, en: ""}
    colour: red
    choices:
      - {id: escalate, label: {cs: A, en: A}, next: b}
  b:
    kind: bogus
  c:
    kind: input
    text: {cs: Heslo, en: Password}
    input: {name: pw, kind: password, secret: false}
    next: a
""")
    load = load_flows([path])
    assert _codes(load) == [
        (8, 28, "empty-translation"),
        (9, 5, "unknown-key"),
        (11, 14, "reserved-id"),
        (13, 11, "bad-enum"),
        (17, 47, "password-not-secret"),
    ]
    flow = load.flows.flow("broken")
    assert set(flow.nodes) == {"c"}  # a and b could not be built; c still was
    assert flow.nodes["c"].input.secret is True


def test_missing_modeline_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("id: x\ntitle: {cs: X, en: X}\nstart: e\nnodes:\n  e: {kind: end, status: resolved,"
                    " text: {cs: K, en: E}}\n", encoding="utf-8")
    load = load_flows([path])
    assert [(d.line, d.col, d.severity, d.code) for d in load.diagnostics] == [
        (1, 1, "warning", "no-schema-modeline")
    ]


def test_duplicate_flow_ids_across_files(tmp_path: Path) -> None:
    body = ("id: same\ntitle: {cs: X, en: X}\nstart: e\nnodes:\n"
            "  e: {kind: end, status: resolved, text: {cs: K, en: E}}\n")
    _write(tmp_path, body, "a.yaml")
    _write(tmp_path, body, "b.yaml")
    load = load_flows([tmp_path])
    assert [(Path(d.path).name, d.line, d.col, d.code) for d in load.diagnostics] == [
        ("b.yaml", 2, 5, "duplicate-id")
    ]
    assert list(load.flows.flows) == ["same"]


def test_yaml_errors_become_diagnostics(tmp_path: Path) -> None:
    _write(tmp_path, "id: x\n  title: y\n", "bad.yaml")
    load = load_flows([tmp_path])
    assert [(d.line, d.code) for d in load.diagnostics] == [(3, "yaml-syntax")]
    assert len(load.flows) == 0

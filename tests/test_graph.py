"""`troubleshooter graph`: shapes per node kind, labelled edges, safe Mermaid ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from troubleshooter.cli import main
from troubleshooter.flow.graph import to_dot, to_mermaid
from troubleshooter.flow.loader import load_flows

FIXTURES = Path(__file__).parent / "fixtures"
MODELINE = "# yaml-language-server: $schema=../troubleshooter/flow/flow.schema.json\n"


@pytest.fixture
def mini():
    return load_flows([FIXTURES / "flows" / "mini.yaml"]).flows


def test_mermaid_shapes_and_edges(mini) -> None:
    out = to_mermaid(mini, "mini", "en")
    assert out.splitlines()[3] == "flowchart TD"
    assert 'n_smtp_on{"smtp-on: Is SMTP on?"}' in out  # question: rhombus
    assert 'n_sender[/"sender: Sender mailbox?"/]' in out  # input: parallelogram
    assert 'n_login{{"login: Trying to log in."}}' in out  # probe: hexagon
    assert 'n_switch_on["switch-on: Switch it ON."]' in out  # info: rectangle
    assert 'n_done(["done: Done."])' in out  # end: stadium
    assert 'n_smtp_on -->|"Yes"| n_sender' in out  # choice label on the edge
    assert 'n_login -->|"ok"| n_done' in out  # probe outcome on the edge
    assert 'n_login -->|"default"| n_failed' in out
    assert "class n_done end_resolved" in out and "class n_failed end_not_resolved" in out


def test_mermaid_labels_follow_the_language(mini) -> None:
    out = to_mermaid(mini, "mini", "cs")
    assert 'n_smtp_on -->|"Ano"| n_sender' in out
    assert 'title: "Malý tok"' in out


def test_mermaid_ids_are_sanitised_and_labels_escaped(tmp_path: Path) -> None:
    (tmp_path / "f.yaml").write_text(MODELINE + """\
id: tricky
title: {cs: 'Tok "x"', en: 'Flow "x"'}
start: end
nodes:
  end:
    kind: info
    text: {cs: 'Řekněte "ano" <b>#1</b>', en: 'Say "yes" <b>#1</b>'}
    next: end.x
  end.x:
    kind: info
    text: {cs: X, en: X}
    next: end_x
  end_x:
    kind: info
    text: {cs: Y, en: Y}
    next: 'other:start'
""", encoding="utf-8")
    out = to_mermaid(load_flows([tmp_path]).flows, "tricky", "en")
    ids = re.findall(r"^    (\w+)[\[{(]", out, re.M)
    assert "end" not in ids and len(set(ids)) == len(ids) == 4  # three nodes + the external target
    assert all(re.fullmatch(r"n_\w+", i) for i in ids)
    assert '"end: Say #quot;yes#quot; #lt;b#gt;#35;1#lt;/b#gt;"' in out
    assert '<b>' not in out and 'Say "yes"' not in out
    assert '[["other:start"]]' in out and "-.->" in out  # the jump into another flow


def test_dot_shapes_colours_and_labels(mini) -> None:
    out = to_dot(mini, "mini", "en")
    assert out.startswith('digraph "mini" {') and out.rstrip().endswith("}")
    assert '"smtp-on" [shape=diamond' in out
    assert '"sender" [shape=parallelogram' in out
    assert '"login" [shape=hexagon' in out
    assert '"switch-on" [shape=box' in out
    assert '"done" [shape=doubleoctagon, label="done: Done.", fillcolor="#c8e6c9"]' in out
    assert '"smtp-on" -> "sender" [label="Yes"];' in out
    assert '"login" -> "done" [label="ok"];' in out


def test_graph_command_by_file_and_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "--lang", "en", str(FIXTURES / "flows" / "mini.yaml")]) == 0
    assert "flowchart TD" in capsys.readouterr().out
    assert main(["graph", "--format", "dot", "--flows", str(FIXTURES / "flows"), "mini"]) == 0
    assert capsys.readouterr().out.startswith('digraph "mini"')
    assert main(["graph", "--lang", "en", "--flows", str(FIXTURES / "flows"), "nope"]) == 1
    assert "no flow 'nope' (known: mini)" in capsys.readouterr().err

"""`troubleshooter lint`: each kind of mistake reported at the place it was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from troubleshooter.cli import main
from troubleshooter.flow.lint import lint

FIXTURES = Path(__file__).parent / "fixtures"
LINT = FIXTURES / "lint"
MODELINE = "# yaml-language-server: $schema=../troubleshooter/flow/flow.schema.json\n"
END = "  done: {kind: end, status: resolved, text: {cs: Hotovo, en: Done}}\n"


def _found(*paths: Path, kb_dir: Path | None = None) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.col, d.severity, d.code) for d in lint(paths, kb_dir=kb_dir)]


def _flow(tmp_path: Path, body: str, name: str = "f.yaml", flow_id: str = "f", start: str = "a") -> Path:
    path = tmp_path / name
    path.write_text(f"{MODELINE}id: {flow_id}\ntitle: {{cs: T, en: T}}\nstart: {start}\nnodes:\n{body}",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("fixture", "expected"), [
    ("dangling_next.yaml", (9, 11, "error", "unknown-target")),
    ("unreachable.yaml", (10, 3, "warning", "unreachable-node")),
    ("dead_end.yaml", (12, 3, "error", "dead-end")),
    ("missing_en.yaml", (9, 7, "error", "missing-translation")),
    ("duplicate_key.yaml", (14, 3, "error", "duplicate-key")),
    ("bad_indent.yaml", (9, 7, "error", "yaml-syntax")),
    ("unknown_probe.yaml", (8, 12, "error", "unknown-probe")),
    ("unhandled_outcome.yaml", (15, 5, "error", "unhandled-outcome")),
])
def test_fixture_mistake_is_reported_at_its_place(fixture: str, expected: tuple) -> None:
    found = _found(LINT / fixture)
    assert expected in found
    # no cascade: the only other findings are the unreachable end behind a dangling target,
    # and the loader's own report of the missing "next"
    assert len(found) <= 2


def test_mini_fixture_is_clean() -> None:
    assert _found(FIXTURES / "flows" / "mini.yaml") == []


def test_unhandled_outcome_names_the_missing_ones() -> None:
    finding = next(d for d in lint([LINT / "unhandled_outcome.yaml"]) if d.code == "unhandled-outcome")
    assert "nothing-listens" in finding.message("en")
    assert "ports-blocked" not in finding.message("en")


def test_dropped_node_does_not_make_its_targets_dangle(tmp_path: Path) -> None:
    # "b" lacks its English text, so the loader drops it; "a -> b" is not reported as dangling
    path = _flow(tmp_path, "  a: {kind: info, text: {cs: A, en: A}, next: b}\n"
                           "  b: {kind: info, text: {cs: B}, next: done}\n" + END)
    assert [code for *_, code in _found(path)] == ["missing-translation"]


def test_cycle_with_no_way_out(tmp_path: Path) -> None:
    path = _flow(tmp_path, "  a: {kind: info, text: {cs: A, en: A}, next: b}\n"
                           "  b:\n    kind: question\n    text: {cs: B, en: B}\n    choices:\n"
                           "      - {id: again, label: {cs: Znovu, en: Again}, next: a}\n" + END)
    assert _found(path) == [
        (6, 3, "error", "no-way-out"),
        (7, 3, "error", "no-way-out"),
        (12, 3, "warning", "unreachable-node"),
    ]


def test_cross_flow_jump_and_escalate_target_count_as_reachable(tmp_path: Path) -> None:
    main_flow = _flow(tmp_path, "  a: {kind: info, text: {cs: A, en: A}, next: 'other:deep'}\n",
                      "main.yaml", "main")
    other = _flow(tmp_path, "  s: {kind: info, text: {cs: S, en: S}, next: done}\n"
                            "  deep: {kind: info, text: {cs: D, en: D}, next: done}\n"
                            "  person: {kind: end, status: escalate, text: {cs: P, en: P}}\n" + END,
                  "other.yaml", "other", start="s")
    text = other.read_text(encoding="utf-8").replace("start: s\n", "start: s\nescalate: person\n")
    other.write_text(text, encoding="utf-8")
    assert lint([main_flow, other]) == []
    # alone, main's jump leads into a flow that is not loaded
    assert _found(main_flow) == [(6, 47, "error", "unknown-target")]


def test_probe_calls_are_checked_against_the_registry(tmp_path: Path) -> None:
    path = _flow(tmp_path, """\
  a: {kind: input, text: {cs: U, en: U}, input: {name: user, kind: username}, next: p}
  p:
    kind: probe
    probe: smtp-login
    args: {host: $host, colour: red, username: $user, password: $user}
    outcomes: {ok: done, teapot: done}
    default: done
""" + END)
    assert _found(path) == [
        (10, 18, "warning", "unknown-value"),
        (10, 25, "error", "unknown-param"),
        (10, 65, "error", "secret-param"),
        (11, 26, "warning", "unknown-outcome"),
    ]


def test_missing_param_and_literal_secret(tmp_path: Path) -> None:
    path = _flow(tmp_path, """\
  a:
    kind: probe
    probe: smtp-login
    args: {username: someone, password: hunter2}
    default: done
""" + END)
    found = lint([path])
    assert [(d.line, d.col, d.code) for d in found] == [
        (9, 5, "missing-param"), (9, 41, "secret-literal"),
    ]
    assert all("hunter2" not in d.message(lang) for d in found for lang in ("cs", "en"))


def test_unknown_article_only_when_the_kb_has_articles(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    flows = tmp_path / "flows"
    flows.mkdir()
    path = _flow(flows, "  a: {kind: info, article: nope, next: done}\n"
                        "  b: {kind: info, article: smtp-test, next: done}\n" + END)
    assert _found(path, kb_dir=kb) == [(7, 3, "warning", "unreachable-node")]
    (kb / "smtp-test.cs.md").write_text("# Test\n", encoding="utf-8")
    assert (6, 28, "error", "unknown-article") in _found(path, kb_dir=kb)


def test_findings_are_sorted_and_unique() -> None:
    found = lint([LINT])
    keys = [d.sort_key() for d in found]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_cli_text_output_and_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    kb = ["--kb", str(tmp_path)]
    assert main(["lint", "--lang", "en", *kb, str(LINT / "dangling_next.yaml")]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].endswith(
        "dangling_next.yaml:9:11: error unknown-target next points at unknown node 'nowhere'")
    assert "1 errors, 1 warnings in 1 files" in err
    assert main(["lint", "--lang", "en", *kb, str(LINT / "unreachable.yaml")]) == 0  # warnings only
    capsys.readouterr()
    assert main(["lint", *kb, str(FIXTURES / "flows")]) == 0
    assert capsys.readouterr().out == ""


def test_cli_json_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["lint", "--format", "json", "--lang", "cs", "--kb", str(tmp_path), str(LINT)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == len(list(LINT.glob("*.yaml")))
    assert report["errors"] == sum(d["severity"] == "error" for d in report["diagnostics"])
    dead = next(d for d in report["diagnostics"] if d["code"] == "dead-end")
    assert (Path(dead["path"]).name, dead["line"], dead["col"]) == ("dead_end.yaml", 12, 3)
    assert dead["message"] == "uzel 'stuck' nikam nevede a není koncový"


def test_missing_start_is_reported_once(tmp_path: Path) -> None:
    path = _flow(tmp_path, "  a: {kind: info, text: {cs: A, en: A}, next: done}\n" + END, start="nope")
    assert _found(path) == [(4, 8, "error", "missing-start")]


def test_whole_process_gives_all_output_and_its_exit_code(tmp_path: Path) -> None:
    """`python -m troubleshooter lint` as a whole process (cli.entry): a block-buffered pipe
    still gets every finding, the summary and exit code 1; a clean run exits 0."""
    import os
    import subprocess
    import sys

    body = "".join(f"  n{i}: {{kind: info, text: {{cs: A}}, next: n{i + 1}}}\n" for i in range(400))
    path = _flow(tmp_path, body + "  n400: {kind: end, status: resolved, text: {cs: A, en: A}}\n",
                 start="n0")
    env = {**os.environ, "TROUBLESHOOTER_CACHE": str(tmp_path / "cache"), "LANG": "C"}
    env.pop("PYTHONUNBUFFERED", None)  # a pipe is block-buffered, as for most users
    command = [sys.executable, "-m", "troubleshooter", "lint", "--lang", "en", "--kb", str(tmp_path)]
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1
    assert done.stdout.count("missing-translation") == 400
    assert "400 errors" in done.stderr
    clean = subprocess.run([*command, str(FIXTURES / "flows" / "mini.yaml")], capture_output=True,
                           text=True, env=env, timeout=120)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_a_line_break_inside_a_sentence_is_a_warning_and_bullets_are_not(tmp_path: Path) -> None:
    path = _flow(tmp_path, """\
  a:
    kind: info
    text:
      cs: |-
        Napište podpoře, že potřebujete znát:
          • adresu serveru,
          • port.
        Podpora vás navede.
      en: |-
        Write to their support that you need to know
        the server and the port.
    next: done
""" + END)
    found = lint([path])
    assert [(d.line, d.col, d.severity, d.code) for d in found] == [
        (14, 11, "warning", "line-break-in-sentence")]
    assert "that you need to know" in found[0].message("en")


def test_placeholders_outside_a_variant_are_checked_in_every_text_of_a_node(tmp_path: Path) -> None:
    """A node's title, text and choice labels are each read for placeholders (a text without a
    brace is skipped quickly, so each place a brace can stand in is tried here)."""
    path = _flow(tmp_path, """\
  a:
    kind: question
    title: {cs: "Nastavení {provider}", en: Settings}
    text: {cs: Otázka, en: "Ask {nobody}"}
    choices:
      - {id: go, label: {cs: Dál, en: "On to {provider.servers}"}, next: done}
      - {id: stay, label: {cs: Zůstat, en: Stay}, next: done}
""" + END)
    assert [(d.line, d.col, d.code, d.params["placeholder"]) for d in lint([path])] == [
        (8, 17, "placeholder-without-provider", "{provider}"),
        (9, 28, "unknown-placeholder", "{nobody}"),
        (11, 39, "placeholder-without-provider", "{provider.servers}"),
    ]


def test_a_line_break_inside_a_sentence_of_a_variant_or_of_a_node_the_loader_dropped(tmp_path: Path) -> None:
    path = _flow(tmp_path, """\
  a:
    kind: info
    text: {cs: Dobrý den., en: Hello.}
    variants:
      - when: {site: wordpress}
        text:
          cs: Dobrý den.
          en: "Open the plugin\\nsettings."
    next: b
  b:
    kind: info
    text:
      cs: "Zkuste to\\nznovu."
    next: done
""" + END)
    found = [(d.line, d.code, d.params.get("after")) for d in lint([path])
             if d.code == "line-break-in-sentence"]
    assert found == [(13, "line-break-in-sentence", "Open the plugin"),
                     (18, "line-break-in-sentence", "Zkuste to")]

"""Stale translations: fingerprints of each text's source beside the content, and lint's warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from troubleshooter.cli import main
from troubleshooter.content import flows_dir, kb_dir
from troubleshooter.translations import Markers, all_texts, mark_translated, stale, string_texts
from troubleshooter.yamlio import yaml_files

ROOT = Path(__file__).resolve().parent.parent
INTRO_CS = "SMTP je protokol pro přenos e-mailů."


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(flows_dir(), tmp_path / "flows", ignore=shutil.ignore_patterns("scenarios"))
    shutil.copytree(kb_dir(), tmp_path / "kb")
    return tmp_path


def lint(content: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["lint", str(content / "flows"), "--kb", str(content / "kb"), "--lang", "en", *extra])
    return code, capsys.readouterr().out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if needle in line)


def test_a_changed_czech_text_makes_its_translation_stale(content: Path, capsys) -> None:
    flow = content / "flows" / "smtp.yaml"
    assert lint(content, capsys)[1] == ""
    edit(flow, INTRO_CS, "SMTP je protokol, kterým se posílají e-maily.")
    code, out = lint(content, capsys)
    assert code == 0  # a warning, not an error
    (finding,) = out.splitlines()
    en_line = line_of(flow, "SMTP is the protocol") - 1  # the `en: >-` line the text starts on
    assert finding.startswith(f"{flow}:{en_line}:") and "warning stale-translation smtp:intro.text" in finding
    assert '"SMTP je protokol, kterým se posílají …"' in finding
    assert '"SMTP is the protocol that carries …"' in finding
    assert main(["lint", str(content / "flows"), "--kb", str(content / "kb"),
                 "--mark-translated", "smtp:intro.text"]) == 0
    assert capsys.readouterr().out.strip() == "smtp:intro.text"
    assert lint(content, capsys)[1] == ""


def test_rewritten_in_both_languages_is_new_not_stale(content: Path, capsys) -> None:
    flow = content / "flows" / "smtp.yaml"
    edit(flow, INTRO_CS, "SMTP je protokol, kterým se posílají e-maily.")
    edit(flow, "SMTP is the protocol that carries e-mail.", "SMTP is how e-mail is sent.")
    assert lint(content, capsys)[1] == ""
    assert main(["lint", str(content / "flows"), "--kb", str(content / "kb"), "--mark-translated", "new"]) == 0
    assert capsys.readouterr().out.strip() == "smtp:intro.text"


def test_an_article_pair_and_marking_by_path(content: Path, capsys) -> None:
    article = content / "kb" / "smtp-test.cs.md"
    article.write_text(article.read_text("utf-8") + "\nNový odstavec.\n", "utf-8")
    _, out = lint(content, capsys)
    assert out.startswith(f"{content / 'kb' / 'smtp-test.en.md'}:1:1: warning stale-translation kb:smtp-test")
    assert main(["lint", str(content / "flows"), "--kb", str(content / "kb"),
                 "--mark-translated", str(content / "kb" / "smtp-test.en.md")]) == 0
    capsys.readouterr()
    assert lint(content, capsys)[1] == ""


def test_ui_strings_are_tracked_too(tmp_path: Path) -> None:
    folder = tmp_path / "strings"
    folder.mkdir()
    (folder / "x.yaml").write_text('x.hello: {cs: "Dobrý den", en: "Hello"}\n', "utf-8")
    sidecar = tmp_path / "strings.translations.yaml"
    markers = Markers()
    texts = string_texts(markers, folder, sidecar)
    assert stale(texts, markers) == ([], 1)
    mark_translated(texts, ["new"], markers)
    (folder / "x.yaml").write_text('x.hello: {cs: "Dobrý večer", en: "Hello"}\n', "utf-8")
    markers = Markers()
    (finding,), _ = stale(string_texts(markers, folder, sidecar), markers)
    assert (finding.path, finding.line, finding.code) == ("strings/x.yaml", 1, "stale-translation")


def test_the_sidecar_is_not_a_flow(content: Path) -> None:
    assert (content / "flows" / "smtp.translations.yaml").is_file()
    assert [p.name for p in yaml_files([content / "flows"])] == ["smtp.yaml"]


def test_the_shipped_content_is_fully_marked_and_current() -> None:
    markers = Markers()
    texts = all_texts(yaml_files([flows_dir()]), kb_dir(), markers, strings=True)
    findings, new = stale(texts, markers)
    assert findings == []
    assert new == 0, "new texts without a translation marker: run troubleshooter lint --mark-translated new"


def test_texts_without_markers_cost_no_second_parse(content: Path, capsys, monkeypatch) -> None:
    """Where a translation sits is asked only for a stale-translation finding: a flow full of new
    texts is not parsed a second time for positions (on a 10,000-node flow that parse was most of
    lint's time; docs/benchmarks.md, "Flow load + lint")."""
    from troubleshooter import yamlio

    recording: list[str] = []
    parse = yamlio._parse

    def counted(text: str, path: str, *, record: bool):
        if record:
            recording.append(path)
        return parse(text, path, record=record)

    monkeypatch.setattr(yamlio, "_parse", counted)
    (content / "flows" / "smtp.translations.yaml").unlink()
    code, out = lint(content, capsys)
    assert code == 0 and out == ""
    # (an article's front matter is read for positions by the articles' own checks)
    assert not [path for path in recording if path.endswith(".yaml")]

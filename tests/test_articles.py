"""lint_articles and load_articles on small fixture kb directories."""

from __future__ import annotations

from pathlib import Path

from troubleshooter.flow.lint_articles import lint_articles
from troubleshooter.flow.model import Flow, FlowSet, Node
from troubleshooter.i18n import Text
from troubleshooter.knowledge.articles import load_articles


def _flows() -> FlowSet:
    nodes = {
        "intro": Node("intro", "info", text=Text("Úvod", "Intro"), next="test"),
        "test": Node("test", "end", text=Text("Test", "Test"), status="resolved"),
    }
    return FlowSet({"smtp": Flow("smtp", Text("SMTP", "SMTP"), "intro", nodes)})


def _article(folder: Path, name: str, *, title: str = "Titulek", related: str = "[smtp:intro]",
             body: str = "Text.", extra: str = "") -> None:
    folder.joinpath(name).write_text(
        f"---\ntitle: {title}\nsummary: Krátká odpověď.\nkeywords: [heslo, formulář]\n"
        f"related: {related}\n{extra}---\n{body}\n",
        encoding="utf-8",
    )


def _pair(folder: Path, article_id: str, **kwargs) -> None:
    _article(folder, f"{article_id}.cs.md", **kwargs)
    _article(folder, f"{article_id}.en.md", **kwargs)


def _codes(found) -> list[tuple[str, int, int, str]]:
    return [(Path(d.path).name, d.line, d.col, d.code) for d in found]


def test_clean_kb_loads_and_lints_clean(tmp_path: Path) -> None:
    _pair(tmp_path, "alpha", body="See [beta](kb:beta) and [start](flow:smtp#test), <https://example.org>.")
    _pair(tmp_path, "beta", body="Back to [alpha](kb:alpha), the [flow](flow:smtp).")
    articles = load_articles(tmp_path)
    assert articles.ids == ["alpha", "beta"]
    alpha = articles.get("alpha", "cs")
    assert alpha is not None and alpha.keywords == ("heslo", "formulář") and alpha.node == "smtp:intro"
    assert alpha.body.startswith("See [beta]")
    assert lint_articles(tmp_path, _flows()) == []


def test_missing_language_is_reported(tmp_path: Path) -> None:
    _pair(tmp_path, "alpha")
    _article(tmp_path, "lonely.cs.md")
    found = lint_articles(tmp_path, _flows())
    assert _codes(found) == [("lonely.cs.md", 1, 1, "kb-missing-language")]
    assert found[0].params == {"id": "lonely", "lang": "en"}


def test_broken_links_point_at_their_place(tmp_path: Path) -> None:
    body = "Line one.\nSee [gone](kb:nowhere) and [x](flow:smtp#no-such-node).\n<kb:alpha>"
    _pair(tmp_path, "alpha", body=body)
    found = lint_articles(tmp_path, _flows())
    # front matter is lines 1-6, so the body's second line is line 8
    assert ("alpha.cs.md", 8, 12, "kb-broken-link") in _codes(found)
    assert ("alpha.cs.md", 8, 32, "kb-broken-link") in _codes(found)
    assert {d.params["link"] for d in found} == {"kb:nowhere", "flow:smtp#no-such-node"}


def test_related_node_must_exist(tmp_path: Path) -> None:
    _pair(tmp_path, "alpha", related="[smtp:intro, smtp:missing]")
    found = lint_articles(tmp_path, _flows())
    assert _codes(found) == [("alpha.cs.md", 5, 23, "kb-unknown-node"),
                             ("alpha.en.md", 5, 23, "kb-unknown-node")]


def test_bad_front_matter_has_line_and_column(tmp_path: Path) -> None:
    _pair(tmp_path, "alpha")
    (tmp_path / "beta.cs.md").write_text("---\ntitle: [unclosed\nsummary: x\n---\nBody\n", encoding="utf-8")
    (tmp_path / "beta.en.md").write_text(
        "---\ntitle: Beta\nsummary: 42\nkeywords: heslo\ncolour: red\n---\nBody\n", encoding="utf-8")
    (tmp_path / "gamma.en.md").write_text("# No front matter\n", encoding="utf-8")
    (tmp_path / "Bad Name.md").write_text("---\ntitle: x\nsummary: y\n---\n", encoding="utf-8")
    found = _codes(lint_articles(tmp_path, _flows()))
    assert ("beta.cs.md", 3, 8, "yaml-syntax") in found
    assert ("beta.en.md", 3, 10, "not-a-string") in found
    assert ("beta.en.md", 4, 11, "kb-not-a-list") in found
    assert ("beta.en.md", 5, 1, "unknown-key") in found
    assert ("gamma.en.md", 1, 1, "kb-no-front-matter") in found
    assert ("Bad Name.md", 1, 1, "kb-bad-filename") in found
    # broken files are skipped by the loader, the good one stays
    assert load_articles(tmp_path).ids == ["alpha"]


def test_messages_exist_in_both_languages(tmp_path: Path) -> None:
    _article(tmp_path, "lonely.cs.md", related="[smtp:gone]", body="[x](kb:gone)")
    for diagnostic in lint_articles(tmp_path, _flows()):
        assert diagnostic.message("cs") and diagnostic.message("en")
        assert diagnostic.message("cs") != diagnostic.message("en")

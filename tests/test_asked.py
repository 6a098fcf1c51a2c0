"""Readers' questions (kb/questions.yaml): a field of the index, a cross-validated tuning set,
and a file lint checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from troubleshooter.knowledge import index as index_module
from troubleshooter.knowledge import search
from troubleshooter.knowledge.articles import Article, ArticleSet
from troubleshooter.knowledge.asked import Question, load_questions, questions_file
from troubleshooter.knowledge.evaluate import cross_validated, evaluate
from troubleshooter.knowledge.index import build_index

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TROUBLESHOOTER_CACHE", str(tmp_path / "cache"))
    index_module._MEMORY.clear()
    yield
    index_module._MEMORY.clear()


def _article(article_id: str, title: str, body: str) -> Article:
    return Article(article_id, "en", title, title, (), ("smtp:intro",), body, f"{article_id}.en.md")


ARTICLES = ArticleSet()
for _item in (_article("field-port", "Port", "The port number: 587 or 465. Some forms show it as a slider."),
              _article("switch-on", "Switching on", "Move the toggle to ON and save."),
              _article("field-host", "Server", "The server name of your provider.")):
    ARTICLES.articles[(_item.id, _item.lang)] = _item
# Readers call the toggle a slider; the articles say so only where the port is.
QUESTIONS = [Question("where is the slider", "en", ("switch-on",)),
             Question("the slider is grey, how do I move it", "en", ("switch-on",)),
             Question("i cant find the slider ebook", "en", ("switch-on",))]


def _first(index: index_module.Index, question: str) -> str:
    return search.rank(question, "en", index)[0].article_id


def test_a_readers_word_reaches_the_article_their_questions_are_about() -> None:
    assert _first(build_index(ARTICLES), "slider") == "field-port"
    assert _first(build_index(ARTICLES, QUESTIONS), "slider") == "switch-on"


def test_readers_words_teach_the_analyser_nothing() -> None:
    """A word only the questions have ("ebook") is no index word: the typo fallback and the
    Czech case endings read a question as they did before."""
    index = build_index(ARTICLES, QUESTIONS)
    assert "ebook" not in index.postings and "ebook" not in index.surface
    assert "slider" in index.postings


def test_a_word_readers_use_everywhere_is_not_common_unless_the_articles_say_it_everywhere() -> None:
    everywhere = [Question(f"my server {n}", "en", (article,)) for n, article in
                  enumerate(("field-port", "switch-on", "field-host"))]
    index = build_index(ARTICLES, everywhere)
    assert "server" not in index.common
    assert _first(index, "server") == "field-host"


def _kb_copy(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    kb.mkdir()
    for path in (ROOT / "kb").glob("field-port.*.md"):
        shutil.copy(path, kb)
    for path in (ROOT / "kb").glob("switch-smtp-on.*.md"):
        shutil.copy(path, kb)
    return kb


def _write(kb: Path, name: str, title: str, body: str) -> None:
    (kb / f"{name}.en.md").write_text(f"---\ntitle: {title}\nsummary: {title}\nrelated: [smtp:intro]\n---\n"
                                      f"# {title}\n\n{body}\n", encoding="utf-8")


def test_the_tuning_figures_never_let_a_question_find_itself(tmp_path: Path) -> None:
    """Each question brings its one word to its article: answered right while the question is in
    the index, wrong when its own fold is left out (cross-validation)."""
    kb = tmp_path / "kb"
    kb.mkdir()
    colours = ("red", "green", "blue", "yellow", "purple")
    _write(kb, "colours", "Colours", "Paint.\n\n## Which\n\n" + ", ".join(colours) + ".")
    _write(kb, "wanted", "Wanted", "Nothing else here.")
    questions_file(kb).write_text("".join(f'- {{q: "{c}", lang: en, expect: [wanted]}}\n' for c in colours),
                                  encoding="utf-8")
    questions = load_questions(questions_file(kb))
    assert [q.text for q in questions] == list(colours)
    assert evaluate(questions, kb).hit1 == 5
    assert cross_validated(questions, kb).hit1 == 0


def test_the_index_follows_the_questions_file(tmp_path: Path) -> None:
    kb = _kb_copy(tmp_path)
    before = index_module.kb_fingerprint(kb)
    questions_file(kb).write_text('- {q: "where is the slider", lang: en, expect: [switch-smtp-on]}\n',
                                  encoding="utf-8")
    assert index_module.kb_fingerprint(kb) != before
    assert "where is the slider" in str(load_questions(questions_file(kb)))


def test_lint_names_a_broken_question_and_an_unknown_article(tmp_path: Path, capsys) -> None:
    from troubleshooter.cli import main

    kb = _kb_copy(tmp_path)
    questions_file(kb).write_text(
        '- {q: "which port", lang: en, expect: [field-port]}\n'
        '- {q: "where is the switch", lang: en, expect: [no-such-article]}\n', encoding="utf-8")
    assert main(["lint", "--lang", "en", "--kb", str(kb), str(ROOT / "flows")]) == 1
    out = capsys.readouterr().out
    assert "questions.yaml:2:3: error kb-questions-unknown-article" in out, out
    assert "'no-such-article'" in out
    questions_file(kb).write_text('- {q: "which port", expect: [field-port]}\n', encoding="utf-8")
    main(["lint", "--lang", "cs", "--kb", str(kb), str(ROOT / "flows")])
    out = capsys.readouterr().out
    assert "questions.yaml:1:3: error kb-questions-malformed otázka č. 1 potřebuje" in out, out


def test_a_broken_questions_file_leaves_the_articles_searchable(tmp_path: Path) -> None:
    kb = _kb_copy(tmp_path)
    questions_file(kb).write_text("- {q: [unclosed\n", encoding="utf-8")
    assert search.ask("which port do I use", "en", kb).matches[0].article_id == "field-port"

"""Readers' questions: ``kb/questions.yaml``, each question labelled with the articles that answer it.

The file is content, like the articles. It serves twice:

- the index reads each article's questions as one more field (``asked`` in
  :data:`.index.FIELDS`): the words readers use for a subject ("the download link never
  came", "slider") reach the article though its text says it otherwise;
- ``troubleshooter lint --eval`` measures the question box on it (the *tuning* set), each
  question answered by an index built without it (cross-validation, :mod:`.evaluate`).

The held-out set (``tests/data/questions_test.yaml``) is never indexed: it measures how the
box does on questions nobody wrote down.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshooter.diagnostics import Diagnostic
from troubleshooter.i18n import LANGS, Lang

if TYPE_CHECKING:
    from troubleshooter.yamlio import YamlDocument

QUESTIONS_FILE = "questions.yaml"


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    lang: Lang
    expect: tuple[str, ...]  # the articles that answer it, any of them right


class QuestionsError(ValueError):
    """A questions file that cannot be read: where (1-based line and column) and what."""

    def __init__(self, path: str, line: int, col: int, code: str, args: dict[str, str]) -> None:
        super().__init__(f"{path}:{line}:{col}: {code}")
        self.diagnostic = Diagnostic(path, line, col, "error", code, args)


def questions_file(kb_dir: str | os.PathLike[str]) -> Path:
    return Path(kb_dir) / QUESTIONS_FILE


def load_questions(path: str | os.PathLike[str] | None = None) -> list[Question]:
    """The questions of a file (the shipped articles' by default); a malformed entry raises
    :class:`QuestionsError` (and a file that is no YAML, :class:`troubleshooter.yamlio.YamlError`)."""
    if path is None:
        from troubleshooter.content import kb_dir

        path = questions_file(kb_dir())
    return _read(path)[1]


def _read(path: str | os.PathLike[str]) -> tuple[YamlDocument, list[Question]]:
    """The parsed file and its questions, in order. Positions are looked up only for a finding:
    they cost the file a second parse."""
    from troubleshooter import yamlio
    from troubleshooter.content import display_path

    doc = yamlio.load(path, display_path(Path(path)))
    entries = doc.data or []
    if not isinstance(entries, list):
        raise QuestionsError(str(doc.path), 1, 1, "kb-questions-malformed", {"entry": "-"})
    found: list[Question] = []
    for i, entry in enumerate(entries):
        expect = entry.get("expect") if isinstance(entry, dict) else None
        expected = tuple(map(str, expect)) if isinstance(expect, list) else (str(expect),) if expect else ()
        if not isinstance(entry, dict) or entry.get("lang") not in LANGS or not entry.get("q") or not expected:
            where = doc.where((i,))
            raise QuestionsError(str(doc.path), where.line, where.col, "kb-questions-malformed",
                                 {"entry": str(i + 1)})
        found.append(Question(str(entry["q"]), entry["lang"], expected))
    return doc, found


def asked_by_article(questions: Iterable[Question]) -> dict[tuple[str, Lang], list[str]]:
    """(article id, language) → the questions in that language it answers."""
    asked: dict[tuple[str, Lang], list[str]] = defaultdict(list)
    for question in questions:
        for article in question.expect:
            asked[(article, question.lang)].append(question.text)
    return dict(asked)


def indexed_questions(kb_dir: str | os.PathLike[str]) -> list[Question]:
    """The questions the index reads: none when the file is missing or broken (lint says where)."""
    from troubleshooter.yamlio import YamlError

    path = questions_file(kb_dir)
    if not path.is_file():
        return []
    try:
        return load_questions(path)
    except (QuestionsError, YamlError):
        return []


def lint_questions(kb_dir: str | os.PathLike[str], article_ids: set[str]) -> list[Diagnostic]:
    """The questions file, if there is one: readable, and every labelled article exists."""
    from troubleshooter.yamlio import YamlError

    path = questions_file(kb_dir)
    if not path.is_file():
        return []
    try:
        doc, questions = _read(path)
    except QuestionsError as exc:
        return [exc.diagnostic]
    except YamlError as exc:
        return [Diagnostic(exc.path, exc.line, exc.col, "error", exc.code, {"detail": exc.message})]
    found: list[Diagnostic] = []
    for i, question in enumerate(questions):
        for article in question.expect:
            if article not in article_ids:
                where = doc.where((i,))
                found.append(Diagnostic(str(doc.path), where.line, where.col, "error",
                                        "kb-questions-unknown-article", {"id": article}))
    return found

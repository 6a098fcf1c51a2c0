"""Findability, measured: what ``ask`` answers over labelled question sets.

Two sets. ``kb/questions.yaml`` is the *tuning* set: readers' questions, which the index also
reads (:mod:`.asked`), and the ranker's constants were chosen against it. Its figures are
cross-validated: each fifth of it is answered by an index built from the other four fifths,
so a question never finds itself. ``tests/data/questions_test.yaml`` is *held out*: written
from another angle (support e-mails, questions from article titles only), never indexed and
never tuned on, so its figures say how the box does on questions nobody wrote down. For each
set and language ``troubleshooter lint --eval`` prints hit@1, hit@3, the share of answers
given as confident and how often a confident answer is right. Only the tuning set's misses
are listed: the held-out set's stay unlisted, so nobody tunes against them by accident.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshooter.i18n import LANGS, Lang
from troubleshooter.knowledge.asked import Question, QuestionsError, load_questions, questions_file

if TYPE_CHECKING:
    from troubleshooter.knowledge.index import Index

HELD_OUT_QUESTIONS = Path(__file__).resolve().parents[2] / "tests" / "data" / "questions_test.yaml"
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Answer:
    question: Question
    found: tuple[str, ...]  # the top 3 article ids
    confident: bool

    @property
    def hit1(self) -> bool:
        return bool(self.found) and self.found[0] in self.question.expect

    @property
    def hit3(self) -> bool:
        return any(article in self.question.expect for article in self.found[:3])


@dataclass(slots=True)
class EvalReport:
    answers: list[Answer] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.answers)

    @property
    def hit1(self) -> int:
        return sum(a.hit1 for a in self.answers)

    @property
    def hit3(self) -> int:
        return sum(a.hit3 for a in self.answers)

    @property
    def hit1_rate(self) -> float:
        return self.hit1 / self.total if self.total else 0.0

    @property
    def hit3_rate(self) -> float:
        return self.hit3 / self.total if self.total else 0.0

    @property
    def confident_share(self) -> float:
        return sum(a.confident for a in self.answers) / self.total if self.total else 0.0

    @property
    def confident_precision(self) -> float:
        """Of the answers given as confident, the share whose first article is right."""
        sure = [a for a in self.answers if a.confident]
        return sum(a.hit1 for a in sure) / len(sure) if sure else 1.0

    @property
    def misses(self) -> list[tuple[Question, list[str]]]:
        return [(a.question, list(a.found)) for a in self.answers if not a.hit1]

    def only(self, lang: Lang) -> EvalReport:
        return EvalReport([a for a in self.answers if a.question.lang == lang])


@dataclass(frozen=True, slots=True)
class Bar:
    """What a set must reach, in each language, for ``lint --eval`` to pass."""

    hit1: float
    hit3: float
    confident: float = 0.0
    precision: float = 0.0

    def met(self, report: EvalReport) -> bool:
        return (report.hit1_rate >= self.hit1 and report.hit3_rate >= self.hit3
                and report.confident_share >= self.confident and report.confident_precision >= self.precision)


TUNING_BAR = Bar(0.9, 0.97)
HELD_OUT_BAR = Bar(0.95, 0.99, confident=0.8, precision=0.98)  # issue #19's "done when"


def evaluate(questions: list[Question], kb_dir: str | os.PathLike[str] | None = None,
             lang: Lang | None = None, index: Index | None = None) -> EvalReport:
    """What users get from ``ask`` (pasted errors go through explain), optionally one language;
    ``index``: another index than the kb directory's (cross-validation)."""
    from troubleshooter.knowledge.search import ask

    report = EvalReport()
    for question in questions:
        if lang and question.lang != lang:
            continue
        result = ask(question.text, question.lang, kb_dir, limit=3, index=index)
        found = tuple(match.article_id for match in result.matches)
        report.answers.append(Answer(question, found, result.confident))
    return report


def cross_validated(questions: list[Question], kb_dir: str | os.PathLike[str] | None = None,
                    lang: Lang | None = None, folds: int = FOLDS) -> EvalReport:
    """``evaluate`` for the questions the index reads: every ``folds``-th question (by position,
    so each part of the file is spread over the folds) is answered by an index built without
    its fold. Questions a maintainer wrote as variants of one another still help each other."""
    from troubleshooter import content
    from troubleshooter.knowledge.articles import load_articles
    from troubleshooter.knowledge.index import build_index

    articles = load_articles(content.kb_dir(kb_dir))
    by_question: dict[int, Answer] = {}
    for fold in range(folds):
        index = build_index(articles, [q for i, q in enumerate(questions) if i % folds != fold])
        held = [i for i in range(len(questions)) if i % folds == fold]
        answers = evaluate([questions[i] for i in held], kb_dir, index=index).answers
        by_question.update(zip(held, answers, strict=True))
    return EvalReport([by_question[i] for i in sorted(by_question)
                       if lang is None or questions[i].lang == lang])


def _print_report(report: EvalReport, name: str, path: Path, lang: Lang) -> None:
    from troubleshooter.i18n import tr

    print(tr("kb.eval-set", lang, name=tr(name, lang), total=report.total, file=path.name))
    for subset in (None, *LANGS):
        part = report if subset is None else report.only(subset)
        print(f"  {subset or 'all':>3}: " + tr(
            "kb.ask-eval-result", lang, hit1=part.hit1_rate, hit3=part.hit3_rate,
            confident=part.confident_share, precision=part.confident_precision, total=part.total))


def print_eval(kb_dir: str | os.PathLike[str] | None, lang: Lang,
               path: str | os.PathLike[str] | None = None, verbose: bool = True) -> int:
    """Print the figures per set and language, and the tuning set's misses; exit 1 below a bar.

    Without ``path`` both shipped sets are measured; with it, that one file (misses listed).
    """
    from troubleshooter import content
    from troubleshooter.i18n import tr
    from troubleshooter.yamlio import YamlError

    tuning = questions_file(content.kb_dir(kb_dir))  # a kb directory without one has no tuning set
    sets = ([(Path(path), "kb.eval-set-given", TUNING_BAR, True)] if path else
            [*([(tuning, "kb.eval-set-tuning", TUNING_BAR, True)] if tuning.is_file() else []),
             (HELD_OUT_QUESTIONS, "kb.eval-set-held-out", HELD_OUT_BAR, False)])
    passed = True
    for file, name, bar, list_misses in sets:
        try:
            questions = load_questions(file)
        except YamlError as exc:
            print(f"{exc.path}:{exc.line}:{exc.col}: {tr('kb.eval-unreadable', lang, detail=exc.message)}",
                  file=sys.stderr)
            return 2
        except QuestionsError as exc:
            print(exc.diagnostic.format(lang), file=sys.stderr)
            return 2
        report = cross_validated(questions, kb_dir) if file == tuning else evaluate(questions, kb_dir)
        _print_report(report, name, file, lang)
        passed &= all(bar.met(report.only(code)) for code in LANGS if report.only(code).total)
        if verbose and list_misses:
            for question, found in report.misses:
                print(tr("kb.ask-eval-miss", lang, question=question.text, expected=",".join(question.expect),
                         found=",".join(found) or "-"))
    return 0 if passed else 1

"""Findability, measured: what ``ask`` answers over labelled question sets.

Two sets live in the source tree. ``tests/data/questions.yaml`` is the *tuning* set: the
ranker's constants were chosen against it. ``tests/data/questions_test.yaml`` is *held out*:
written from another angle (support e-mails, questions from article titles only) and never
tuned on, so its figures say how the box does on questions nobody wrote down. For each set
and language ``troubleshooter lint --eval`` prints hit@1, hit@3, the share of answers given
as confident and how often a confident answer is right. Only the tuning set's misses are
listed: the held-out set's stay unlisted, so nobody tunes against them by accident.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from troubleshooter.i18n import LANGS, Lang

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
DEFAULT_QUESTIONS = DATA / "questions.yaml"
HELD_OUT_QUESTIONS = DATA / "questions_test.yaml"


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    lang: Lang
    expect: tuple[str, ...]


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


def load_questions(path: str | os.PathLike[str] = DEFAULT_QUESTIONS) -> list[Question]:
    from troubleshooter import yamlio

    doc = yamlio.load(path)
    questions: list[Question] = []
    for i, entry in enumerate(doc.data or []):
        where = doc.where((i,))
        if not isinstance(entry, dict) or entry.get("lang") not in LANGS or not entry.get("q"):
            raise ValueError(f"{doc.path}:{where.line}:{where.col}: needs q, lang (cs|en) and expect")
        expect = entry.get("expect")
        expected = tuple(expect) if isinstance(expect, list) else (str(expect),)
        questions.append(Question(str(entry["q"]), entry["lang"], expected))
    return questions


def evaluate(questions: list[Question], kb_dir: str | os.PathLike[str] | None = None,
             lang: Lang | None = None) -> EvalReport:
    """What users get from ``ask`` (pasted errors go through explain), optionally one language."""
    from troubleshooter.knowledge.search import ask

    report = EvalReport()
    for question in questions:
        if lang and question.lang != lang:
            continue
        result = ask(question.text, question.lang, kb_dir, limit=3)
        found = tuple(match.article_id for match in result.matches)
        report.answers.append(Answer(question, found, result.confident))
    return report


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
    from troubleshooter.i18n import tr
    from troubleshooter.yamlio import YamlError

    sets = ([(Path(path), "kb.eval-set-given", TUNING_BAR, True)] if path else
            [(DEFAULT_QUESTIONS, "kb.eval-set-tuning", TUNING_BAR, True),
             (HELD_OUT_QUESTIONS, "kb.eval-set-held-out", HELD_OUT_BAR, False)])
    passed = True
    for file, name, bar, list_misses in sets:
        try:
            questions = load_questions(file)
        except YamlError as exc:
            print(f"{exc.path}:{exc.line}:{exc.col}: {tr('kb.eval-unreadable', lang, detail=exc.message)}",
                  file=sys.stderr)
            return 2
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        report = evaluate(questions, kb_dir)
        _print_report(report, name, file, lang)
        passed &= all(bar.met(report.only(code)) for code in LANGS if report.only(code).total)
        if verbose and list_misses:
            for question, found in report.misses:
                print(tr("kb.ask-eval-miss", lang, question=question.text, expected=",".join(question.expect),
                         found=",".join(found) or "-"))
    return 0 if passed else 1

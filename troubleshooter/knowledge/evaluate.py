"""Findability, measured: hit@1 and hit@3 of ``ask`` over a labelled question set.

The set (``tests/data/questions.yaml`` in the source tree) lists questions the way users
type them, each with the article id(s) that answer it. ``troubleshooter lint --eval`` prints
the figures, so a content change that hurts findability shows before it ships.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from troubleshooter.i18n import LANGS, Lang

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "tests" / "data" / "questions.yaml"


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    lang: Lang
    expect: tuple[str, ...]


@dataclass(slots=True)
class EvalReport:
    total: int = 0
    hit1: int = 0
    hit3: int = 0
    misses: list[tuple[Question, list[str]]] = field(default_factory=list)  # (question, top 3 found)

    @property
    def hit1_rate(self) -> float:
        return self.hit1 / self.total if self.total else 0.0

    @property
    def hit3_rate(self) -> float:
        return self.hit3 / self.total if self.total else 0.0


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
        found = [match.article_id for match in ask(question.text, question.lang, kb_dir, limit=3).matches]
        report.total += 1
        report.hit1 += bool(found[:1] and found[0] in question.expect)
        in_top3 = any(article in question.expect for article in found[:3])
        report.hit3 += in_top3
        if not (found[:1] and found[0] in question.expect):
            report.misses.append((question, found))
    return report


def print_eval(kb_dir: str | os.PathLike[str] | None, lang: Lang,
               path: str | os.PathLike[str] = DEFAULT_QUESTIONS, verbose: bool = True) -> int:
    """Print hit@1/hit@3 (overall and per language) and the misses; exit 1 below the bar."""
    from troubleshooter.i18n import tr
    from troubleshooter.yamlio import YamlError

    try:
        questions = load_questions(path)
    except YamlError as exc:
        print(f"{exc.path}:{exc.line}:{exc.col}: {tr('kb.eval-unreadable', lang, detail=exc.message)}",
              file=sys.stderr)
        return 2
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    overall = evaluate(questions, kb_dir)
    for subset in (None, *LANGS):
        report = overall if subset is None else evaluate(questions, kb_dir, subset)
        label = "all" if subset is None else subset
        print(f"{label:>3}: " + tr("kb.ask-eval-result", lang, hit1=report.hit1_rate, hit3=report.hit3_rate,
                                    total=report.total, file=Path(path).name))
    if verbose:
        for question, found in overall.misses:
            print(tr("kb.ask-eval-miss", lang, question=question.text, expected=",".join(question.expect),
                     found=",".join(found) or "-"))
    return 0 if overall.hit1_rate >= 0.9 and overall.hit3_rate >= 0.97 else 1

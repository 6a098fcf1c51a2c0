"""The one place that maps an outcome id to what a person reads: title, cause, advice,
the article to show and the flow node to continue at. Data: ``data/outcomes.yaml``."""

from __future__ import annotations

import os
from functools import cache
from typing import NamedTuple

from troubleshooter.i18n import Text


class OutcomeInfo(NamedTuple):  # not a frozen dataclass: see registry.ProbeSpec
    id: str
    title: Text  # a few words: "Wrong username or password"
    cause: Text  # one or two sentences in the seed's plain words
    advice: Text  # what to do next
    article: str | None = None  # kb article id
    node: str | None = None  # flow node to continue at, "flow:node"
    # an ambiguous outcome: what it may really be; the node asks the question that tells them apart
    candidates: tuple[str, ...] = ()


@cache
def catalog() -> dict[str, OutcomeInfo]:
    from troubleshooter import yamlio

    source = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "outcomes.yaml")
    found: dict[str, OutcomeInfo] = {}
    for outcome_id, entry in (yamlio.load(source, "data/outcomes.yaml").data or {}).items():
        found[outcome_id] = OutcomeInfo(
            outcome_id,
            Text(**entry["title"]),
            Text(**entry["cause"]),
            Text(**entry["advice"]),
            entry.get("article"),
            entry.get("node"),
            tuple(entry.get("candidates", ())),
        )
    return found


def describe(outcome_id: str) -> OutcomeInfo:
    """Text for an outcome id; an unknown id is shown as itself rather than failing."""
    known = catalog().get(outcome_id)
    if known:
        return known
    raw = Text(outcome_id, outcome_id)
    return OutcomeInfo(outcome_id, raw, raw, raw)

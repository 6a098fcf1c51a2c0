"""The one place that maps an outcome id to what a person reads: title, cause, advice,
the article to show and the flow node to continue at. Data: ``data/outcomes.yaml``."""

from __future__ import annotations

import os
from functools import cache
from typing import Any, NamedTuple

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
    """Every outcome's texts, from ``data/outcomes.yaml`` — cached as one entry keyed by its
    content, like the UI strings (:func:`troubleshooter.i18n.catalog`)."""
    from troubleshooter.cache import cached_or_built, content_key

    source = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "outcomes.yaml")
    with open(source, "rb") as handle:
        key = content_key(source, handle.read())
    found: dict[str, OutcomeInfo] = {}
    for outcome_id, entry in cached_or_built("outcomes", key, lambda: _entries(source)).items():
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


def _entries(source: str) -> dict[str, Any]:
    from troubleshooter import yamlio

    return yamlio.load(source, "data/outcomes.yaml").data or {}


def describe(outcome_id: str) -> OutcomeInfo:
    """Text for an outcome id; an unknown id is shown as itself rather than failing."""
    known = catalog().get(outcome_id)
    if known:
        return known
    raw = Text(outcome_id, outcome_id)
    return OutcomeInfo(outcome_id, raw, raw, raw)

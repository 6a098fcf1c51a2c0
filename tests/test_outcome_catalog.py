"""The outcome catalogue covers every outcome a probe can return, with ids from docs/content-ids.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from troubleshooter.flow.probes import REGISTRY
from troubleshooter.probes.catalog import catalog, describe
from troubleshooter.probes.outcome import SMTP_OUTCOMES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "content-ids.md"


def _declared() -> set[str]:
    found = set(SMTP_OUTCOMES) | {"unknown"}
    for spec in REGISTRY.values():
        found |= spec.outcomes
    return found


def _article_ids() -> set[str]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Article ids", 1)[1].split("##", 1)[0]
    return {word for word in re.split(r"[\s,]+", section) if re.fullmatch(r"[a-z0-9-]+", word)}


def _table() -> dict[str, tuple[str, str]]:
    """outcome -> (article, node) from the docs table; a row may name several outcomes."""
    text = DOCS.read_text(encoding="utf-8")
    rows: dict[str, tuple[str, str]] = {}
    for line in text.split("## Outcome id", 1)[1].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("outcome", "") or set(cells[0]) <= {"-"}:
            continue
        names = re.sub(r"\(.*?\)", "", cells[0])
        for name in re.split(r"[,\s]+", names.strip()):
            if name:
                rows[name] = (cells[1], cells[2])
    return rows


@pytest.mark.parametrize("outcome", sorted(_declared()))
def test_every_declared_outcome_has_an_entry(outcome):
    assert outcome in catalog(), f"outcomes.yaml has no entry for {outcome!r}"
    info = describe(outcome)
    for text in (info.title, info.cause, info.advice):
        assert text.cs.strip() and text.en.strip()
        assert text.cs != text.en


@pytest.mark.parametrize("outcome", sorted(catalog()))
def test_article_and_node_match_content_ids(outcome):
    info = describe(outcome)
    table = _table()
    assert outcome in table, f"{outcome!r} is missing from docs/content-ids.md"
    assert (info.article, info.node) == table[outcome]
    assert info.article in _article_ids()

"""Figures maintainers read from usage records: where users go, where they stop, what they ask.

Input is any mix of usage records (``usage.jsonl``, see :mod:`troubleshooter.usage.record`)
and exported conversation transcripts (the JSON a help desk attaches to tickets): both are
read into :class:`SessionPath` s, and :func:`summarise` counts over those. Unreadable lines
and files are counted and skipped, never fatal.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from troubleshooter.usage.record import RECORD_FILE


@dataclass
class SessionPath:
    """One conversation as the figures need it."""

    session: str
    front_end: str = "?"
    lang: str = "?"
    started: str = ""
    nodes: list[str] = field(default_factory=list)
    # (from, to) moves forward; a move back is not an exit of the node left
    moves: list[tuple[str, str]] = field(default_factory=list)
    status: str | None = None  # status of the end the conversation finished at, if it did
    probes: list[tuple[str, str, str]] = field(default_factory=list)  # (probe, outcome, stage)
    articles: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)  # question texts (when recorded)
    questions: int = 0
    questions_unanswered: int = 0
    after_back: bool = False  # the next node is where a back or restart led, not an exit

    @property
    def last_node(self) -> str | None:
        return self.nodes[-1] if self.nodes else None


@dataclass
class Figures:
    sessions: int = 0
    by_front_end: Counter[str] = field(default_factory=Counter)
    by_lang: Counter[str] = field(default_factory=Counter)
    ends: Counter[str] = field(default_factory=Counter)  # resolved / not-resolved / escalate
    abandoned: int = 0
    visits: Counter[str] = field(default_factory=Counter)
    exits: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    drop_off: Counter[str] = field(default_factory=Counter)
    probe_outcomes: Counter[str] = field(default_factory=Counter)
    articles: Counter[str] = field(default_factory=Counter)
    unanswered: Counter[str] = field(default_factory=Counter)
    questions: int = 0
    questions_unanswered: int = 0
    skipped: int = 0  # lines or files that could not be read

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "front_ends": dict(self.by_front_end),
            "languages": dict(self.by_lang),
            "ends": dict(self.ends),
            "abandoned": self.abandoned,
            "nodes": {
                node: {"visits": count, "exits": dict(self.exits.get(node, {})),
                       "drop_off": self.drop_off.get(node, 0)}
                for node, count in self.visits.most_common()
            },
            "probe_outcomes": dict(self.probe_outcomes.most_common()),
            "articles": dict(self.articles.most_common()),
            "questions": {"asked": self.questions, "unanswered": self.questions_unanswered,
                          "unanswered_texts": dict(self.unanswered.most_common())},
            "skipped": self.skipped,
        }

    def worst_drop_off(self, count: int = 3) -> list[str]:
        return [node for node, n in self.drop_off.most_common(count) if n]


# -- reading ---------------------------------------------------------------------------
def record_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """The files named, and in a named directory its record and any exported JSON."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.name == RECORD_FILE or p.suffix == ".json")
        else:
            yield path


def read_sessions(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[SessionPath], int]:
    """Every session in the files; the number of lines or files that could not be read."""
    sessions: dict[str, SessionPath] = {}
    skipped = 0
    for path in record_files(paths):
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            skipped += 1
            continue
        if path.suffix == ".json":
            found = _from_export(path, raw)
            if found is None:
                skipped += 1
            else:
                sessions[found.session] = found
            continue
        for line in raw.splitlines():
            try:
                event = json.loads(line)
                _apply(sessions, event)
            except (ValueError, TypeError, KeyError, AttributeError):
                skipped += 1
    return list(sessions.values()), skipped


def _apply(sessions: dict[str, SessionPath], event: dict[str, Any]) -> None:
    sid = str(event["session"])
    path = sessions.setdefault(sid, SessionPath(sid))
    kind = event["event"]
    if kind == "start":
        path.front_end = str(event.get("front_end", "?"))
        path.lang = str(event.get("lang", "?"))
        path.started = str(event.get("t", ""))
    elif kind == "lang":
        path.lang = str(event.get("lang", path.lang))
    elif kind == "node":
        node = str(event["node"])
        if path.nodes and not path.after_back:
            path.moves.append((path.nodes[-1], node))
        path.nodes.append(node)
        path.after_back = False
        path.status = None
    elif kind in ("back", "restart"):
        path.after_back = True
        path.status = None
    elif kind == "end":
        path.status = str(event.get("status") or "resolved")
    elif kind == "probe":
        path.probes.append((str(event.get("probe")), str(event.get("outcome")), str(event.get("stage") or "")))
    elif kind == "article":
        path.articles.append(str(event["article"]))
    elif kind == "question":
        path.questions += 1
        if not event.get("ids"):
            path.questions_unanswered += 1
            if event.get("text"):
                path.unanswered.append(str(event["text"]))


def _from_export(path: Path, raw: str) -> SessionPath | None:
    """An exported conversation transcript read as a session's path."""
    try:
        data = json.loads(raw)
        steps = data["steps"]
        found = SessionPath(f"export:{path.name}", front_end="export", lang=str(data.get("lang", "?")),
                            started=str(data.get("created", "")))
        for step in steps:
            _add_node(found, str(step["node"]))
            probe = step.get("probe")
            if isinstance(probe, dict):
                found.probes.append((str(probe.get("probe")), str(probe.get("outcome")),
                                     str(probe.get("stage") or "")))
        _add_node(found, str(data["current"]))
        found.status = data.get("verdict")
        return found
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _add_node(path: SessionPath, node: str) -> None:
    if path.nodes and path.nodes[-1] == node:
        return
    if path.nodes:
        path.moves.append((path.nodes[-1], node))
    path.nodes.append(node)


# -- counting --------------------------------------------------------------------------
def _since(path: SessionPath, since: datetime | None) -> bool:
    if since is None:
        return True
    try:
        started = datetime.fromisoformat(path.started)
    except ValueError:
        return False
    if started.tzinfo is None and since.tzinfo is not None:
        started = started.replace(tzinfo=since.tzinfo)
    elif since.tzinfo is None and started.tzinfo is not None:
        since = since.replace(tzinfo=started.tzinfo)
    return started >= since


def summarise(sessions: Iterable[SessionPath], *, since: datetime | None = None,
              skipped: int = 0) -> Figures:
    figures = Figures(skipped=skipped)
    for path in sessions:
        if not path.nodes or not _since(path, since):
            continue
        figures.sessions += 1
        figures.by_front_end[path.front_end] += 1
        figures.by_lang[path.lang] += 1
        figures.visits.update(path.nodes)
        for source, target in path.moves:
            figures.exits[source][target] += 1
        if path.status:
            figures.ends[path.status] += 1
        else:
            figures.abandoned += 1
            figures.drop_off[path.last_node or "?"] += 1
        figures.probe_outcomes.update(f"{probe}: {outcome}" for probe, outcome, _ in path.probes)
        figures.articles.update(path.articles)
        figures.unanswered.update(path.unanswered)
        figures.questions += path.questions
        figures.questions_unanswered += path.questions_unanswered
    return figures


def load_figures(paths: Iterable[str | os.PathLike[str]], since: datetime | None = None) -> Figures:
    sessions, skipped = read_sessions(paths)
    return summarise(sessions, since=since, skipped=skipped)

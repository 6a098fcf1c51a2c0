"""Re-parse a large YAML file after an edit by reusing what did not change.

A flow is one big mapping (``nodes``) of small entries. After a maintainer edits one node of
a 10,000-node flow, parsing the whole file again costs ~0.7 s of PyYAML events, nearly all of
it for text that is unchanged. So :func:`split` cuts that mapping's entries into parts of a
hundred entries, and :func:`assemble` parses only the parts whose text is new, taking the
others from the previous parse (kept in the JSON cache by :mod:`troubleshooter.yamlio`).

It is only ever a shortcut to the same data. The cut is made at lines that start an entry
of the mapping (exactly its indentation, not a comment); each part is parsed as a document
of its own, and anything unusual — a part or the rest that does not parse, an alias to an
anchor in another part, a key found in two parts, a rest whose key is not an empty value,
or a key that the parser does not see on the line the cut assumed (text inside a multi-line
scalar) — makes :func:`assemble` give up (``None``), and the caller parses the whole text,
which then reports any error with its true position. Tests compare both ways on tricky
documents.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ENTRIES_PER_PART = 100
_MIN_PARTS = 4  # smaller files are parsed whole: nothing to gain
# This process's share of the new parts when it also works on each (``meanwhile``), measured
# per part of 100 nodes: parsing and storing it ~6.6 ms, building its flow nodes ~0.8 ms more,
# taking one of the child's parts from the cache and building its nodes ~1.3 ms. Balanced:
# 7.4 p + 1.3 (1 - p) = 6.6 (1 - p), p ≈ 0.42 (with 0.38 this process waited 23-49 ms for the
# child on a 10,000-node file; with 0.42 it never waits).
_SHARE_WITH_WORK = 0.42


@dataclass(frozen=True, slots=True)
class Layout:
    """A document cut for reuse: ``rest`` is the document with the big mapping's entries
    taken out; ``parts`` are those entries, each as a small document ``key:`` + entries."""

    key: str
    key_line: int  # 0-based, the same in ``rest`` as in the document
    rest: str
    parts: tuple[str, ...]
    digests: tuple[str, ...]  # a part's cache key: its text's hash, wherever it stands


_TOP_KEY = re.compile(r"^([A-Za-z0-9_][\w.-]*):[ ]*(?:#.*)?$", re.MULTILINE)
_FIRST_CONTENT = re.compile(r"^( *)[^ #\n]", re.MULTILINE)


def split(text: str) -> Layout | None:
    """Cut the largest top-level block mapping into parts, or ``None`` if not worth it."""
    if "\r" in text or "\t" in text:  # unusual line ends or tabs: keep it simple, parse whole
        return None
    best: tuple[re.Match[str], int, int, list[int]] | None = None  # key, first, end, entry starts
    pos = 0
    while (key := _TOP_KEY.search(text, pos)) is not None:
        pos = key.end()
        first = _FIRST_CONTENT.search(text, pos)
        if first is None:
            break
        depth = len(first.group(1))
        if depth == 0 or text.startswith("-", first.end() - 1):
            continue
        # One pass over the lines indented at most `depth` that have content: exactly
        # `depth` starts an entry, less ends the mapping.
        starts, end = [first.start()], len(text)
        for line in re.compile(rf"\n( {{0,{depth}}})[^ #\n]").finditer(text, first.end()):
            if len(line.group(1)) < depth:
                end = line.start() + 1
                break
            starts.append(line.start() + 1)
        if best is None or len(starts) > len(best[3]):
            best = (key, first.start(), end, starts)
        pos = end
    if best is None or len(best[3]) < ENTRIES_PER_PART * _MIN_PARTS:
        return None
    key, first, end, starts = best
    cuts = [first, *starts[ENTRIES_PER_PART::ENTRIES_PER_PART], end]
    header = key.group(0) + "\n"
    parts = tuple(header + text[a:b] for a, b in itertools.pairwise(cuts))
    digests = tuple(hashlib.blake2b(part.encode(), digest_size=16).hexdigest() for part in parts)
    return Layout(key.group(1), text.count("\n", 0, key.start()), text[:first] + text[end:], parts,
                  digests)


def parse_missing(layout: Layout, parse_part: Callable[[str], Any], cached: Callable[[str], bool],
                  store: Callable[[str, Any], None], read: Callable[[str], Any],
                  meanwhile: Callable[[Any], None] | None = None) -> dict[str, Any] | None:
    """Parse and store the parts not in the cache yet, on two cores where there are two;
    return the parts this process parsed or took from the child, by digest, or ``None`` as
    soon as a part does not parse (the caller then parses the whole text).

    A new 10,000-node file is 100 parts to parse (~0.7 s on one core). A forked child takes
    a share of them and stores each part in the cache as it goes, which is also how the
    parts reach this process: whatever the child did not manage is a cache miss that
    :func:`assemble` parses itself. So a failed or killed child costs time, never a wrong
    result. A part that does not parse stops both at once: a file with a syntax error costs
    little more than parsing it whole. Forking is done only from a single-threaded process
    (the CLI), never from the app's workers. ``parse_part`` returns the part's entries, or
    ``None`` when the part is not shaped like one.

    ``meanwhile(entries)`` is the caller's own work on a part (the flow loader builds its
    nodes). It is done here, beside the child's parsing, for each part this process parsed
    and then for each of the child's parts as soon as the child has stored it (the child
    says so with a byte on a pipe; ``read`` takes the part from the cache). This process
    then parses a smaller share, so both finish together. ``meanwhile`` must not raise;
    what it made is the caller's to check against the data finally returned.
    """
    missing = [i for i, digest in enumerate(layout.digests) if not cached(digest)]
    mine, theirs, child, progress = missing, [], 0, -1
    if len(missing) >= _MIN_PARTS * 2 and _can_fork():
        share = len(missing) // 2 if meanwhile is None else int(len(missing) * _SHARE_WITH_WORK)
        progress, told = os.pipe()
        try:
            child = os.fork()
        except OSError:
            child = 0
            os.close(told)
        else:
            if child == 0:  # the child: its share into the cache, then leave (no exit handlers)
                code = 1
                try:
                    # Told to stop, it stops at once while parsing, but never inside a store: a
                    # stop that landed between creating the temporary file and the cleanup that
                    # guards it would leave the file behind.
                    signal.signal(signal.SIGTERM, _stop)
                    os.close(progress)
                    for i in missing[share:]:
                        entries = parse_part(layout.parts[i])
                        if entries is None:
                            break
                        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
                        store(layout.digests[i], entries)
                        os.write(told, b".")  # stored: a byte per part never fills the pipe
                        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # a stop lands here
                    else:
                        code = 0
                finally:
                    os._exit(code)
            os.close(told)
            mine, theirs = missing[:share], missing[share:]
    parsed: dict[str, Any] = {}
    failed = False
    child_status: int | None = None  # once the child is reaped
    try:
        for i in mine:
            if child and child_status is None:
                done, status = os.waitpid(child, os.WNOHANG)
                if done:
                    child_status = status
                    if status != 0:  # its share has a part that does not parse
                        break
            entries = parse_part(layout.parts[i])
            if entries is None:
                failed = True
                break
            parsed[layout.digests[i]] = entries
            store(layout.digests[i], entries)
            if child and meanwhile is not None:
                meanwhile(entries)
        if child and meanwhile is not None and not failed and child_status in (None, 0):
            for i in theirs:  # each as soon as the child has stored it
                if not os.read(progress, 1):
                    break  # the child stopped (a part that does not parse, or killed)
                entries = read(layout.digests[i])
                if entries is not None:  # unreadable: a miss, parsed by assemble
                    parsed[layout.digests[i]] = entries
                    meanwhile(entries)
    except Exception:
        failed = True
    finally:
        if child and child_status is None:
            if failed:
                os.kill(child, signal.SIGTERM)
            child_status = os.waitpid(child, 0)[1]
        if progress >= 0:  # only now: the child must never write to a closed pipe
            os.close(progress)
    return None if failed or (child and child_status != 0) else parsed


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(1)


def _can_fork() -> bool:
    """Linux only (macOS system libraries are not fork-safe), no other thread, two cores."""
    import sys
    import threading

    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1


def assemble(layout: Layout, parse: Callable[[str, bool], tuple[Any, dict, dict]],
             known: Callable[[str], Any]) -> tuple[Any, dict[str, Any]] | None:
    """(data, the parts parsed now by digest); the other parts come from ``known(digest)``.

    ``parse(text, record)`` is the loader's own parser (raising on any problem). ``None``
    means: parse the whole text instead.
    """
    try:
        # The key must be a real key where the cut assumed it, not text inside a scalar.
        rest, _, key_positions = parse(layout.rest, True)
        where = key_positions.get((layout.key,))
        if (not isinstance(rest, dict) or rest.get(layout.key, 0) is not None
                or where is None or where.line != layout.key_line + 1):
            return None
        merged: dict[str, Any] = {}
        parsed_now: dict[str, Any] = {}
        for digest, part in zip(layout.digests, layout.parts, strict=True):
            entries = known(digest)
            if not isinstance(entries, dict):
                parsed = parse(part, False)[0]
                if not isinstance(parsed, dict) or list(parsed) != [layout.key]:
                    return None
                entries = parsed_now[digest] = parsed[layout.key]
            if not isinstance(entries, dict) or not merged.keys().isdisjoint(entries):
                return None
            merged.update(entries)
    except Exception:  # any problem: the whole-text parse reports it where it really is
        return None
    rest[layout.key] = merged
    return rest, parsed_now

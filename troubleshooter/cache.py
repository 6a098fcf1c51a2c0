"""Files the program writes for itself: atomic writes, and a JSON cache of parsed data.

Authored content (flows, UI strings, outcome texts, provider data, red-message rules, the
search index over the articles) is YAML or Markdown. Parsing it — and importing PyYAML —
would be paid on every start of every command. A JSON copy keyed by the exact content makes a warm start
cheap; a missing, stale or unwritable cache only costs the parse.
"""

from __future__ import annotations

import binascii
import contextlib
import json
import os
from collections.abc import Callable, Collection
from typing import Any

KEEP_PER_PREFIX = 3
_DATA_FORMAT = "1"


def write_atomic(path: str | os.PathLike[str], text: str | bytes, *, durable: bool = True) -> None:
    """Write a file (text as UTF-8, or bytes) so readers see the old or the new content, never half.

    ``durable`` also flushes it to the disk before it replaces the old one (a user's export);
    a cache can skip that.
    """
    import tempfile

    target = os.fspath(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", dir=os.path.dirname(target) or ".")
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def cache_dir() -> str:
    """``$TROUBLESHOOTER_CACHE``, else ``$XDG_CACHE_HOME/troubleshooter``, else ~/.cache/…

    Paths here are strings (``os.path``): ``diagnose`` reads its catalogues through this
    module and does not otherwise need ``pathlib``."""
    explicit = os.environ.get("TROUBLESHOOTER_CACHE")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "troubleshooter")


def read_cached(prefix: str, key: str) -> Any | None:
    """The cached JSON for ``prefix``/``key``, or None when absent or unreadable."""
    try:
        with open(os.path.join(cache_dir(), f"{prefix}-{key}.json"), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def cached_or_built(prefix: str, key: str, build: Callable[[], Any]) -> Any:
    """The cached JSON for ``prefix``/``key``; on a miss, what ``build()`` returns, stored for
    the next start (a catalogue built from YAML: a warm start neither parses nor imports the
    YAML reader)."""
    found = read_cached(prefix, key)
    if found is None:
        found = build()
        store_cached(prefix, key, found)
    return found


def has_cached(prefix: str, key: str) -> bool:
    """Whether an entry exists (without reading it)."""
    return os.path.isfile(os.path.join(cache_dir(), f"{prefix}-{key}.json"))


def store_cached(prefix: str, key: str, data: Any, *, prune: bool = True) -> None:
    """Best effort: a read-only home must not break a command. Keeps the newest few per prefix.

    Not fsync'd: a cache entry torn by a crash reads as invalid JSON, which is a miss.
    """
    folder = cache_dir()
    try:
        os.makedirs(folder, exist_ok=True)
        # ASCII out (non-ASCII letters as \u escapes): the text then goes to the file as it is,
        # where encoding a large text full of Czech letters to UTF-8 cost as much again as the
        # JSON itself. Parsed data has no cycles to look for.
        text = json.dumps(data, separators=(",", ":"), check_circular=False)
        write_atomic(os.path.join(folder, f"{prefix}-{key}.json"), text, durable=False)
    except OSError:
        return
    if prune:
        prune_cached(prefix, key)


def prune_cached(prefix: str, like: str, keep: int = KEEP_PER_PREFIX, spare: Collection[str] = ()) -> None:
    """Delete all but the newest ``keep`` entries of ``prefix`` whose keys are shaped ``like``
    this one (so "yaml-smtp-…" never prunes "yaml-smtp-extra-…"), and never those in ``spare``."""
    shape = like.count("-")
    spared = {f"{prefix}-{key}.json" for key in spare}
    try:
        old = sorted(
            (entry for entry in os.scandir(cache_dir())
             if entry.name.startswith(f"{prefix}-") and entry.name.endswith(".json")
             and entry.name[len(prefix) + 1:].count("-") == shape and entry.name not in spared),
            key=lambda entry: entry.stat().st_mtime, reverse=True,
        )[max(keep - len(spared), 0):]
        for entry in old:
            os.unlink(entry.path)
    except OSError:
        pass


def content_key(path: str | os.PathLike[str], raw: bytes) -> str:
    """A key for a file's exact content (a same-size edit within one mtime tick counts too)."""
    # binascii's CRC-32 is zlib's (same function, same values); the ssl module has loaded it
    where = binascii.crc32(os.path.realpath(path).encode())
    return f"{_DATA_FORMAT}-{where:08x}-{binascii.crc32(raw):08x}-{len(raw):x}"

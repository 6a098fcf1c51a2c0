"""Files the program writes for itself: atomic writes, and a JSON cache of parsed data.

Authored content (flows, UI strings, outcome texts, provider data, red-message rules, the
search index over the articles) is YAML or Markdown. Parsing it — and importing PyYAML —
costs tens of milliseconds for the shipped files and about a second for a 10,000-node
flow, paid on every start. A JSON copy keyed by the exact content makes a warm start
cheap; a missing, stale or unwritable cache only costs the parse.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

KEEP_PER_PREFIX = 3
_DATA_FORMAT = "1"


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write a file so readers see the old or the new content, never half of it."""
    import tempfile

    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cache_dir() -> Path:
    """``$TROUBLESHOOTER_CACHE``, else ``$XDG_CACHE_HOME/troubleshooter``, else ~/.cache/…"""
    explicit = os.environ.get("TROUBLESHOOTER_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "troubleshooter"


def read_cached(prefix: str, key: str) -> Any | None:
    """The cached JSON for ``prefix``/``key``, or None when absent or unreadable."""
    try:
        with open(cache_dir() / f"{prefix}-{key}.json", encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def store_cached(prefix: str, key: str, data: Any) -> None:
    """Best effort: a read-only home must not break a command. Keeps the newest few per prefix."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{prefix}-{key}.json",
                     json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        old = sorted(
            (entry for entry in os.scandir(folder)
             if entry.name.startswith(f"{prefix}-") and entry.name.endswith(".json")),
            key=lambda entry: entry.stat().st_mtime, reverse=True,
        )[KEEP_PER_PREFIX:]
        for entry in old:
            os.unlink(entry.path)
    except OSError:
        pass


def content_key(path: Path, raw: bytes) -> str:
    """A key for a file's exact content (a same-size edit within one mtime tick counts too)."""
    where = zlib.crc32(str(path.resolve()).encode())
    return f"{_DATA_FORMAT}-{where:08x}-{zlib.crc32(raw):08x}-{len(raw):x}"

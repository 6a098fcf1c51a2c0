"""Where an unfinished conversation is kept between runs, so the user can continue it.

UI-free. The file holds ``Session.to_json()`` (no secrets: the engine keeps them out) and is
written atomically after every step.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = "session.json"


def state_dir() -> Path:
    """``$TROUBLESHOOTER_STATE_DIR``, else ``$XDG_STATE_HOME/troubleshooter``, else ~/.local/state/…"""
    override = os.environ.get("TROUBLESHOOTER_STATE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "troubleshooter"


def save(data: dict[str, Any]) -> None:
    """Best effort: a read-only home must not stop the conversation."""
    from troubleshooter.cache import write_atomic

    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / STATE_FILE, json.dumps(data, ensure_ascii=False))
    except OSError:
        pass


def load() -> dict[str, Any] | None:
    try:
        data = json.loads((state_dir() / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def clear() -> None:
    with contextlib.suppress(OSError):
        (state_dir() / STATE_FILE).unlink(missing_ok=True)

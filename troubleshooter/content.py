"""Where the shipped content (flows, articles) lives, and how a maintainer points elsewhere.

Order: an explicit directory (``--flows``/``--kb``), then ``TROUBLESHOOTER_FLOWS`` /
``TROUBLESHOOTER_KB``, then the copy inside the installed package, then the source tree
(an editable install or a checkout run with ``python -m troubleshooter``).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(kind: str, override: str | os.PathLike[str] | None, env_name: str) -> Path:
    if override:
        return Path(override)
    from_env = os.environ.get(env_name)
    if from_env:
        return Path(from_env)
    packaged = _PACKAGE / "content" / kind
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / kind


def flows_dir(override: str | os.PathLike[str] | None = None) -> Path:
    return _locate("flows", override, "TROUBLESHOOTER_FLOWS")


def kb_dir(override: str | os.PathLike[str] | None = None) -> Path:
    return _locate("kb", override, "TROUBLESHOOTER_KB")


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

"""What every whole-process bench does first: run the package as ``pip install .`` leaves it."""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def compile_package() -> None:
    """``pip install .`` compiles the package's bytecode. An editable install on a machine with
    ``PYTHONDONTWRITEBYTECODE=1`` (ours have it) would otherwise compile the modules that have
    no bytecode yet from source in every measured process."""
    compileall.compile_dir(ROOT / "troubleshooter", quiet=1)

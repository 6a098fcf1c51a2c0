"""Only the app imports Textual: the engine, the maintainers' tools and the probes never do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "troubleshooter.flow.engine",
    "troubleshooter.flow.loader",
    "troubleshooter.flow.lint",
    "troubleshooter.flow.checks",
    "troubleshooter.flow.graph",
    "troubleshooter.probes.registry",
    "troubleshooter.flow.probes",
]
# Whole packages, every module in them, when they exist in this build.
PACKAGES = ["troubleshooter.knowledge", "troubleshooter.explain", "troubleshooter.probes"]

_PROBE = """
import importlib, importlib.util, pkgutil, sys
names = {core!r}
for package in {packages!r}:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        continue
    names.append(package)
    names += [info.name for info in pkgutil.walk_packages(spec.submodule_search_locations, package + ".")]
for name in names:
    importlib.import_module(name)
print(len(names))
print(sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")))
"""


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_core_modules_do_not_import_textual() -> None:
    done = _python("-c", _PROBE.format(core=CORE, packages=PACKAGES))
    assert done.returncode == 0, done.stderr
    count, textual = done.stdout.splitlines()
    assert int(count) >= len(CORE)
    assert textual == "[]"


def test_lint_command_does_not_import_textual(tmp_path: Path) -> None:
    done = _python("-X", "importtime", "-m", "troubleshooter", "lint", "--kb", str(tmp_path),
                   str(ROOT / "tests" / "fixtures" / "flows"))
    assert done.returncode == 0, done.stdout + done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")]
    assert "troubleshooter.flow.lint" in imported  # the check would see it
    assert not [name for name in imported if name == "textual" or name.startswith("textual.")]

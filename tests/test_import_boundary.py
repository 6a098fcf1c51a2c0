"""Only the app imports Textual: the engine, the maintainers' tools and the probes never do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from smtp_servers import practice_server

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


def _python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)


def _imported(stderr: str) -> list[str]:
    """Module names from ``-X importtime`` output."""
    return [line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")]


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
    imported = _imported(done.stderr)
    assert "troubleshooter.flow.lint" in imported  # the check would see it
    assert not [name for name in imported if name == "textual" or name.startswith("textual.")]


def test_diagnose_imports_no_parser_nor_record_library(tmp_path: Path) -> None:
    """``diagnose`` is compared with swaks start-up included: with the parsed content cached,
    it reads no YAML (PyYAML) and builds no flow records (msgspec), and never loads Textual."""
    with practice_server() as server:
        env = {**os.environ, "PW": server.config.password, "TROUBLESHOOTER_CACHE": str(tmp_path)}
        argv = ["-X", "importtime", "-m", "troubleshooter", "diagnose", "--host", "127.0.0.1",
                "--port", str(server.starttls_port), "--security", "starttls",
                "--user", server.config.username, "--password-env", "PW",
                "--ca-file", str(server.ca_file), "--lang", "en"]
        _python(*argv, env=env)  # fills the cache
        done = _python(*argv, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    imported = _imported(done.stderr)
    assert "troubleshooter.probes.smtp" in imported  # the check would see it
    heavy = ("msgspec", "yaml", "textual")
    assert not [name for name in imported if name.split(".")[0] in heavy]
    # nor shutil, which argparse imports for the help's width (with bz2 and lzma), nor ipaddress
    # and urllib.parse (an IP literal is read with socket.inet_pton, a password's URL forms are
    # written by redaction)
    assert not {"shutil", "ipaddress", "urllib.parse"} & set(imported)
    assert "troubleshooter.yamlio" not in imported  # the catalogues come from the cache


_FIRST_SCREEN = """
import asyncio, sys
from troubleshooter.ui.app.app import TroubleshooterApp

async def first_screen():
    app = TroubleshooterApp(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        while app.conversation.session is None:
            await pilot.pause(0.05)
        await pilot.pause()
        print(sorted(m for m in sys.modules if m in {wanted!r}))

asyncio.run(first_screen())
"""


def test_the_first_screen_imports_nothing_it_does_not_show(state_dir: Path) -> None:
    """Start-up is compared with the smallest Textual app (docs/benchmarks.md): with recording off
    and no check run yet, the first screen needs neither the usage record's random session ids
    (``secrets``, which brings ``hashlib``) nor the outcome catalogue."""
    wanted = ["secrets", "hashlib", "troubleshooter.probes.catalog"]
    env = {**os.environ, "TROUBLESHOOTER_STATE_DIR": str(state_dir)}
    env.pop("TROUBLESHOOTER_RECORD", None)
    done = _python("-c", _FIRST_SCREEN.format(wanted=wanted), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"

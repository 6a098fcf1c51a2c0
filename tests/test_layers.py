"""The layers import only downwards, and every dependency is a real import a reader can see.

Read from the source (every ``import``, also those inside functions, which is how the heavy
ones are deferred; ``if TYPE_CHECKING:`` blocks left out), so a hidden cycle cannot slip in as
a ``"module:function"`` string or an ``import_module``/``find_spec`` guard.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
from pathlib import Path

import pytest

from troubleshooter.cli import COMMANDS

PACKAGE = Path(__file__).resolve().parent.parent / "troubleshooter"
BASE = {"i18n", "yamlio", "cache", "redaction", "safe_text", "limits", "diagnostics", "content"}
FRONT = {"ui", "commands", "cli", "__main__"}
# what each part must never import (directly or inside a function)
FORBIDDEN = {
    "base": {"probes", "explain", "knowledge", "flow", *FRONT},
    "probes": {"explain", "knowledge", "flow", "practice", "transcript", "usage", *FRONT},
    "explain": {"knowledge", "flow", *FRONT},
    "knowledge": {"flow", *FRONT},
    "flow": FRONT,
}
# Known and to be moved: the settings card and the result texts are presentation (article
# titles, a read paste's lines), so they belong above the probes, beside the front ends.
KNOWN_UPWARDS = {"troubleshooter.probes.finder_card": {"troubleshooter.knowledge.render"},
                 "troubleshooter.probes.result_text": {"troubleshooter.explain.render"}}
UNIX_OR_WINDOWS_ONLY = {"fcntl", "signal", "msvcrt", "termios", "resource"}
PROCESS_TRICKS = {"fork", "forkpty", "_exit", "killpg", "setsid"}
MODULE_PATH = re.compile(r"^troubleshooter(\.\w+)+(:\w+)?$")


def _part(module: str) -> str:
    name = module.split(".")[1] if "." in module else ""
    return "base" if name in BASE else name


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for part in node.body for child in ast.walk(part))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            if node.module == "troubleshooter":
                found.update(f"troubleshooter.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("troubleshooter.")}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: _module(path))
def test_each_module_imports_only_from_below(path: Path) -> None:
    module = _module(path)
    forbidden = FORBIDDEN.get(_part(module), set())
    upwards = sorted(name for name in _imports(path) - KNOWN_UPWARDS.get(module, set())
                     if _part(name) in forbidden or name.split(".")[1] in forbidden)
    assert not upwards, f"{module} imports from a layer above it: {upwards}"


def test_no_module_is_named_in_a_string_instead_of_imported() -> None:
    """A ``"troubleshooter.x:func"`` runner or an ``import_module("troubleshooter.x")`` guard hides a
    dependency from readers and tools. The command table of the CLI is the one list of names, and
    the test below imports every entry."""
    named = []
    for path in SOURCES:
        # ui/app: its services still look modules up by name until the app split (issue #17) lands
        if path == PACKAGE / "cli.py" or (PACKAGE / "ui" / "app") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and MODULE_PATH.match(node.value)
                    and importlib.util.find_spec(node.value.partition(":")[0]) is not None):
                named.append(f"{_module(path)}: {node.value!r}")
    assert not named


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_module_ships_and_has_its_three_parts(command: str) -> None:
    module = importlib.import_module(COMMANDS[command])
    assert module.HELP and callable(module.configure) and callable(module.run)


def test_unix_only_calls_live_in_the_portable_module() -> None:
    """fork, fcntl, signals and their Windows counterparts only in troubleshooter/portable.py,
    which has a fallback for each system."""
    found = []
    for path in SOURCES:
        if path == PACKAGE / "portable.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] in UNIX_OR_WINDOWS_ONLY for name in names):
                found.append(f"{_module(path)} imports {names}")
            if isinstance(node, ast.Attribute) and node.attr in PROCESS_TRICKS:
                found.append(f"{_module(path)} calls {ast.unparse(node)}")
    assert not found

"""The one private Textual name the app uses, pinned: ``App._fatal_error`` (``ui/app/crash.py``).

Textual prints an unhandled exception's traceback with every frame's local variables and has
no public hook to change that; the app overrides ``_fatal_error``. These tests crash the app
for real while the password sits in a local variable and in the password field: if a Textual
upgrade stops calling the override, the canary shows up (Textual's own traceback) or the
app's note is missing, and they fail. The last test shows that Textual's default does print
the canary, so the first two can fail (if it stops printing locals, the override may go:
see docs/security.md).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from test_app import make_app, settle  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import Input  # noqa: E402

from troubleshooter.ui.app.app import TroubleshooterApp  # noqa: E402

CANARY = "Kanarek-Heslo-7f3"


def crash_with_the_password_in_a_local(self) -> None:
    password = CANARY  # what a handler of ours may hold when a bug of ours strikes
    raise RuntimeError(f"a bug of ours ({len(password)} characters)")


@pytest.mark.parametrize("debug", [False, True])
async def test_a_crash_prints_neither_a_local_nor_a_typed_password(capsys, monkeypatch, debug):
    if debug:
        monkeypatch.setenv("TROUBLESHOOTER_DEBUG", "1")
    else:
        monkeypatch.delenv("TROUBLESHOOTER_DEBUG", raising=False)
    monkeypatch.setattr(TroubleshooterApp, "action_help", crash_with_the_password_in_a_local)
    app = make_app("en", flow="smtp", from_node="enter-password")
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press(*CANARY)  # typed into the password field, not submitted
            assert app.query_one("#answer Input", Input).value == CANARY
            await pilot.press("f1")
            await settle(pilot)
    printed = "".join(capsys.readouterr())
    assert "internal error (RuntimeError)" in printed  # the override ran
    assert CANARY not in printed
    assert ("a bug of ours" in printed and "Traceback" in printed) == debug


class PlainTextualApp(App):
    """Textual's own crash report, for comparison: the same bug, no override."""

    BINDINGS = [("f1", "help")]

    def compose(self) -> ComposeResult:
        yield Input(password=True)

    action_help = crash_with_the_password_in_a_local


async def test_textuals_own_crash_report_prints_the_local_password(capsys):
    with pytest.raises(RuntimeError):
        async with PlainTextualApp().run_test(size=(80, 24)) as pilot:
            await pilot.press("f1")
            await pilot.pause()
    assert CANARY in "".join(capsys.readouterr())


# -- no other private Textual name ----------------------------------------------------------
ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {"_fatal_error"}  # the crash override above; nothing else


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _overridden() -> dict[str, str]:
    """Private names the app's Textual classes define over one of a Textual base class."""
    import importlib
    import inspect

    found: dict[str, str] = {}
    for path in (ROOT / "troubleshooter" / "ui" / "app").glob("*.py"):
        module = importlib.import_module(f"troubleshooter.ui.app.{path.stem}")
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            textual_bases = [base for base in cls.__mro__ if base.__module__.split(".")[0] == "textual"]
            for name, value in vars(cls).items():  # our code's methods, not what Textual's metaclass sets
                if (_private(name) and getattr(value, "__module__", None) == module.__name__
                        and any(name in vars(base) for base in textual_bases)):
                    found[name] = f"{cls.__module__}.{cls.__qualname__}"
    return found


def test_the_app_and_the_tests_use_no_other_private_textual_name():
    """Private names read or overridden in the app and the tests that Textual defines and our
    code does not (``self._exception``, ``app._compositor``, ``App._bindings``), and imports
    from Textual's private modules (``textual.widgets._markdown``)."""
    import textual

    textual_source = "\n".join(path.read_text(encoding="utf-8")
                               for path in Path(textual.__file__).parent.rglob("*.py"))
    ours: set[str] = set()
    read: dict[str, str] = {}
    private_imports: list[str] = []
    for path in [*(ROOT / "troubleshooter").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]:
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and _private(node.name):
                ours.add(node.name)
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                if isinstance(node.ctx, ast.Store):
                    ours.add(node.attr)
                else:
                    read.setdefault(node.attr, f"{where}:{node.lineno}")
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and _private(node.id):
                ours.add(node.id)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "textual":
                names = [*(node.module or "").split("."), *(alias.name for alias in node.names)]
                if any(_private(name) for name in names):
                    private_imports.append(f"{where}:{node.lineno}")
            elif isinstance(node, ast.Import):
                private_imports += [f"{where}:{node.lineno}" for alias in node.names
                                    if alias.name.split(".")[0] == "textual"
                                    and any(_private(part) for part in alias.name.split("."))]

    def textuals(name: str) -> bool:
        return re.search(rf"(\.|def |^\s+){re.escape(name)}\b", textual_source, re.MULTILINE) is not None

    found = {name: at for name, at in read.items() if name not in ours and textuals(name)}
    found |= _overridden()
    assert {name: at for name, at in found.items() if name not in ALLOWED} == {}
    assert private_imports == []
    assert set(found) >= ALLOWED  # still there: else drop it from ALLOWED and docs/security.md

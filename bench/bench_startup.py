"""App start-up, watched from outside: process start → the first node's choices on the terminal.

Runs ``troubleshooter --lang en`` under a pseudo-terminal (80×24) and reads what it writes:
the first screen is ready for input when the last choice of the first node appears in the
terminal's output (escape sequences stripped). Beside it, the smallest Textual app (a text and
a button) to its button's label, the same way, and ``python -c "import textual.app"`` as a
floor; the runs alternate, N of each. Beside each time, the CPU time the process had used by
then (all its threads), which a busy machine disturbs less. Each process is then asked to quit
as a user would (q in the app, ctrl+q in the smallest app); the time to its exit is printed too. Target: the app
≤ 1.4× the smallest app. Nothing in the product knows it is being measured.
``--compare DIR`` also runs the app from another checkout (say, a worktree of an older commit).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import glob
import math
import os
import pty
import re
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time

from installed import ROOT, compile_package  # bench/installed.py

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Button, Static

class Minimal(App):
    def compose(self):
        yield Static("Hello")
        yield Button("Minimal ready")

Minimal().run()
"""
MINIMAL_MARK = "Minimal ready"
ESCAPES = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)")
CTRL_Q = b"\x11"  # Textual's own quit key
LIMIT = 30.0  # seconds: a run that never shows its mark is a failure, not a hang


def first_screen_mark() -> str:
    """The start of the last choice's label of the first node, in English: on screen only once
    the content is loaded and the answer area drawn."""
    sys.path.insert(0, str(ROOT))
    from troubleshooter.ui.conversation import load_content, start_session

    args = argparse.Namespace(lang="en", flows=None, flow=None, from_node=None)
    view = start_session(load_content(args), args).view()
    return view.choices[-1].label.en[:24]


def cpu_seconds(pid: int) -> float:
    """CPU time all threads of a running process have had so far (Linux: the scheduler's
    per-thread account in /proc, in nanoseconds); NaN where there is no /proc. It varies less
    than the wall time on a busy machine: it does not count the time spent waiting for a core."""
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        with contextlib.suppress(OSError, ValueError, IndexError), open(path) as handle:
            total += int(handle.read().split()[0])
    return total / 1e9 if total else math.nan


def run_once(cmd: list[str], env: dict[str, str], mark: str | None, quit_key: bytes = b"q",
             cwd: str = str(ROOT)) -> tuple[float, float, float]:
    """(seconds to ``mark`` on the terminal, seconds to the process's exit after ctrl+q, CPU
    seconds at the mark). Without a mark (the floor), the first two are the process's exit."""
    started = time.perf_counter()
    if mark is None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return elapsed, elapsed, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=secondary, stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    wanted = mark.encode()
    seen = b""
    shown_at = None
    cpu_at = math.nan
    try:
        while True:  # read everything, so the app never blocks on a full terminal
            if time.perf_counter() - started > LIMIT:
                raise SystemExit(f"{cwd}: no {mark!r} on the terminal within {LIMIT:.0f} s")
            ready, _, _ = select.select([primary], [], [], 0.5)
            if not ready:
                continue
            try:
                data = os.read(primary, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            if shown_at is None:
                seen += data
                if wanted in ESCAPES.sub(b"", seen):
                    shown_at = time.perf_counter() - started
                    cpu_at = cpu_seconds(proc.pid)
                    os.write(primary, quit_key)
        proc.wait(timeout=LIMIT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(primary)
    if shown_at is None:
        raise SystemExit(f"{cwd}: exited ({proc.returncode}) before showing {mark!r}")
    return shown_at, time.perf_counter() - started, cpu_at


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=9)
    parser.add_argument("--compare", metavar="DIR", help="another checkout whose app runs alongside")
    opts = parser.parse_args()
    compile_package()
    mark = first_screen_mark()
    app_cmd = [sys.executable, "-m", "troubleshooter", "--lang", "en"]
    trees = {"app": str(ROOT)} | ({"compare": os.path.abspath(opts.compare)} if opts.compare else {})
    if opts.compare:
        compileall.compile_dir(os.path.join(trees["compare"], "troubleshooter"), quiet=1)
    with tempfile.TemporaryDirectory() as state, tempfile.TemporaryDirectory() as caches:
        env = {**os.environ, "TROUBLESHOOTER_STATE_DIR": state, "TERM": "xterm-256color",
               "COLUMNS": "80", "LINES": "24"}
        # Each checkout gets a cache of its own, filled by a first run that is not counted: in the
        # shared one, other checkouts' runs (here or anyone's on the machine) evict the parsed
        # content now and then, and that run parses YAML again.
        tree_env = {tree: {**env, "PYTHONPATH": tree, "TROUBLESHOOTER_CACHE": os.path.join(caches, name)}
                    for name, tree in trees.items()}
        for tree in trees.values():
            run_once(app_cmd, tree_env[tree], mark, b"q", tree)
        commands = {
            "floor": ([sys.executable, "-c", "import textual.app"], None, b"", str(ROOT)),
            "minimal": ([sys.executable, "-c", MINIMAL_APP], MINIMAL_MARK, CTRL_Q, str(ROOT)),
        } | {name: (app_cmd, mark, b"q", tree) for name, tree in trees.items()}
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        names = list(commands)
        for round_ in range(opts.runs):  # alternated, so a slow spell of the machine hits all alike,
            for name in names[round_ % len(names):] + names[:round_ % len(names)]:  # in turn first
                cmd, cmd_mark, quit_key, tree = commands[name]
                run_env = tree_env[tree] if name in trees else {**env, "PYTHONPATH": tree}
                runs[name].append(run_once(cmd, run_env, cmd_mark, quit_key, tree))
    shown = {name: statistics.median(r[0] for r in found) for name, found in runs.items()}
    fastest = {name: min(r[0] for r in found) for name, found in runs.items()}
    exits = {name: statistics.median(r[1] for r in found) for name, found in runs.items()}
    cpu = {name: statistics.median(r[2] for r in found) for name, found in runs.items()}
    labels = {"floor": "floor  python -c 'import textual.app'",
              "minimal": "ref    smallest Textual app → its first screen",
              "app": "app    troubleshooter → first node's choices"}
    if opts.compare:
        labels["compare"] = f"app    … from {trees['compare']}"
    print(f"runs: {opts.runs}  python {sys.version.split()[0]}  load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs; first screen = {mark!r} on the terminal")
    for name, label in labels.items():
        line = (f"{label:<50} median {shown[name] * 1000:5.0f} ms  min {fastest[name] * 1000:5.0f} ms"
                f"  CPU {cpu[name] * 1000:4.0f} ms")
        if name in ("app", "compare"):
            line += (f"  {shown[name] / shown['minimal']:.2f}× (min {fastest[name] / fastest['minimal']:.2f}×,"
                     f" CPU {cpu[name] / cpu['minimal']:.2f}×)")
        if name != "floor":
            line += f"  exit after the quit key {exits[name] * 1000:.0f} ms"
        print(line)
    print(f"target: app ≤ 1.4× the smallest app (median); the app's own share "
          f"{(shown['app'] - shown['minimal']) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

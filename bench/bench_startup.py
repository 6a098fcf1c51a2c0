"""App start-up: process start → first conversation screen ready for input, whole process.

Runs ``troubleshooter`` under a pseudo-terminal with ``TROUBLESHOOTER_EXIT_ON_READY=1`` (the app
signals on ``TROUBLESHOOTER_READY_FD`` once the first node is painted, content loaded, then
exits), beside the floor ``python -c "import textual.app"``, N runs each, and prints medians,
the ratio, the time to process exit (adds Textual's shutdown: its input thread polls every
0.1 s) and the max RSS of the app process. Targets: < 0.6 s and ≤ 2.5× the floor.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time

from installed import ROOT, compile_package  # bench/installed.py

# A second reference: the smallest Textual app (a text and a button) to its first screen —
# what any Textual program pays on this machine before doing anything of its own.
MINIMAL_APP = """
import os
from textual.app import App
from textual.widgets import Button, Static

class Minimal(App):
    def compose(self):
        yield Static("Hello")
        yield Button("One")

    def on_ready(self):
        os.write(int(os.environ["TROUBLESHOOTER_READY_FD"]), b"ready")
        self.exit()

Minimal().run()
"""


def run_once(cmd: list[str], env: dict[str, str], use_pty: bool) -> tuple[float, float, int]:
    """(seconds to the first screen, seconds to process exit, max RSS in KiB).

    The app writes to ``TROUBLESHOOTER_READY_FD`` when its first screen is painted; the
    floor has no screen, so both of its figures are its exit.
    """
    started = time.perf_counter()
    ready_at = None
    if use_pty:
        ready_read, ready_write = os.pipe()
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=secondary, stdout=secondary, stderr=secondary,
                                env={**env, "TROUBLESHOOTER_READY_FD": str(ready_write)},
                                pass_fds=(ready_write,))
        os.close(secondary)
        os.close(ready_write)
        watched = [primary, ready_read]
        while primary in watched:  # drain the terminal so the app never blocks on output
            for fd in select.select(watched, [], [])[0]:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    data = b""
                if fd == ready_read and data and ready_at is None:
                    ready_at = time.perf_counter() - started
                if not data:
                    watched.remove(fd)
        proc.wait()
        os.close(primary)
        os.close(ready_read)
    else:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env)
        proc.wait()
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"{cmd} exited with {proc.returncode}")
    if use_pty and ready_at is None:
        raise SystemExit(f"{cmd} never reported its first screen")
    return (ready_at if ready_at is not None else elapsed), elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=7)
    opts = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as state:
        env = {**os.environ, "TROUBLESHOOTER_EXIT_ON_READY": "1", "TROUBLESHOOTER_STATE_DIR": state,
               "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        floor_cmd = [sys.executable, "-c", "import textual.app"]
        app_cmd = [sys.executable, "-m", "troubleshooter", "--lang", "en"]
        floor, minimal, app_runs = [], [], []
        for _ in range(opts.runs):  # alternated, so a slow spell of the machine hits all alike
            floor.append(run_once(floor_cmd, env, False)[0])
            minimal.append(run_once([sys.executable, "-c", MINIMAL_APP], env, True)[0])
            app_runs.append(run_once(app_cmd, env, True))
    ready = [r for r, _, _ in app_runs]
    exits = [e for _, e, _ in app_runs]
    rss_mb = max(m for _, _, m in app_runs) / 1024
    f_med, r_med, e_med = statistics.median(floor), statistics.median(ready), statistics.median(exits)
    load = os.getloadavg()[0]
    print(f"runs: {opts.runs}  python {sys.version.split()[0]}  load average {load:.1f} "
          f"on {os.cpu_count()} CPUs")
    print(f"floor  python -c 'import textual.app'      median {f_med * 1000:7.0f} ms")
    m_med = statistics.median(minimal)
    print(f"ref    minimal Textual app → first screen   median {m_med * 1000:7.0f} ms  "
          f"({m_med / f_med:.2f}× floor)")
    print(f"app    troubleshooter → first screen ready  median {r_med * 1000:7.0f} ms  "
          f"({r_med / f_med:.2f}× floor; target < 600 ms and ≤ 2.5×)")
    print(f"       of which the app's own share (app − minimal app)   {(r_med - m_med) * 1000:7.0f} ms")
    print(f"app    … → process exit (Textual shutdown)  median {e_med * 1000:7.0f} ms  "
          f"({e_med / f_med:.2f}× floor)")
    print(f"max RSS (largest child, first screen)        {rss_mb:7.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

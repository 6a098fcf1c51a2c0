"""App start-up: process start → first conversation screen ready for input, whole process.

Runs ``troubleshooter`` under a pseudo-terminal with ``TROUBLESHOOTER_EXIT_ON_READY=1`` (the app
exits right after the first node is rendered, content loaded), beside the floor
``python -c "import textual.app"``, N runs each, and prints medians, the ratio and the
max RSS of the app process. Targets: < 0.6 s and ≤ 2.5× the floor.
"""

from __future__ import annotations

import argparse
import os
import pty
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(cmd: list[str], env: dict[str, str], use_pty: bool) -> tuple[float, int]:
    started = time.perf_counter()
    if use_pty:
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(cmd, stdin=secondary, stdout=secondary, stderr=secondary, env=env)
        os.close(secondary)
        while True:  # drain the terminal so the app never blocks on output
            try:
                if not os.read(primary, 65536):
                    break
            except OSError:
                break
        proc.wait()
        os.close(primary)
    else:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        proc.wait()
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise SystemExit(f"{cmd} exited with {proc.returncode}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=7)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as state:
        env = {**os.environ, "TROUBLESHOOTER_EXIT_ON_READY": "1", "TROUBLESHOOTER_STATE_DIR": state,
               "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        floor_cmd = [sys.executable, "-c", "import textual.app"]
        app_cmd = [sys.executable, "-m", "troubleshooter", "--lang", "en"]
        floor = [run_once(floor_cmd, env, False)[0] for _ in range(opts.runs)]
        app_runs = [run_once(app_cmd, env, True) for _ in range(opts.runs)]
    app_times = [t for t, _ in app_runs]
    rss_mb = max(r for _, r in app_runs) / 1024
    f_med, a_med = statistics.median(floor), statistics.median(app_times)
    print(f"runs: {opts.runs}  python {sys.version.split()[0]}")
    print(f"floor  python -c 'import textual.app'      median {f_med * 1000:7.0f} ms")
    print(f"app    troubleshooter → first screen ready  median {a_med * 1000:7.0f} ms  "
          f"({a_med / f_med:.2f}× floor; target < 600 ms and ≤ 2.5×)")
    print(f"max RSS (largest child, first screen)        {rss_mb:7.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

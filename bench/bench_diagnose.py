"""``troubleshooter diagnose`` beside swaks, and a port sweep where two ports swallow packets.

Baseline: Debian's ``swaks`` (``apt-get install -y swaks``), the power user's SMTP test
tool, doing the same check as ``diagnose``: connect, EHLO, STARTTLS with certificate
verification against the practice CA, EHLO, AUTH PLAIN, QUIT — against the same loopback
practice server, whole process each run (start-up included), runs alternated.

Sweep: ports that never accept (a listening socket with a full backlog: on loopback packets
cannot be dropped, so new connections hang in the SYN stage as behind a dropping firewall)
next to the practice server's two ports; the sweep must end within its deadline + 10 %.

    python bench/bench_diagnose.py [--runs 15] [--sweep-deadline 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from installed import compile_package  # noqa: E402  (bench/installed.py)
from smtp_servers import never_accepting_listener, practice_server  # noqa: E402

from troubleshooter.probes.sweep import probe_port_sweep  # noqa: E402


def _time(argv: list[str], env: dict[str, str], expect: int) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env, timeout=60)
    took = time.perf_counter() - started
    if result.returncode != expect:
        raise SystemExit(f"{argv[0]} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return took


def bench_swaks(runs: int) -> None:
    swaks = shutil.which("swaks")
    if not swaks:
        raise SystemExit("swaks is not installed: apt-get install -y swaks")
    with practice_server() as server:
        user, password, ca = server.config.username, server.config.password, str(server.ca_file)
        port = str(server.starttls_port)
        swaks_argv = [swaks, "--server", f"127.0.0.1:{port}", "--tls", "--tls-verify", "--tls-ca-path", ca,
                      "--auth", "PLAIN", "--auth-user", user, "--auth-password", password,
                      "--quit-after", "AUTH", "--silent", "1"]
        ours_argv = [sys.executable, "-m", "troubleshooter", "diagnose", "--host", "127.0.0.1", "--port", port,
                     "--security", "starttls", "--user", user, "--password-env", "PW", "--ca-file", ca,
                     "--lang", "en"]
        env = {**os.environ, "PW": password, "PYTHONPATH": str(ROOT)}
        floor_argv = [sys.executable, "-c", "import asyncio, ssl; ssl.create_default_context()"]
        ours, theirs, floor_runs = [], [], []
        _time(ours_argv, env, 0), _time(swaks_argv, env, 0)  # warm the page cache
        for _ in range(runs):
            ours.append(_time(ours_argv, env, 0))
            theirs.append(_time(swaks_argv, env, 0))
            floor_runs.append(_time(floor_argv, env, 0))
    m_ours, m_theirs = statistics.median(ours), statistics.median(theirs)
    print(f"STARTTLS + verified certificate + AUTH PLAIN, whole process, {runs} runs each (alternated)")
    floor = statistics.median(floor_runs)
    for name, runs_of in (("swaks 20201014.0 (baseline)", theirs), ("troubleshooter diagnose", ours),
                          ("python: import asyncio + CA store", floor_runs)):
        median_ms, min_ms = statistics.median(runs_of) * 1000, min(runs_of) * 1000
        print(f"  {name:<34} median {median_ms:7.1f} ms   min {min_ms:7.1f} ms")
    print(f"  floor / swaks: {floor / m_theirs:.2f} (Python start-up + asyncio + system CA store, no SMTP)")
    print(f"  ratio diagnose / swaks (median): {m_ours / m_theirs:.2f}  (target <= 1.0)")


def bench_sweep(deadline: float, runs: int) -> None:
    with (practice_server() as server, never_accepting_listener() as dead_a,
          never_accepting_listener() as dead_b):
        ports = f"{server.starttls_port},{server.tls_port},{dead_a},{dead_b}"
        took = []
        for _ in range(runs):
            started = time.monotonic()
            outcome = asyncio.run(probe_port_sweep({"host": "127.0.0.1", "ports": ports}, deadline=deadline))
            took.append(time.monotonic() - started)
        states = {p["port"]: (p["state"], p.get("speaks")) for p in outcome.facts["ports"]}
    limit = deadline * 1.1
    print(f"Port sweep, 2 open ports + 2 that never accept, deadline {deadline:.1f} s, {runs} runs")
    verdict = "OK" if max(took) <= limit else "OVER"
    print(f"  median {statistics.median(took):.3f} s   max {max(took):.3f} s   "
          f"limit (deadline + 10 %) {limit:.3f} s   {verdict}")
    print(f"  outcome {outcome.outcome}, suggestion {outcome.facts.get('suggestion')}, ports {states}")


def main() -> None:
    compile_package()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sweep-deadline", type=float, default=3.0)
    parser.add_argument("--sweep-runs", type=int, default=5)
    args = parser.parse_args()
    bench_swaks(args.runs)
    bench_sweep(args.sweep_deadline, args.sweep_runs)


if __name__ == "__main__":
    main()

"""Time ``troubleshooter lint`` on a generated 10,000-node flow, whole process, beside ``python -c pass``.

What a maintainer waits for after saving a flow is the whole command: interpreter start,
imports, YAML parsing, model building and the checks. So this runs it as a subprocess N
times, the cases alternated run by run, and prints medians next to the bare interpreter
start as the baseline:

- first run: the cache directory is empty (the first command after installing);
- new file: a flow never seen before, the program's own files cached (every part parsed);
- one node edited: the text of one node changed since the last lint (one part parsed);
- unchanged: the parsed copy is cached (lint over many flows after editing one).

    python bench/bench_lint.py [--nodes 10000] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from installed import ROOT, compile_package  # bench/installed.py

MODELINE = "# yaml-language-server: $schema=../troubleshooter/flow/flow.schema.json\n"


def generate_flow(nodes: int) -> str:
    """A lint-clean flow cycling through every node kind; each node also links further ahead."""
    lines = [MODELINE, "id: bench\n", "title: {cs: Zátěžový tok, en: Benchmark flow}\n",
             "start: n0\n", "nodes:\n"]
    last = nodes - 1
    for i in range(last):
        nxt, skip = f"n{i + 1}", f"n{min(i + 7, last)}"
        kind = i % 4
        lines.append(f"  n{i}:\n")
        if kind == 0:
            lines.append(
                "    kind: question\n"
                f"    text: {{cs: Otázka {i}?, en: Question {i}?}}\n"
                "    choices:\n"
                f"      - {{id: \"yes\", label: {{cs: Ano, en: \"Yes\"}}, next: {nxt}}}\n"
                f"      - {{id: \"no\", label: {{cs: Ne, en: \"No\"}}, next: {skip}}}\n"
            )
        elif kind == 1:
            lines.append(
                "    kind: input\n"
                f"    text: {{cs: Server {i}?, en: Host {i}?}}\n"
                f"    input: {{name: host{i}, kind: host}}\n"
                f"    next: {nxt}\n"
            )
        elif kind == 2:
            lines.append(
                "    kind: probe\n"
                f"    text: {{cs: Zkouším {i}., en: Trying {i}.}}\n"
                "    probe: smtp-connection\n"
                f"    args: {{host: $host{i - 1}, port: \"465\", security: ssl}}\n"
                "    outcomes:\n"
                f"      ok: {nxt}\n"
                f"      dns-not-found: {skip}\n"
                f"    default: {skip}\n"
            )
        else:
            lines.append(
                "    kind: info\n"
                f"    text: {{cs: Informace {i}., en: Information {i}.}}\n"
                f"    next: {nxt}\n"
            )
    lines.append(f"  n{last}:\n    kind: end\n    status: resolved\n"
                 "    text: {cs: Hotovo., en: Done.}\n")
    return "".join(lines)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall time and CPU time (user + system) of one run of the child, and its exit code.

    CPU time and the fastest run are printed too because the machine is shared: under load
    the wall time grows with the queue for the cores; the fastest of N runs is the closest
    to the program alone on the machine.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done.returncode


def new_flow(nodes: int, run: int) -> str:
    """A flow with the same shape but text never seen before (every part of it is new)."""
    return generate_flow(nodes).replace("?,", f" ({run})?,")


def edit_one_node(path: Path, run: int) -> None:
    """What a maintainer does between two lints: change the text of one node."""
    text = path.read_text(encoding="utf-8")
    node = 4000 + 4 * run  # a question node
    old = f"Question {node}?"
    path.write_text(text.replace(old, f"Question {node} edited?", 1), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    compile_package()
    rows = {"python -c pass (baseline)": [], "lint, first run (cache empty)": [],
            "lint, new file (never seen)": [], "lint, one node edited": [],
            "lint, file unchanged (cached)": []}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TROUBLESHOOTER_CACHE": str(Path(tmp) / "warm")}
        flows = Path(tmp) / "flows"
        flows.mkdir()
        flow = flows / "bench.yaml"
        flow.write_text(generate_flow(args.nodes), encoding="utf-8")
        lint_cmd = [sys.executable, "-m", "troubleshooter", "lint", "--lang", "en",
                    "--kb", str(Path(tmp) / "no-kb"), str(flows)]
        subprocess.run(lint_cmd, cwd=ROOT, env=env, capture_output=True)  # fills the warm cache
        code = 0
        for run in range(args.runs):  # alternated, so a slow spell of the machine hits all alike
            rows["python -c pass (baseline)"].append(timed([sys.executable, "-c", "pass"], env))
            cold = {**env, "TROUBLESHOOTER_CACHE": str(Path(tmp) / f"cold-{run}")}  # never written to
            rows["lint, first run (cache empty)"].append(timed(lint_cmd, cold))
            fresh = Path(tmp) / f"new-{run}"
            fresh.mkdir()
            (fresh / "bench.yaml").write_text(new_flow(args.nodes, run), encoding="utf-8")
            rows["lint, new file (never seen)"].append(timed([*lint_cmd[:-1], str(fresh)], env))
            edit_one_node(flow, run)
            rows["lint, one node edited"].append(timed(lint_cmd, env))
            rows["lint, file unchanged (cached)"].append(timed(lint_cmd, env))
            code = max(code, *(row[-1][2] for row in rows.values()))
    print(f"nodes: {args.nodes}, runs: {args.runs}, lint exit code: {code}, "
          f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':34} {'wall (median)':>14} {'wall (min)':>12} {'CPU (median)':>14}")
    walls = {}
    for name, runs in rows.items():
        walls[name] = statistics.median(wall for wall, _, _ in runs)
        fastest = min(wall for wall, _, _ in runs)
        cpu = statistics.median(cpu for _, cpu, _ in runs)
        print(f"{name:34} {walls[name] * 1000:11.1f} ms {fastest * 1000:9.1f} ms {cpu * 1000:11.1f} ms")
    base = walls.pop("python -c pass (baseline)")
    print("ratio to the baseline (wall): " + ", ".join(
        f"{name.removeprefix('lint, ').split(' (')[0]} {wall / base:.1f}x" for name, wall in walls.items()))
    print("target: load + lint under 1000 ms")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

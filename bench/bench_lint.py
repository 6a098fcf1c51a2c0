"""``troubleshooter lint`` of a never-seen 10,000-node flow beside libyaml just reading its events.

What a maintainer waits for after saving a flow is the whole command: interpreter start,
imports, YAML parsing, model building and the checks. The floor is what any PyYAML-based
tool pays for the same file: the interpreter, PyYAML's import and libyaml's events, in

    python -c "import yaml
    for e in yaml.parse(open(F), Loader=yaml.CSafeLoader): pass"

The same events kept in a list (``[e for e in yaml.parse(...)]``) are timed too: holding
270k objects makes the garbage collector walk them again and again, so that line is a much
slower (weaker) floor, shown for reference. All run as whole processes, alternated run by
run; every run gets a new flow (text never seen) and lint an empty cache directory, so no
cache helps. Target: lint ≤ 2.5× the first floor.

    python bench/bench_lint.py [--nodes 10000] [--runs 7] [--compare DIR]

``--compare DIR`` also lints each flow with the package of another checkout (say, an export of
an older commit: ``git archive main | tar -x -C DIR``), alternated with the others, for A/Bs.
"""

from __future__ import annotations

import argparse
import compileall
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


def timed(command: list[str], env: dict[str, str], cwd: str | Path = ROOT) -> tuple[float, float, int]:
    """Wall time and CPU time (user + system) of one run of the child, and its exit code.

    CPU time and the fastest run are printed too because the machine is shared: under load
    the wall time grows with the queue for the cores; the fastest of N runs is the closest
    to the program alone on the machine.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done.returncode


def new_flow(nodes: int, run: int) -> str:
    """A flow with the same shape but text never seen before."""
    return generate_flow(nodes).replace("?,", f" ({run})?,")


TARGET = 2.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", metavar="DIR", help="another checkout whose lint runs alongside")
    args = parser.parse_args()
    compile_package()
    floor_name, listed_name, lint_name = "libyaml events (floor)", "events in a list", "troubleshooter lint"
    compare_name = "lint of --compare"
    rows: dict[str, list[tuple[float, float, int]]] = {floor_name: [], listed_name: [], lint_name: []}
    trees = {lint_name: str(ROOT)}
    if args.compare:
        trees[compare_name] = os.path.abspath(args.compare)
        compileall.compile_dir(Path(trees[compare_name]) / "troubleshooter", quiet=1)
        rows[compare_name] = []
    code = 0
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):  # alternated, so a slow spell of the machine hits both alike
            fresh = Path(tmp) / f"new-{run}"
            fresh.mkdir()
            flow = fresh / "bench.yaml"
            flow.write_text(new_flow(args.nodes, run), encoding="utf-8")
            events = "yaml.parse(open(sys.argv[1], encoding='utf-8'), Loader=yaml.CSafeLoader)"
            floor = [sys.executable, "-c", f"import sys, yaml\nfor e in {events}: pass", str(flow)]
            listed = [sys.executable, "-c", f"import sys, yaml\n[e for e in {events}]", str(flow)]
            lint = [sys.executable, "-m", "troubleshooter", "lint", "--lang", "en",
                    "--kb", str(Path(tmp) / "no-kb"), str(fresh)]
            order = [(floor_name, floor), (listed_name, listed)] + [(name, lint) for name in trees]
            for name, command in order[run % len(order):] + order[:run % len(order)]:
                tree = trees.get(name, str(ROOT))
                run_env = {**os.environ, "PYTHONPATH": tree}
                if name in trees:  # a cache directory of its own, empty: nothing cached
                    run_env["TROUBLESHOOTER_CACHE"] = str(Path(tmp) / f"cache-{run}-{list(trees).index(name)}")
                rows[name].append(timed(command, run_env, tree))
            code = max(code, *(row[-1][2] for row in rows.values()))
    print(f"nodes: {args.nodes}, runs: {args.runs}, exit codes: {code}, "
          f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'':26} {'wall (median)':>14} {'wall (min)':>12} {'CPU (median)':>14}")
    walls, cpus = {}, {}
    for name, runs in rows.items():
        walls[name] = statistics.median(wall for wall, _, _ in runs)
        fastest = min(wall for wall, _, _ in runs)
        cpus[name] = statistics.median(cpu for _, cpu, _ in runs)
        print(f"{name:26} {walls[name] * 1000:11.1f} ms {fastest * 1000:9.1f} ms {cpus[name] * 1000:11.1f} ms")
    ratio = walls[lint_name] / walls[floor_name]
    print(f"ratio lint / floor (median wall): {ratio:.2f}x  (target <= {TARGET}x: "
          f"{'met' if ratio <= TARGET else 'NOT met'}); lint / events kept in a list: "
          f"{walls[lint_name] / walls[listed_name]:.2f}x")
    # On a shared machine the wall time queues for the cores; the CPU time much less so.
    print(f"ratio lint / floor (median CPU): {cpus[lint_name] / cpus[floor_name]:.2f}x")
    if args.compare:
        print(f"--compare {trees[compare_name]}: {walls[compare_name] / walls[floor_name]:.2f}x the floor "
              f"(CPU {cpus[compare_name] / cpus[floor_name]:.2f}x); this tree / --compare: "
              f"{walls[lint_name] / walls[compare_name]:.3f} wall, "
              f"{cpus[lint_name] / cpus[compare_name]:.3f} CPU")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

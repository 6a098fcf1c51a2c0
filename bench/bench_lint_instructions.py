"""Instructions, not seconds: the stages of ``lint`` counted by valgrind's callgrind.

On a shared 2-vCPU VM a wall-clock A/B of a 50 ms change drowns in the noise (a fixed loop of
5 million additions took 0.59–0.94 s here within a minute). Callgrind counts the instructions a
process executes, the same count run after run whatever else the machine does, so a change to
the parser, the loader or the checks can be judged on its own. Each stage runs in a process of
its own on a generated flow, beside a baseline process that imports the same modules and does
nothing; the figure per stage is the difference.

    python bench/bench_lint_instructions.py [--nodes 2000]

Needs ``valgrind`` (Debian's package). About a minute for 2,000 nodes (callgrind runs ~50×
slower than the CPU).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_lint import generate_flow  # bench/bench_lint.py
from installed import ROOT, compile_package  # bench/installed.py

STAGES = {
    "baseline": "imports and one parse for the document, nothing measured",
    "parse": "yamlio: the flow's text → plain data (libyaml events, our loop)",
    "model": "loader: plain data → flow model, every field checked",
    "checks": "lint: graph, reachability, exits, probes, articles",
}


def run_stage(stage: str, flow_file: str) -> None:
    """The measured process: everything a stage needs is imported and prepared first."""
    from troubleshooter import yamlio
    from troubleshooter.flow.lint import lint_load
    from troubleshooter.flow.loader import FlowLoad, build_flow
    from troubleshooter.flow.model import FlowSet

    text = Path(flow_file).read_text(encoding="utf-8")
    gc.disable()
    doc = yamlio.loads(text, "bench.yaml")
    if stage == "parse":
        yamlio.loads(text, "bench.yaml")
    elif stage in ("model", "checks"):
        flow = build_flow(doc, [])
        if stage == "checks":
            assert flow is not None
            lint_load(FlowLoad(FlowSet({flow.id: flow}), {flow.id: doc}, []), kb_dir=flow_file + ".no-kb")


def count(stage: str, flow_file: str, env: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
             __file__, "--stage", stage, flow_file],
            env=env, capture_output=True, text=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode or not found:
            raise SystemExit(f"stage {stage} failed:\n{done.stderr[-2000:]}")
        return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("flow", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        run_stage(args.stage, args.flow)
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        flow_file = str(Path(tmp) / "bench.yaml")
        Path(flow_file).write_text(generate_flow(args.nodes), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0",
               "TROUBLESHOOTER_CACHE": str(Path(tmp) / "cache")}
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            counts = pool.map(lambda stage: count(stage, flow_file, env), STAGES)
            totals = dict(zip(STAGES, counts, strict=True))
    base = totals["baseline"]
    print(f"nodes: {args.nodes}, instructions (callgrind Ir), each stage minus the baseline process")
    print(f"{'baseline (whole process)':26} {base / 1e6:10.1f} M   {STAGES['baseline']}")
    for stage in list(STAGES)[1:]:
        extra = totals[stage] - (totals["model"] if stage == "checks" else base)
        print(f"{stage:26} {extra / 1e6:10.1f} M   {extra / args.nodes:8.0f} per node   {STAGES[stage]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``troubleshooter test-flows [PATHS]``: play scripted conversations against the flows.

Each scenario is reported PASS/FAIL with the failing step's file:line:col; the run also
lists end nodes no scenario reaches. Exit 1 on any failure (and, for the shipped scenarios
or with ``--require-all-ends``, on an unreached end). Uses the engine only: no network.
"""

from __future__ import annotations

import argparse
import json
import sys

from troubleshooter.commands import add_file_options

HELP = "run scenario tests (scripted conversations) against the flows"


def configure(parser: argparse.ArgumentParser) -> None:
    add_file_options(parser, "scenario files or directories (default: the scenarios directory of the flows)")
    parser.add_argument("--require-all-ends", action=argparse.BooleanOptionalAction, default=None,
                        help="fail when an end node is reached by no scenario "
                             "(default: on for the shipped scenarios, off for given PATHS)")


def run(args: argparse.Namespace) -> int:
    from troubleshooter.content import flows_dir
    from troubleshooter.flow.loader import load_flows
    from troubleshooter.flow.scenarios import load_scenarios, run_scenarios
    from troubleshooter.i18n import detect_lang, tr

    lang = detect_lang(args.lang)
    folder = flows_dir(args.flows)
    paths = args.paths or [folder / "scenarios"]
    require_all = (not args.paths) if args.require_all_ends is None else args.require_all_ends
    loaded = load_flows([folder])
    scenarios, problems = load_scenarios(paths)
    problems = [*(d for d in loaded.diagnostics if d.severity == "error"), *problems]
    if not scenarios and not problems:
        print(tr("test-flows.no-scenarios", lang, paths=", ".join(map(str, paths))), file=sys.stderr)
        return 1
    report = run_scenarios(scenarios, loaded.flows, problems)
    passed = len(report.results) - len(report.failed)
    unreached = ", ".join(map(str, report.unreached_ends)) or tr("test-flows.none", lang)
    if args.format == "json":
        json.dump({
            "passed": passed, "failed": len(report.failed), "ok": report.ok(require_all),
            "scenarios": [{
                "name": r.scenario.name, "path": r.scenario.path, "line": r.scenario.line,
                "lang": r.scenario.lang, "passed": r.passed,
                "reached": str(r.reached) if r.reached else None,
                "failure": r.failure.to_json(lang) if r.failure else None,
            } for r in report.results],
            "problems": [d.to_json(lang) for d in report.problems],
            "unreached_ends": [str(ref) for ref in report.unreached_ends],
            "nodes": {"total": report.nodes_total, "visited": report.nodes_visited},
        }, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for diagnostic in report.problems:
            print(diagnostic.format(lang))
        for result in report.results:
            mark = tr("test-flows.pass" if result.passed else "test-flows.fail", lang)
            print(f"{mark:<5} {result.scenario.path}: {result.scenario.name} [{result.scenario.lang}]")
            if result.failure:
                print(f"      {result.failure.format(lang)}")
        if require_all:
            for ref in report.unreached_ends:
                print(f"{loaded.flows.flow(ref.flow).path}: error scenario-end-unreached "
                      f"{tr('lint.scenario-end-unreached', lang, node=str(ref))}")
        print(tr("test-flows.summary", lang, passed=passed, total=len(report.results),
                 visited=report.nodes_visited, nodes=report.nodes_total, unreached=unreached),
              file=sys.stderr)
    return 0 if report.ok(require_all) else 1

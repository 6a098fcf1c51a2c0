"""``troubleshooter graph FLOW``: print a flow as a Mermaid or Graphviz diagram.

FLOW is a flow id (looked up in the flows directory) or a path to a flow file; other flows
in the same directory are loaded too, so jumps into them are drawn with their targets.
``--focus NODE`` draws one node's neighbourhood with every edge; ``--stats FILE…`` adds
usage figures; ``--format svg|png`` renders through Graphviz's ``dot`` when it is installed.
"""

from __future__ import annotations

import argparse
import sys

from troubleshooter.commands import add_content_options, add_lang_option

HELP = "print a flow as a diagram (Mermaid, Graphviz DOT, or SVG/PNG through Graphviz)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", metavar="FLOW", help="flow id (e.g. smtp) or a flow file")
    parser.add_argument("--format", choices=("mermaid", "dot", "svg", "png"), default="mermaid",
                        help="diagram language (default: mermaid); svg and png need Graphviz")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the diagram here instead of stdout")
    parser.add_argument("--focus", metavar="NODE", help="draw only this node's neighbourhood")
    parser.add_argument("--depth", type=int, default=1, metavar="N",
                        help="with --focus: how many steps around the node (default 1)")
    parser.add_argument("--every-edge", action="store_true",
                        help="draw every exit as its own edge (no bundling into sections)")
    parser.add_argument("--stats", nargs="+", metavar="FILE",
                        help="usage records or exported transcripts: visit counts and drop-off")
    parser.add_argument("--since", metavar="DATE", help="with --stats: conversations since DATE")
    add_lang_option(parser)
    add_content_options(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from troubleshooter.cache import write_atomic
    from troubleshooter.commands.stats import parse_since
    from troubleshooter.content import flows_dir
    from troubleshooter.diagnostics import has_errors
    from troubleshooter.flow.graph import diagram, render_dot, render_mermaid
    from troubleshooter.flow.loader import load_flows
    from troubleshooter.i18n import detect_lang, tr

    lang = detect_lang(args.lang)
    given = Path(args.flow)
    if given.suffix in (".yaml", ".yml") and given.is_file():
        alone = load_flows([given])
        flow_id = next(iter(alone.flows.flows), args.flow)
        beside = load_flows([given.parent])  # its neighbours, so jumps into them resolve
        load = beside if flow_id in beside.flows else alone
    else:
        load, flow_id = load_flows([flows_dir(args.flows)]), args.flow
    if has_errors(load.diagnostics):
        print(tr("tools.graph-load-errors", lang), file=sys.stderr)
    if flow_id not in load.flows:
        print(tr("tools.graph-unknown-flow", lang, flow=flow_id,
                 known=", ".join(sorted(load.flows.flows)) or "-"), file=sys.stderr)
        return 1
    figures = None
    if args.stats:
        from troubleshooter.usage.stats import load_figures

        try:
            figures = load_figures(args.stats, parse_since(args.since))
        except ValueError:
            print(tr("stats.bad-since", lang, value=args.since), file=sys.stderr)
            return 2
    try:
        chart = diagram(load.flows, flow_id, lang, focus=args.focus, depth=args.depth,
                        bundle=not args.every_edge, figures=figures)
    except KeyError:
        print(tr("graph.unknown-node", lang, flow=flow_id, node=args.focus), file=sys.stderr)
        return 1
    source = render_mermaid(chart) if args.format == "mermaid" else render_dot(chart)
    if args.format in ("svg", "png"):
        rendered = _through_dot(source, args.format, lang)
        if rendered is None:
            return 1
        output: bytes = rendered
    else:
        output = source.encode("utf-8")
    if args.output:
        write_atomic(Path(args.output), output)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(output)
    return 0


def _through_dot(source: str, fmt: str, lang) -> bytes | None:
    """The DOT source rendered by Graphviz; ``None`` (and a note) when ``dot`` is missing or fails."""
    import shutil
    import subprocess

    from troubleshooter.i18n import tr

    dot = shutil.which("dot")
    if dot is None:
        print(tr("graph.no-dot", lang, format=fmt), file=sys.stderr)
        return None
    done = subprocess.run([dot, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True,
                          timeout=60, check=False)
    if done.returncode != 0:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        print(tr("graph.dot-failed", lang, error=error[-1] if error else done.returncode), file=sys.stderr)
        return None
    return done.stdout

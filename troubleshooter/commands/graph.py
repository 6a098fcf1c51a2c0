"""``troubleshooter graph FLOW``: print a flow as a Mermaid or Graphviz diagram.

FLOW is a flow id (looked up in the flows directory) or a path to a flow file; other flows
in the same directory are loaded too, so jumps into them are drawn with their targets.
"""

from __future__ import annotations

import argparse
import sys

from troubleshooter.commands import add_content_options, add_lang_option

HELP = "print a flow as a diagram (Mermaid or Graphviz DOT)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", metavar="FLOW", help="flow id (e.g. smtp) or a flow file")
    parser.add_argument("--format", choices=("mermaid", "dot"), default="mermaid",
                        help="diagram language (default: mermaid)")
    add_lang_option(parser)
    add_content_options(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from troubleshooter.content import flows_dir
    from troubleshooter.diagnostics import has_errors
    from troubleshooter.flow.graph import to_dot, to_mermaid
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
    render = to_dot if args.format == "dot" else to_mermaid
    sys.stdout.write(render(load.flows, flow_id, lang))
    return 0

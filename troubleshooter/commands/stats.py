"""``troubleshooter stats [FILES…]``: where users get stuck, from usage records and exports.

FILES are usage records (``usage.jsonl`` written with ``--record DIR``), exported
conversation transcripts (JSON), or directories holding them; none given: the record
directory of ``TROUBLESHOOTER_RECORD``.
"""

from __future__ import annotations

import argparse
import json
import sys

from troubleshooter.commands import add_lang_option

HELP = "usage figures from recorded conversations: ends, drop-off per step, unanswered questions"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="usage records, exported transcripts (JSON) or directories of them")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--since", metavar="DATE", help="only conversations started on or after DATE")
    parser.add_argument("--top", type=int, default=10, metavar="N", help="rows in each list (default 10)")
    add_lang_option(parser)


def parse_since(value: str | None):
    """``--since`` as a datetime, or ``None``; ``ValueError`` for a malformed date."""
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from troubleshooter.i18n import detect_lang, tr
    from troubleshooter.safe_text import visible_line
    from troubleshooter.usage.record import record_dir
    from troubleshooter.usage.stats import load_figures

    lang = detect_lang(args.lang)
    try:
        since = parse_since(args.since)
    except ValueError:
        print(f"troubleshooter stats: {tr('stats.bad-since', lang, value=args.since)}", file=sys.stderr)
        return 2
    files = args.files or ([str(d)] if (d := record_dir(None)) else [])
    for name in files:
        if not Path(name).exists():
            print(f"troubleshooter stats: {tr('stats.no-files', lang, path=name)}", file=sys.stderr)
            return 2
    figures = load_figures(files, since)
    if args.format == "json":
        print(json.dumps(figures.to_json(), ensure_ascii=False, indent=2))
        return 0
    if not figures.sessions:
        print(tr("stats.none", lang))
        return 0
    out = [tr("stats.title", lang, sessions=figures.sessions)]
    out.append(f"{tr('stats.front-ends', lang)}: " + _pairs(figures.by_front_end.most_common()))
    out.append(f"{tr('stats.languages', lang)}: " + _pairs(figures.by_lang.most_common()))
    out.append(tr("stats.ends", lang, resolved=figures.ends.get("resolved", 0),
                  unresolved=figures.ends.get("not-resolved", 0),
                  escalated=figures.ends.get("escalate", 0), abandoned=figures.abandoned))
    out.append("")
    out.append(tr("stats.nodes", lang))
    for node, visits in figures.visits.most_common(args.top):
        out.append("  " + tr("stats.node-line", lang, node=node, visits=visits,
                             drop=figures.drop_off.get(node, 0)))
        exits = figures.exits.get(node)
        if exits:
            out.append("      → " + _pairs(exits.most_common(5)))
    for heading, counter in (("stats.probes", figures.probe_outcomes), ("stats.articles", figures.articles)):
        if counter:
            out.append("")
            out.append(tr(heading, lang))
            out.extend(f"  {count:>4}  {name}" for name, count in counter.most_common(args.top))
    if figures.questions:
        out.append("")
        out.append(tr("stats.questions", lang, asked=figures.questions,
                      unanswered=figures.questions_unanswered))
        if figures.unanswered:
            out.append(tr("stats.unanswered", lang))
            unanswered = figures.unanswered.most_common(args.top)
            out.extend(f"  {count:>4}  {visible_line(text)}" for text, count in unanswered)
    if figures.skipped:
        out.append("")
        out.append(tr("stats.skipped", lang, count=figures.skipped))
    print("\n".join(out))
    return 0


def _pairs(items) -> str:
    return ", ".join(f"{name} {count}" for name, count in items)

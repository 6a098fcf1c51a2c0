"""``troubleshooter explain "TEXT"``: what a pasted red message means and what to do.

Exit codes: 0 explained, 1 not recognised (the answer then suggests ``diagnose``), 2 usage
error. ``-`` (or no text) reads the message from stdin, so a whole transcript can be piped in.
"""

from __future__ import annotations

import argparse
import json
import sys

from troubleshooter.commands import add_lang_option

HELP = "explain a red error message (PHPMailer, WordPress, SMTP reply) in plain words"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", default="-",
                        help='the message, quoted; "-" or nothing reads it from stdin')
    add_lang_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable result")


def run(args: argparse.Namespace) -> int:
    from troubleshooter.explain import explain
    from troubleshooter.i18n import detect_lang, tr
    from troubleshooter.probes.catalog import describe

    lang = detect_lang(args.lang)
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        print(f"troubleshooter explain: {tr('explain.empty', lang)}", file=sys.stderr)
        return 2
    found = explain(text)
    info = describe(found.outcome)
    if args.json:
        payload = found.to_json() | {"title": info.title.get(lang), "cause": info.cause.get(lang),
                                     "advice": info.advice.get(lang), "lang": lang}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0 if found.explained else 1
    print(f"{info.title.get(lang)}")
    print(f"  {info.cause.get(lang)}")
    print(f"{tr('explain.advice', lang)} {info.advice.get(lang)}")
    if found.evidence:
        print(f"{tr('explain.evidence', lang)} " + " · ".join(found.evidence)
              + f"  ({tr(f'explain.confidence.{found.confidence}', lang)})")
    if info.article:
        print(f"{tr('explain.article', lang)} {info.article}")
    if info.node:
        print(f"{tr('explain.node', lang)} {info.node}")
    return 0 if found.explained else 1

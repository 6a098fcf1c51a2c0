"""``troubleshooter ask "QUESTION"``: the knowledge base's best answers from the command line.

Exit 0 when an article fits well, 1 when it does not (the output then offers the guided
flow). Imports the search and rich only; never Textual.
"""

from __future__ import annotations

import argparse
import json
import sys

from troubleshooter.commands import add_lang_option

HELP = "answer a question (or explain a pasted error) from the knowledge base"
# The question is free text: words after these options are text even if they start with "-".
TEXT_AFTER_OPTIONS = {"--json": False, "--full": False, "--kb": True, "--lang": True, "-h": False,
                      "--help": False}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="*", help="the question, in Czech or English")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--full", action="store_true", help="also show the best article in full")
    parser.add_argument("--kb", metavar="DIR",
                        help="articles directory (default: $TROUBLESHOOTER_KB or the shipped articles)")
    add_lang_option(parser)


def run(args: argparse.Namespace) -> int:
    from troubleshooter.i18n import detect_lang

    lang = detect_lang(args.lang)
    from troubleshooter.limits import cut_note, cut_paste

    question, cut = cut_paste(" ".join(args.question).strip())
    if cut:
        print(f"troubleshooter ask: {cut_note(lang)}", file=sys.stderr)
    if not question:
        from troubleshooter.i18n import tr

        print(f"troubleshooter ask: {tr('kb.ask-question-needed', lang)}", file=sys.stderr)
        return 2
    from troubleshooter.content import kb_dir
    from troubleshooter.i18n import tr
    from troubleshooter.knowledge.index import index_for
    from troubleshooter.knowledge.search import ask

    if not index_for(args.kb).docs:
        print(tr("kb.ask-no-articles", lang, path=kb_dir(args.kb)), file=sys.stderr)
        return 2
    result = ask(question, lang, args.kb)
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        from troubleshooter.knowledge.render import print_ask

        print_ask(result, lang, full=args.full, kb_dir=args.kb)
    return 0 if result.confident else 1

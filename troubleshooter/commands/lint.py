"""``troubleshooter lint [PATHS]``: check flows like a compiler checks code.

Prints every finding as ``path:line:col: error|warning CODE message``, sorted, a summary
on stderr, and exits 1 when any finding is an error. Imports only the loader and lint
(no Textual, no probe code), so it is quick enough for an editor's save hook.
"""

from __future__ import annotations

import argparse
import json
import sys

from troubleshooter.commands import add_file_options

HELP = "check flows (syntax, targets, reachability, translations, probes, articles)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_file_options(parser, "flow files or directories (default: the flows directory)")
    parser.add_argument("--eval", nargs="?", const="", metavar="QUESTIONS",
                        help="knowledge base: how well ask answers labelled questions (hit@1, hit@3, "
                             "confident share and precision) per language; default: the tuning and "
                             "the held-out set in tests/data/ of the source tree")


def run(args: argparse.Namespace) -> int:
    if args.eval is not None:
        from troubleshooter.i18n import detect_lang
        from troubleshooter.knowledge.evaluate import print_eval

        return print_eval(args.kb, detect_lang(args.lang), args.eval or None)
    return lint_flows(args)


def lint_flows(args: argparse.Namespace) -> int:
    from troubleshooter.content import flows_dir, kb_dir
    from troubleshooter.diagnostics import has_errors
    from troubleshooter.flow.lint import lint_load
    from troubleshooter.flow.loader import load_flows
    from troubleshooter.i18n import detect_lang, tr
    from troubleshooter.yamlio import yaml_files

    lang = detect_lang(args.lang)
    paths = args.paths or [flows_dir(args.flows)]
    files = yaml_files(paths)
    load = load_flows(files)
    # Articles are checked against the flows when all shipped flows are linted or --kb is given.
    whole = not args.paths or args.kb is not None
    found = lint_load(load, incomplete=len(files) > len(load.documents), kb_dir=kb_dir(args.kb),
                      kb_checks=whole)
    errors = sum(d.severity == "error" for d in found)
    if args.format == "json":
        json.dump({"files": len(files), "errors": errors, "warnings": len(found) - errors,
                   "diagnostics": [d.to_json(lang) for d in found]},
                  sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.writelines(d.format(lang) + "\n" for d in found)
    print(tr("tools.lint-summary", lang, errors=errors, warnings=len(found) - errors, files=len(files)),
          file=sys.stderr)
    return 1 if has_errors(found) else 0

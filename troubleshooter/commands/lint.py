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
    parser.add_argument("--mark-translated", nargs="+", metavar="ID|PATH",
                        help="record that these translations are up to date: a text id "
                             "(smtp:intro.text, kb:smtp-test, strings:app.quit, or a prefix), "
                             "a flow or article file, 'new' (texts with no marker) or 'all'")


def run(args: argparse.Namespace) -> int:
    if args.eval is not None:
        from troubleshooter.i18n import detect_lang
        from troubleshooter.knowledge.evaluate import print_eval

        return print_eval(args.kb, detect_lang(args.lang), args.eval or None)
    if args.mark_translated:
        return mark_translated(args)
    return lint_flows(args)


def _tracked_texts(args: argparse.Namespace, files, markers, load=None):
    """The bilingual texts of the linted flows, and of the articles and UI strings when the
    shipped content (or --kb) is linted as a whole. ``load``: the flows as lint loaded them
    (their files are not read again)."""
    from troubleshooter.content import display_path, kb_dir
    from troubleshooter.translations import all_texts

    whole = not args.paths or args.kb is not None
    parsed = {doc.path: doc for doc in load.documents.values()} if load is not None else None
    return all_texts(files, kb_dir(args.kb) if whole else None, markers, strings=not args.paths,
                     display=display_path, parsed=parsed)


def mark_translated(args: argparse.Namespace) -> int:
    from troubleshooter.content import flows_dir
    from troubleshooter.i18n import detect_lang, tr
    from troubleshooter.translations import Markers
    from troubleshooter.translations import mark_translated as mark
    from troubleshooter.yamlio import yaml_files

    lang = detect_lang(args.lang)
    markers = Markers()
    files = yaml_files(args.paths or [flows_dir(args.flows)])
    marked = mark(_tracked_texts(args, files, markers), args.mark_translated, markers)
    for tracked in marked:
        print(tracked.item)
    print(tr("translations.marked", lang, count=len(marked)), file=sys.stderr)
    return 0 if marked or args.mark_translated == ["new"] else 1


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
    from troubleshooter.translations import Markers, stale

    markers = Markers()
    stale_found, untracked = stale(_tracked_texts(args, files, markers, load), markers)
    found = sorted([*found, *stale_found], key=lambda d: d.sort_key())
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
    if untracked:
        print(tr("translations.untracked", lang, count=untracked), file=sys.stderr)
    return 1 if has_errors(found) else 0

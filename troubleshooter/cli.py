"""The ``troubleshooter`` command: opens the conversation or runs a subcommand.

Subcommand modules are imported only when named, and the Textual app only when shown,
so maintainers' and help-desk commands start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from troubleshooter import __version__
from troubleshooter.commands import (
    HelpFormatter,
    RawDescriptionHelpFormatter,
    UsageError,
    add_content_options,
    add_lang_option,
    add_record_options,
    usage_error,
)

# Each command's module, imported only when that command is named (a test imports them all).
COMMANDS: dict[str, str] = {
    "lint": "troubleshooter.commands.lint",
    "graph": "troubleshooter.commands.graph",
    "test-flows": "troubleshooter.commands.flow_scenarios",
    "diagnose": "troubleshooter.commands.diagnose",
    "explain": "troubleshooter.commands.explain",
    "practice-server": "troubleshooter.commands.practice_server",
    "ask": "troubleshooter.commands.ask",
    "find-settings": "troubleshooter.commands.find_settings",
    "serve": "troubleshooter.commands.serve",
    "stats": "troubleshooter.commands.stats",
}


def _conversation_parser() -> argparse.ArgumentParser:
    listing = "\n".join(
        f"  {name:<16} {importlib.import_module(module).HELP}" for name, module in COMMANDS.items()
    ) if "--help" in sys.argv or "-h" in sys.argv else "  " + ", ".join(COMMANDS)
    parser = argparse.ArgumentParser(
        prog="troubleshooter",
        description="Why do my website's e-mails not arrive? A guided SMTP troubleshooter (cs/en).",
        epilog=f"commands (troubleshooter COMMAND --help):\n{listing}",
        formatter_class=RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"troubleshooter {__version__}")
    parser.add_argument("--plain", action="store_true",
                        help="line-by-line conversation on stdin/stdout (screen readers, pipes)")
    parser.add_argument("--flow", metavar="ID", help="flow to start (default: smtp)")
    parser.add_argument("--from", dest="from_node", metavar="NODE",
                        help="start at this node (maintainers' preview)")
    parser.add_argument("--ca-file", metavar="FILE",
                        help="also trust this CA certificate in the checks (e.g. the practice server's)")
    # Set by `troubleshooter serve` for each browser session: probes run under this policy file.
    parser.add_argument("--served", metavar="POLICY", help=argparse.SUPPRESS)
    # ... and who the visitor is (the login caps count per visitor across their sessions)
    parser.add_argument("--served-visitor", metavar="ADDRESS", default="", help=argparse.SUPPRESS)
    add_lang_option(parser)
    add_content_options(parser)
    add_record_options(parser)
    return parser


def entry() -> None:
    """The console script and ``python -m troubleshooter``; in-process callers use :func:`main`."""
    code = main()
    from troubleshooter.teardown import skip_final_collection

    skip_final_collection()
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the conversation or a command; the exit code."""
    import os

    from troubleshooter import clock

    clock.begin()  # --timeout counts from here, or from the process's start in a fresh process
    from troubleshooter.redaction import ShownStream

    args_list = list(sys.argv[1:] if argv is None else argv)
    # What a command or the plain mode prints may quote servers, DNS, pastes and articles:
    # every write shows control characters as visible escapes (the Textual app draws its own).
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ShownStream(sys.stdout), ShownStream(sys.stderr)  # type: ignore[assignment]
    try:
        return _main(args_list)
    except BrokenPipeError:  # `troubleshooter … | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug of ours: a short note, not a traceback that might quote input
        from troubleshooter.i18n import detect_lang, tr
        from troubleshooter.yamlio import LibyamlMissing  # here: a warm start parses no YAML

        if isinstance(exc, LibyamlMissing):  # an installation without libyaml: say how to fix it
            print(f"troubleshooter: {exc}", file=sys.stderr)
            return 70
        if os.environ.get("TROUBLESHOOTER_DEBUG"):  # the traceback, scrubbed like all output
            import traceback

            print(traceback.format_exc(), file=sys.stderr)

        lang = detect_lang(_lang_option(args_list))
        print(f"troubleshooter: {tr('cli.internal-error', lang, error=type(exc).__name__)}",
              file=sys.stderr)
        return 70
    finally:
        sys.stdout, sys.stderr = streams


def _text_tail(args: list[str], options: dict[str, bool]) -> list[str]:
    """For a command whose positional words are free text (``ask``): from the first word that
    is not one of its ``options`` (name -> takes a value) on, everything is text, so a pasted
    ``->`` or ``-5.7.8`` is not taken for an option. ``--`` works as usual."""
    index = 0
    while index < len(args):
        word = args[index]
        name = word.partition("=")[0]
        if word == "--" or name not in options:
            break
        index += 2 if options[name] and "=" not in word else 1
    if index < len(args) and args[index] != "--":
        return [*args[:index], "--", *args[index:]]
    return args


def _lang_option(args: list[str]) -> str | None:
    """``--lang en`` / ``--lang=en`` as typed, for a message said before or without the parser."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1]
    return None


def _main(args_list: list[str]) -> int:
    if args_list and args_list[0] in COMMANDS:
        name = args_list[0]
        module = importlib.import_module(COMMANDS[name])
        parser = argparse.ArgumentParser(prog=f"troubleshooter {name}", description=module.HELP,
                                         formatter_class=HelpFormatter)
        module.configure(parser)
        text_after = getattr(module, "TEXT_AFTER_OPTIONS", None)
        args = parser.parse_args(_text_tail(args_list[1:], text_after) if text_after else args_list[1:])
        try:
            return int(module.run(args) or 0)
        except UsageError as error:  # a command line that cannot work, said in the user's language
            from troubleshooter.i18n import detect_lang

            return usage_error(name, error, detect_lang(getattr(args, "lang", None)))
        except KeyboardInterrupt:
            return 130
    args = _conversation_parser().parse_args(args_list)
    try:
        if args.plain or not (args.served or _on_a_terminal()):
            from troubleshooter.ui.plain import run_plain

            return run_plain(args)
        from troubleshooter.ui.app.main import run_app

        # Textual draws to the terminal itself, and its own escape codes must pass
        sys.stdout, sys.stderr = (getattr(s, "wrapped", s) for s in (sys.stdout, sys.stderr))
        return run_app(args)
    except KeyboardInterrupt:
        return 130


def _on_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


if __name__ == "__main__":  # pragma: no cover
    entry()

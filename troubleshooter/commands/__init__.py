"""Subcommands of the ``troubleshooter`` command line, one module each.

Each module exposes ``HELP`` (one line), ``configure(parser)`` and ``run(args) -> int``,
and imports heavy things inside ``run`` only, so ``troubleshooter lint`` never pays for
Textual or the probes.
"""

from __future__ import annotations

import argparse
import os
import sys

from troubleshooter.i18n import LANGS, Lang


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, as wide as the terminal. argparse builds a formatter for every
    option it is given (to check the option's metavar) and sizes it with ``shutil``, whose
    import brings the compression modules; every command would pay that before it runs."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        if width is None:
            width = terminal_columns() - 2  # argparse's own margin
        super().__init__(prog, indent_increment, max_help_position, width)


class RawDescriptionHelpFormatter(HelpFormatter, argparse.RawDescriptionHelpFormatter):
    """:class:`HelpFormatter` that keeps the description's and epilog's own line breaks."""


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``: ``$COLUMNS``, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def add_content_options(parser: argparse.ArgumentParser) -> None:
    """``--flows`` and ``--kb``: a maintainer's working copy instead of the shipped content."""
    parser.add_argument("--flows", metavar="DIR",
                        help="flows directory (default: $TROUBLESHOOTER_FLOWS or the shipped flows)")
    parser.add_argument("--kb", metavar="DIR",
                        help="articles directory (default: $TROUBLESHOOTER_KB or the shipped articles)")


def add_record_options(parser: argparse.ArgumentParser) -> None:
    """``--record DIR``: the opt-in, anonymous usage record maintainers read with ``stats``."""
    parser.add_argument("--record", metavar="DIR",
                        help="append anonymous usage events to DIR/usage.jsonl "
                             "(default: $TROUBLESHOOTER_RECORD; off when neither is set)")
    parser.add_argument("--record-hosts", action="store_true",
                        help="with --record: also record the server names checks ran against")
    parser.add_argument("--record-questions", action="store_true",
                        help="with --record: also record the text of questions asked")


def add_file_options(parser: argparse.ArgumentParser, paths_help: str) -> None:
    """What the maintainers' file commands (lint, test-flows) share: the paths, ``--format``,
    ``--lang`` and the content directories."""
    parser.add_argument("paths", nargs="*", metavar="PATH", help=paths_help)
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    add_lang_option(parser)
    add_content_options(parser)


def add_result_options(parser: argparse.ArgumentParser) -> None:
    """What the checks (diagnose, find-settings, explain) share: ``--lang`` and ``--json``."""
    add_lang_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable result")


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGS,
                        help="language (default: from LANG/LC_ALL, else cs)")


def add_password_options(parser: argparse.ArgumentParser, purpose: str = "the password") -> None:
    """``--password-env VAR`` / ``--password-stdin``; a plain ``--password`` is accepted by the
    parser only so that it can be refused with the reason (shell history, process list)."""
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password-env", metavar="VAR", help=f"{purpose}: from this environment variable")
    secret.add_argument("--password-stdin", action="store_true",
                        help=f"{purpose}: from the first line of stdin")
    secret.add_argument("--password", help=argparse.SUPPRESS)


class UsageError(Exception):
    """A command line that cannot work; ``key`` names its message in the string catalogue."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def read_password(args: argparse.Namespace) -> str:
    """The password the user handed over safely, or "" when none; never from argv. Held
    (:func:`troubleshooter.redaction.hold`): nothing the command prints can show it."""
    from troubleshooter.redaction import hold

    password = _password(args)
    hold(password, username=getattr(args, "user", None) or "")
    return password


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        raise UsageError("cli.password-argv")
    if args.password_env:
        if args.password_env not in os.environ:
            raise UsageError("cli.password-env-missing", name=args.password_env)
        value = os.environ[args.password_env]
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes, kept by Python as surrogates
            raise UsageError("cli.password-not-utf8") from None
        return value
    if args.password_stdin:
        return password_from_stdin()
    return ""


def password_from_stdin() -> str:
    """The first line of stdin, which must be UTF-8 (what the server gets is UTF-8)."""
    from troubleshooter.limits import read_line

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream handed in by a test or an embedding program
        line, _ = read_line(sys.stdin, 4096)
        return line.rstrip("\r\n")
    raw = stream.readline(4097)
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        raise UsageError("cli.password-not-utf8") from None


def refuse(command: str, lang: Lang, key: str, **params: object) -> int:
    """:func:`usage_error` for the message ``key`` of the string catalogue; exit code 2."""
    return usage_error(command, UsageError(key, **params), lang)


def usage_error(command: str, error: UsageError, lang: Lang) -> int:
    """Print a usage error in the user's language; exit code 2."""
    from troubleshooter.i18n import tr

    print(f"troubleshooter {command}: {tr(error.key, lang, **error.params)}", file=sys.stderr)
    return 2

"""Subcommands of the ``troubleshooter`` command line, one module each.

Each module exposes ``HELP`` (one line), ``configure(parser)`` and ``run(args) -> int``,
and imports heavy things inside ``run`` only, so ``troubleshooter lint`` never pays for
Textual or the probes.
"""

from __future__ import annotations

import argparse

from troubleshooter.i18n import LANGS


def add_content_options(parser: argparse.ArgumentParser) -> None:
    """``--flows`` and ``--kb``: a maintainer's working copy instead of the shipped content."""
    parser.add_argument("--flows", metavar="DIR",
                        help="flows directory (default: $TROUBLESHOOTER_FLOWS or the shipped flows)")
    parser.add_argument("--kb", metavar="DIR",
                        help="articles directory (default: $TROUBLESHOOTER_KB or the shipped articles)")


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGS,
                        help="language (default: from LANG/LC_ALL, else cs)")

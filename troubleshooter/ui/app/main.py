"""Entry point of the Textual app (``troubleshooter`` with no subcommand, on a terminal)."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace) -> int:
    from troubleshooter.ui.app.app import TroubleshooterApp

    app = TroubleshooterApp(args)
    result = app.run()
    return int(result or 0) if app.return_code in (None, 0) else int(app.return_code or 1)

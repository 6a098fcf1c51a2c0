"""Entry point of the Textual app (``troubleshooter`` with no subcommand, on a terminal)."""

from __future__ import annotations

import argparse


def run_app(args: argparse.Namespace) -> int:
    import gc

    # Start-up builds tens of thousands of objects that live as long as the app (Textual's
    # classes and styles, the widgets, the content) and next to no garbage; the cyclic
    # collector would walk them over and over before the first screen. The app freezes them
    # and turns the collector back on once that screen is shown.
    gc.disable()
    from troubleshooter.ui.app.app import TroubleshooterApp

    app = TroubleshooterApp(args)
    result = app.run()
    return int(result or 0) if app.return_code in (None, 0) else int(app.return_code or 1)

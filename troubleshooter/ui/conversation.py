"""What every front end does the same way: load the content, pick the language, start a session.

Kept free of any UI toolkit so the plain mode, the Textual app and the browser share it.
"""

from __future__ import annotations

import argparse

from msgspec import Struct

from troubleshooter.content import flows_dir
from troubleshooter.diagnostics import Diagnostic, has_errors
from troubleshooter.flow.engine import Session
from troubleshooter.flow.loader import load_flows
from troubleshooter.flow.model import FlowSet
from troubleshooter.i18n import Lang, detect_lang


class Startup(Struct):
    flows: FlowSet
    diagnostics: list[Diagnostic]
    lang: Lang

    @property
    def broken(self) -> bool:
        return has_errors(self.diagnostics)


def load_content(args: argparse.Namespace) -> Startup:
    loaded = load_flows([flows_dir(getattr(args, "flows", None))])
    return Startup(loaded.flows, loaded.diagnostics, detect_lang(getattr(args, "lang", None)))


def start_session(startup: Startup, args: argparse.Namespace) -> Session:
    return Session.begin(startup.flows, getattr(args, "flow", None),
                         getattr(args, "from_node", None), startup.lang)

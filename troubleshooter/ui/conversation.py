"""What every front end does the same way: load the content, pick the language, start a session.

Kept free of any UI toolkit so the plain mode, the Textual app and the browser share it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from msgspec import Struct

from troubleshooter.content import flows_dir
from troubleshooter.diagnostics import Diagnostic, has_errors
from troubleshooter.flow.engine import Session
from troubleshooter.flow.loader import load_flows
from troubleshooter.flow.model import FlowSet
from troubleshooter.i18n import Lang, detect_lang

if TYPE_CHECKING:
    from troubleshooter.usage.record import Recorder


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


def usage_recorder(args: argparse.Namespace, front_end: str, session: Session) -> Recorder | None:
    """The usage record of this conversation, when the maintainer turned recording on."""
    from troubleshooter import __version__
    from troubleshooter.usage.record import open_recorder

    return open_recorder(getattr(args, "record", None), front_end=front_end,
                         flow=session.start.flow, content=__version__,
                         record_hosts=bool(getattr(args, "record_hosts", False)),
                         record_questions=bool(getattr(args, "record_questions", False)))


def start_session(startup: Startup, args: argparse.Namespace) -> Session:
    return Session.begin(startup.flows, getattr(args, "flow", None),
                         getattr(args, "from_node", None), startup.lang)

"""What the app does differently when ``troubleshooter serve`` runs it for a browser visitor.

Started with ``--served POLICY``: every probe runs under that target policy, the probe panel
says the check tests the server's network (not the visitor's), a refusal is explained in
the visitor's language, and the transcript is downloaded by the browser instead of being
written on the server. Kept apart from app.py so the terminal app reads as before.
"""

from __future__ import annotations

import argparse
import io
from typing import TYPE_CHECKING

from troubleshooter.i18n import Lang, Text, tr

if TYPE_CHECKING:
    from textual.app import App

    from troubleshooter.flow.engine import Session
    from troubleshooter.probes.outcome import ProbeOutcome
    from troubleshooter.probes.policy import TargetPolicy


def served_policy(args: argparse.Namespace) -> TargetPolicy | None:
    """The session's target policy when served, else None (a terminal user probes freely)."""
    path = getattr(args, "served", None)
    if not path:
        return None
    from dataclasses import replace

    from troubleshooter.probes.policy import load_policy_file

    return replace(load_policy_file(path), visitor=getattr(args, "served_visitor", "") or "")


def network_note(policy: TargetPolicy | None, lang: Lang) -> str:
    """The line shown with every probe when served; empty in the terminal."""
    return tr("serve.network-note", lang) if policy is not None else ""


def refusal(outcome: ProbeOutcome, lang: Lang) -> str | None:
    """Why the policy refused the probe, in the visitor's language; None if it was not refused."""
    message = outcome.facts.get("message") if outcome.outcome == "refused-by-policy" else None
    if not isinstance(message, dict):
        return None
    return Text(str(message.get("cs", "")), str(message.get("en", ""))).get(lang)


def deliver_transcript(app: App, session: Session, filename: str) -> None:
    """Send the Markdown and JSON transcripts to the browser as downloads."""
    import textual

    from troubleshooter.transcript import build, to_json, to_markdown

    data = build(session, versions={"textual": textual.__version__})
    stem = filename.rsplit("/", 1)[-1].removesuffix(".md") or "troubleshooter"
    app.deliver_text(io.StringIO(to_markdown(data)), save_filename=f"{stem}.md",
                     mime_type="text/markdown", encoding="utf-8")
    app.deliver_text(io.StringIO(to_json(data)), save_filename=f"{stem}.json",
                     mime_type="application/json", encoding="utf-8")

"""One provider path walked live (issue #13): the practice server answers like Microsoft 365 once
password login is off (550 5.7.30), the real probes run against it on loopback, and the
conversation lands on the fix that says the administrator has to act."""

from __future__ import annotations

import asyncio
from pathlib import Path

from smtp_servers import practice_server

from troubleshooter.flow.engine import Session
from troubleshooter.flow.loader import load_flows
from troubleshooter.flow.probes import probe_spec

ROOT = Path(__file__).resolve().parent.parent
USER = "web@practice.test"
PASSWORD = "Spravne-Heslo-2026"


def _run_probe(session: Session) -> str:
    spec = probe_spec(session.node().probe.name)
    outcome = asyncio.run(spec.run(session.probe_arguments(), deadline=5))
    session.record_probe(outcome)
    return outcome.outcome


def test_microsoft_365_password_login_off_walked_live_to_the_administrator():
    flows = load_flows([ROOT / "flows"]).flows
    with practice_server(["no-starttls", "basic-auth-off"], username=USER, password=PASSWORD) as server:
        session = Session.begin(flows, node_id="enter-host", lang="en")
        session.submit("127.0.0.1")
        session.submit(str(server.starttls_port), keep=True)
        session.choose("none")
        session.submit(USER)
        session.submit(USER)
        session.submit(PASSWORD)
        session.choose("check")
        assert session.current.node == "check-connection"
        assert _run_probe(session) == "ok"
        assert session.current.node == "check-login"
        assert _run_probe(session) == "auth-basic-off"
    view = session.view()
    assert session.current.node == "fix-auth-disabled"
    shown = view.text.get("en") + view.title.get("en")
    assert "administrator" in shown and "OAuth" in shown
    # the practice server on 127.0.0.1 is no provider the data knows: the date that password login
    # went off comes from data/providers.yaml with the provider known, here the article says it
    assert "since when it is off by default" in shown and "2026" not in shown
    assert PASSWORD not in repr(session)

"""A value the conversation already holds is not asked for as if it were new (issue 14 item 12):
a question about it offers the answer it holds first, said to be what the user entered or what
a check found; the other answers stay, for a setting changed since."""

from __future__ import annotations

from pathlib import Path

from troubleshooter.flow.engine import Session
from troubleshooter.flow.loader import load_flows
from troubleshooter.probes.outcome import ProbeOutcome

ROOT = Path(__file__).resolve().parent.parent
FLOWS = load_flows([ROOT / "flows"]).flows


def _values(port: str, security: str, host: str = "smtp.mojefirma.cz") -> Session:
    session = Session.begin(FLOWS, "smtp", "enter-host", "en")
    session.submit(host)
    session.submit(port)
    session.choose(security)
    return session


def _labels(session: Session) -> list[tuple[str, str]]:
    return [(c.id, c.label.get(session.lang)) for c in session.view().choices if not c.engine]


def test_connect_which_port_offers_the_port_and_encryption_entered_first():
    session = _values("465", "none")
    session.jump("connect-which-port")
    first, *others = _labels(session)
    assert first == ("465-other", "465 and TLS (STARTTLS) or no encryption – as you entered")
    assert [cid for cid, _ in others] == ["465-ssl", "587-tls", "587-ssl", "port-25", "unknown"]
    assert not any("as you entered" in label for _, label in others)


def test_a_port_no_choice_names_leaves_the_question_as_it_was():
    session = _values("2525", "starttls")
    session.jump("connect-which-port")
    assert [cid for cid, _ in _labels(session)] == ["465-ssl", "465-other", "587-tls", "587-ssl",
                                                     "port-25", "unknown"]


def test_a_stored_choice_asked_again_is_first_and_says_whose_it_is():
    session = _values("587", "starttls")
    session.jump("choose-security")
    assert _labels(session)[0] == ("starttls", "TLS (STARTTLS) – as you entered")
    published = _values("465", "ssl", host="smtp.seznam.cz")  # Seznam publishes 465 with SSL
    published.jump("choose-security")
    assert _labels(published)[0] == ("ssl", "SSL – as you entered and as Seznam.cz publishes")


def test_a_value_a_check_found_is_said_to_be_found_until_the_user_types_it():
    session = Session.begin(FLOWS, "smtp", "find-sender", "cs")
    session.submit("info@mojefirma.cz")
    card = {"host": "mail.mojefirma.cz", "port": 465, "security": "tls", "username": "info@mojefirma.cz"}
    session.record_probe(ProbeOutcome("find-settings", "found", facts={"card": card}))
    session.choose("use-found")
    session.submit("mail.mojefirma.cz")
    session.submit("465")
    assert _labels(session)[0] == ("ssl", "SSL – jak našla kontrola")
    session.choose("ssl")  # chosen by the user now: it is theirs
    session.jump("connect-which-port")
    assert _labels(session)[0] == ("465-ssl", "465 a SSL – jak jste zadali")

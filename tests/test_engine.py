"""The conversation engine: stepping, back/restart/jump, language, escalation, resume, secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from troubleshooter.flow.engine import FlowError, Session
from troubleshooter.flow.model import ESCALATE_NODE, NodeRef

PASSWORD = "Tajne-Heslo-42"
ROOT = Path(__file__).resolve().parent.parent


def at(session: Session) -> str:
    return session.current.node


def to_password(session: Session) -> None:
    """Walk the main flow through every value up to the connection check."""
    for choice in ("set-up", "mioweb", "next", "on", "have-values", "together"):
        session.choose(choice)
    assert session.submit("smtp.example.cz").accepted
    assert session.submit("465").accepted
    session.choose("ssl")
    assert session.submit("web@example.cz").accepted
    assert session.submit("web@example.cz").accepted
    assert session.submit(PASSWORD).accepted
    assert at(session) == "offer-check"


def test_choose_moves_and_rejects_unknown_choices(flows):
    session = Session.begin(flows, "smtp")
    assert at(session) == "intro"
    view = session.choose("set-up")
    assert view.ref == NodeRef("smtp", "which-site")
    with pytest.raises(FlowError):
        session.choose("no-such-choice")
    with pytest.raises(FlowError):
        session.choose("next")  # only info nodes continue
    assert at(session) == "which-site"


def test_engine_supplies_continue_and_escalate(flows):
    session = Session.begin(flows, "smtp", "where-setting")
    ids = [c.id for c in session.view().choices]
    assert ids == ["next", "escalate"]
    assert all(c.engine for c in session.view().choices)
    end = Session.begin(flows, "smtp", "resolved").view()
    assert end.is_end and end.choices == ()


def test_escalate_goes_to_the_flows_support_node(flows):
    session = Session.begin(flows, "smtp", "enter-port")
    view = session.choose("escalate")
    assert view.ref == NodeRef("smtp", "support") and view.status == "escalate"


def test_escalate_without_an_authored_node_ends_in_the_engines_end(flows):
    session = Session.begin(flows, "mini")
    view = session.choose("escalate")
    assert view.ref.node == ESCALATE_NODE and view.is_end and view.status == "escalate"
    assert view.text is not None and view.text.cs and view.text.en
    assert session.back().ref == NodeRef("mini", "smtp-on")


def test_submit_holds_on_findings_and_keep_accepts(flows):
    session = Session.begin(flows, "smtp", "enter-host")
    held = session.submit("smtp.example.cz:465")
    assert not held.accepted and [f.code for f in held.findings] == ["host-has-port"]
    assert at(session) == "enter-host" and session.steps == []
    kept = session.submit("smtp.example.cz:465", keep=True)
    assert kept.accepted and at(session) == "enter-port"
    assert session.steps[-1].findings == ("host-has-port",)


def test_error_findings_block_even_with_keep(flows):
    session = Session.begin(flows, "smtp", "enter-port")
    result = session.submit("70000", keep=True)
    assert not result.accepted and result.blocking
    assert at(session) == "enter-port"


def test_a_stored_choice_reports_a_port_encryption_mismatch(flows):
    session = Session.begin(flows, "smtp", "enter-port")
    session.submit("465")
    view = session.choose("starttls")
    assert [f.code for f in view.findings] == ["port-security-mismatch"]
    assert session.values == {"port": "465", "security": "starttls"}
    assert session.submit("web@example.cz").accepted
    assert session.view().findings == ()  # shown once, at the node after the choice


def test_back_restart_and_values(flows):
    session = Session.begin(flows, "smtp", "enter-host")
    session.submit("smtp.example.cz")
    session.submit("587")
    assert session.values["port"] == "587"
    assert session.back().ref.node == "enter-port"
    assert "port" not in session.values and session.values["host"] == "smtp.example.cz"
    session.back()
    session.back()  # nothing left to undo: stays at the start
    assert at(session) == "enter-host" and session.values == {}
    session.submit("smtp.example.cz")
    assert session.restart().ref.node == "enter-host" and session.steps == []


def test_jump_within_and_across_flows(flows):
    session = Session.begin(flows, "smtp")
    assert session.jump("fix-credentials").ref == NodeRef("smtp", "fix-credentials")
    assert session.jump("mini:done").ref == NodeRef("mini", "done")
    with pytest.raises(FlowError):
        session.jump("no-such-node")
    assert session.back().ref == NodeRef("smtp", "fix-credentials")


def test_set_lang_keeps_the_state(flows):
    session = Session.begin(flows, "smtp", lang="cs")
    session.choose("set-up")
    before = (session.current, list(session.steps))
    view = session.set_lang("en")
    assert session.lang == "en" and (session.current, session.steps) == before
    assert view.text.get(session.lang) == "What is your website built with?"


def test_probe_outcomes_and_default(flows):
    session = Session.begin(flows, "smtp")
    to_password(session)
    session.choose("check")
    assert session.probe_arguments() == {"host": "smtp.example.cz", "port": "465", "security": "ssl"}
    assert session.record_probe("ok").ref.node == "check-login"
    assert session.probe_arguments()["password"] == PASSWORD
    assert session.record_probe("auth-failed").ref.node == "fix-credentials"
    session.choose("check-again")
    assert at(session) == "check-login"
    assert session.record_probe("something-new").ref.node == "fix-unexpected"


def test_back_from_a_checks_result_goes_to_the_step_before_the_check(flows):
    """Back never lands on a check (it would only run again): a chain of checks counts as one."""
    session = Session.begin(flows, "smtp")
    to_password(session)
    session.choose("check")
    session.record_probe("ok")
    session.record_probe("auth-failed")
    assert at(session) == "fix-credentials"
    assert session.back().ref.node == "offer-check"
    assert session.view().after_check is None


def test_check_again_is_an_explicit_choice_after_a_result(flows):
    session = Session.begin(flows, "smtp")
    to_password(session)
    assert "check-again" not in [c.id for c in session.view().choices]
    session.choose("check")
    session.record_probe("connection-timeout")
    view = session.view()
    assert view.after_check == "smtp-connection"
    assert [c.id for c in view.choices][-2:] == ["check-again", "escalate"]
    session.choose("check-again")
    assert at(session) == "check-connection"
    session.record_probe("certificate-name-mismatch")
    assert at(session) == "fix-certificate"
    # back from the second result: to where "check again" was chosen (the first result)
    assert session.back().ref.node == "fix-blocked-port"
    assert session.back().ref.node == "offer-check"
    with pytest.raises(FlowError):
        session.choose("check-again")
    # the path replays (resume) with the choice in it
    session.choose("check")
    session.record_probe("deadline")
    session.choose("check-again")
    again = Session.from_json(flows, json.loads(json.dumps(session.to_json())))
    assert at(again) == "check-connection"


def test_secrets_stay_out_of_json_repr_and_path(flows):
    session = Session.begin(flows, "smtp")
    to_password(session)
    dumped = json.dumps(session.to_json())
    assert PASSWORD not in dumped
    assert PASSWORD not in repr(session)
    assert all(PASSWORD not in repr(step) and step.answer != PASSWORD for step in session.steps)
    assert PASSWORD not in repr(session.view())
    assert "password" not in session.values
    assert session.secret_values() == [PASSWORD]


def test_resume_from_json_then_ask_for_the_secret_again(flows):
    session = Session.begin(flows, "smtp", lang="en")
    to_password(session)
    session.choose("check")
    session.record_probe("ok")
    saved = json.loads(json.dumps(session.to_json()))
    resumed = Session.from_json(flows, saved)
    assert resumed.current == session.current == NodeRef("smtp", "check-login")
    assert resumed.lang == "en" and resumed.values == session.values
    assert resumed.missing_values() == ["password"]
    assert "password" not in resumed.probe_arguments()
    resumed.provide_secret("password", PASSWORD)
    assert resumed.missing_values() == []
    assert resumed.probe_arguments()["password"] == PASSWORD
    assert resumed.record_probe("ok").ref.node == "login-ok"


def test_resume_tolerates_a_changed_flow(flows):
    session = Session.begin(flows, "smtp")
    session.choose("set-up")
    data = session.to_json()
    data["steps"].append({"node": "smtp:which-site", "kind": "choose", "answer": "gone-choice"})
    resumed = Session.from_json(flows, data)
    assert at(resumed) == "which-site" and len(resumed.steps) == 1


def test_provide_secret_for_an_unknown_name_fails(flows):
    session = Session.begin(flows, "smtp")
    with pytest.raises(FlowError):
        session.provide_secret("password", PASSWORD)


def test_begin_rejects_unknown_flow_and_node(flows):
    with pytest.raises(FlowError):
        Session.begin(flows, "nope")
    with pytest.raises(FlowError):
        Session.begin(flows, "smtp", "nope")


def test_back_over_the_password_forgets_it(flows):
    session = Session.begin(flows, "smtp")
    to_password(session)
    session.back()
    assert at(session) == "enter-password" and session.secret_values() == []
    session.submit("another-one")
    assert session.secret_values() == ["another-one"]


def test_unset_optional_values_are_left_out_and_only_required_ones_reported(flows):
    session = Session.begin(flows, "smtp", "find-settings", lang="en")
    # nothing typed yet: the finder's optional typed-value parameters are simply absent
    args = session.probe_arguments()
    assert not any(name.startswith("entered_") for name in args)
    assert session.missing_values() == []  # no secret was ever given, so none is "forgotten"
    assert session.unset_values() == ["sender"]  # required by the probe, never typed


def test_adopting_what_a_check_proposes_stores_it_and_checks_again(flows):
    """A sweep's working port/encryption and a known provider host among the certificate's
    names become the values; the choice is offered only when the check proposes something."""
    from troubleshooter.probes.outcome import ProbeOutcome

    session = Session.begin(flows, "smtp")
    to_password(session)
    session.choose("check")
    session.record_probe("certificate-name-mismatch")
    assert "use-certificate-name" not in [c.id for c in session.view().choices]
    session.choose("check-again")
    session.record_probe(ProbeOutcome("smtp-connection", "certificate-name-mismatch", facts={
        "host": "smtp.example.cz", "verify_reason": "name-mismatch",
        "certificate": {"subject": "smtp.seznam.cz", "names": ["smtp.seznam.cz"]}}))
    assert "use-certificate-name" in [c.id for c in session.view().choices]
    session.choose("use-certificate-name")
    assert at(session) == "check-connection" and session.values["host"] == "smtp.seznam.cz"
    assert session.probe_arguments()["host"] == "smtp.seznam.cz"
    session.record_probe("connection-timeout")
    session.choose("sweep")
    session.submit("smtp.seznam.cz")
    sweep = {"suggestion": {"port": 587, "security": "starttls"}}
    session.record_probe(ProbeOutcome("port-sweep", "ok", facts=sweep))
    session.choose("use-found")
    assert (session.values["port"], session.values["security"]) == ("587", "starttls")
    assert at(session) == "check-connection"
    replayed = Session.from_json(flows, json.loads(json.dumps(session.to_json())))
    assert replayed.values["port"] == "587" and at(replayed) == "check-connection"


def test_texts_follow_what_the_user_said(flows):
    session = Session.begin(flows, "smtp", lang="cs")
    for choice in ("set-up", "wordpress", "next", "have-values"):
        session.choose(choice)
    assert "pluginu" in session.view().text.cs
    session.choose("test")
    view = session.view()
    assert "Miowebu" not in view.text.cs and "WP Mail SMTP" in view.text.cs
    assert "Mioweb" not in " ".join(c.label.cs + c.label.en for c in view.choices)
    mioweb = Session.begin(flows, "smtp", "test")
    assert "Úplně dole v nastavení SMTP" in mioweb.view().text.cs


def test_found_settings_become_the_defaults_of_the_values(flows):
    from troubleshooter.probes.outcome import ProbeOutcome

    session = Session.begin(flows, "smtp", "find-sender")
    session.submit("info@seznam.cz")
    card = {"host": "smtp.seznam.cz", "port": 465, "security": "tls", "username": "info@seznam.cz"}
    session.record_probe(ProbeOutcome("find-settings", "found-unverified", facts={"card": card}))
    assert at(session) == "fill-values" and session.view().choices[0].id == "use-found"
    session.choose("use-found")
    assert session.view().input.current == "smtp.seznam.cz"
    assert (session.values["port"], session.values["security"]) == ("465", "ssl")
    assert session.values["username"] == "info@seznam.cz"


def test_reading_a_pasted_message_again_is_not_offered(flows):
    session = Session.begin(flows, "smtp", "explain-message")
    session.record_probe("auth-failed")
    assert "check-again" not in [c.id for c in session.view().choices]
    with pytest.raises(FlowError):
        session.choose("check-again")

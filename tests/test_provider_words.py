"""Texts and values that follow the mail provider (issue 14 item 12): the engine learns the
provider, renders its facts from data/providers.yaml, offers its values; lint keeps the
placeholders honest; the plain mode shows it all and Enter takes what is offered."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from troubleshooter.flow.engine import Session
from troubleshooter.flow.lint import lint
from troubleshooter.flow.loader import load_flows
from troubleshooter.flow.probes import probe_spec
from troubleshooter.probes.outcome import ProbeOutcome
from troubleshooter.ui.plain import PlainConversation

ROOT = Path(__file__).resolve().parent.parent
FLOWS = load_flows([ROOT / "flows"]).flows
MODELINE = "# yaml-language-server: $schema=../troubleshooter/flow/flow.schema.json\n"


def _at(node: str) -> Session:
    return Session.begin(FLOWS, "smtp", node, "cs")


def test_the_provider_comes_from_what_the_user_typed_and_the_last_word_counts():
    session = _at("enter-host")
    assert session.provider_id is None
    session.submit("smtp.seznam.cz")
    assert session.provider_id == "seznam"
    session.submit("465")
    session.choose("ssl")
    session.submit("info@firma.cz")  # a domain no provider has: the provider stays
    assert session.provider_id == "seznam"
    session.back()
    session.back()
    session.back()
    assert session.provider_id == "seznam"  # replayed from the steps
    session.back()
    assert session.provider_id is None


def test_a_named_provider_and_another_provider_chosen():
    session = _at("which-mail-provider")
    session.choose("forpsi")
    assert session.provider_id == "forpsi"
    session.back()
    session.choose("other")  # the user says it is none of these: nothing is assumed
    assert session.provider_id is None


def test_a_check_names_the_provider():
    session = _at("identify-provider")
    session.record_probe(ProbeOutcome("identify-provider", "provider-gmail", facts={"provider": "gmail"}))
    assert session.provider_id == "gmail"
    finder = _at("find-sender")
    finder.submit("info@firma.cz")
    card = {"host": "smtp.forpsi.com", "port": 587, "security": "starttls", "username": "info@firma.cz"}
    finder.record_probe(ProbeOutcome("find-settings", "found", facts={"card": card}))
    assert finder.provider_id == "forpsi"


def test_an_identified_provider_is_known_from_the_outcome_alone():
    """A stubbed check (scenarios) or a recorded step without facts still tells the provider,
    and the provider's own fix then says its rules from the data."""
    session = _at("identify-provider")
    session.record_probe("provider-forpsi")
    assert session.provider_id == "forpsi" and session.current.node == "provider-forpsi-fix"
    body = session.view().text
    assert "smtp.forpsi.com" in body.cs and "(údaj ověřen 3. 12. 2026)" in body.cs
    assert "{" not in body.cs + body.en


def test_the_provider_facts_come_from_the_data_with_their_date():
    session = _at("enter-port")
    session.provider_id = "gmail"
    body = session.view().text
    assert "smtp.gmail.com – port 465 se šifrováním SSL nebo port 587 se šifrováním TLS (STARTTLS)" in body.cs
    assert "(údaj ověřen 1. 12. 2026)" in body.cs and "(checked 1 December 2026)" in body.en
    assert session.view().input.current == "465"
    session.values["security"] = "starttls"  # what the user already chose narrows the offer
    assert session.view().input.current == "587"


def test_a_variant_whose_facts_the_data_lacks_does_not_apply():
    """WEDOS publishes no server name: enter-host says where to find it and offers nothing."""
    session = _at("enter-host")
    session.provider_id = "wedos"
    view = session.view()
    assert "Adresy služeb" in view.text.cs and "{" not in view.text.cs
    assert view.input.current is None
    session.provider_id = "seznam"
    assert "certifikát" not in session.view().text.cs.lower()  # Forpsi's rule, not Seznam's


def test_the_published_encryption_first_and_said_so_the_others_stay():
    session = _at("choose-security")
    session.values["port"] = "587"
    session.provider_id = "microsoft365"
    choices = session.view().choices
    assert [c.id for c in choices][:3] == ["starttls", "ssl", "none"]
    assert choices[0].label.cs == "TLS (STARTTLS) – uvádí Microsoft 365"
    session.values["port"] = "2525"  # a port the provider does not publish: nothing is marked
    assert session.view().choices[0].id == "ssl"


def test_a_given_value_wins_over_the_published_one():
    session = _at("enter-host")
    session.provider_id = "seznam"
    session.values["host"] = "smtp.example.cz"
    assert session.view().input.current == "smtp.example.cz"


def test_the_username_follows_the_providers_form():
    session = _at("enter-username")
    session.values["sender"] = "jan@web.de"
    session.provider_id = "webde"  # WEB.DE logs in with the part before the @
    assert session.view().input.current == "jan"


def test_the_article_follows_the_provider():
    session = _at("ask-provider")
    assert session.view().article == "ask-your-provider"
    session.provider_id = "forpsi"
    assert session.view().article == "provider-forpsi"


async def test_a_provider_already_named_is_the_answer_without_asking_again():
    spec = probe_spec("identify-provider")
    outcome = await spec.run({"provider": "forpsi", "username": "web@jinde.test"}, deadline=1)
    assert outcome.outcome == "provider-forpsi" and outcome.facts["via"] == "said"
    session = _at("which-mail-provider")
    session.choose("wedos")
    session.restart()
    session.jump("identify-provider")
    assert "provider" not in session.probe_arguments()
    named = _at("which-mail-provider")
    named.choose("active24")
    named.jump("identify-provider")
    assert named.probe_arguments()["provider"] == "active24"


@pytest.mark.parametrize(("variant", "code"), [
    ('{when: {provider: nobody}, text: {cs: "{provider}", en: "{provider}"}}', "unknown-provider"),
    ('{when: {provider: "*"}, text: {cs: "{provider.foo}", en: "{provider}"}}', "unknown-placeholder"),
    ('{when: {site: x}, text: {cs: "{provider}", en: "{provider}"}}', "placeholder-without-provider"),
    ('{when: {provider: seznam}, text: {cs: "{provider.rule.sender-domain}", en: "x"}}',
     "unknown-provider-rule"),
    ('{when: {provider: "*"}, text: {cs: "{provider.rule.no-such}", en: "x"}}', "unknown-provider-rule"),
    ('{when: {provider: "*"}, hide: [nope]}', "hide-unknown-choice"),
])
def test_lint_keeps_the_provider_words_honest(tmp_path, variant, code):
    path = tmp_path / "f.yaml"
    path.write_text(
        f"{MODELINE}id: f\ntitle: {{cs: T, en: T}}\nstart: a\nnodes:\n"
        "  a:\n    kind: question\n    text: {cs: A, en: A}\n"
        "    choices:\n      - {id: go, label: {cs: Dál, en: On}, next: done}\n"
        f"    variants:\n      - {variant}\n"
        "  done: {kind: end, status: resolved, text: {cs: Hotovo, en: Done}}\n", encoding="utf-8")
    assert code in [d.code for d in lint([path])]


def test_lint_warns_of_a_provider_choice_the_data_does_not_know(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(
        f"{MODELINE}id: f\ntitle: {{cs: T, en: T}}\nstart: a\nnodes:\n"
        "  a:\n    kind: question\n    text: {cs: A, en: A}\n    store: provider\n"
        "    choices:\n      - {id: gmial, label: {cs: Gmail, en: Gmail}, next: done}\n"
        "      - {id: other, label: {cs: Jiný, en: Another}, next: done}\n"
        "  done: {kind: end, status: resolved, text: {cs: Hotovo, en: Done}}\n", encoding="utf-8")
    found = [(d.code, d.severity, d.line) for d in lint([path]) if d.code == "unknown-provider"]
    assert found == [("unknown-provider", "warning", 11)]  # the choice "gmial"


def test_lint_accepts_the_shipped_provider_words():
    assert [d for d in lint([ROOT / "flows"]) if "provider" in d.code or "placeholder" in d.code] == []


def test_plain_mode_offers_the_providers_values_and_enter_takes_them():
    """A WordPress user with Gmail, typed from stdin: Gmail's values offered and taken with
    Enter, the app-password rule at the password, the plugin's test and never Mioweb's."""
    answers = ["set-up", "wordpress", "next", "other-provider", "gmail", "next", "together",
               "", "", "ssl", "jan.novak@gmail.com", "", "abcdefghijklmnop", ":q"]
    session = Session.begin(FLOWS, "smtp", None, "cs")
    out = io.StringIO()
    PlainConversation(session, io.StringIO("\n".join(answers) + "\n"), out).run()
    shown = " ".join(out.getvalue().split())
    assert session.values["host"] == "smtp.gmail.com" and session.values["port"] == "465"
    assert session.values["username"] == "jan.novak@gmail.com"
    assert "[smtp.gmail.com]" in shown and "SSL – uvádí Gmail / Google Workspace" in shown
    assert "heslo aplikace" in shown and "Přeskočit, pošlu testovací e-mail z pluginu" in shown
    assert "v Miowebu" not in shown and "Úplně dole" not in shown
    assert "abcdefghijklmnop" not in shown


def _reachable(start: str) -> set[str]:
    smtp, seen, todo = FLOWS.flow("smtp"), set(), [start]
    while todo:
        node_id = todo.pop()
        if node_id in seen or node_id not in smtp.nodes:
            continue
        seen.add(node_id)
        todo += [target.rpartition(":")[2] for _, target in smtp.nodes[node_id].targets()]
    return seen


MIOWEB_ONLY = ("úplně dole", "very bottom", "v Miowebu", "in Mioweb", "přepínač", "a switch", "the switch")


@pytest.mark.parametrize("lang", ["cs", "en"])
def test_a_wordpress_user_is_never_sent_to_miowebs_test_or_switch(lang):
    """Every node a WordPress user can reach, as they see it: no Mioweb test, no Mioweb switch
    (mioweb-values is about mailboxes at Mioweb, which any website can use)."""
    found = []
    for node_id in sorted(_reachable("wordpress-plugin") - {"mioweb-values"}):
        session = Session.begin(FLOWS, "smtp", node_id, lang)
        session.values["site"] = "wordpress"
        view = session.view()
        words = " ".join([view.text.get(lang) if view.text else "", *(c.label.get(lang) for c in view.choices)])
        found += [f"{node_id}: {word}" for word in MIOWEB_ONLY if word.lower() in words.lower()]
    assert found == []


def test_the_export_names_the_provider_the_conversation_learnt():
    from troubleshooter import transcript

    session = _at("enter-host")
    session.submit("smtp.seznam.cz")
    data = transcript.build(session)
    assert (data["provider"], data["provider_name"]) == ("seznam", "Seznam.cz")
    assert "- Poskytovatel schránky (jak ho rozhovor poznal): Seznam.cz" in transcript.to_markdown(data)

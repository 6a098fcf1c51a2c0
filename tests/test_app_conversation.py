"""Issue 14 in the Textual app, driven by Pilot against the practice server on loopback: back
past a check and "check again", a check's result said by the guide in the user's words (stages,
certificate names, where it ran), --ca-file, and the question box's links reachable by a key."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("textual")

from smtp_servers import practice_server  # noqa: E402
from test_app import PASSWORD, ROOT, USER, make_app, node, press, settle, type_value  # noqa: E402

from troubleshooter.ui.app.app import TroubleshooterApp  # noqa: E402

pytestmark = pytest.mark.usefixtures("app_sandbox")


def chat_text(app: TroubleshooterApp) -> str:
    """Everything the chat holds (also what is scrolled away), words joined by single spaces."""
    from textual.widgets import Button

    said = [str(w.label) if isinstance(w, Button) else str(w.render())
            for w in app.screen.query("#chat Static, #chat Button")]
    return " ".join(" ".join(said).split())


async def walk(pilot, port: int, security: str) -> None:
    """intro → … → offer-check with the practice server's values; ``security``: the choice's number."""
    await press(pilot, "1", "1", "1", "2", "3", "1")
    assert node(pilot.app) == "enter-host"
    await type_value(pilot, "localhost")
    await type_value(pilot, str(port))
    if node(pilot.app) == "enter-port":  # an unusual port: keep it as typed
        await press(pilot, "1")
    await press(pilot, security)
    await type_value(pilot, USER)
    await type_value(pilot, USER)
    await type_value(pilot, PASSWORD)
    assert node(pilot.app) == "offer-check"


async def run_the_check(pilot, port: int) -> None:
    """From the first screen through the values (STARTTLS on ``port``) to the check's result."""
    await settle(pilot)
    await walk(pilot, port, "2")
    await press(pilot, "1")
    await settle(pilot)


async def test_back_from_a_checks_result_goes_before_the_check_and_check_again_is_a_choice():
    with practice_server(username=USER, password=PASSWORD) as server:
        app = make_app("en", ca_file=str(server.ca_file))
        async with app.run_test(size=(100, 40)) as pilot:
            await run_the_check(pilot, server.starttls_port)
            assert node(app) == "login-ok"
            labels = [c.label.en for c in app.conversation.session.view().choices]
            assert "Check again" in labels
            await press(pilot, str(labels.index("Check again") + 1))
            await settle(pilot)
            assert node(app) == "login-ok"
            assert [s.kind for s in app.conversation.session.steps].count("probe") == 3
            await press(pilot, "b")  # from the result: before the (second) check, not into it
            assert node(app) == "login-ok"
            await press(pilot, "b")
            assert node(app) == "offer-check"
            assert not any(s.kind == "probe" for s in app.conversation.session.steps)


@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_a_checks_result_is_said_by_the_guide_in_the_users_words(lang):
    with practice_server(username=USER, password=PASSWORD) as server:
        app = make_app(lang, ca_file=str(server.ca_file))
        async with app.run_test(size=(100, 40)) as pilot:
            await run_the_check(pilot, server.starttls_port)
            assert node(app) == "login-ok"
            shown = chat_text(app)
    if lang == "cs":
        assert "Výsledek kontroly: Vše v pořádku" in shown and "Vy: Vše v pořádku" not in shown
        assert "✓ připojení" in shown and "✓ přihlášení" in shown
        assert "Kontrola proběhla z tohoto počítače" in shown
    else:
        assert "Result of the check:" in shown and "You: Everything" not in shown
        assert "The check ran from this computer" in shown
    for internal in (" resolve ", " banner ", "smtp-connection", "smtp:"):
        assert internal not in shown, internal


@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_the_certificates_names_issuer_and_expiry_are_on_the_card_and_in_the_export(lang, tmp_path):
    with practice_server(faults={"wrong-name"}, username=USER, password=PASSWORD) as server:
        app = make_app(lang, ca_file=str(server.ca_file))
        async with app.run_test(size=(100, 40)) as pilot:
            await run_the_check(pilot, server.starttls_port)
            assert node(app) == "fix-certificate"
            shown = chat_text(app)
            from troubleshooter import transcript

            markdown = transcript.to_markdown(transcript.build(app.conversation.session))
    issued = "Certifikát serveru je vystaven pro" if lang == "cs" else "The server's certificate is issued for"
    for text in (shown, markdown):
        assert f"{issued}: mail.another-name.example" in " ".join(text.split())
        assert "troubleshooter practice CA" in text
        assert "„localhost“" in text if lang == "cs" else '"localhost"' in text


@pytest.mark.parametrize("trusted", [True, False])
async def test_ca_file_lets_the_app_check_the_practice_server(trusted):
    with practice_server(username=USER, password=PASSWORD) as server:
        app = make_app("en", ca_file=str(server.ca_file) if trusted else None)
        async with app.run_test(size=(100, 40)) as pilot:
            await run_the_check(pilot, server.starttls_port)
            assert (node(app) == "login-ok") is trusted
            assert (node(app) == "fix-certificate") is not trusted


@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_the_question_boxs_links_have_keys_and_name_steps_by_title(lang):
    app = make_app(lang)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "1")
        await press(pilot, "slash")
        await type_value(pilot, "SMTP Error: Could not authenticate.")
        await settle(pilot)
        shown = chat_text(app)
        step = "Přihlášení se nepovedlo" if lang == "cs" else "The login failed"
        assert f"[j] {'Přejít na krok' if lang == 'cs' else 'Go to the step'}: {step}" in shown, shown
        assert "smtp:fix-credentials" not in shown and "['" not in shown
        await press(pilot, "escape", "j")  # out of the question box, then the link's key
        await settle(pilot)
        assert node(app) == "fix-credentials"
        assert app.conversation.session.steps[-1].kind == "jump"


def test_the_json_export_keeps_the_ids():
    """Ids are for the JSON export (and maintainers' previews), not for the screen."""
    from troubleshooter import transcript
    from troubleshooter.flow.engine import Session
    from troubleshooter.flow.loader import load_flows

    session = Session.begin(load_flows([ROOT / "flows"]).flows, "smtp", "check-connection", "cs")
    session.record_probe("connection-timeout")
    data = json.loads(transcript.to_json(transcript.build(session)))
    assert data["steps"][0]["node"] == "smtp:check-connection" and data["current"] == "smtp:fix-blocked-port"


async def test_a_password_typed_as_the_username_is_not_echoed_in_the_offer():
    from test_app import visible_text

    app = make_app("en")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "1", "1", "1", "2", "3", "1")
        await type_value(pilot, "smtp.example.cz")
        await type_value(pilot, "465")
        await press(pilot, "1")  # SSL
        await type_value(pilot, USER)
        await type_value(pilot, "Tajne-Heslo-42")  # the password, typed into the username field
        shown = visible_text(app)
        assert node(app) == "enter-username" and "••••••@example.cz" in shown, shown
        assert "Tajne-Heslo-42@" not in shown

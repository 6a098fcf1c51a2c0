"""Pasting many lines where users paste, in the Textual app (issue 15): a multi-line paste into
the question box (``/``) or into the paste step's field opens the paste area with the text; sent
from there (Ctrl+S) it is read whole — the answer says what was read — and no login data from it
reaches the chat, the answer or the export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("textual")

from test_app import make_app, node, settle, visible_text  # noqa: E402
from textual import events  # noqa: E402
from textual.widgets import TextArea  # noqa: E402

from troubleshooter.redaction import secret_forms  # noqa: E402
from troubleshooter.ui.app.paste_area import PasteScreen  # noqa: E402

PASTES = Path(__file__).parent / "data" / "pastes"
pytestmark = pytest.mark.usefixtures("app_sandbox")


async def paste_into(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector)
    field.focus()
    await pilot.pause()
    field.post_message(events.Paste(text))
    await settle(pilot)


async def test_a_bounce_pasted_into_the_question_box_is_read_whole():
    bounce = (PASTES / "bounces" / "postfix-full-whole.txt").read_text(encoding="utf-8")
    app = make_app("cs")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "#ask", bounce)
        assert isinstance(app.screen, PasteScreen)
        assert app.screen.query_one(TextArea).text.startswith("Received: by mta.site.test")
        assert app.screen.query_one(TextArea).has_focus
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PasteScreen)
        aside = app.conversation.asides[-1]
        said = "\n".join(aside.reply.lines)
        assert "Schránka příjemce je plná" in said
        assert "Adresát: full@remote.test" in said
        assert "Na čí straně je problém: na straně příjemce" in said
        shown = visible_text(app)
        assert "vloženo řádků:" in shown  # the chat says the paste's first line and its length
        assert "Reporting-MTA" not in shown  # not the whole paste


async def test_escape_closes_the_paste_area_and_nothing_is_asked():
    app = make_app("en")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "#ask", "line one\nline two\n")
        assert isinstance(app.screen, PasteScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PasteScreen)
        assert not app.conversation.asides


async def test_one_line_pasted_into_the_question_box_stays_in_it():
    app = make_app("en")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "#ask", "SMTP connect() failed.")
        assert not isinstance(app.screen, PasteScreen)
        assert app.screen.query_one("#ask").value == "SMTP connect() failed."


async def test_a_transcript_with_login_data_leaves_none_of_it_in_the_app_or_the_export(tmp_path):
    text = (PASTES / "transcripts" / "wrong-password-plain-level4-en.txt").read_text(encoding="utf-8")
    tokens = {line.rsplit(": ", 1)[-1].strip() for line in text.splitlines()
              if "CLIENT -> SERVER: AGRl" in line}
    forbidden = tokens | secret_forms("Tajne-Heslo-42", "demo@practice.test")
    assert tokens
    app = make_app("en")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await paste_into(pilot, "#ask", text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        aside = app.conversation.asides[-1]
        assert "PLAIN" in "\n".join(aside.reply.lines)  # what was read is said
        shown = "\n".join([aside.question, *aside.reply.lines])
        assert not [form for form in forbidden if form in shown]
        app.screen.query_one("#ask").value = ""
        await pilot.press("escape")  # out of the question box, as a user leaves it
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        target = tmp_path / "ticket.md"
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    exported = target.read_text(encoding="utf-8") + json.dumps(
        json.loads(target.with_suffix(".json").read_text(encoding="utf-8")), ensure_ascii=False)
    assert not [form for form in forbidden if form in exported]


async def test_the_paste_step_takes_a_whole_transcript_and_continues_at_its_fix():
    text = (PASTES / "transcripts" / "wrong-password-level3-cs.txt").read_text(encoding="utf-8")
    app = make_app("cs", flow="smtp", from_node="paste-message")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert node(app) == "paste-message"
        await paste_into(pilot, "#value", text)
        assert isinstance(app.screen, PasteScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await settle(pilot)
        assert node(app) == "fix-credentials", [s.answer for s in app.conversation.session.steps]
        probe = app.conversation.session.steps[-1]
        assert probe.answer == "auth-failed"

"""The Textual app, walked as a WordPress user whose mailboxes are at Gmail (issue 14 item 12):
the chat says what each step said *then* - the plugin's test, Gmail's values - and never
Mioweb's test, neither in the current node nor in the history above it, nor in the export."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from test_app import chat_shown, make_app, node, press, said, settle  # noqa: E402

from troubleshooter import transcript  # noqa: E402


async def test_a_wordpress_user_with_gmail_reads_gmails_values_and_never_miowebs_test():
    app = make_app("cs")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # set-up, WordPress, on, another provider, Gmail, on, go through the values together
        await press(pilot, "1", "2", "1", "2", "2", "1", "1")
        assert node(app) == "enter-host"
        chat = " ".join(said(block) for block in chat_shown(app))
        assert "smtp.gmail.com" in chat and "údaj ověřen" in chat
        assert "nastavení SMTP pluginu" in chat
        assert "úplně dole" not in chat.lower() and "v Miowebu" not in chat
        markdown = transcript.to_markdown(transcript.build(app.conversation.session))
        assert "úplně dole" not in markdown.lower() and "Poskytovatel schránky: `Gmail" in markdown

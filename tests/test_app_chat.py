"""The chat is derived from the session through reactive records (``ChatLog.blocks``, one
``ChatBlock.shows`` per block): what changed is drawn again, and nothing else (a reload:
``test_app.py::test_reload_replays_the_path``)."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from test_app import chat_shown as shown  # noqa: E402
from test_app import make_app, node, press, said, settle  # noqa: E402

from troubleshooter.i18n import tr  # noqa: E402
from troubleshooter.ui.app.chat import ChatBlock, chat_blocks  # noqa: E402


async def test_a_step_draws_the_last_answer_and_the_new_node_and_keeps_the_rest():
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "1")
        first = shown(app)[0]
        kept = list(first.children)
        await press(pilot, "1")
        blocks = shown(app)
        session = app.conversation.session
        assert len(blocks) == len(session.steps) + 1 == 3
        assert blocks[0] is first and list(first.children) == kept  # not drawn again
        assert tuple(block.shows for block in blocks) == chat_blocks(session, [], "en")
        await press(pilot, "b")
        assert len(shown(app)) == 2 and list(shown(app)[0].children) == kept
        assert node(app) == "which-site"


async def test_a_language_switch_draws_every_block_again_in_the_new_language():
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "1", "1")
        before = [list(block.children) for block in shown(app)]
        english = [said(block) for block in shown(app)]
        await press(pilot, "l")
        assert app.lang == "cs"
        blocks = shown(app)
        assert all(block.shows.lang == "cs" for block in blocks)
        assert all(not set(block.children) & set(old) for block, old in zip(blocks, before, strict=True))
        assert all(said(block) != text for block, text in zip(blocks, english, strict=True))
        assert said(blocks[0]).startswith(f"{tr('app.bot', 'cs')}:")


async def test_changes_in_one_turn_end_as_the_last_one_says():
    """Blocks mounted and removed without awaiting: a block being removed is never handed a
    record, a block not yet mounted takes its new record."""
    from textual.app import App

    from troubleshooter.ui.app.chat import ChatLog, NoteShows

    class ChatOnly(App):
        def compose(self):
            yield ChatLog()

    app = ChatOnly()
    async with app.run_test() as pilot:
        chat = app.query_one(ChatLog)
        for texts in (["one"], ["two"], ["two", "three"], ["four"], ["four", "five", "six"]):
            chat.blocks = tuple(NoteShows(text, "en") for text in texts)
        await pilot.pause()
        blocks = list(chat.query_children(ChatBlock))
        assert [said(block) for block in blocks] == ["Guide: four", "Guide: five", "Guide: six"]


def newest_in_sight(app) -> bool:
    """The newest block lies wholly within the chat's visible region (the regions are the
    screen's, as the compositor placed them)."""
    from troubleshooter.ui.app.chat import ChatLog

    window, newest = app.query_one(ChatLog).content_region, shown(app)[-1].region
    return newest.height > 0 and window.y <= newest.y and newest.bottom <= window.bottom


@pytest.mark.parametrize("lang", ["en", "cs"])
async def test_quick_steps_leave_the_newest_block_in_sight(lang):
    """Answer keys pressed without pausing (Pilot's rhythm, then a burst as a terminal sends
    it, then a key every few milliseconds): after each run the user sees the node they answer."""
    import asyncio

    from textual import events

    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"1111111")
        await pilot.pause()
        assert len(shown(app)) > 4 and newest_in_sight(app), node(app)
        for gap in (0, 0.01, 0.03):
            await press(pilot, "r")
            for key in "1111111":
                app.post_message(events.Key(key, key))
                await asyncio.sleep(gap)
            await pilot.pause()
            assert newest_in_sight(app), (gap, node(app))
            await settle(pilot)
            assert newest_in_sight(app), (gap, node(app))


@pytest.mark.parametrize("gap", [0, 0.01, 0.02, 0.04])
async def test_answer_keys_typed_ahead_never_answer_a_node_not_yet_shown(gap):
    """A digit handled before the answer area shows the new node pressed the old node's button:
    its choice went to the new node (an error naming ids, or an answer to an unseen question),
    and a digit pressed while the buttons were swapped fell into the question box. Now such a
    key is dropped: every step recorded is a choice of the node shown, nothing is typed."""
    import asyncio

    from textual import events

    from troubleshooter.ui.app.question_box import QuestionBox

    app = make_app("en")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        for key in "1111111":
            app.post_message(events.Key(key, key))
            await asyncio.sleep(gap)
        await settle(pilot)
        session = app.conversation.session
        assert session.steps and app.query_one(QuestionBox).value == ""
        assert not app.screen.query("Toast")  # no error shown
        assert newest_in_sight(app)


@pytest.mark.parametrize("gap", [0, 0.01, 0.02])
async def test_enter_pressed_twice_never_gives_the_next_node_the_value(gap):
    """The second Enter reached the old field before the next node's field replaced it: the
    value (a host, or a password) was submitted to the next node too — refused there as a port,
    or taken as its answer. Now a value is stamped with its node and the second one is dropped."""
    import asyncio

    from textual import events

    app = make_app("en", from_node="enter-host")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press(*"smtp.example.cz")
        for _ in range(2):
            app.post_message(events.Key("enter", "\r"))
            await asyncio.sleep(gap)
        await settle(pilot)
        session = app.conversation.session
        assert node(app) == "enter-port"
        assert session.values.get("host") == "smtp.example.cz" and "port" not in session.values
        pending = app.conversation.pending  # an Enter that reached the port's own (empty) field
        assert pending is None or pending.value == ""  # says "empty"; the host never got there
        assert not app.screen.query("Toast")

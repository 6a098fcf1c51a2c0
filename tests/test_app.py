"""The Textual app driven by Pilot at 80×24: the main flow end to end in both languages, probe
nodes against a real aiosmtpd server on loopback (green and red), resume, export without
secrets, link routing, and letters typed into a field staying in the field."""

from __future__ import annotations

import argparse
import html
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from troubleshooter.ui.app.app import TroubleshooterApp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Tajne-Heslo-987"
USER = "web@example.cz"


def make_app(lang: str = "en", flow: str | None = None, from_node: str | None = None,
             flows: Path | None = None, offer_resume: bool = False,
             ca_file: str | None = None) -> TroubleshooterApp:
    args = argparse.Namespace(lang=lang, flow=flow, from_node=from_node,
                              flows=str(flows or ROOT / "flows"), kb=str(ROOT / "kb"), plain=False,
                              ca_file=ca_file)
    return TroubleshooterApp(args, blink=False, offer_resume=offer_resume)


async def settle(pilot) -> None:
    from contextlib import suppress

    from textual.worker import WorkerCancelled

    for _ in range(3):  # a finished probe may start the next one
        with suppress(WorkerCancelled):  # a probe cancelled by leaving its node
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def type_value(pilot, value: str) -> None:
    await pilot.press(*value)
    await pilot.press("enter")
    await settle(pilot)


def node(app: TroubleshooterApp) -> str:
    assert app.conversation.session is not None
    return app.conversation.session.current.node


SVG_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
                      r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>')


def visible_text(app: TroubleshooterApp) -> str:
    """The screen as text, read from Textual's public screenshot (an SVG: a <text> per run of
    characters, placed by column and line)."""
    rows = [[" "] * app.size.width for _ in range(app.size.height)]
    for x, length, line, text in SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(text).replace("\xa0", " ")
        column = round(float(x) / (float(length) / len(text)))
        rows[int(line)][column:column + len(text)] = text
    return "\n".join("".join(row) for row in rows)


# -- an SMTP server on loopback -------------------------------------------------------------
@pytest.fixture
def smtp_server():
    """The practice server on loopback, plain SMTP with AUTH (the walk answers "no encryption")."""
    from smtp_servers import practice_server

    with practice_server(["no-starttls"], username=USER, password=PASSWORD) as server:
        yield server.config.port


# -- the walks ------------------------------------------------------------------------------
async def walk_to_values(pilot, port: int, password: str) -> None:
    """intro → … → enter-password, with the values of the loopback server."""
    app = pilot.app
    await press(pilot, "1")  # set up or check SMTP
    await press(pilot, "1")  # Mioweb
    await press(pilot, "1")  # continue
    assert node(app) == "smtp-on"
    await press(pilot, "2")  # it is on
    await press(pilot, "3")  # I have the values
    await press(pilot, "1")  # fill them in together
    assert node(app) == "enter-host"
    await type_value(pilot, "127.0.0.1")
    assert node(app) == "enter-port"
    await type_value(pilot, str(port))
    if node(app) == "enter-port":  # an unusual port: keep it as typed
        assert app.conversation.pending is not None
        await press(pilot, "1")
    assert node(app) == "choose-security"
    await press(pilot, "3")  # none
    await type_value(pilot, USER)
    await type_value(pilot, USER)
    assert node(app) == "enter-password"
    await type_value(pilot, password)


@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_main_flow_to_resolved_without_probes(lang):
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert node(app) == "intro"
        await press(pilot, "1", "1", "1", "2", "3", "2")  # … have values → just test
        assert node(app) == "test"
        await press(pilot, "1")  # green
        assert node(app) == "green-arrived"
        await press(pilot, "1")  # it arrived
        assert node(app) == "resolved"
        assert app.conversation.session.view().status == "resolved"
        word = "Vyřešeno" if lang == "cs" else "Resolved"
        assert word in visible_text(app), visible_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_focus_goes_straight_to_the_first_choice(monkeypatch, size):
    """At start the keys go to the first node's first choice, and nothing takes the focus
    before it: Textual's automatic focus would give it to the article pane (the first focusable
    widget, hidden while the content loads), restyled then on taking and on losing it."""
    from troubleshooter.ui.app.screen import ConversationScreen
    from troubleshooter.ui.app.widgets import ChoiceButton

    given: list[str] = []
    set_focus = ConversationScreen.set_focus

    def recording_set_focus(screen, widget, *args, **kwargs):
        if widget is not None:
            given.append(type(widget).__name__)
        return set_focus(screen, widget, *args, **kwargs)

    monkeypatch.setattr(ConversationScreen, "set_focus", recording_set_focus)
    app = make_app("en")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, ChoiceButton) and app.focused.number == 1
        assert given == ["ChoiceButton"]


async def test_probes_green_path(smtp_server):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await walk_to_values(pilot, smtp_server, PASSWORD)
        assert node(app) == "offer-check"
        await press(pilot, "1")  # check connection and login
        await settle(pilot)
        await settle(pilot)
        assert node(app) == "login-ok", [s.answer for s in app.conversation.session.steps]
        probes = [s.probe for s in app.conversation.session.steps if s.kind == "probe"]
        assert [p["outcome"] for p in probes] == ["ok", "ok"]
        assert all(p["stages"] for p in probes)
        await press(pilot, "1", "1", "1")  # test in Mioweb, green, arrived
        assert node(app) == "resolved"


async def test_probes_red_path_wrong_password(smtp_server):
    app = make_app("cs")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await walk_to_values(pilot, smtp_server, "spatne-heslo")
        await press(pilot, "1")
        await settle(pilot)
        await settle(pilot)
        assert node(app) == "fix-credentials", [s.answer for s in app.conversation.session.steps]
        assert app.conversation.session.steps[-1].answer == "auth-failed"
        assert "✗" in visible_text(app) or "✓" in visible_text(app)


async def test_export_never_contains_the_secret(smtp_server, tmp_path):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await walk_to_values(pilot, smtp_server, PASSWORD)
        await press(pilot, "1")
        await settle(pilot)
        await press(pilot, "e")
        target = tmp_path / "ticket.md"
        field = app.screen.query_one("#export-path")
        field.value = str(target)
        await press(pilot, "enter")
    markdown = target.read_text(encoding="utf-8")
    data = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    assert "Password" in markdown and "enter-password" not in markdown and data["steps"]
    for text in (markdown, json.dumps(data, ensure_ascii=False)):
        assert PASSWORD not in text
        assert PASSWORD[:8] not in text
    assert any(step.get("probe") for step in data["steps"])
    state_text = (tmp_path / "state" / "session.json").read_text(encoding="utf-8")
    assert PASSWORD not in state_text


async def test_letters_typed_into_a_field_do_not_trigger_keys():
    app = make_app("en", flow="smtp", from_node="enter-sender")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert node(app) == "enter-sender"
        await type_value(pilot, "qlerb@example.cz")  # q, l, e, r, b are all app keys
        assert node(app) == "enter-username"
        assert app.conversation.session.values["sender"] == "qlerb@example.cz"
        assert app.lang == "en"


async def test_finding_offers_cleaned_value():
    app = make_app("en", flow="smtp", from_node="enter-host")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_value(pilot, "https://smtp.example.cz/")
        assert node(app) == "enter-host"
        assert "Use the cleaned value: smtp.example.cz" in visible_text(app)
        await press(pilot, "1")
        assert node(app) == "enter-port"
        assert app.conversation.session.values["host"] == "smtp.example.cz"


async def test_a_held_back_password_stays_out_of_reprs_and_the_screen():
    app = make_app("en", flow="smtp", from_node="enter-password")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_value(pilot, "Tajne-Heslo-42 ")  # a trailing space: held back with a finding
        assert node(app) == "enter-password" and app.conversation.pending is not None
        assert "Tajne-Heslo-42" not in repr(app.conversation.pending)
        assert "Tajne-Heslo-42" not in visible_text(app)
        await press(pilot, "1")  # use the cleaned value
        assert node(app) != "enter-password"


async def test_language_switch_keeps_state_and_back_restart():
    app = make_app("cs")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "1", "1")
        before = [str(s.ref) for s in app.conversation.session.steps]
        assert "Nápověda" in visible_text(app)
        await press(pilot, "l")
        assert app.lang == "en" and app.conversation.session.lang == "en"
        assert [str(s.ref) for s in app.conversation.session.steps] == before
        assert "Help" in visible_text(app) and "Nápověda" not in visible_text(app)
        await press(pilot, "b")
        assert node(app) == "which-site"
        await press(pilot, "r")
        assert node(app) == "intro" and not app.conversation.session.steps


async def test_resume_offers_to_continue():
    first = make_app("en")
    async with first.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "1", "1")
        assert node(first) == "where-setting"
    second = make_app("en", offer_resume=True)
    async with second.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Continue the conversation?" in visible_text(second)
        await press(pilot, "1")
        assert node(second) == "where-setting"


async def test_help_screen_and_article_links():
    app = make_app("en", flow="smtp", from_node="enter-port")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert "Help – keys" in visible_text(app)
        await press(pilot, "escape")
        from textual.widgets import Markdown

        markdown = app.query_one("#article-md", Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "flow:smtp#enter-host"))
        await settle(pilot)
        assert node(app) == "enter-host"
        markdown.post_message(Markdown.LinkClicked(markdown, "kb:field-password"))
        await settle(pilot)
        from troubleshooter.ui.app.article_pane import ArticlePane

        assert app.query_one(ArticlePane).article_id == "field-password"


@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_content_that_fails_to_load_is_said_not_hidden(monkeypatch, lang):
    """The body waits hidden for the content; a load that raises must still show it, with why."""
    import troubleshooter.ui.conversation as conversation

    def broken(args):
        raise PermissionError("flows unreadable")

    monkeypatch.setattr(conversation, "load_content", broken)
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.conversation.session is None
        assert app.query_one("#body").display
        shown = visible_text(app)
        assert "PermissionError" in shown
        assert ("nepodařilo načíst" if lang == "cs" else "could not be loaded") in shown
        await press(pilot, "q")


async def test_content_ready_at_once_is_shown(monkeypatch):
    """The loader worker only reads the content (its modules come with the app's): content that
    is ready at once must still find the conversation screen composed, and be shown."""
    import troubleshooter.ui.conversation as conversation

    loaded = conversation.load_content(make_app("en").args)
    monkeypatch.setattr(conversation, "load_content", lambda args: loaded)
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert node(app) == "intro"
        assert app.query_one("#body").display
        assert "I need a person" in visible_text(app)


def editable_mini(tmp_path: Path) -> tuple[Path, str]:
    """A folder holding a copy of the ``mini`` fixture flow, and the flow's source."""
    flows = tmp_path / "flows"
    flows.mkdir()
    source = (ROOT / "tests" / "fixtures" / "flows" / "mini.yaml").read_text(encoding="utf-8")
    (flows / "mini.yaml").write_text(source, encoding="utf-8")
    return flows, source


def chat_shown(app: TroubleshooterApp) -> list:
    """The chat's blocks as shown (``ChatBlock`` widgets)."""
    from troubleshooter.ui.app.chat import ChatBlock, ChatLog

    return list(app.query_one(ChatLog).query_children(ChatBlock))


def said(block) -> str:
    """What a chat block says, its buttons left out."""
    return " ".join(str(widget.render()) for widget in block.query("Static"))


async def test_reload_replays_the_path(tmp_path):
    """The path replayed on the new content: a block is drawn again only if its text changed."""
    flows, source = editable_mini(tmp_path)
    app = make_app("en", flow="mini", flows=flows)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "1")
        assert node(app) == "sender"
        current = chat_shown(app)[1]
        kept = list(current.children)
        (flows / "mini.yaml").write_text(source.replace("Is SMTP on?", "Is the SMTP switch on?"),
                                         encoding="utf-8")
        await press(pilot, "ctrl+r")
        await settle(pilot)
        assert node(app) == "sender" and "Is the SMTP switch on?" in said(chat_shown(app)[0])
        assert chat_shown(app)[1] is current and list(current.children) == kept
        (flows / "mini.yaml").write_text(source.replace("Sender mailbox?", "Which mailbox sends?"),
                                         encoding="utf-8")
        await press(pilot, "ctrl+r")
        await settle(pilot)
        assert node(app) == "sender" and len(app.conversation.session.steps) == 1
        assert "Which mailbox sends?" in visible_text(app)
        (flows / "mini.yaml").write_text(source.replace("nodes:", "nodes: ["),
                                         encoding="utf-8")
        await press(pilot, "ctrl+r")
        await settle(pilot)
        assert "Errors in the content" in visible_text(app)


async def test_reload_begins_the_conversation_once_broken_content_is_fixed(tmp_path):
    """A maintainer's preview that started on a broken flow recovers with ctrl+r, no restart."""
    flows, source = editable_mini(tmp_path)
    (flows / "mini.yaml").write_text(source.replace("nodes:", "nodes: ["), encoding="utf-8")
    app = make_app("en", flow="mini", flows=flows)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.conversation.session is None
        problem = app.conversation.problem
        assert problem and problem in visible_text(app)
        (flows / "mini.yaml").write_text(source, encoding="utf-8")
        await press(pilot, "ctrl+r")
        await settle(pilot)
        assert app.conversation.session is not None and node(app) == "smtp-on"
        shown = visible_text(app)
        assert "Is SMTP on?" in shown and problem not in shown
        await press(pilot, "1")
        assert node(app) == "sender"


@pytest.mark.parametrize("debug", [False, True])
async def test_a_crash_never_prints_the_password(capsys, monkeypatch, debug):
    """Textual prints a crash's traceback with every frame's locals; a bug of ours while a
    password is being submitted must not put it on the terminal (even in its message)."""
    from troubleshooter.flow import engine

    def broken(self, value, *, keep=False):
        raise ValueError(f"a bug of ours with {value!r}")

    monkeypatch.setattr(engine.Session, "submit", broken)
    if debug:
        monkeypatch.setenv("TROUBLESHOOTER_DEBUG", "1")
    app = make_app("en", flow="smtp", from_node="enter-password")
    with pytest.raises(ValueError):
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_value(pilot, "Tajne-Heslo-42")
            await settle(pilot)
    printed = "".join(capsys.readouterr())
    assert "internal error (ValueError)" in printed
    assert "Tajne-Heslo-42" not in printed
    assert ("a bug of ours with" in printed) == debug  # the traceback only when asked for

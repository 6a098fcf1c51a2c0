"""The app's panels driven by Pilot: the settings finder's card with its copy keys, the
question box when nothing fits, and Esc / leaving the node cancelling a running check
(against a silent SMTP server on loopback)."""

from __future__ import annotations

import contextlib

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from test_app import make_app, node, press, settle, type_value, visible_text  # noqa: E402

from troubleshooter.probes.finder import Candidate, FinderStep  # noqa: E402
from troubleshooter.probes.finder_proof import Checked, Evidence, FinderResult, SettingsCard  # noqa: E402
from troubleshooter.probes.outcome import ProbeOutcome, StageResult  # noqa: E402

ADDRESS = "web@example.cz"


def finder_outcome() -> ProbeOutcome:
    """What ``find-settings`` reports for a custom domain found through MX: one candidate proved,
    one rejected for its certificate, and a typed host that differs."""
    chosen = Candidate("smtp.provider.test", 465, "tls", "mx", "mx1.provider.test")
    rejected = Candidate("mail.example.cz", 587, "starttls", "guess", "mail.example.cz")
    evidence = {name: Evidence("mx", "mx1.provider.test", True) for name in ("host", "port", "encryption")}
    evidence |= {name: Evidence("address", ADDRESS, False) for name in ("username", "sender")}
    card = SettingsCard(ADDRESS, "smtp.provider.test", 465, "tls", "SSL", ADDRESS, ADDRESS, evidence,
                        verified=True, login_checked=False)
    result = FinderResult(ADDRESS, "found",
                          [FinderStep("provider", "example.cz", "none"),
                           FinderStep("mx", "example.cz", "found", ["smtp.provider.test:465"])],
                          [Checked(chosen, "ok", "tls", 0.12),
                           Checked(rejected, "certificate-invalid", "tls", 0.2)],
                          card, elapsed=0.4)
    facts = result.to_json()
    facts["compare"] = [{"field": "host", "entered": "smtp.example.cz", "found": "smtp.provider.test"}]
    return ProbeOutcome("find-settings", "found", "find", facts, [StageResult("find", True, 0.4, "found")],
                        elapsed=0.4)


@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_finder_card_shows_values_and_copies_them(monkeypatch, lang):
    seen: dict[str, str] = {}

    async def stub(args, *, deadline, on_stage=None, **_):
        seen.update(args)
        if on_stage:
            on_stage("find", "start", None)
        outcome = finder_outcome()
        if on_stage:
            on_stage("find", "done", outcome.stages[0])
        return outcome

    monkeypatch.setattr("troubleshooter.probes.find_settings.probe_find_settings", stub)
    app = make_app(lang, flow="smtp", from_node="find-sender")
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await type_value(pilot, ADDRESS)
        await settle(pilot)
        assert seen["sender"] == ADDRESS
        assert node(app) == "fill-values"
        shown = visible_text(app)
        for value in ("smtp.provider.test", "465", "mail.example.cz:587", "smtp.example.cz"):
            assert value in shown, shown
        copy = "Zkopírovat" if lang == "cs" else "Copy"
        assert f"h  {copy}" in shown and f"m  {copy}" in shown
        await press(pilot, "h")
        assert app.clipboard == "smtp.provider.test"
        await press(pilot, "p")
        assert app.clipboard == "465"
        await press(pilot, "s")
        assert app.clipboard == "SSL"
        await press(pilot, "m")
        assert app.clipboard == ADDRESS
        assert node(app) == "fill-values"  # copying is not an answer


async def test_copy_keys_do_nothing_without_a_card():
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "h", "p")
        assert app.clipboard == ""
        assert node(app) == "intro"


def buttons_following(app, target: str) -> list:
    """The buttons that lead to ``target`` (a flow node or an article)."""
    from troubleshooter.ui.app.messages import Follow
    from troubleshooter.ui.app.widgets import SayButton

    return [button for button in app.query(SayButton)
            if isinstance(said := button.says(), Follow) and said.link.target == target]


async def test_question_nothing_fits_offers_the_guided_flow_and_follows_language():
    app = make_app("en")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "1")  # one step in, so the jump back to the start is a step
        await press(pilot, "slash")
        await type_value(pilot, "zzzz qqqq xyzzy")
        await settle(pilot)
        shown = visible_text(app)
        assert "Nothing in the help fits that well" in shown, shown
        assert "Open:" not in shown  # no random article
        assert len(buttons_following(app, "smtp:intro")) == 1
        await press(pilot, "escape", "l")  # back from the question box to the choices
        await settle(pilot)
        shown = visible_text(app)
        assert "K tomu v nápovědě nic dobře nesedí" in shown, shown
        assert "Nothing in the help fits" not in shown
        buttons_following(app, "smtp:intro")[0].press()
        await settle(pilot)
        assert node(app) == "intro"
        assert app.conversation.session.steps[-1].kind == "jump"


async def _until(pilot, condition, limit: float = 5.0) -> None:
    """Pause until ``condition()`` (a running probe never lets ``settle`` return early)."""
    for _ in range(int(limit / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def _start_check_against(pilot, port: int) -> None:
    from test_app import walk_to_values

    app = pilot.app
    await walk_to_values(pilot, port, "any-password")
    assert node(app) == "offer-check"
    await pilot.press("1")  # check the connection: the server accepts and never says a word
    await _until(pilot, lambda: app.conversation.probe.running and node(app) == "check-connection")
    await pilot.pause(0.3)
    assert app.conversation.probe.running


@contextlib.asynccontextmanager
async def _check_stopped_by(key: str, lang: str):
    """A check against a silent loopback server, running, then ``key`` pressed: (app, pilot)
    once the check has stopped."""
    from smtp_servers import misbehaving_server

    async with misbehaving_server("silent") as port:
        app = make_app(lang)
        async with app.run_test(size=(80, 30)) as pilot:
            await settle(pilot)
            await _start_check_against(pilot, port)
            await pilot.press(key)
            await _until(pilot, lambda: not app.conversation.probe.running)
            await settle(pilot)
            yield app, pilot


@pytest.mark.parametrize(("lang", "key"), [("cs", "escape"), ("en", "escape"), ("cs", "c"), ("en", "c")])
async def test_escape_or_c_cancels_a_running_check(lang, key):
    async with _check_stopped_by(key, lang) as (app, pilot):
        cancelled = "Kontrolu jste zrušili, takže výsledek nemá." if lang == "cs" else "You cancelled the check"
        assert cancelled in " ".join(visible_text(app).split()), visible_text(app)
        assert node(app) == "check-connection"  # nothing recorded: the check did not finish
        assert all(step.kind != "probe" for step in app.conversation.session.steps)
        await press(pilot, "b")  # still usable
        assert node(app) == "offer-check"


async def test_leaving_the_node_cancels_the_check():
    async with _check_stopped_by("b", "en") as (app, pilot):
        assert node(app) == "offer-check"
        assert app.conversation.probe.ref is None
        await press(pilot, "3")  # skip to the test in Mioweb: the app answers at once
        assert node(app) == "test"


def reply_links(app) -> list:
    """Where the question box's reply buttons lead."""
    from troubleshooter.ui.app.messages import Follow
    from troubleshooter.ui.app.widgets import SayButton

    return [said.link for button in app.query(SayButton) if isinstance(said := button.says(), Follow)]


async def test_question_box_uses_the_conversation_to_break_a_tie():
    """"vypnuté" is the SMTP switch OFF or SMTP login disabled: at the start the box asks which,
    at the node about the switch it answers with the switch."""
    app = make_app("en")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_value(pilot, "vypnuté")
        await settle(pilot)
        assert "Did you mean one of these articles?" in visible_text(app)
        offered = {f"{link.kind}:{link.target}" for link in reply_links(app)}
        assert {"article:error-smtp-off", "article:error-auth-disabled"} <= offered, offered
    app = make_app("en", from_node="smtp-on")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_value(pilot, "vypnuté")
        await settle(pilot)
        shown = visible_text(app)
        # the switch-off article's title, which opens with its red message
        assert "Did you mean" not in shown and '"Could not instantiate mail function"' in shown, shown


@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_a_long_wait_says_what_it_waits_for_and_how_long_at_most(lang):
    """A silent server: the panel says, in the user's words, which step waits and counts down."""
    from smtp_servers import misbehaving_server

    async with misbehaving_server("silent") as port:
        app = make_app(lang)
        async with app.run_test(size=(80, 30)) as pilot:
            await settle(pilot)
            await _start_check_against(pilot, port)
            await pilot.pause(1.2)
            first = " ".join(visible_text(app).split())
            waiting = "čekám – pozdrav serveru, nejdéle ještě" if lang == "cs" else "waiting – server greeting,"
            assert waiting in first, first
            seconds = int(first.split(waiting, 1)[1].split()[0])
            await pilot.pause(1.2)
            later = " ".join(visible_text(app).split())
            assert int(later.split(waiting, 1)[1].split()[0]) < seconds
            assert "banner" not in later and "Test: smtp-connection" not in later
            await pilot.press("c")
            await _until(pilot, lambda: not app.conversation.probe.running)


async def test_the_articles_load_after_the_first_screen_is_drawn(monkeypatch):
    """Reading the articles imports the Markdown widget in a worker thread; started before the
    first node's text and choices are drawn, it competes with them for the interpreter
    (docs/benchmarks.md, App start-up). The chat draws its blocks in its own watcher."""
    from troubleshooter.ui.app.answer import AnswerArea
    from troubleshooter.ui.app.article_pane import ArticlePane
    from troubleshooter.ui.app.chat import ChatBlock

    drawn_when_loading: list[bool] = []
    load = ArticlePane.load_articles

    def recording_load(pane: ArticlePane):
        shown = [*pane.screen.query(ChatBlock), *pane.screen.query_one(AnswerArea).children]
        drawn_when_loading.append(bool(shown) and all(widget.region.area for widget in shown))
        return load(pane)

    monkeypatch.setattr(ArticlePane, "load_articles", recording_load)
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert drawn_when_loading == [True]


async def test_the_probe_panel_draws_what_its_reactive_attributes_hold():
    """begin / on_stage / finish change the panel's reactive attributes; render draws them;
    a panel that replaces it on the same node carries the finished stages and the footer."""
    from textual.app import App
    from textual.reactive import reactive

    from troubleshooter.i18n import Text
    from troubleshooter.probes.outcome import StageResult
    from troubleshooter.ui.app.widgets import SPINNER, ProbePanel

    class PanelOnly(App):
        lang = reactive("en")

        def compose(self):
            yield ProbePanel()

    app = PanelOnly()
    async with app.run_test() as pilot:
        panel = app.query_one(ProbePanel)
        assert str(panel.render()) == ""
        panel.begin(Text("Kontrola", "Login check"), Text("Běží…", "Running…"), deadline=30)
        panel.on_stage("connect", "start", None)
        await pilot.pause(0.25)
        assert panel.frame >= 1  # the spinner turns while a stage runs
        running = str(panel.render())
        assert "Login check" in running and "Running…" in running and "30 s at most" in running
        assert any(frame in running for frame in SPINNER)
        panel.on_stage("connect", "done", StageResult("connect", True, 0.012))
        panel.on_stage("auth", "start", None)
        panel.finish(Text("Zrušeno.", "Cancelled."))
        frame = panel.frame
        await pilot.pause(0.25)
        assert panel.frame == frame  # stopped
        finished = str(panel.render())
        assert "✓" in finished and "Cancelled." in finished and "at most" not in finished
        assert [name for name, _ in panel.stages] == ["connect"]
        carried = ProbePanel(carry=panel)
        assert (carried.title, carried.footer, carried.stages) == (panel.title, panel.footer, panel.stages)
        app.lang = "cs"  # the language switched: the same panel, redrawn in it
        await pilot.pause()
        assert "Zrušeno." in str(panel.render()) and "Cancelled." not in str(panel.render())

"""The language key (l) while a check runs, driven by Pilot against real loopback listeners:
the probe panel's title, stages, countdown and footer, the node's buttons, and the result when
the check ends follow the language at once, and the check is not started again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

pytest.importorskip("textual")
pytestmark = pytest.mark.usefixtures("app_sandbox")

from smtp_servers import LOOPBACK  # noqa: E402
from test_app import make_app, press, settle, visible_text  # noqa: E402
from test_app_panels import _until as until  # noqa: E402

FLOW = """\
id: lang
title: {{cs: Jazyk, en: Language}}
start: check
nodes:
  check:
    kind: probe
    title: {{cs: Spojení se serverem, en: Connection to the server}}
    text: {{cs: Zkouším spojení., en: Trying to connect.}}
    probe: smtp-connection
    args: {{host: {host}, port: "{port}", security: none}}
    outcomes:
      ok: done
    default: failed
  done:
    kind: end
    status: resolved
    text: {{cs: Hotovo., en: Done.}}
  failed:
    kind: end
    status: not-resolved
    text: {{cs: Nepovedlo se., en: It failed.}}
"""


@contextlib.asynccontextmanager
async def greeting_on_cue() -> AsyncIterator[tuple[int, asyncio.Event]]:
    """A loopback listener that accepts and says nothing until the event is set, then refuses
    the client with a 554 greeting: a check that waits as long as the test wants, then ends."""
    cue = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            await cue.wait()
            writer.write(b"554 no service here\r\n")
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, LOOPBACK, 0)
    try:
        yield server.sockets[0].getsockname()[1], cue
    finally:
        cue.set()
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 1.0)


def shown(app) -> str:
    return " ".join(visible_text(app).split())


def answer_labels(app) -> list[str]:
    from textual.widgets import Button

    return [str(button.label) for button in app.screen.query("#answer Button").results(Button)]


def waiting_at_the_greeting(app) -> bool:
    from troubleshooter.ui.app.widgets import ProbePanel

    panel = app.screen.query_one(ProbePanel)
    return app.conversation.probe.running and any(name == "banner" and result is None
                                                  for name, result in panel.stages)


@contextlib.asynccontextmanager
async def check_waiting(tmp_path, lang: str):
    """The app at 80×24 in ``lang``, its check waiting for the listener's greeting: (app, pilot, cue)."""
    async with greeting_on_cue() as (port, cue):
        flows = tmp_path / "flows"
        flows.mkdir()
        (flows / "lang.yaml").write_text(FLOW.format(host=LOOPBACK, port=port), encoding="utf-8")
        app = make_app(lang, flow="lang", flows=flows)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.conversation.session is not None and waiting_at_the_greeting(app))
            yield app, pilot, cue


async def test_switching_the_language_mid_check_redraws_the_panel_and_the_buttons(tmp_path):
    async with check_waiting(tmp_path, "cs") as (app, pilot, cue):
        before = shown(app)
        assert "Kontrola: Spojení se serverem" in before and "Kontroluji…" in before, before
        assert "čekám – pozdrav serveru" in before, before
        assert any("Potřebuji pomoc člověka" in label for label in answer_labels(app))
        worker = next(w for w in app.conversation.workers if w.name == "probe")

        await pilot.press("l")
        await pilot.pause(0.3)
        after = shown(app)
        assert app.lang == "en" and app.conversation.probe.running
        assert "Check: Connection to the server" in after, after
        assert "Checking… (Esc or c cancels)" in after, after
        assert "waiting – server greeting," in after, after
        assert "Kontrol" not in after and "čekám" not in after and "pozdrav" not in after, after
        labels = answer_labels(app)
        assert any("I need a person" in label for label in labels), labels
        assert not any("Potřebuji" in label for label in labels), labels
        # the same check, not a new one: same worker, one connection so far
        assert next(w for w in app.conversation.workers if w.name == "probe") is worker

        cue.set()  # the server answers now: the check ends, its result in English
        await until(pilot, lambda: not app.conversation.probe.running)
        await settle(pilot)
        ended = shown(app)
        assert app.conversation.session.current.node == "failed"
        assert "It failed." in ended and "Nepovedlo se." not in ended, ended


async def test_a_cancelled_checks_panel_follows_the_language_too(tmp_path):
    async with check_waiting(tmp_path, "en") as (app, pilot, _cue):
        await pilot.press("c")
        await until(pilot, lambda: not app.conversation.probe.running)
        await settle(pilot)
        assert "You cancelled the check" in shown(app)
        await press(pilot, "l")
        after = shown(app)
        assert "Kontrola: Spojení se serverem" in after and "Kontrolu jste zrušili" in after, after
        assert "Check:" not in after and "cancelled" not in after, after
        labels = answer_labels(app)
        assert any("Spustit znovu" in label for label in labels), labels
        assert any("Potřebuji pomoc člověka" in label for label in labels), labels

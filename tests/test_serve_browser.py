"""`troubleshooter serve` in a real browser: headless Chromium over the DevTools protocol.

The served page draws the terminal with xterm.js on a canvas, so the text is not in the
DOM. The test reads xterm's own screen buffer instead: a script injected before the page's
code notes the addons xterm.js loads (its AddonManager pushes ``{instance, isDisposed}``
records), and an addon's ``_terminal``-like field is the public ``Terminal`` whose
``buffer.active`` lines are the text the visitor sees. Clicks are real mouse events on the
cell where a label is drawn. Google-font requests of the page are blocked (no network here).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import pytest

from troubleshooter.ui.conversation import load_content, start_session

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
CANARY = "TROUBLESHOOTER_TEST_CANARY_SECRET"

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)",
)

CAPTURE_TERMINAL = """
window.__xtermAddons = [];
const originalPush = Array.prototype.push;
Array.prototype.push = function (...items) {
  for (const item of items) {
    if (item && typeof item === 'object' && 'instance' in item && 'isDisposed' in item) {
      originalPush.call(window.__xtermAddons, item);
    }
  }
  return originalPush.apply(this, items);
};
"""

READ_SCREEN = """(() => {
  for (const addon of (window.__xtermAddons || [])) {
    for (const value of Object.values(addon.instance)) {
      if (value && value.buffer && value.buffer.active && value.rows) {
        const buffer = value.buffer.active, lines = [];
        for (let i = 0; i < value.rows; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
        const screen = document.querySelector('.xterm-screen').getBoundingClientRect();
        return JSON.stringify({lines, cols: value.cols, rows: value.rows,
                               box: [screen.left, screen.top, screen.width, screen.height]});
      }
    }
  }
  return null;
})()"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """`troubleshooter serve` on a free loopback port, with a canary secret in its environment."""

    def __init__(self, *extra: str) -> None:
        self.port = free_port()
        env = {**os.environ, CANARY: "hunter2"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "troubleshooter", "serve", "--port", str(self.port), *extra],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("troubleshooter serve exited at start") from None
                time.sleep(0.2)
        raise RuntimeError("troubleshooter serve did not listen within 30 s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def app_pids(self) -> list[int]:
        """Served app processes (``--served`` in their command line) under this server."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
                if b"--served" in cmdline and os.getpgid(int(entry.name)) == self.proc.pid:
                    found.append(int(entry.name))
            except OSError:
                continue
        return found

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)


class Page:
    """One headless Chromium page driven over the DevTools protocol (aiohttp websocket)."""

    def __init__(self, *flags: str, capture_terminal: bool = True) -> None:
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        self.capture_terminal = capture_terminal
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "--window-size=1280,800",
             *flags, "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self._id = 0
        self.http: aiohttp.ClientSession | None = None
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def open(self) -> None:
        port_file = Path(self.profile) / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            await asyncio.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        self.http = aiohttp.ClientSession()
        targets = await (await self.http.get(f"http://127.0.0.1:{port}/json/list")).json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = await self.http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        await self.call("Page.enable")
        await self.call("Network.enable")
        await self.call("Network.setBlockedURLs", urls=["*fonts.googleapis.com*", "*fonts.gstatic.com*"])
        if self.capture_terminal:
            await self.call("Page.addScriptToEvaluateOnNewDocument", source=CAPTURE_TERMINAL)

    async def call(self, method: str, **params: object) -> dict:
        assert self.ws is not None
        self._id += 1
        mine = self._id
        await self.ws.send_json({"id": mine, "method": method, "params": params})
        async for message in self.ws:
            data = json.loads(message.data)
            if data.get("id") == mine:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})
        raise RuntimeError("DevTools connection closed")

    async def screen(self) -> dict | None:
        result = await self.call("Runtime.evaluate", expression=READ_SCREEN, returnByValue=True)
        value = result.get("result", {}).get("value")
        return json.loads(value) if value else None

    async def text(self) -> str:
        screen = await self.screen()
        return "\n".join(screen["lines"]) if screen else ""

    async def wait_for(self, needle: str, timeout: float = 60.0) -> str:
        end = time.monotonic() + timeout
        seen = ""
        while time.monotonic() < end:
            seen = await self.text()
            if needle in seen:
                return seen
            await asyncio.sleep(0.3)
        raise AssertionError(f"{needle!r} did not show within {timeout} s; the screen:\n{seen}")

    async def click_text(self, needle: str) -> None:
        """A real mouse click on the middle of the cells where ``needle`` is drawn."""
        screen = await self.screen()
        assert screen is not None
        left, top, width, height = screen["box"]
        cell_w, cell_h = width / screen["cols"], height / screen["rows"]
        for row, line in enumerate(screen["lines"]):
            col = line.find(needle)
            if col >= 0:
                x, y = left + (col + len(needle) / 2) * cell_w, top + (row + 0.5) * cell_h
                for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
                    await self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                                    clickCount=1)
                return
        raise AssertionError(f"{needle!r} is not on the screen")

    async def press(self, char: str) -> None:
        """A key typed into the focused terminal (xterm.js's helper textarea)."""
        await self.call("Input.dispatchKeyEvent", type="keyDown", key=char, text=char,
                        unmodifiedText=char)
        await self.call("Input.dispatchKeyEvent", type="keyUp", key=char)

    async def press_enter(self) -> None:
        await self.call("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter",
                        windowsVirtualKeyCode=13, text="\r", unmodifiedText="\r")
        await self.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter",
                        windowsVirtualKeyCode=13)

    async def screenshot(self, path: Path) -> None:
        shot = await self.call("Page.captureScreenshot", format="png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.http is not None:
            await self.http.close()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.profile, ignore_errors=True)


def first_words(text: str, count: int = 4) -> str:
    return " ".join(text.split()[:count])


def expected_walk(lang: str) -> tuple[str, str, str]:
    """The first question, its first choice's label and the next question, from the flows."""
    startup = load_content(argparse.Namespace(lang=lang))
    session = start_session(startup, argparse.Namespace())
    view = session.view()
    choice = view.choices[0]
    first = view.text.get(lang)
    session.choose(choice.id)
    return first, choice.label.get(lang), session.view().text.get(lang)


@pytest.fixture
def server():
    served = ServeProcess("--terminal")
    yield served
    served.stop()


@needs_chromium
@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_a_visitor_walks_the_first_step_in_a_browser(lang, tmp_path):
    first, label, second = expected_walk(lang)
    served = ServeProcess("--terminal", "--lang", lang)
    page = Page()
    try:
        await page.open()
        await page.call("Page.navigate", url=served.url)
        await page.wait_for(first_words(first))
        await page.wait_for(label)
        await page.screenshot(OUTPUT / f"serve-{lang}-start.png")
        await page.click_text(label)
        await page.wait_for(first_words(second))
        await page.screenshot(OUTPUT / ("serve.png" if lang == "cs" else f"serve-{lang}.png"))
    finally:
        await page.close()
        served.stop()


@needs_chromium
async def test_the_served_app_gets_no_server_secrets(server):
    page = Page()
    try:
        await page.open()
        await page.call("Page.navigate", url=server.url)
        await page.wait_for("SMTP", timeout=60)  # the app is up and drawing
        pids = server.app_pids()
        assert pids, "no served app process found"
        for pid in pids:
            raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            env = dict(item.decode().split("=", 1) for item in raw if b"=" in item)
            assert CANARY not in env
            assert env["TEXTUAL_DRIVER"].endswith("WebDriver")
            assert "/session." in env["HOME"] and env["XDG_STATE_HOME"].startswith(env["HOME"])
            assert set(env) <= {"PATH", "LANG", "TERM", "PYTHONPATH", "HOME", "XDG_STATE_HOME",
                                "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "TMPDIR",
                                "TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                                "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS"}
    finally:
        await page.close()


async def test_sessions_over_the_cap_get_a_busy_screen_and_no_app():
    served = ServeProcess("--terminal", "--max-sessions", "1", "--lang", "en")
    try:
        async with aiohttp.ClientSession() as http:
            first = await http.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width=80&height=24")
            received = await asyncio.wait_for(first.receive(), timeout=60)  # the app started
            assert received.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
            second = await http.ws_connect(f"ws://127.0.0.1:{served.port}/ws?width=80&height=24")
            busy = await asyncio.wait_for(second.receive(), timeout=10)
            assert busy.type == aiohttp.WSMsgType.BINARY
            shown = busy.data.decode()
            assert "The service is busy (1 conversations at once)" in shown
            assert "Služba je právě plně vytížená" in shown
            assert (await asyncio.wait_for(second.receive(), timeout=10)).type in (
                aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert len(served.app_pids()) == 1
            await first.close()
            await second.close()
    finally:
        served.stop()


@needs_chromium
async def test_transcript_export_downloads_in_the_browser(tmp_path):
    served = ServeProcess("--terminal", "--lang", "en")
    page = Page()
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    try:
        await page.open()
        await page.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        await page.call("Page.navigate", url=served.url)
        _first, label, second = expected_walk("en")
        await page.wait_for(label)
        await page.click_text(label)  # one step, so the transcript has an answer in it
        await page.wait_for(first_words(second))
        for _ in range(3):  # the key may arrive while the app is still redrawing
            await page.press("e")  # the app's export key
            try:
                await page.wait_for("Save the transcript", timeout=10)
                break
            except AssertionError:
                continue
        await page.wait_for("Save the transcript", timeout=1)
        await page.screenshot(OUTPUT / "serve-export.png")
        await page.press_enter()  # the file-name field has the focus: Enter saves
        end = time.monotonic() + 30
        while time.monotonic() < end and not list(downloads.glob("*.md")):
            await asyncio.sleep(0.3)
        saved = list(downloads.glob("*.md"))
        assert saved, f"no transcript downloaded; the screen:\n{await page.text()}"
        assert label in saved[0].read_text(encoding="utf-8")
    finally:
        await page.close()
        served.stop()

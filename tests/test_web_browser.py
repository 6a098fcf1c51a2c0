"""The web conversation in a real browser: headless Chromium over the DevTools protocol (the
same driver as tests/test_serve_browser.py), clicking and typing in the DOM with real mouse
and keyboard events, at a phone's and a laptop's size, in Czech and English, with and
without JavaScript. The walk: choices, an input with a finding, a live check against the
practice SMTP server on loopback, an article, a resolved end, then the support end.

With JavaScript on, axe-core (npm ``axe-core``, installed by .ci/run into .ci/node) is
loaded into the page by the test only, and must report no serious or critical violation.
Screenshots go to test-output/web/ (not committed).
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from aiohttp import web
from test_serve_browser import OUTPUT, Page, ServeProcess, free_port, needs_chromium

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"))
SIZES = {"phone": (390, 844), "laptop": (1280, 800)}
PASSWORD = "Tajne-Heslo-987"
USER = "web@example.cz"
SHOTS = OUTPUT / "web"


@functools.cache
def axe_source() -> str:
    """axe-core's script; installed from the npm registry into .ci/node when missing (as .ci/run does)."""
    if not AXE.exists() and shutil.which("npm"):
        subprocess.run(["npm", "install", "--silent", "--no-save", "--no-package-lock", "--no-audit",
                        "--no-fund", "--prefix", str(AXE.parents[2]), "axe-core@4"], check=False, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE} and npm could not install it")
    return AXE.read_text(encoding="utf-8")


class WebPage(Page):
    """A Chromium page that drives the web conversation through its DOM."""

    def __init__(self, *flags: str) -> None:
        super().__init__(*flags, capture_terminal=False)

    async def setup(self, size: tuple[int, int], script: bool) -> None:
        await self.open()
        width, height = size
        await self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=width < 600)
        await self.call("Emulation.setScriptExecutionDisabled", value=not script)

    async def evaluate(self, expression: str, context: int | None = None) -> object:
        params: dict[str, object] = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        if context is not None:
            params["contextId"] = context
        for _ in range(50):
            try:
                result = await self.call("Runtime.evaluate", **params)
            except RuntimeError:  # the page is navigating: its context is gone for a moment
                await asyncio.sleep(0.1)
                continue
            if "exceptionDetails" in result:
                text = json.dumps(result["exceptionDetails"])
                if "Execution context was destroyed" in text or "Cannot find context" in text:
                    await asyncio.sleep(0.1)
                    continue
                raise AssertionError(f"{expression[:80]}: {text[:500]}")
            return result.get("result", {}).get("value")
        raise AssertionError(f"could not evaluate {expression[:80]}")

    async def wait(self, expression: str, timeout: float = 30.0, context: int | None = None) -> object:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                value = await self.evaluate(expression, context)
            except AssertionError:
                value = None
            if value:
                return value
            await asyncio.sleep(0.1)
        body = await self.evaluate("document.body ? document.body.innerText : ''", context)
        raise AssertionError(f"{expression} did not become true in {timeout} s; the page:\n{body}")

    async def at(self, context: int | None = None) -> str:
        value = await self.wait("document.querySelector('input[name=at]')?.value || "
                                "(document.readyState === 'complete' && 'none')", context=context)
        return str(value)

    async def click(self, selector: str, context: int | None = None,
                    offset: tuple[float, float] = (0, 0)) -> None:
        """A real mouse click on the middle of the element's first box (scrolled into view first)."""
        box = await self.wait(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)}); if (!el) return null;"
            " el.scrollIntoView({block: 'center'}); const r = el.getClientRects()[0];"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()", context=context)
        x, y = box[0] + offset[0], box[1] + offset[1]  # type: ignore[index]
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    async def step(self, selector: str, context: int | None = None,
                   offset: tuple[float, float] = (0, 0)) -> str:
        """Click, then wait for the conversation to move on; the new position."""
        before = await self.at(context)
        await self.click(selector, context, offset)
        await self.wait(f"(document.querySelector('input[name=at]')?.value || '') !== {json.dumps(before)}",
                        context=context)
        return await self.at(context)

    async def type_into(self, selector: str, value: str) -> None:
        """Click into a field and type (as a keyboard's text input)."""
        await self.click(selector)
        await self.wait(f"document.activeElement === document.querySelector({json.dumps(selector)})")
        await self.evaluate(f"document.querySelector({json.dumps(selector)}).select()")
        await self.call("Input.insertText", text=value)

    async def press_key(self, key: str) -> None:
        """A key press on the focused element (Tab, Enter)."""
        codes = {"Tab": 9, "Enter": 13}
        await self.call("Input.dispatchKeyEvent", type="rawKeyDown", key=key, code=key,
                        windowsVirtualKeyCode=codes[key])
        if key == "Enter":
            await self.call("Input.dispatchKeyEvent", type="char", key=key, code=key, text="\r",
                            windowsVirtualKeyCode=13)
        await self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=key,
                        windowsVirtualKeyCode=codes[key])

    async def answer(self, value: str) -> str:
        await self.type_into("#value", value)
        return await self.step("form.answer button.primary")

    async def axe(self, name: str) -> None:
        """axe-core's WCAG 2.x A/AA rules on the page: no serious or critical violation. Measured
        once the page's stylesheet and fonts are in: before that, on a busy machine, the buttons
        have the browser's default size and fail target-size (seen once, with #question already
        in the DOM)."""
        await self.wait("document.readyState === 'complete' && document.styleSheets.length > 0")
        await self.evaluate("document.fonts.ready.then(() => true)")
        if not await self.evaluate("typeof axe !== 'undefined'"):
            await self.evaluate(axe_source() + ";true")
        found = await self.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
            "'wcag21aa', 'wcag22aa', 'best-practice']}}).then(r => JSON.stringify(r.violations.map("
            "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))")
        violations = [v for v in json.loads(str(found)) if v["impact"] in ("serious", "critical")]
        assert not violations, f"{name}: {violations}"

    async def shot(self, name: str) -> None:
        """A screenshot; and the page reflows: no horizontal scrolling at this width."""
        await self.screenshot(SHOTS / f"{name}.png")
        widths = await self.evaluate("[document.documentElement.scrollWidth, "
                                     "document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{name}: the page scrolls sideways {widths}"  # type: ignore[index]


@pytest.fixture(scope="module")
def smtp_port():
    from smtp_servers import practice_server

    with practice_server(["no-starttls"], username=USER, password=PASSWORD) as server:
        yield server.config.port


@needs_chromium
@pytest.mark.parametrize("script", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["cs", "en"])
async def test_a_visitor_walks_the_conversation(lang, size, script, smtp_port):
    served = ServeProcess("--lang", lang, "--allow-private", "--ports", str(smtp_port),
                          "--support-email", "podpora@example.com")
    page = WebPage()
    tag = f"{lang}-{size}-{'js' if script else 'nojs'}"
    try:
        await page.setup(SIZES[size], script)
        await page.call("Page.navigate", url=served.url)
        await page.wait(f"document.documentElement.lang === '{lang}' && !!document.querySelector('#question')")
        if script:
            await page.axe(f"{tag} start")
        await page.shot(f"{tag}-01-start")
        for choice in ("set-up", "mioweb", "next", "on", "have-values"):
            await page.step(f"button[name=choice][value='{choice}']")
        if script:
            await page.axe(f"{tag} choice step")
        await page.shot(f"{tag}-02-choice")
        assert (await page.step("button[name=choice][value='together']")).endswith("enter-host")
        assert (await page.answer("127.0.0.1")).endswith("enter-port")
        # an input with a finding: an unusual port, offered to keep as typed
        await page.type_into("#value", str(smtp_port))
        await page.click("form.answer button.primary")
        await page.wait("!!document.querySelector('.error-summary')")
        assert await page.evaluate("document.title.startsWith('Chyba') || document.title.startsWith('Error')")
        if script:
            assert await page.evaluate("document.activeElement.id === 'error-summary'")
            await page.axe(f"{tag} input with a finding")
        await page.shot(f"{tag}-03-finding")
        assert (await page.step("button[name=use][value=typed]")).endswith("choose-security")
        await page.step("button[name=choice][value=none]")
        await page.answer(USER)
        await page.answer(USER)
        assert (await page.at()).endswith("enter-password")
        assert await page.evaluate("document.querySelector('#value').type === 'password'")
        await page.answer(PASSWORD)
        # the live check: connection, then login, against the practice server
        await page.click("button[name=choice][value=check]")
        if script:
            await page.wait("document.querySelectorAll('#progress li').length > 0 || "
                            "(document.querySelector('input[name=at]')?.value || '').endsWith('login-ok')")
        await page.wait("(document.querySelector('input[name=at]')?.value || '').endsWith('login-ok')")
        assert await page.evaluate("document.querySelectorAll('.card-ok').length") == 2
        if script:
            assert await page.evaluate("document.activeElement.id === 'question-heading'")
            await page.axe(f"{tag} check result")
        await page.evaluate("document.querySelector('.card-ok').scrollIntoView()")
        await page.shot(f"{tag}-04-check")
        assert (await page.step("button[name=choice][value='mioweb-test']")).endswith(":test")
        # an article: the step's own (beside the chat, or folded below it on a phone), then one
        # it links to, opened by clicking the link
        if not await page.evaluate("document.querySelector('.article details').open"):
            await page.click(".article summary")
            await page.wait("document.querySelector('.article details').open")
        await page.click(".article-body a[href^='?article=']")
        await page.wait("location.search.includes('article=') && !!document.querySelector('#article-heading')")
        assert await page.evaluate("document.querySelector('.article details').open")
        if script:
            await page.axe(f"{tag} article")
        await page.evaluate("document.querySelector('#article').scrollIntoView()")
        await page.shot(f"{tag}-05-article")
        await page.step("button[name=choice][value=green]")
        assert (await page.step("button[name=choice][value=yes]")).endswith("resolved")
        assert await page.evaluate("!!document.querySelector('.verdict-resolved')")
        await page.shot(f"{tag}-06-resolved")
        # "I need a person", from the end as from every step, leads to the support checklist
        assert (await page.step("button[name=do][value=help]")).endswith("support")
        text = str(await page.evaluate("document.body.innerText"))
        assert "podpora@example.com" in text and PASSWORD not in text
        assert await page.evaluate("!!document.querySelector('a[href=\"transcript.md\"]')")
        if script:
            assert await page.evaluate("!document.querySelector('[data-copy]').hidden")
            await page.axe(f"{tag} support end")
        await page.shot(f"{tag}-07-support")
        html = str(await page.evaluate("document.documentElement.outerHTML"))
        assert PASSWORD not in html
    finally:
        await page.close()
        served.stop()


@needs_chromium
async def test_the_page_works_inside_an_iframe_of_another_origin():
    """A help center at http://localhost:P embeds the page served at http://127.0.0.1:Q."""
    parent_port = free_port()
    parent_origin = f"http://localhost:{parent_port}"
    served = ServeProcess("--lang", "en", "--embed-origin", parent_origin)

    async def parent(request: web.Request) -> web.Response:
        return web.Response(text=f'<!doctype html><html lang="en"><title>Help center</title><h1>Help</h1>'
                                 f'<iframe src="{served.url}" title="SMTP help" width="1000" height="700">'
                                 f'</iframe></html>', content_type="text/html")

    app = web.Application()
    app.router.add_get("/", parent)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", parent_port).start()
    page = WebPage("--disable-features=IsolateOrigins,site-per-process", "--disable-site-isolation-trials")
    try:
        await page.setup(SIZES["laptop"], True)
        await page.call("Page.navigate", url=f"{parent_origin}/")
        frame_id = None
        for _ in range(100):
            tree = await page.call("Page.getFrameTree")
            children = tree["frameTree"].get("childFrames", [])
            if children and children[0]["frame"]["url"].startswith(served.url):
                frame_id = children[0]["frame"]["id"]
                break
            await asyncio.sleep(0.1)
        assert frame_id, "the iframe did not load"
        world = await page.call("Page.createIsolatedWorld", frameId=frame_id, worldName="test")
        context = world["executionContextId"]
        # the script first: a click before it is ready posts the form the plain way, and the
        # navigation ends this isolated world (seen under load)
        await page.wait("document.documentElement.classList.contains('scripted') && "
                        "!!document.querySelector('button[name=choice]')", context=context)
        left, top = await page.evaluate(
            "(() => { const r = document.querySelector('iframe').getBoundingClientRect(); "
            "return [r.left, r.top]; })()")  # type: ignore[misc]
        moved = await page.step("button[name=choice][value='set-up']", context=context, offset=(left, top))
        assert moved.endswith("which-site")  # the cookie came back: the session lives in the iframe
        await page.shot("embedded")
    finally:
        await page.close()
        await runner.cleanup()
        served.stop()


@needs_chromium
async def test_the_keyboard_reaches_everything_in_order_with_visible_focus():
    served = ServeProcess("--lang", "en")
    page = WebPage()
    try:
        await page.setup(SIZES["laptop"], True)
        await page.call("Page.navigate", url=served.url)
        await page.wait("!!document.querySelector('#question')")
        expected = await page.evaluate(
            "[...document.querySelectorAll('a[href], button:not([hidden]), input:not([type=hidden]), textarea,"
            " summary')].map(el => el.outerHTML.slice(0, 60))")
        seen = []
        for _ in range(len(expected)):  # type: ignore[arg-type]
            await page.press_key("Tab")
            seen.append(await page.evaluate(
                "(() => { const el = document.activeElement, style = getComputedStyle(el);"
                " return [el.outerHTML.slice(0, 60),"
                "         style.outlineStyle !== 'none' && style.outlineWidth !== '0px']; })()"))
        assert [html for html, _ in seen] == expected  # the tab order is the page order, nothing skipped
        assert all(visible for _, visible in seen), [html for html, visible in seen if not visible]
        await page.evaluate("document.querySelector(\"button[value='set-up']\").focus()")
        await page.press_key("Enter")
        await page.wait("(document.querySelector('input[name=at]')?.value || '').endsWith('which-site')")
        # the script moves the focus once the new step is in place: wait for it (a busy machine is slow)
        await page.wait("document.activeElement?.id === 'question-heading'", timeout=10)
        await page.wait("document.getElementById('announce').textContent.trim() === "
                        "document.getElementById('question-heading').textContent.trim()")  # said politely
    finally:
        await page.close()
        served.stop()


@needs_chromium
async def test_a_checks_stages_appear_live_in_the_page():
    """With a slow server (3 s a reply), the stages done so far show while the check runs."""
    from smtp_servers import practice_server

    with practice_server(["no-starttls", "slow"], username=USER, password=PASSWORD) as smtp:
        port = smtp.config.port
        served = ServeProcess("--lang", "en", "--allow-private", "--ports", str(port))
        page = WebPage()
        try:
            await page.setup(SIZES["laptop"], True)
            await page.call("Page.navigate", url=served.url)
            for choice in ("set-up", "mioweb", "next", "on", "have-values", "together"):
                await page.step(f"button[name=choice][value='{choice}']")
            await page.answer("127.0.0.1")
            await page.type_into("#value", str(port))
            await page.click("form.answer button.primary")
            await page.step("button[name=use][value=typed]")
            await page.step("button[name=choice][value=none]")
            for value in (USER, USER, PASSWORD):
                await page.answer(value)
            await page.step("button[name=choice][value=check]")
            assert await page.evaluate("!!document.querySelector('[data-check-running]')")
            await page.wait("[...document.querySelectorAll('#progress li')]"
                            ".some(li => li.textContent.startsWith('✓'))", timeout=8)
            assert (await page.at()).endswith("check-connection")  # still running: the result is not in
            assert not await page.evaluate("document.querySelector('.nojs-only').offsetParent")  # no button
            await page.shot("live-progress")
        finally:
            await page.close()
            served.stop()

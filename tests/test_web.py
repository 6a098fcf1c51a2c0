"""The web conversation (troubleshooter/ui/web) over real HTTP, in process: aiohttp's test
server and client, the practice SMTP server on loopback for live checks. The browser walk
with Chromium and axe-core is tests/test_web_browser.py."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
from pathlib import Path

import pytest
from aiohttp import ClientSession, CookieJar, FormData
from aiohttp.test_utils import TestClient, TestServer
from cancels import assert_every_cancel_is_kept

from troubleshooter.probes.policy import AuthLedger, TargetPolicy
from troubleshooter.ui.conversation import load_content
from troubleshooter.ui.web.checks import CheckRun
from troubleshooter.ui.web.server import COOKIE, SCRIPT_HEADER, WebApp, WebConfig

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Tajne-Heslo-987"
USER = "web@example.cz"


def make_config(**changes: object) -> WebConfig:
    flows = load_content(argparse.Namespace(flows=str(ROOT / "flows"))).flows
    policy = changes.pop("policy", None) or TargetPolicy(ledger=AuthLedger(), deadline=5.0)
    return WebConfig(flows=flows, policy=policy, kb=str(ROOT / "kb"), **changes)  # type: ignore[arg-type]


class Visitor:
    """One browser without JavaScript (or with, ``script=True``): forms, redirects, cookies."""

    def __init__(self, client: TestClient, script: bool = False) -> None:
        self.client = client
        self.script = script
        self.html = ""
        self.bodies: list[str] = []

    async def get(self, path: str = "/") -> str:
        response = await self.client.get(path)
        self.html = await response.text()
        self.bodies.append(self.html)
        return self.html

    def field(self, name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', self.html)
        assert found, f"no {name} on the page"
        return found.group(1)

    async def post(self, expect: int = 200, **form: str) -> str:
        data: dict[str, str] | FormData = {"csrf": self.field("csrf"), "at": self.field("at"), **form}
        if form.get("do") == "ask":  # the question box's form is multipart (a paste is not URL-encoded)
            data = FormData(data, default_to_multipart=True)
        headers = {SCRIPT_HEADER: "1"} if self.script else {}
        response = await self.client.post("/", data=data, headers=headers)
        self.html = await response.text()
        self.bodies.append(self.html)
        assert response.status == expect, self.html
        return self.html

    async def choose(self, choice: str) -> str:
        return await self.post(do="choose", choice=choice)

    async def type(self, value: str) -> str:
        return await self.post(do="submit", value=value)

    def at(self) -> str:
        return self.field("at").rsplit(":", 1)[1]


@pytest.fixture
async def served():
    """A factory: (client, WebApp) for a config; everything closed at the end."""
    opened: list[TestClient] = []

    async def start(**changes: object) -> tuple[TestClient, WebApp]:
        webapp = WebApp(make_config(**changes))
        client = TestClient(TestServer(webapp.application()))
        await client.start_server()
        opened.append(client)
        return client, webapp

    yield start
    for client in opened:
        await client.close()


@pytest.fixture
def smtp_server():
    from smtp_servers import practice_server

    with practice_server(["no-starttls"], username=USER, password=PASSWORD) as server:
        yield server.config.port


async def walk_to_values(visitor: Visitor, host: str, port: int, password: str = PASSWORD) -> None:
    """intro → … → offer-check with the given server, like a visitor clicking and typing."""
    for choice in ("set-up", "mioweb"):
        await visitor.choose(choice)
    await visitor.choose("next")
    assert visitor.at() == "smtp-on"
    await visitor.choose("on")
    await visitor.choose("have-values")
    await visitor.choose("together")
    assert visitor.at() == "enter-host"
    await visitor.type(host)
    await visitor.type(str(port))
    if visitor.at() == "enter-port":  # an unusual port: keep it as typed
        await visitor.post(do="use", use="typed")
    assert visitor.at() == "choose-security"
    await visitor.choose("none")
    await visitor.type(USER)
    await visitor.type(USER)
    assert visitor.at() == "enter-password"
    await visitor.type(password)
    assert visitor.at() == "offer-check"


async def at_offer_check(served, port: int, script: bool = False, **changes: object):
    """A visitor at the offer to check, with the practice server on loopback allowed."""
    policy = TargetPolicy(allow_private=True, allowed_ports=frozenset({port}), ledger=AuthLedger(),
                          deadline=5.0)
    client, webapp = await served(lang="en", policy=policy, **changes)
    visitor = Visitor(client, script=script)
    await visitor.get()
    await walk_to_values(visitor, "127.0.0.1", port)
    return client, webapp, visitor


def choice_ids(html: str) -> list[str]:
    return re.findall(r'name="choice" value="([^"]+)"', html)


# -- the page and its headers ---------------------------------------------------------------
async def test_start_page_headers_cookie_and_language(served):
    client, _ = await served(lang="en")
    response = await client.get("/")
    html = await response.text()
    assert response.status == 200
    assert '<html lang="en">' in html and "<ol" not in html  # no history yet
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain http on localhost, no --public-url
    assert "<script" in html and "<script>" not in html  # only the external script, nothing inline
    assert 'lang="cs">Česky</button>' in html


async def test_cookie_is_secure_behind_https_and_partitioned_when_embedded(served):
    client, _ = await served(public_url="https://help.example.com")
    cookie = (await client.get("/")).headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=Strict" in cookie
    client, _ = await served(embed_origins=("http://localhost:8080",))
    response = await client.get("/")
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    assert response.headers["Content-Security-Policy"].endswith("frame-ancestors http://localhost:8080")
    assert "X-Frame-Options" not in response.headers


async def test_language_from_the_browser_and_switch_keeps_the_path(served):
    client, _ = await served()
    visitor = Visitor(client)
    client.session.headers["Accept-Language"] = "en-GB,en;q=0.9"
    await visitor.get()
    assert '<html lang="en">' in visitor.html
    await visitor.choose("set-up")
    html = await visitor.post(do="lang", lang="cs")
    assert '<html lang="cs">' in html and visitor.at() == "which-site"
    assert "Chci nastavit nebo zkontrolovat SMTP" in html  # the path so far, now in Czech
    html = await visitor.post(do="back")
    assert visitor.at() == "intro" and '<html lang="cs">' in html
    await visitor.choose("set-up")
    await visitor.post(do="restart")
    assert visitor.at() == "intro"


# -- forms: CSRF, double submit, findings ---------------------------------------------------
async def test_a_post_without_the_csrf_token_is_refused(served):
    client, webapp = await served(lang="en")
    visitor = Visitor(client)
    await visitor.get()
    response = await client.post("/", data={"do": "choose", "choice": "set-up", "at": visitor.field("at")})
    assert response.status == 403
    assert "security code" in await response.text()
    response = await client.post("/", data={"do": "choose", "choice": "set-up", "at": visitor.field("at"),
                                            "csrf": "forged"})
    assert response.status == 403
    (session,) = webapp.store._sessions.values()
    assert session.session.steps == []


async def test_a_double_submit_moves_once(served):
    client, webapp = await served(lang="en")
    visitor = Visitor(client)
    await visitor.get()
    data = {"csrf": visitor.field("csrf"), "at": visitor.field("at"), "do": "choose", "choice": "set-up"}
    first, second = await asyncio.gather(client.post("/", data=data), client.post("/", data=data))
    assert first.status == second.status == 200
    (session,) = webapp.store._sessions.values()
    assert [s.answer for s in session.session.steps] == ["set-up"]


async def test_an_input_finding_offers_the_cleaned_value(served):
    client, webapp = await served(lang="en")
    visitor = Visitor(client)
    await visitor.get()
    for choice in ("set-up", "mioweb", "next", "on", "have-values", "together"):
        await visitor.choose(choice)
    html = await visitor.type("smtp.example.com ")
    assert visitor.at() == "enter-host"
    assert "<title>Error:" in html and 'class="error-summary"' in html and 'aria-invalid="true"' in html
    assert "Use the cleaned value: smtp.example.com" in html
    await visitor.post(do="use", use="cleaned")
    assert visitor.at() == "enter-port"
    (session,) = webapp.store._sessions.values()
    assert session.session.values["host"] == "smtp.example.com"


# -- checks ---------------------------------------------------------------------------------
async def test_the_policy_refuses_a_loopback_target_from_the_web_form(served):
    client, webapp = await served(lang="en")
    visitor = Visitor(client)
    await visitor.get()
    await walk_to_values(visitor, "127.0.0.1", 587)
    html = await visitor.choose("check")  # no script: the post waits for the check
    assert visitor.at() == "support"
    assert "points to a non-public address (127.0.0.1, this computer)" in html
    (session,) = webapp.store._sessions.values()
    assert session.policy.auth_attempts == 0


async def test_a_live_check_without_javascript_waits_and_shows_the_card(served, smtp_server):
    client, webapp, visitor = await at_offer_check(served, smtp_server)
    html = await visitor.choose("check")
    assert visitor.at() == "login-ok", html
    assert html.count('class="card card-ok"') == 2  # connection, then login
    assert "✓</span><span class=\"visually-hidden\">passed:</span> login" in html
    assert html.count("The check ran from this service&#39;s server, not from your website.") == 2  # issue 14
    (session,) = webapp.store._sessions.values()
    assert session.policy.auth_attempts == 1
    # the path goes on to a resolved end
    await visitor.choose("mioweb-test")
    await visitor.choose("green")
    html = await visitor.choose("yes")
    assert visitor.at() == "resolved" and "verdict-resolved" in html


async def test_a_page_cancelled_as_its_check_ends_stops_there(served, smtp_server):
    """A form post that awaits a check run is cancelled (the server shuts down) in the moment the
    run ends: the cancel is kept. (At the offer to check, a run ends at once: no check to run.)"""
    client, webapp, visitor = await at_offer_check(served, smtp_server)
    (current,) = webapp.store._sessions.values()

    async def await_a_check() -> bool:
        return await CheckRun(current, webapp.slots, webapp.recipients, 1).wait(10)

    await assert_every_cancel_is_kept(await_a_check)


async def test_check_progress_arrives_live_over_sse(served, smtp_server):
    client, webapp, visitor = await at_offer_check(served, smtp_server, script=True)
    data = {"csrf": visitor.field("csrf"), "at": visitor.field("at"), "do": "choose", "choice": "check"}
    response = await client.post("/", data=data, headers={SCRIPT_HEADER: "1"}, allow_redirects=False)
    assert response.status == 303  # at once: the script follows the check over SSE
    (session,) = webapp.store._sessions.values()
    assert session.check is not None and not session.check.done
    events = await client.get("/events")
    assert events.headers["Content-Type"].startswith("text/event-stream")
    lines, kinds = [], []
    async for raw in events.content:
        line = raw.decode().strip()
        if line.startswith("data: {") and line != "data: {}":
            item = json.loads(line[6:])
            lines.append(item["text"])
            kinds.append(item["kind"])
        if line == "event: done":
            break
    assert kinds[0] == "probe" and "ok" in kinds and kinds[-1] == "result", lines
    assert any(text.startswith("✓ login") for text in lines), lines
    html = await visitor.get()
    assert visitor.at() == "login-ok" and 'class="card card-ok"' in html


async def test_a_double_submitted_check_logs_in_once(served, smtp_server):
    client, webapp, visitor = await at_offer_check(served, smtp_server)
    data = {"csrf": visitor.field("csrf"), "at": visitor.field("at"), "do": "choose", "choice": "check"}
    await asyncio.gather(*(client.post("/", data=data) for _ in range(3)))
    (session,) = webapp.store._sessions.values()
    assert session.policy.auth_attempts == 1
    assert [s.answer for s in session.session.steps if s.kind == "probe"] == ["ok", "ok"]


async def test_test_emails_are_capped_per_conversation(served, smtp_server):
    client, webapp, visitor = await at_offer_check(served, smtp_server, max_test_mails=1)
    await visitor.choose("send-test")
    await visitor.type("someone@example.net")  # the first test e-mail goes out
    (session,) = webapp.store._sessions.values()
    sent = [s.probe for s in session.session.steps if s.kind == "probe"]
    assert sent[-1]["probe"] == "smtp-test-message" and sent[-1]["outcome"] != "refused-by-policy"
    html = await visitor.choose("check-again")  # runs it again (back goes to the step before it)
    refused = [s.probe for s in session.session.steps if s.kind == "probe"][-1]
    assert refused["outcome"] == "refused-by-policy" and refused["facts"]["policy"] == "test-mail-limit"
    assert "already sent 1 test e-mails" in html


# -- secrets ----------------------------------------------------------------------------------
async def test_the_password_is_in_no_body_download_log_or_cookie(served, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "Sekret-" + PASSWORD
    policy = TargetPolicy(allow_private=True, allowed_ports=frozenset({smtp_server}), ledger=AuthLedger(),
                          deadline=5.0)
    client, _ = await served(lang="en", policy=policy)
    visitor = Visitor(client)
    await visitor.get()
    await walk_to_values(visitor, "127.0.0.1", smtp_server, password=secret)
    await visitor.choose("check")  # a wrong password: the login fails
    assert visitor.at() != "login-ok"
    await visitor.post(do="ask", question=f"535 5.7.8 authentication failed for {secret}")
    await visitor.post(do="help")
    assert visitor.at() == "support"
    assert "transcript.md" in visitor.html and 'id="transcript"' in visitor.html
    for path in ("/transcript.md", "/transcript.json"):
        response = await client.get(path)
        body = await response.text()
        assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
        assert secret not in body
        assert ("enter-password" if path.endswith(".json") else "**Password**") in body  # ids only in JSON
        visitor.bodies.append(body)
    for body in visitor.bodies:
        assert secret not in body
    assert secret not in caplog.text
    for cookie in client.session.cookie_jar:
        assert secret not in cookie.value


async def test_the_support_end_names_the_operators_contact(served):
    client, _ = await served(lang="cs", support_url="https://help.example.com/ticket",
                             support_email="podpora@example.com")
    visitor = Visitor(client)
    await visitor.get()
    html = await visitor.post(do="help")
    assert visitor.at() == "support"
    assert 'href="https://help.example.com/ticket"' in html and 'href="mailto:podpora@example.com"' in html
    assert "Stáhnout přepis (Markdown)" in html and "I need a person" not in html


async def test_sessions_are_capped_and_expire(served):
    client, webapp = await served(max_sessions=1)
    assert (await client.get("/")).status == 200
    async with ClientSession() as other:  # a page view without a cookie only takes an unanswered one's place
        assert (await other.get(client.make_url("/"))).status == 200
    client.session.cookie_jar.clear()
    visitor = Visitor(client)
    await visitor.get()
    await visitor.choose("set-up")  # an answered conversation keeps its place
    async with ClientSession() as other:  # a second visitor: no cookie
        response = await other.get(client.make_url("/"))
        assert response.status == 503
        assert "busy" in await response.text()
    webapp.store.idle = 0.0
    await asyncio.sleep(0.01)
    assert webapp.store.sweep() == 1
    response = await client.post("/", data={"do": "back"})
    assert response.status == 400


async def test_the_question_box_explains_a_pasted_red_message(served):
    client, _ = await served(lang="en")
    visitor = Visitor(client)
    await visitor.get()
    html = await visitor.post(do="ask", question="SMTP Error: Could not authenticate.")
    assert "SMTP Error: Could not authenticate." in html
    assert 'name="do" value="jump"' in html or "?article=" in html


async def test_article_html_is_escaped(tmp_path):
    from troubleshooter.ui.web.page import render_markdown

    html = render_markdown("Hi <script>alert(1)</script> [x](kb:field-host) [y](javascript:alert(1))")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="?article=field-host#article"' in html and 'href="javascript' not in html


async def test_a_reload_resumes_and_a_1_mb_paste_is_taken(served):
    client, _ = await served(lang="en")
    visitor = Visitor(client)
    await visitor.get()
    await visitor.choose("set-up")
    await visitor.get()  # a reload: the same conversation, where it was
    assert visitor.at() == "which-site" and "I want to set up or check SMTP" in visitor.html
    html = await visitor.post(do="ask", question="SMTP Error: Could not authenticate. " + "x" * 999_000)
    assert "SMTP Error: Could not authenticate." in html and visitor.at() == "which-site"
    html = await visitor.post(do="ask", question="ž" * 600_000)  # 1.2 MB of UTF-8: taken, cut, said
    assert "The pasted text was longer than 1 MB" in html


def test_the_settings_card_offers_each_value_to_copy():
    from troubleshooter.probes.finder_card import FIELDS
    from troubleshooter.ui.web.page import check_card

    card = {"host": "smtp.example.cz", "port": 465, "encryption": "none", "username": "a@example.cz",
            "sender": "a@example.cz", "verified": True, "login_checked": False,
            "evidence": {name: {"source": "provider", "detail": "example.cz", "confirmed": True}
                         for name in FIELDS}}
    facts = {"steps": [], "checked": [], "card": card, "address": "a@example.cz"}
    shown = check_card({"probe": "find-settings", "outcome": "found", "facts": facts, "stages": []}, "cs")
    assert shown["ok"] and any("smtp.example.cz" in line for line in shown["finder"])
    copies = {item["value"]: item["label"] for item in shown["copies"]}
    assert copies["smtp.example.cz"] == "Zkopírovat – SMTP server: smtp.example.cz"
    assert "žádné" in copies and "465" in copies


async def test_the_opt_in_usage_record_follows_the_web_conversation(served, tmp_path):
    from troubleshooter.usage.record import open_recorder

    client, webapp = await served(lang="en", recorder=lambda session: open_recorder(
        tmp_path, front_end="web", flow=session.start.flow))
    visitor = Visitor(client)
    await visitor.get()
    await visitor.choose("set-up")
    await visitor.post(do="back")
    await visitor.get("/?article=field-host")
    await visitor.post(do="ask", question="what is a port")
    webapp.store.clear()  # the conversation expires
    events = [json.loads(line) for line in (tmp_path / "usage.jsonl").read_text().splitlines()]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and events[0]["front_end"] == "web"
    assert {"back", "article", "question"} <= set(kinds) and kinds[-1] == "close"
    assert "what is a port" not in (tmp_path / "usage.jsonl").read_text()  # no question text unless asked


async def test_question_box_answers_follow_the_language_and_name_steps_by_title(served):
    client, _ = await served(lang="en")
    visitor = Visitor(client)
    await visitor.get()
    html = await visitor.post(do="ask", question="SMTP Error: Could not authenticate.")
    assert "This message means" in html and "smtp:" not in re.sub(r'value="[^"]*"', "", html)
    html = await visitor.post(do="lang", lang="cs")
    assert "Tahle hláška znamená" in html


async def test_test_emails_are_capped_per_recipient_across_visitors(served, smtp_server):
    client, webapp, first = await at_offer_check(served, smtp_server, max_mails_per_recipient=1)
    await first.choose("send-test")
    await first.type("Someone@Example.net")
    jar = CookieJar(unsafe=True)  # cookies of an IP address host too
    async with ClientSession(base_url=str(client.make_url("/")), cookie_jar=jar) as other:  # another browser
        second = Visitor(other)  # type: ignore[arg-type]
        await second.get()
        await walk_to_values(second, "127.0.0.1", smtp_server)
        await second.choose("send-test")
        html = await second.type("someone@example.net")  # the same mailbox, other spelling
        assert "This address has already had 1 test e-mails in the last hour" in html
    outcomes = sorted(s.probe["outcome"] for w in webapp.store._sessions.values()
                      for s in w.session.steps if s.kind == "probe")
    assert outcomes.count("refused-by-policy") == 1


def test_the_web_page_runs_without_textual():
    """One process serves every visitor: it must not carry the terminal app's toolkit."""
    import subprocess
    import sys

    code = "import sys, troubleshooter.ui.web.server; print('textual' in sys.modules or 'rich' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert found.stdout.strip() == "False"


async def test_the_question_box_is_asked_with_the_conversations_node_and_provider(served):
    """The web page passes the conversation's context, so an ambiguous word ("vypnuté")
    is read at the node the visitor stands on, as in the terminal app."""
    client, webapp = await served(lang="en")
    asked: list[object] = []
    real = webapp.answers.answer

    async def spy(question, lang, context=None):
        asked.append(context)
        return await real(question, lang, context)

    webapp.answers.answer = spy
    visitor = Visitor(client)
    await visitor.get()
    await visitor.post(do="ask", question="what is a port")
    await visitor.post(do="lang", lang="cs")
    node = webapp.store._sessions and next(iter(webapp.store._sessions.values())).session.current
    assert len(asked) == 2 and all(c is not None for c in asked)
    assert all(c.node == f"{node.flow}:{node.node}" for c in asked)


async def test_a_wordpress_visitor_with_gmail_gets_gmails_values_and_never_miowebs_test(served):
    """Issue 14 item 12 on the web page: the provider's values prefilled, the history as each
    step said it then (the plugin's test), never Mioweb's test or switch."""
    client, _ = await served(lang="cs")
    visitor = Visitor(client)
    await visitor.get()
    for choice in ("set-up", "wordpress", "next", "other-provider", "gmail", "next", "together"):
        await visitor.choose(choice)
    assert visitor.at() == "enter-host"
    assert 'value="smtp.gmail.com"' in visitor.html and "údaj ověřen" in visitor.html
    await visitor.type("smtp.gmail.com")
    assert 'value="465"' in visitor.html
    await visitor.type("465")
    assert "SSL – uvádí Gmail / Google Workspace" in visitor.html
    await visitor.choose("ssl")
    await visitor.type("jan.novak@gmail.com")
    assert 'value="jan.novak@gmail.com"' in visitor.html
    await visitor.type("jan.novak@gmail.com")
    assert "Sem patří heslo aplikace" in visitor.html
    await visitor.type("abcdefghijklmnop")
    assert visitor.at() == "offer-check"
    page = " ".join(visitor.html.split())
    assert "nastavení SMTP pluginu" in page and "pošlu testovací e-mail z pluginu" in page
    assert "úplně dole" not in page.lower() and "v Miowebu" not in page and "přepínač" not in page


# -- a language switch while a check runs ----------------------------------------------------
async def _live_lines(client) -> list[str]:
    """The check's events as the page's script gets them, until the check ends."""
    events = await client.get("/events")
    lines = []
    async for raw in events.content:
        line = raw.decode().strip()
        if line.startswith("data: {") and line != "data: {}":
            lines.append(json.loads(line[6:])["text"])
        if line == "event: done":
            return lines
    raise AssertionError("the stream ended without its done event")


async def test_switching_the_language_mid_check_on_the_web_page(served):
    """The script's post does not wait for the check: the page, the progress so far, the live
    events and the result are in the new language, and the same check runs on."""
    from smtp_servers import misbehaving_server

    async with misbehaving_server("silent") as port:
        client, webapp, visitor = await at_offer_check(served, port, script=True)
        data = {"csrf": visitor.field("csrf"), "at": visitor.field("at"), "do": "choose", "choice": "check"}
        response = await client.post("/", data=data, headers={SCRIPT_HEADER: "1"}, allow_redirects=False)
        assert response.status == 303
        (current,) = webapp.store._sessions.values()
        check = current.check
        for _ in range(100):  # until the check waits for the greeting
            if any(e.get("stage") == "banner" for e in check.events):
                break
            await asyncio.sleep(0.05)
        await visitor.get()
        assert "Check: Connection to the server" in visitor.html

        page = " ".join((await visitor.post(do="lang", lang="cs")).split())
        assert current.check is check and not check.done  # the same check runs on
        assert '<html lang="cs">' in page and 'data-check-running="1"' in page
        assert "Kontrola: Spojení se serverem" in page and "… pozdrav serveru" in page, page
        assert "Check:" not in page and "server greeting" not in page, page

        lines = await _live_lines(client)  # from the first event, as a freshly swapped page asks
        assert lines[0] == "Kontrola: Spojení se serverem" and lines[-1].startswith("Výsledek:"), lines
        assert not any("Check" in line or "Result" in line for line in lines), lines
        ended = " ".join((await visitor.get()).split())
        assert "Check:" not in ended and "Result" not in ended

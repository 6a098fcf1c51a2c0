"""The web conversation's HTTP server: aiohttp handlers around the engine, one process.

Every step is a form post answered by a redirect to the complete next page (``303 See
Other``), so the page works without JavaScript; the small script in ``static/web.js``
makes the same posts with ``fetch`` and swaps the page in place. A post lands only if it
carries the conversation's CSRF token and was made for the current position of the
conversation: a double tap, a resubmitted form or a stale tab changes nothing twice.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from troubleshooter.flow.engine import FlowError, Session
from troubleshooter.flow.model import ESCALATE, FlowSet
from troubleshooter.i18n import DEFAULT_LANG, Lang, parse_lang, tr
from troubleshooter.limits import PASTE_LIMIT, cut_note, cut_paste
from troubleshooter.probes.policy import TargetPolicy, visitor_address
from troubleshooter.ui.app.services import Reply, search_context
from troubleshooter.ui.web import page
from troubleshooter.ui.web.checks import CheckRun
from troubleshooter.ui.web.store import Aside, Pending, RecipientLedger, SessionStore, WebSession
from troubleshooter.ui.web.workers import AnswerPool

log = logging.getLogger("troubleshooter.web")

HERE = Path(__file__).parent
COOKIE = "troubleshooter_session"
SCRIPT_HEADER = "X-Troubleshooter-Script"  # set by static/web.js: answer at once, progress over SSE
FORM_OVERHEAD = 64 * 1024


@dataclass
class WebConfig:
    """What the operator chose on the command line (``troubleshooter serve``)."""

    flows: FlowSet
    policy: TargetPolicy = field(default_factory=TargetPolicy)
    lang: Lang | None = None  # None: the browser's Accept-Language, else Czech
    kb: str | None = None
    public_url: str | None = None
    embed_origins: tuple[str, ...] = ()
    support_url: str | None = None
    support_email: str | None = None
    max_sessions: int = 500
    max_checks: int = 8
    idle_minutes: int = 30
    max_test_mails: int = 3  # per conversation
    max_mails_per_recipient: int = 5  # per hour, all visitors together
    recorder: Callable[[Session], Any] | None = None  # the opt-in usage record of a conversation

    @property
    def secure_cookie(self) -> bool:
        return bool(self.embed_origins) or (self.public_url or "").lower().startswith("https://")


class WebApp:
    """The handlers and what they share: the store, the check slots, the templates."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.store = SessionStore(config.max_sessions, config.idle_minutes * 60.0)
        self.recipients = RecipientLedger(config.max_mails_per_recipient)
        self.articles = page.ArticleShelf(config.kb)
        self.answers = AnswerPool(config.kb)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
            trim_blocks=True, lstrip_blocks=True, auto_reload=False,
        )
        self._slots: asyncio.Semaphore | None = None
        self._sweeper: asyncio.Task | None = None

    @property
    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.max_checks)
        return self._slots

    def application(self) -> web.Application:
        # The question box posts multipart: a paste of PASTE_LIMIT characters, ≤ 4 bytes each.
        app = web.Application(client_max_size=PASTE_LIMIT * 4 + FORM_OVERHEAD, middlewares=[self.headers])
        app.router.add_get("/", self.show)
        app.router.add_post("/", self.act)
        app.router.add_get("/events", self.events)
        app.router.add_get("/transcript.md", self.download)
        app.router.add_get("/transcript.json", self.download)
        app.router.add_static("/static", HERE / "static", append_version=False)
        app.on_startup.append(self._start)
        app.on_cleanup.append(self._stop)
        return app

    async def _start(self, app: web.Application) -> None:
        self._sweeper = asyncio.create_task(self._sweep())
        self.answers.start()

    async def _stop(self, app: web.Application) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        self.store.clear()
        self.answers.close()

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(min(60.0, self.store.idle / 2))
            dropped = self.store.sweep()
            if dropped:
                log.info("dropped %d idle conversations", dropped)

    # -- headers ----------------------------------------------------------------------------
    @web.middleware
    async def headers(self, request: web.Request, handler: Any) -> web.StreamResponse:
        response = await handler(request)
        ancestors = " ".join(self.config.embed_origins) or "'none'"
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
            f"frame-ancestors {ancestors}")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not self.config.embed_origins:
            response.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    def _cookie(self, session_id: str) -> str:
        parts = [f"{COOKIE}={session_id}", "Path=/", "HttpOnly"]
        if self.config.embed_origins:  # a cross-site iframe gets its cookie only this way
            parts += ["SameSite=None", "Secure", "Partitioned"]
        else:
            parts.append("SameSite=Strict")
            if self.config.secure_cookie:
                parts.append("Secure")
        return "; ".join(parts)

    # -- sessions ---------------------------------------------------------------------------
    def _lang_for(self, request: web.Request) -> Lang:
        asked = parse_lang(request.query.get("lang"))
        if asked:
            return asked
        if self.config.lang:
            return self.config.lang
        for part in request.headers.get("Accept-Language", "").split(","):
            found = parse_lang(part.split(";")[0])
            if found:
                return found
        return DEFAULT_LANG

    def _new_session(self, request: web.Request) -> WebSession | None:
        session = Session.begin(self.config.flows, lang=self._lang_for(request))
        policy = self.config.policy
        visitor = visitor_address(request.remote, request.headers.get("X-Forwarded-For"),
                                  policy.trusted_proxies)
        created = self.store.add(session, replace(policy, visitor=visitor))
        if created is not None and self.config.recorder is not None:
            created.recorder = self.config.recorder(session)
        return created

    # -- pages ------------------------------------------------------------------------------
    async def show(self, request: web.Request) -> web.Response:
        current = self.store.get(request.cookies.get(COOKIE))
        fresh = current is None
        if current is None:
            current = self._new_session(request)
            if current is None:
                return self._busy(request)
            log.info("conversation started (%d live)", len(self.store))
        article = request.query.get("article")
        if current.recorder is not None:
            current.recorder.observe(current.session)  # a check may have moved it meanwhile
            if article:
                current.recorder.article(article)
        response = web.Response(text=self.render(current, article),
                                content_type="text/html", charset="utf-8")
        if fresh:
            response.headers["Set-Cookie"] = self._cookie(current.id)
        return response

    def render(self, current: WebSession, article: str | None = None) -> str:
        lang = current.session.lang
        state = page.current(current, lang)
        article_id = article if article and self.articles.get(article, lang) else state_article(current)
        shown = self.articles.get(article_id, lang) if article_id else None
        at_support = state["kind"] == "end" and state["status"] == "escalate"
        transcript = self._transcript(current)[0] if at_support else ""
        notice, current.notice = current.notice, None
        return self.templates.get_template("page.html").render(
            lang=lang, other=page.other_lang(lang), t=lambda key, **p: tr(key, lang, **p),
            csrf=current.csrf, at=current.position, steps=len(current.session.steps),
            turns=page.conversation(current, lang), q=state, notice=notice,
            article={"id": article_id, "title": shown[0], "html": shown[1]} if shown else None,
            at_support=at_support, transcript=transcript, config=self.config,
            can_escalate=state["kind"] != "end" or page.escalate_target(current) is not None,
            paste_limit=PASTE_LIMIT,
        )

    def _busy(self, request: web.Request) -> web.Response:
        lang = self._lang_for(request)
        html = self.templates.get_template("busy.html").render(
            lang=lang, other=page.other_lang(lang), t=lambda key, lang=lang, **p: tr(key, lang, **p),
            limit=self.config.max_sessions)
        return web.Response(status=503, text=html, content_type="text/html", charset="utf-8",
                            headers={"Retry-After": "30"})

    def _refused(self, request: web.Request, key: str, status: int) -> web.Response:
        lang = self._lang_for(request)
        html = self.templates.get_template("refused.html").render(
            lang=lang, other=page.other_lang(lang), t=lambda k, lang=lang, **p: tr(k, lang, **p), key=key)
        return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")

    # -- answers ----------------------------------------------------------------------------
    async def act(self, request: web.Request) -> web.Response:
        current = self.store.get(request.cookies.get(COOKIE))
        if current is None:
            return self._refused(request, "web.expired", 400)
        form = await request.post()
        token = str(form.get("csrf", ""))
        if not hmac.compare_digest(token.encode(), current.csrf.encode()):
            log.warning("form post without a valid CSRF token refused")
            return self._refused(request, "web.csrf", 403)
        async with current.lock:
            await self.apply(current, {k: str(v) for k, v in form.items() if isinstance(v, str)})
        check = current.check
        if check is not None and not check.done and not request.headers.get(SCRIPT_HEADER):
            await check.wait(self.config.policy.deadline * 3 + 5)  # a chain: connection, then login
        if current.recorder is not None:
            action = str(form.get("do", ""))
            current.recorder.observe(current.session, action if action in ("back", "restart") else None)
        raise web.HTTPSeeOther("./#question")

    async def apply(self, current: WebSession, form: dict[str, str]) -> None:
        """Hand one posted answer to the engine (or to the question box)."""
        session = current.session
        action = form.get("do", "")
        if action == "lang":
            session.set_lang(parse_lang(form.get("lang")) or session.lang)
            await self._reask(current)
            return
        if action == "ask":
            await self._ask(current, form.get("question", ""))
            return
        if form.get("at") != current.position:
            return  # made for another step: a double submit or a stale tab
        before = current.position
        try:
            if action in ("back", "restart"):
                self._stop_check(current)
                session.back() if action == "back" else session.restart()
                current.pending = None
                if action == "restart":
                    current.asides.clear()
                return
            if action == "choose":
                session.choose(form.get("choice", ""))
            elif action == "submit":
                self._submit(current, form.get("value", ""))
            elif action == "use":
                self._use(current, form.get("use", ""))
            elif action == "secret":
                for name in session.missing_values():
                    session.provide_secret(name, form.get("value", ""))
            elif action == "help":
                self._stop_check(current)
                target = page.escalate_target(current)
                if session.view().kind != "end":
                    session.choose(ESCALATE)
                elif target is not None:
                    session.jump(str(target))
            elif action == "jump":
                target = form.get("target", "")
                offered = {link.target for aside in current.asides for _, link in aside.reply.actions
                           if link.kind == "node"}
                if target in offered:
                    self._stop_check(current)
                    session.jump(target)
            elif action != "check":
                return
        except FlowError:
            return
        if current.position != before:
            current.pending = None
        self._start_check(current)

    def _submit(self, current: WebSession, value: str) -> None:
        result = current.session.submit(value)
        current.pending = None if result.accepted else Pending(current.session.current, value, result)

    def _use(self, current: WebSession, choice: str) -> None:
        pending = current.pending
        if pending is None or pending.ref != current.session.current:
            return
        if choice == "cleaned" and pending.result.suggestion is not None:
            current.session.submit(pending.result.suggestion, keep=True)
        elif choice == "typed" and not pending.result.blocking:
            current.session.submit(pending.value, keep=True)

    def _start_check(self, current: WebSession) -> None:
        session = current.session
        if session.view().probe is None or session.missing_values() or session.unset_values():
            return
        if current.check is not None and not current.check.done:
            return
        if self.slots.locked():
            current.notice = "web.checks-busy"
            return
        current.check = CheckRun(current, self.slots, self.recipients, self.config.max_test_mails)
        log.info("check started: %s", session.view().probe.name)

    def _stop_check(self, current: WebSession) -> None:
        if current.check is not None and not current.check.done:
            current.check.cancel()

    async def _ask(self, current: WebSession, question: str) -> None:
        question, cut = cut_paste(current.session.secrets().scrub(question.strip()))  # a pasted log may hold it
        if not question:
            return
        lang = current.session.lang
        try:  # search and explanation are CPU work: off the event loop, in a process
            reply = await self.answers.answer(question, lang, search_context(current.session))
        except Exception:  # the knowledge base must never take the conversation down
            reply = Reply([tr("ask.no-answer", lang)], [])
        if cut:
            reply.lines.insert(0, cut_note(lang))
        if current.recorder is not None:
            articles = [link.target for _, link in reply.actions if link.kind == "article"]
            current.recorder.question(question, articles, bool(reply.actions))
        current.asides.append(Aside(len(current.session.steps), question, reply))

    async def _reask(self, current: WebSession) -> None:
        """After a language switch: the question box's answers again, in the new language."""
        for aside in current.asides:
            try:
                aside.reply = await self.answers.answer(aside.question, current.session.lang,
                                                        search_context(current.session))
            except Exception:  # keep the old answer rather than lose it
                continue

    # -- live progress ----------------------------------------------------------------------
    async def events(self, request: web.Request) -> web.StreamResponse:
        current = self.store.get(request.cookies.get(COOKIE))
        if current is None:
            raise web.HTTPNotFound()
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"})
        await response.prepare(request)
        check = current.check
        if check is not None:
            async for event in check.stream():
                line = page.progress_line(event, current.session.lang)
                await response.write(f"data: {json.dumps(line, ensure_ascii=False)}\n\n".encode())
        await response.write(b"event: done\ndata: {}\n\n")
        return response

    # -- the transcript ---------------------------------------------------------------------
    def _transcript(self, current: WebSession) -> tuple[str, dict[str, Any]]:
        from troubleshooter.transcript import build, to_markdown

        data = build(current.session)
        return to_markdown(data), data

    async def download(self, request: web.Request) -> web.Response:
        current = self.store.get(request.cookies.get(COOKIE))
        if current is None:
            raise web.HTTPNotFound()
        from troubleshooter.transcript import to_json

        markdown, data = self._transcript(current)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        if request.path.endswith(".json"):
            body, kind, suffix = to_json(data), "application/json", "json"
        else:
            body, kind, suffix = markdown, "text/markdown", "md"
        return web.Response(text=body, content_type=kind, charset="utf-8", headers={
            "Content-Disposition": f'attachment; filename="troubleshooter-{stamp}.{suffix}"'})


def state_article(current: WebSession) -> str | None:
    return current.session.view().article


def serve(config: WebConfig, host: str, port: int) -> None:
    """Run the server until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    shown = config.public_url or f"http://{host}:{port}"
    print(f"troubleshooter: serving the web conversation on {shown} "
          f"(at most {config.max_sessions} conversations, {config.max_checks} checks at once); Ctrl+C to stop",
          flush=True)
    web.run_app(WebApp(config).application(), host=host, port=port, print=None,
                access_log_format='%a "%r" %s %b %Tfs')


"""The terminal in a browser (``serve --terminal``): textual-serve's server, sessions capped.

Every browser session is an app process on this server (textual-serve starts one per
websocket), so without a cap any visitor could start as many as they like. A session over
the cap gets a short bilingual "busy" screen instead of an app process.

A visitor also chooses the terminal's size (the websocket's query and every ``resize``
message); an app drawn at 3000×3000 costs ~200 MB and megabytes a second on the wire, so the
size is capped at :data:`MAX_COLUMNS` × :data:`MAX_ROWS`. textual-serve has no option for
that, so :meth:`CappedServer.handle_websocket` drives its public ``AppService`` itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterable
from typing import Any

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from troubleshooter.i18n import Lang, text

MAX_COLUMNS, MAX_ROWS = 320, 120  # a 4K screen in a small font is about 320 × 90
log = logging.getLogger("troubleshooter.serve")


def capped_size(width: object, height: object) -> tuple[int, int]:
    """The terminal size a visitor asked for, within 1 … the caps (junk counts as 80 × 24)."""
    def number(value: object, default: int, most: int) -> int:
        try:
            return max(1, min(int(str(value)), most))
        except ValueError:
            return default

    return number(width, 80, MAX_COLUMNS), number(height, 24, MAX_ROWS)


async def relay(messages: AsyncIterable[Any], app: Any, websocket: Any) -> None:
    """textual-serve's browser protocol (stdin, resize, ping, blur, focus), sizes capped."""
    async for message in messages:
        if message.type != WSMsgType.TEXT:
            continue
        envelope = message.json()
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            await app.send_bytes(data.encode("utf-8"))
        elif kind == "resize" and isinstance(data, dict):
            await app.set_terminal_size(*capped_size(data.get("width"), data.get("height")))
        elif kind == "ping":
            await websocket.send_json(["pong", data])
        elif kind == "blur":
            await app.blur()
        elif kind == "focus":
            await app.focus()


class CappedServer(Server):
    """textual-serve's ``Server`` that runs at most ``max_sessions`` app processes at once."""

    def __init__(self, command: str, *, max_sessions: int, lang: Lang,
                 trusted_proxies: frozenset[str] = frozenset(), **kwargs: object) -> None:
        super().__init__(command, **kwargs)  # type: ignore[arg-type]
        from rich.console import Console

        # The CLI's output stream shows control characters as escapes (visitors' text may be
        # logged): without colours the operator reads plain lines, not escaped colour codes.
        self.console = Console(color_system=None)
        self.trusted_proxies = trusted_proxies
        self.max_sessions = max_sessions
        self.lang = lang
        self.active = 0

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.active >= self.max_sessions:
            return await self._busy(request)
        self.active += 1
        try:
            return await self._run_app(request)
        finally:
            self.active -= 1

    def command_for(self, request: web.Request) -> str:
        """The app's command line with the visitor named, so its login caps count per visitor."""
        import shlex

        from troubleshooter.probes.policy import visitor_address

        visitor = visitor_address(request.remote, request.headers.get("X-Forwarded-For"), self.trusted_proxies)
        return f"{self.command} --served-visitor {shlex.quote(visitor)}" if visitor else self.command

    async def _run_app(self, request: web.Request) -> web.WebSocketResponse:
        """One app process for this websocket, as textual-serve runs it, the size capped."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width, height = capped_size(request.query.get("width", "80"), request.query.get("height", "24"))
        app: AppService | None = None
        try:
            await websocket.prepare(request)
            app = AppService(self.command_for(request), write_bytes=websocket.send_bytes,
                             write_str=websocket.send_str,
                             close=websocket.close, download_manager=self.download_manager, debug=self.debug)
            await app.start(width, height)
            await relay(websocket, app, websocket)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:
            log.exception("terminal session failed")
        finally:
            if app is not None:
                await app.stop()
        return websocket

    async def _busy(self, request: web.Request) -> web.WebSocketResponse:
        """Tell the visitor (terminal text, both languages) and close without starting an app."""
        websocket = web.WebSocketResponse()
        await websocket.prepare(request)
        busy = text("serve.busy", limit=self.max_sessions)
        first, second = (busy.cs, busy.en) if self.lang == "cs" else (busy.en, busy.cs)
        await websocket.send_bytes(f"\x1b[2J\x1b[H\r\n  {first}\r\n\r\n  {second}\r\n".encode())
        await websocket.close()
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(f"troubleshooter: serving on {self.public_url} "
                           f"(at most {self.max_sessions} sessions at once); Ctrl+C to stop")

"""The terminal in a browser (``serve --terminal``): textual-serve's server, sessions capped.

Every browser session is an app process on this server (textual-serve starts one per
websocket), so without a cap any visitor could start as many as they like. A session over
the cap gets a short bilingual "busy" screen instead of an app process.
"""

from __future__ import annotations

from aiohttp import web
from textual_serve.server import Server

from troubleshooter.i18n import Lang, text


class CappedServer(Server):
    """textual-serve's ``Server`` that runs at most ``max_sessions`` app processes at once."""

    def __init__(self, command: str, *, max_sessions: int, lang: Lang, **kwargs: object) -> None:
        super().__init__(command, **kwargs)  # type: ignore[arg-type]
        self.max_sessions = max_sessions
        self.lang = lang
        self.active = 0

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if self.active >= self.max_sessions:
            return await self._busy(request)
        self.active += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.active -= 1

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

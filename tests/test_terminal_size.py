"""serve --terminal: a visitor cannot ask for a 3000×3000 terminal (issue #20, item 7)."""

from __future__ import annotations

import json

from aiohttp import WSMessage, WSMsgType

from troubleshooter.ui.terminal import MAX_COLUMNS, MAX_ROWS, capped_size, relay


class _App:
    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []
        self.stdin: list[bytes] = []

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.sizes.append((width, height))

    async def send_bytes(self, data: bytes) -> None:
        self.stdin.append(data)


class _Socket:
    def __init__(self) -> None:
        self.sent: list = []

    async def send_json(self, data) -> None:
        self.sent.append(data)


async def _messages(*envelopes):
    for envelope in envelopes:
        yield WSMessage(WSMsgType.TEXT, json.dumps(envelope), None)


def test_the_first_size_is_capped():
    assert capped_size("3000", "3000") == (MAX_COLUMNS, MAX_ROWS)
    assert capped_size("120", "40") == (120, 40)
    assert capped_size("-5", "junk") == (1, 24)


async def test_every_resize_is_capped_and_the_rest_of_the_protocol_passes():
    app, socket = _App(), _Socket()
    await relay(_messages(["resize", {"width": 3000, "height": 3000}], ["stdin", "q"], ["ping", "7"],
                          ["resize", {"width": 100, "height": 30}], ["resize", "junk"], "junk"), app, socket)
    assert app.sizes == [(MAX_COLUMNS, MAX_ROWS), (100, 30)]
    assert app.stdin == [b"q"] and socket.sent == [["pong", "7"]]

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


def test_the_app_process_is_told_its_visitor_quoted_for_the_shell():
    """serve --terminal: one app process per websocket; the login caps count per visitor."""
    from types import SimpleNamespace

    from troubleshooter.ui.terminal import CappedServer

    server = CappedServer("python -m troubleshooter --served p.json", max_sessions=2, lang="en",
                          trusted_proxies=frozenset({"10.0.0.2"}))
    direct = SimpleNamespace(remote="203.0.113.7", headers={"X-Forwarded-For": "1.2.3.4"})
    assert server.command_for(direct).endswith("--served-visitor 203.0.113.7")
    proxied = SimpleNamespace(remote="10.0.0.2", headers={"X-Forwarded-For": "198.51.100.4"})
    assert server.command_for(proxied).endswith("--served-visitor 198.51.100.4")
    hostile = SimpleNamespace(remote="10.0.0.2", headers={"X-Forwarded-For": "1.2.3.4, $(touch x); y"})
    assert server.command_for(hostile).endswith("--served-visitor 10.0.0.2")


def test_the_served_app_takes_its_visitor_into_the_policy(tmp_path):
    import argparse

    from troubleshooter.probes.policy import TargetPolicy, write_policy_file
    from troubleshooter.ui.app.served import served_policy

    path = tmp_path / "policy.json"
    write_policy_file(path, TargetPolicy(), dns_server=None, ledger=tmp_path / "ledger.json")
    policy = served_policy(argparse.Namespace(served=str(path), served_visitor="203.0.113.7"))
    assert policy is not None and policy.visitor == "203.0.113.7"

"""Nothing but a valid mailbox and greeting name reaches the SMTP wire (issue #20, item 9)."""

from __future__ import annotations

import pytest

from troubleshooter.flow.probes import REGISTRY
from troubleshooter.probes.smtp_syntax import helo_name, mailbox

HOSTILE = ["\x00", "\x0b", "\x7f", "\x1b", "\x85", "\r\nRSET", "\u202e", " "]


@pytest.mark.parametrize("char", HOSTILE, ids=repr)
@pytest.mark.parametrize("field", ["sender", "recipient"])
async def test_a_control_character_in_an_address_stops_the_probe_before_it_connects(field, char):
    args = {"host": "127.0.0.1", "port": "9", "security": "none", "sender": "web@example.test",
            "recipient": "someone@example.test", field: f"we{char}b@example.test"}
    outcome = await REGISTRY["smtp-test-message"].run(args, deadline=2)
    assert (outcome.outcome, outcome.stage) == ("protocol-error", "settings")
    assert outcome.transcript == [] and outcome.stages == []


async def test_a_helo_name_with_a_line_break_cannot_inject_a_command():
    args = {"host": "127.0.0.1", "port": "9", "security": "none",
            "helo_name": "x.test\r\nMAIL FROM:<evil@example.test>"}
    outcome = await REGISTRY["smtp-connection"].run(args, deadline=2)
    assert (outcome.outcome, outcome.stage) == ("protocol-error", "settings")
    assert outcome.transcript == []


def test_valid_addresses_pass_with_the_domain_in_idna():
    assert mailbox("jan.novák@příklad.cz") == "jan.novák@xn--pklad-zsa96e.cz"
    assert mailbox('"john doe"@example.com') == '"john doe"@example.com'
    assert mailbox("a+b@[127.0.0.1]") == "a+b@[127.0.0.1]"
    assert helo_name("[127.0.0.1]") == "[127.0.0.1]"
    for bad in ("a..b@c.cz", "@c.cz", "a@-c.cz", "a@b_c.cz"):
        with pytest.raises(ValueError):
            mailbox(bad)


def test_diagnose_refuses_a_hidden_helo_with_a_line_break(capsys):
    from troubleshooter.cli import main

    code = main(["diagnose", "--host", "127.0.0.1", "--port", "9", "--security", "none", "--json",
                 "--helo", "x\r\nQUIT", "--timeout", "2"])
    out, _ = capsys.readouterr()
    assert code == 1 and '"stage": "settings"' in out

"""The base modules of hardening: secrets' forms and the scrubber, visible control
characters, paste and stdin limits."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import pytest

from troubleshooter.limits import PASTE_LIMIT, cut_note, cut_paste, read_line, read_stdin
from troubleshooter.redaction import MARKER, Secrets, hidden_field, scrub, scrub_auth, secret_forms
from troubleshooter.safe_text import control_characters, visible, visible_line

PASSWORD = "Tajn3+/heslo é"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_every_form_of_a_secret_is_scrubbed_with_one_marker():
    secrets = Secrets(PASSWORD, username="web@example.cz")
    forms = [PASSWORD, _b64(PASSWORD), _b64(f"\0web@example.cz\0{PASSWORD}"),
             _b64(f"web@example.cz\0web@example.cz\0{PASSWORD}"), "Tajn3%2B%2Fheslo%20%C3%A9"]
    for form in forms:
        text = f"535 5.7.8 bad {form} ({form})"
        assert secrets.scrub(text) == f"535 5.7.8 bad {MARKER} ({MARKER})"
    assert PASSWORD not in repr(secrets)
    scrubbed = secrets.scrub_data({"a": [PASSWORD, 1], "b": (None, PASSWORD)})
    assert scrubbed == {"a": [MARKER, 1], "b": [None, MARKER]}
    assert scrub(f"x{PASSWORD}y", PASSWORD) == f"x{MARKER}y"
    assert Secrets().scrub("nothing") == "nothing"


@pytest.mark.parametrize("password", ["Tajn3+/heslo é", "a b+c%d&e=f?g#h", "~._-AZaz09", "€😀\x00\x7f", ""])
def test_the_url_forms_of_a_secret_are_urllibs(password):
    from urllib.parse import quote, quote_plus

    raw = password.encode()
    forms = secret_forms(password)
    assert not password or {quote(raw, safe=""), quote_plus(raw)} <= forms


def test_paste_login_data_is_scrubbed():
    assert scrub_auth("CLIENT -> SERVER: AUTH PLAIN AGFAYg==") == f"CLIENT -> SERVER: AUTH PLAIN {MARKER}"
    assert scrub_auth("C: dXNlcg==\nC: QUIT") == f"C: {MARKER}\nC: QUIT"


def test_hidden_field_keeps_a_password_out_of_the_repr():
    @dataclass
    class Login:
        user: str
        password: str = hidden_field()

    assert "s3cret" not in repr(Login("u", "s3cret"))


def test_control_characters_are_made_visible():
    hostile = "a\x1b]0;title\x07b\x85c\x7fd\u202ee\x9bf\r\ng\th\ud800"
    shown = visible(hostile)
    assert shown == "a\\x1b]0;title\\x07b\\u0085c\\u007fd\\u202ee\\u009bf\\x0d\ng\th\\ud800"
    assert visible_line("a\nb\tc") == "a\\x0ab\\x09c"
    assert [c for _, c in control_characters(hostile)] == ["\x1b", "\x07", "\x85", "\x7f", "\u202e",
                                                             "\x9b", "\r", "\ud800"]
    assert visible("Příliš žluťoučký kůň") == "Příliš žluťoučký kůň"


def test_a_paste_is_cut_at_the_limit_on_a_character_boundary():
    assert cut_paste("short") == ("short", False)
    text = "é" * PASTE_LIMIT  # 2 MB of UTF-8
    cut, was_cut = cut_paste(text)
    assert was_cut and len(cut.encode()) == PASTE_LIMIT and set(cut) == {"é"}
    odd = "a" + "é" * PASTE_LIMIT
    cut, was_cut = cut_paste(odd)
    assert was_cut and len(cut.encode()) == PASTE_LIMIT - 1
    assert cut_paste("a" * PASTE_LIMIT) == ("a" * PASTE_LIMIT, False)
    assert cut_paste("a" * (PASTE_LIMIT + 1))[1]
    assert "1 MB" in cut_note("en") and "1 MB" in cut_note("cs")


def test_stdin_and_lines_are_read_with_a_bound():
    text, cut = read_stdin(10, io.BytesIO(b"0123456789abc"))
    assert (text, cut) == ("0123456789", True)
    assert read_stdin(10, io.BytesIO(b"ok \xff")) == ("ok \ufffd", False)
    stream = io.StringIO("x" * 50 + "\nnext\n")
    assert read_line(stream, 10) == ("x" * 10 + "\n", True)
    assert read_line(stream, 10) == ("next\n", False)
    assert read_line(stream, 10) == ("", False)


def test_smtp_settings_hide_the_password_from_their_repr():
    from troubleshooter.probes.smtp import settings_from

    settings = settings_from({"host": "mail.example.test", "username": "u", "password": "canary-pw-1"})
    assert settings.password == "canary-pw-1"
    assert "canary-pw-1" not in repr(settings)

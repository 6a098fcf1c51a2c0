"""What may go on the SMTP wire: a mailbox and a HELO name checked before anything is sent.

A sender pasted with a NUL, VT, DEL, ESC or NEL in it, or a HELO name with CR/LF, would put
those bytes into ``MAIL FROM``, the test message's ``From:`` and ``Message-ID``, or inject a
whole command. RFC 5321's syntax (with RFC 6531's UTF-8 local parts) is checked here; a domain
is written as the server expects it (IDNA: ``příklad.cz`` → ``xn--pklad-zsa96e.cz``).

API: ``mailbox(text) -> str`` and ``helo_name(text) -> str`` raise :class:`ValueError` naming
what is wrong (never quoting the value); both return the form to send.
"""

from __future__ import annotations

import re

from troubleshooter.safe_text import control_characters

# RFC 5321 atext, plus any non-ASCII character that is not a control, separator or format char
_ATOM = r"(?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]|[^\x00-\x7f])+"
_DOT_STRING = re.compile(rf"{_ATOM}(?:\.{_ATOM})*\Z")
_QUOTED = re.compile(r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e]|[^\x00-\x7f])*"\Z')
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")


def _printable(text: str) -> bool:
    """No control character (C0, DEL, C1 with NEL, bidi controls) and no space but ASCII's."""
    return not control_characters(text, keep="") and all(
        ch == " " or (ch.isprintable() and not ch.isspace()) for ch in text)


def domain(text: str) -> str:
    """A domain (ASCII, IDNA-encoded if need be) or an address literal ``[1.2.3.4]``."""
    if text.startswith("[") and text.endswith("]"):
        import ipaddress  # only for an address literal: a costly import diagnose otherwise skips

        inner = text[1:-1]
        ipaddress.ip_address(inner[5:] if inner.lower().startswith("ipv6:") else inner)  # ValueError
        return text
    if not text or not _printable(text) or " " in text:
        raise ValueError("domain")
    try:
        ascii_name = text.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("domain") from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValueError("domain")
    return ascii_name


def mailbox(text: str) -> str:
    """``local@domain`` as RFC 5321 allows it; the domain IDNA-encoded."""
    local, at, host = text.rpartition("@")
    if not at or not local or not _printable(local):
        raise ValueError("mailbox")
    if not (_DOT_STRING.match(local) or _QUOTED.match(local)) or len(local.encode()) > 64:
        raise ValueError("mailbox")
    return f"{local}@{domain(host)}"


def helo_name(text: str) -> str:
    """The name we greet with: a domain or an address literal, nothing else on the line."""
    return domain(text)

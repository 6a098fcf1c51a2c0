"""What an SMTP reply means: reply code + enhanced code + phrase, judged per stage.

A reply is only ever judged for the command it answers (AUTH, MAIL, RCPT, DATA), never by
searching a whole transcript: a cPanel banner saying "unsolicited" must not turn a login
failure into a spam verdict.
"""

from __future__ import annotations

import re
import time

from troubleshooter.probes.smtp_session import Reply

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^{_LABEL}(?:\.{_LABEL})+$")


def capabilities(reply: Reply) -> dict[str, str]:
    """EHLO extensions by keyword (upper case) → their parameters; the first line is the greeting."""
    found: dict[str, str] = {}
    for line in reply.lines[1:]:
        keyword, _, params = line.strip().partition(" ")
        if keyword:
            found.setdefault(keyword.upper().split("=")[0], params.strip() or keyword.partition("=")[2])
    return found


def identity(greeting: str) -> str | None:
    """The host name a banner or EHLO greeting names first (``220 mail.example.com ESMTP``)."""
    words = greeting.split()
    if words and words[0].isdigit():
        words = words[1:]
    for word in words[:2]:
        word = word.strip("[]()<>,;:").rstrip(".")
        if _HOSTNAME.match(word) and not word.replace(".", "").isdigit():
            return word.lower()
    return None


def _has(reply: Reply, *phrases: str) -> bool:
    text = reply.text.lower()
    return any(phrase in text for phrase in phrases)


def auth_outcome(reply: Reply, *, tls: bool) -> str:
    """The outcome of a refused AUTH."""
    code, enhanced = reply.code, reply.enhanced or ""
    if enhanced == "5.7.9" or _has(reply, "application-specific password", "app password"):
        return "auth-app-password"
    if enhanced == "5.7.139" or _has(reply, "smtpclientauthentication is disabled",
                                     "basic authentication is disabled"):
        return "auth-disabled"
    if enhanced == "5.7.30" or _has(reply, "basic authentication is not supported"):
        return "auth-basic-off"
    if enhanced == "5.7.3" and _has(reply, "authentication unsuccessful"):
        return "auth-m365-refused"
    if code == 538 or enhanced == "5.7.11" or (code == 530 and (not tls or _has(reply, "starttls"))):
        return "auth-requires-tls"
    if 400 <= code < 500:
        return "auth-tempfail"
    if code in (502, 504):
        return "auth-not-offered"
    return "auth-failed"


def mail_outcome(reply: Reply, *, tls: bool) -> str:
    """The outcome of a refused MAIL FROM."""
    if reply.code == 421:
        return "server-unavailable"
    if reply.code == 530:
        return "auth-requires-tls" if not tls and _has(reply, "starttls") else "relay-denied"
    if _has(reply, "relay"):
        return "relay-denied"
    if _has(reply, "geoip"):
        return "country-blocked"
    if reply.enhanced == "5.1.0" and _has(reply, "sender rejected"):
        return "sender-domain-rejected"
    return "sender-rejected"


def rcpt_outcome(reply: Reply) -> str:
    """The outcome of a refused RCPT TO."""
    if reply.code == 421:
        return "server-unavailable"
    if _has(reply, "relay") or reply.code == 530:
        return "relay-denied"
    if _has(reply, "sender", "send as", "sendas") or (reply.enhanced or "").startswith("5.1.8"):
        return "sender-rejected"
    return "recipient-rejected"


def data_outcome(reply: Reply) -> str:
    """The outcome of a refused DATA or a refused message."""
    if reply.enhanced == "5.7.26" or _has(reply, "dmarc", "spf", "dkim"):
        return "dmarc-rejected"
    if reply.code == 421:
        return "server-unavailable"
    return "message-rejected"


def test_message(sender: str, recipient: str) -> list[str]:
    """The short bilingual test e-mail, with the time it was sent."""
    import quopri  # only when a message is sent: diagnose's start-up stays short
    from datetime import UTC, datetime
    from email.utils import format_datetime, make_msgid

    now = datetime.now(UTC).astimezone()
    stamp = now.strftime("%Y-%m-%d %H:%M:%S %Z")
    domain = sender.rpartition("@")[2] or "localhost"
    body = "\n".join([
        f"Toto je testovací e-mail odeslaný nástrojem troubleshooter ({stamp}).",
        "Pokud ho čtete, odesílání přes SMTP funguje.",
        "",
        f"This is a test e-mail sent by troubleshooter ({stamp}).",
        "If you are reading it, sending through SMTP works.",
        f"-- {int(time.time())}",
    ])
    encoded = quopri.encodestring(body.encode("utf-8")).decode("ascii")  # 7-bit safe everywhere
    return [
        f"From: <{sender}>",
        f"To: <{recipient}>",
        "Subject: Test SMTP (troubleshooter)",
        f"Date: {format_datetime(now)}",
        f"Message-ID: {make_msgid(domain=domain)}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "X-Mailer: troubleshooter",
        "",
        *encoded.splitlines(),
    ]

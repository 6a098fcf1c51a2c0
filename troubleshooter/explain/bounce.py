"""Read a bounce (delivery status notification, non-delivery report) that came back to the sender.

Understood: RFC 3464 delivery-status fields (``Final-Recipient``, ``Status``, ``Remote-MTA``,
``Diagnostic-Code``), Postfix's and Exim's human-readable parts, Microsoft 365 / Exchange NDRs
("Remote Server returned '550 5.1.1 …'", "Generating server") and Gmail's ("The response from
the remote server was:"). One pass over the lines; the reply that refused the message is the
``Diagnostic-Code``, else the first refusal the text quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_FIELD = re.compile(r"^(Reporting-MTA|Final-Recipient|Original-Recipient|Action|Status|Remote-MTA"
                    r"|Diagnostic-Code|Arrival-Date|Last-Attempt-Date|X-Postfix-Sender|X-Failed-Recipients"
                    r"|Generating server|Generující server)\s*:\s*(.*)$", re.I)
_TYPED = re.compile(r"^(?:rfc822|dns|smtp|x-[\w-]+)\s*;\s*(.*)$", re.I)
_REFUSAL = re.compile(r"(?<![\w.])([45]\d\d)[ -]#?([245]\.\d{1,3}\.\d{1,3})(?![\d.])(.*)")
_BARE_REFUSAL = re.compile(r"(?<![\w.#-])([45][05]\d)[ -](?![\d.])(.{4,})")
_POSTFIX = re.compile(r"^<([^<>\s]+)>:\s*(?:host\s+(\S+?)(?:\[[^\]]*\])?\s+said\s*:\s*(.*))?", re.I)
_EXIM_HOST = re.compile(r"^host\s+(\S+)\s+\[[^\]]*\]", re.I)
_EXIM_AFTER = re.compile(r"SMTP error from remote mail server after ([A-Z ]+?)(?::<([^>]*)>)?:?\s*$", re.I)
_IN_REPLY = re.compile(r"\(in reply to (.+?) command\)", re.I)
_M365_RETURNED = re.compile(r"Remote Server returned '([^']*)'", re.I)
_M365_TO = re.compile(r"^Your message to (\S+@\S+?) couldn't be delivered", re.I)
_GMAIL_TO = re.compile(r"wasn't delivered to (\S+@\S+?) because", re.I)
_LONE_ADDRESS = re.compile(r"^<?([\w.+'=-]+@[\w-]+(?:\.[\w-]+)+)>?$")
_STATUS = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})")
_BOUNCE_SUBJECT = re.compile(r"^Subject:\s*(.*)$", re.I)


@dataclass(slots=True)
class BounceReading:
    recipient: str = ""
    reporting_server: str = ""  # the server that wrote the bounce
    remote_server: str = ""  # the server that refused the message
    status: str = ""  # enhanced status code, e.g. 5.1.1
    reply: str = ""  # the refusing reply, as quoted
    command: str = ""  # the command it answered, when the bounce says (RCPT TO, end of DATA)
    action: str = ""  # failed, delayed
    subject: str = ""
    lines: list[str] = field(default_factory=list)  # lines worth matching rules on

    @property
    def permanent(self) -> bool | None:
        if self.status[:1] in ("4", "5"):
            return self.status[0] == "5"
        if self.action:
            return self.action.lower() == "failed"
        return None

    def to_json(self) -> dict[str, object]:
        return {"recipient": self.recipient or None, "reporting_server": self.reporting_server or None,
                "remote_server": self.remote_server or None, "status": self.status or None,
                "reply": self.reply or None, "command": self.command or None,
                "action": self.action or None, "permanent": self.permanent}


def read_bounce(lines: list[str]) -> BounceReading:
    out = BounceReading()
    diagnostic: list[str] | None = None  # Diagnostic-Code continues on indented lines
    quoted: list[str] | None = None  # a refusal quoted in the human part, also continued
    expect_recipient = False
    for raw in lines:
        line = raw.strip()
        continued = raw[:1] in (" ", "\t")
        if diagnostic is not None:
            if continued and line and not _FIELD.match(line):
                diagnostic.append(line)
                continue
            out.reply = " ".join(diagnostic)
            diagnostic = None
        if quoted is not None:
            if continued and line and not _POSTFIX.match(line) and not line.startswith("("):
                quoted.append(line)
                _in_reply(out, line)
                continue
            _keep_reply(out, " ".join(quoted))
            quoted = None
        if not line:
            continue
        found = _FIELD.match(line)
        if found:
            _field(out, found.group(1).lower(), found.group(2).strip())
            if found.group(1).lower() == "diagnostic-code":
                diagnostic = [_typed(found.group(2).strip())]
                out.lines.append(diagnostic[0])
            continue
        subject = _BOUNCE_SUBJECT.match(line)
        if subject and not out.subject:
            out.subject = subject.group(1).strip()
            continue
        if expect_recipient:
            lone = _LONE_ADDRESS.match(line)
            if lone and not out.recipient:
                out.recipient = lone.group(1)
                expect_recipient = False
                continue
        postfix = _POSTFIX.match(line)
        if postfix:
            out.recipient = out.recipient or postfix.group(1)
            if postfix.group(2):
                out.remote_server = out.remote_server or postfix.group(2)
            if postfix.group(3):
                quoted = [postfix.group(3)]
                out.lines.append(line)
            continue
        exim_host = _EXIM_HOST.match(line)
        if exim_host:
            out.remote_server = out.remote_server or exim_host.group(1)
            continue
        after = _EXIM_AFTER.search(line)
        if after:
            out.command = out.command or after.group(1).strip().upper()
            quoted = []
            continue
        returned = _M365_RETURNED.search(line)
        if returned:
            _keep_reply(out, returned.group(1))
            out.lines.append(returned.group(1))
            continue
        to = _M365_TO.match(line) or _GMAIL_TO.search(line)
        if to:
            out.recipient = out.recipient or to.group(1).rstrip(".")
            out.lines.append(line)
            continue
        lowered = line.lower()
        if (lowered.startswith("delivery has failed to these recipients")
                or "following address(es) failed" in lowered or lowered.endswith("could not be delivered to:")):
            expect_recipient = True
            continue
        if _REFUSAL.search(line) or _BARE_REFUSAL.match(line):
            out.lines.append(line)
            if not out.reply:
                quoted = [line]
            continue
        if len(out.lines) < 200:
            out.lines.append(line)
    if diagnostic is not None:
        out.reply = " ".join(diagnostic)
    if quoted is not None:
        _keep_reply(out, " ".join(quoted))
    if not out.status:
        refusal = _REFUSAL.search(out.reply)
        if refusal:
            out.status = refusal.group(2)
    return out


def _typed(value: str) -> str:
    typed = _TYPED.match(value)
    return typed.group(1).strip() if typed else value


def _field(out: BounceReading, name: str, value: str) -> None:
    value = _typed(value)
    if name == "final-recipient" or (name == "original-recipient" and not out.recipient):
        out.recipient = value.strip("<>")
    elif name == "x-failed-recipients" and not out.recipient:
        out.recipient = value.split(",")[0].strip()
    elif name == "status" and _STATUS.match(value):
        out.status = _STATUS.match(value).group(0)  # type: ignore[union-attr]
    elif name == "remote-mta":
        out.remote_server = value.split("[")[0].strip()
    elif name in ("reporting-mta", "generating server", "generující server"):
        out.reporting_server = out.reporting_server or value.split("[")[0].strip()
    elif name == "action":
        out.action = value.lower()


def _keep_reply(out: BounceReading, text: str) -> None:
    text = " ".join(text.split())
    _in_reply(out, text)
    text = _IN_REPLY.sub("", text).strip()
    if text and not out.reply:
        out.reply = text


def _in_reply(out: BounceReading, text: str) -> None:
    found = _IN_REPLY.search(text)
    if found and not out.command:
        out.command = found.group(1).strip().upper()

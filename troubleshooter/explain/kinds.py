"""What was pasted: one red message, a debug transcript, a bounce, or a message's headers.

Counted from line shapes in one pass, never from a phrase anywhere in the text: a bounce
quotes the original message's headers and a transcript carries the message itself, so each
kind needs its own signals and the order of the verdict matters (bounce, then transcript,
then headers).
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["message", "transcript", "bounce", "headers"]
KINDS: tuple[Kind, ...] = ("message", "transcript", "bounce", "headers")

_STAMP = re.compile(r"^\s*(?:\[?\d{4}-\d\d-\d\d[ T][\d:.]+(?:Z|[+-]\d\d:?\d\d)?\]?\s*)?")
_TRANSCRIPT = re.compile(r"^(?:SERVER -> CLIENT:|CLIENT -> SERVER:|Connection: (?:opening|opened|closed)"
                         r"|SMTP -> get_lines|SMTP INBOUND:|(?:<-|->|<~|~>)\s+\S)")
# a session logged without prefixes (Post SMTP's Zend transport: requests and replies as sent)
_BARE_COMMAND = re.compile(r"^(?:(?:EHLO|HELO) \S|MAIL FROM:|RCPT TO:|AUTH (?:LOGIN|PLAIN|CRAM-MD5|XOAUTH2)\b"
                           r"|STARTTLS\s*$|QUIT\s*$)")
_BARE_REPLY = re.compile(r"^[2-5]\d\d[ -]")
_DSN_FIELD = re.compile(r"^(?:Final-Recipient|Diagnostic-Code|Reporting-MTA|Remote-MTA|Original-Recipient"
                        r"|X-Failed-Recipients|X-Postfix-Sender)\s*:", re.I)
_BOUNCE_PHRASE = re.compile(
    r"undelivered mail returned to sender|mail delivery failed|delivery status notification"
    r"|returned mail: |this is the mail system at host|could not be delivered to one or more"
    r"|delivery has failed to these recipients|couldn't be delivered|remote server returned '"
    r"|the response from the remote server was|your message wasn't delivered|message not delivered"
    r"|address not found|mail delivery subsystem|report-type=delivery-status|non-delivery report"
    r"|diagnostic information for administrators|nedoručitelná zpráva|nebylo možné doručit",
    re.I)
_HEADER = re.compile(r"^(Received|(?:X-MS-Exchange-|ARC-)?Authentication-Results|Received-SPF"
                     r"|DKIM-Signature|Return-Path|Message-ID|X-Spam-Status|X-Spam-Score|Delivered-To"
                     r"|From|To|Subject|Date|MIME-Version|Content-Type|X-Mailer):", re.I)
_VERDICT_HEADER = re.compile(r"^((?:X-MS-Exchange-|ARC-)?Authentication-Results|Received-SPF):", re.I)
_STRONG_HEADER = re.compile(r"^(Received|(?:X-MS-Exchange-|ARC-)?Authentication-Results|Received-SPF"
                            r"|DKIM-Signature|X-Spam-Status):", re.I)


RECOGNISE_LINES = 2000  # what a paste is shows in its first lines; a megabyte-long log is not read twice


def recognise(lines: list[str]) -> Kind:
    transcript = dsn = phrases = headers = strong = commands = replies = verdicts = 0
    for raw in lines[:RECOGNISE_LINES]:
        line = _STAMP.sub("", raw, count=1)
        if _TRANSCRIPT.match(line):
            transcript += 1
        elif _BARE_COMMAND.match(line):
            commands += 1
        elif _BARE_REPLY.match(line):
            replies += 1
        elif _DSN_FIELD.match(line):
            dsn += 1
        elif _HEADER.match(line):
            headers += 1
            strong += bool(_STRONG_HEADER.match(line))
            verdicts += bool(_VERDICT_HEADER.match(line))
        if phrases < 3 and _BOUNCE_PHRASE.search(line):
            phrases += 1
    if dsn >= 1 or phrases >= 2 or (phrases and transcript < 2):
        return "bounce"
    if transcript >= 1 or (commands >= 2 and replies >= 2):
        return "transcript"
    if verdicts or (headers >= 3 and strong >= 1):  # one Authentication-Results line is headers too
        return "headers"
    return "message"

"""Read an SMTP debug transcript: PHPMailer's ``SMTPDebug`` 1–4 output (also as shown by WP Mail
SMTP, FluentSMTP and Post SMTP), swaks-style ``->``/``<-`` lines, or bare replies.

One pass over the lines, in order, keeping the session's state the way a client does: the
command last sent, whether TLS is on, whether the next client line answers a ``334`` prompt.
Credentials are recognised and dropped on the spot: the login name is kept (it is the
mailbox address support compares with the sender), the password and every base64 token
never leave this module; :attr:`TranscriptReading.secrets` lists them so callers can prove
no output holds them.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

TIMELINE_LIMIT = 60  # stage entries kept; a paste of many sessions keeps its first ones

_STAMP = re.compile(r"^\s*(?:\[?\d{4}-\d\d-\d\d[ T][\d:.]+(?:Z|[+-]\d\d:?\d\d)?\]?\s*)?")
_CLIENT = re.compile(r"^(?:CLIENT -> SERVER:|->|~>|\*\*>|C:)\s?(.*)$")
_SERVER = re.compile(r"^(?:SERVER -> CLIENT:|<-|<~|<\*\*|<~\*|S:)\s?(.*)$")
_REPLY = re.compile(r"^([2-5]\d\d)(?:([ -])(.*))?$")
_OPENING = re.compile(r"^Connection: opening to (?:(ssl|tls|tcp)://)?\[?([^\]\s,]+?)\]?:(\d{1,5})", re.I)
_OPENED = re.compile(r"^Connection: opened", re.I)
_CONNECT_FAILED = re.compile(
    r"^(?:Connection failed\.|SMTP ERROR: Failed to connect to server|SMTP -> get_lines\(\): timed-out"
    r"|Connection: Failed|Connection: closing due to error|SMTP connect\(\) failed|SMTP Connect\(\) selhal"
    r"|SMTP Error: Could not connect to SMTP host|Chyba SMTP: Nelze navázat spojení)", re.I)
_SMTP_ERROR = re.compile(r"^SMTP ERROR: (.+?) command failed: (.*)$", re.I)
_ADDRESS = re.compile(r"<([^<>\s]*)>")
_NOT_OWNED = re.compile(r"not owned by (?:auth )?user (\S+@\S+)", re.I)
_JOINED = re.compile(r"250[ -]")
_ENHANCED_CODE = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")
_BARE_COMMAND = re.compile(r"^(?:(?:EHLO|HELO) \S|MAIL FROM:|RCPT TO:|AUTH [A-Z0-9-]+\b|STARTTLS\s*$|DATA\s*$"
                           r"|QUIT\s*$|RSET\s*$)", re.I)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]{2,}={0,2}$")
_HIDDEN = "[credentials hidden]"

STAGE_OF_VERB = {"EHLO": "ehlo", "HELO": "ehlo", "STARTTLS": "starttls", "AUTH": "auth",
                 "MAIL": "mail", "RCPT": "rcpt", "DATA": "data", "QUIT": "quit", "RSET": "rset",
                 "NOOP": "noop", "VRFY": "vrfy", "BDAT": "data"}
# PHPMailer's names for commands in "SMTP ERROR: <name> command failed"
STAGE_OF_ERROR = {"username": "auth", "password": "auth", "user & password": "auth",
                  "auth": "auth", "auth cram-md5": "auth", "oauth token": "auth", "mail from": "mail",
                  "rcpt to": "rcpt", "data": "data", "data end": "data", "starttls": "starttls",
                  "ehlo": "ehlo", "helo": "ehlo", "quit": "quit"}


@dataclass(slots=True)
class Step:
    """One command and its reply, or a connection event."""

    stage: str  # connect, greeting, ehlo, starttls, auth, mail, rcpt, data (also its end, "."), quit
    ok: bool | None  # None: no reply seen
    command: str = ""  # what the client sent, credentials never (AUTH PLAIN, not its data)
    reply: str = ""  # the server's reply, first line

    def to_json(self) -> dict[str, object]:
        return {"stage": self.stage, "ok": self.ok, "command": self.command, "reply": self.reply}


@dataclass(slots=True)
class TranscriptReading:
    steps: list[Step] = field(default_factory=list)
    omitted_steps: int = 0
    host: str = ""
    port: int | None = None
    scheme: str = ""  # ssl:// or tls:// prefix PHPMailer was given
    server_name: str = ""  # from the greeting
    greeting: str = ""
    offered_starttls: bool | None = None
    offered_auth: list[str] = field(default_factory=list)
    tls: str = "none"  # none, starttls, implicit
    tls_before_auth: bool | None = None
    auth_mechanism: str = ""
    auth_ok: bool | None = None
    login: str = ""  # decoded only from AUTH PLAIN/LOGIN data (PHPMailer level 4)
    credentials_hidden: bool = False  # PHPMailer below level 4 writes "[credentials hidden]"
    sender: str | None = None
    recipients: list[str] = field(default_factory=list)
    failed: Step | None = None  # the first failing command and its reply
    failure_lines: list[str] = field(default_factory=list)  # error lines from the first failure on
    accepted: bool = False  # the end of DATA got a 250
    timed_out: bool = False
    secrets: set[str] = field(default_factory=set)

    @property
    def findings(self) -> list[str]:
        found = []
        if self.sender and self.login and "@" in self.login and self.sender.lower() != self.login.lower():
            found.append("sender-not-login")
        if self.sender == "":
            found.append("empty-sender")
        if self.auth_mechanism and self.tls_before_auth is False:
            found.append("auth-without-tls")
        if self.offered_starttls and self.tls == "none" and self.auth_mechanism:
            found.append("starttls-not-used")
        if self.timed_out and not self.greeting and self.steps and self.steps[0].ok:
            found.append("no-greeting")
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "host": self.host or None, "port": self.port, "server_name": self.server_name or None,
            "tls": self.tls, "tls_before_auth": self.tls_before_auth,
            "offered": {"starttls": self.offered_starttls, "auth": self.offered_auth},
            "auth_mechanism": self.auth_mechanism or None, "auth_ok": self.auth_ok,
            "login": self.login or None, "login_hidden": self.credentials_hidden and not self.login,
            "sender": self.sender, "recipients": self.recipients,
            "failed": self.failed.to_json() if self.failed else None,
            "accepted": self.accepted, "findings": self.findings,
            "timeline": [step.to_json() for step in self.steps], "omitted_steps": self.omitted_steps,
        }


class _Reader:
    """The state of one pass; :func:`read_transcript` drives it line by line."""

    def __init__(self) -> None:
        self.out = TranscriptReading()
        self.pending: Step | None = None  # the command waiting for its reply
        self.answering: str | None = None  # "username" / "password" / "plain" after a 334 prompt
        self.in_data = False  # between 354 and the lone "."
        self.ehlo_reply = False
        self.failed_seen = False
        self.saw_replies = False

    # -- steps -------------------------------------------------------------------------------
    def add(self, step: Step) -> None:
        if len(self.out.steps) < TIMELINE_LIMIT:
            self.out.steps.append(step)
        else:
            self.out.omitted_steps += 1

    def fail(self, step: Step, line: str) -> None:
        if self.out.failed is None:
            self.out.failed = step
            self.failed_seen = True
        self.note_failure(line)

    def note_failure(self, line: str) -> None:
        self.failed_seen = True
        if len(self.out.failure_lines) < 40:
            self.out.failure_lines.append(line)

    # -- client lines ------------------------------------------------------------------------
    def client(self, data: str) -> None:
        if self.in_data:
            if data.strip() == ".":
                self.in_data = False
                self.pending = Step("data", None, ".")  # the end of the message
                self.add(self.pending)
            return
        if self.answering:
            self.credential(data.strip())
            return
        words = data.split()
        verb = words[0].upper() if words else ""
        if data.strip() == _HIDDEN:
            self.out.credentials_hidden = True
            return
        stage = STAGE_OF_VERB.get(verb)
        if stage is None:
            return
        self.infer_from_client(stage)
        command = verb
        if verb == "AUTH" and len(words) > 1:
            self.auth(words)
            command = f"AUTH {words[1].upper()}"
        elif verb in ("MAIL", "RCPT"):
            found = _ADDRESS.search(data)
            address = found.group(1) if found else data.split(":", 1)[-1].strip()
            if verb == "MAIL":
                self.out.sender = address
                command = f"MAIL FROM:<{address}>"
            else:
                self.out.recipients.append(address)
                command = f"RCPT TO:<{address}>"
        elif verb in ("EHLO", "HELO"):
            command = " ".join(words[:2])
            self.ehlo_reply = True
            self.out.offered_auth = []
        self.pending = Step(stage, None, command)
        self.add(self.pending)
        if verb == "DATA" and not self.saw_replies:
            self.in_data = True  # SMTPDebug 1: no 354 to wait for, the client's next lines are the message

    def infer_from_client(self, stage: str) -> None:
        """Without the server's side (SMTPDebug 1), the client's next move says how the last went:
        a new EHLO right after STARTTLS means the handshake worked; QUIT after the message's end,
        with no error logged, means it was accepted."""
        last = self.pending
        if last is None or last.ok is not None or self.saw_replies:
            return
        if last.stage == "starttls" and stage == "ehlo":
            self.out.tls = "starttls"
        if last.command == "." and stage == "quit" and self.out.failed is None:
            self.out.accepted = True

    def auth(self, words: list[str]) -> None:
        mechanism = words[1].upper()
        self.out.auth_mechanism = mechanism
        self.out.tls_before_auth = self.out.tls != "none"
        if len(words) > 2:  # initial response: PLAIN's whole login, or LOGIN's username
            self.credential(words[2], first=mechanism)

    def credential(self, token: str, first: str | None = None) -> None:
        """A base64 answer (or initial response): learn the login, keep the rest as secrets."""
        kind, self.answering = first or self.answering, None
        if token == _HIDDEN:
            self.out.credentials_hidden = True
            return
        if not token or token == "*" or not _BASE64.match(token):
            return
        self.out.secrets.add(token)
        decoded = _b64(token)
        if decoded is None:
            return
        if kind == "PLAIN":
            parts = decoded.split("\0")
            if len(parts) == 3:
                self.out.login = parts[1] or parts[0]
                self.out.secrets.add(parts[2])
        elif kind in ("LOGIN", "username"):
            self.out.login = decoded
        else:
            self.out.secrets.add(decoded)

    # -- server lines ------------------------------------------------------------------------
    def server(self, data: str, line: str) -> None:
        reply = _REPLY.match(data.strip())
        if reply is None:
            if not data.strip() and not self.out.greeting and self.pending is None:
                self.out.timed_out = True  # PHPMailer logs an empty reply when none came in time
            return
        code, more, text = int(reply.group(1)), reply.group(2) == "-", (reply.group(3) or "").strip()
        self.saw_replies = True
        if self.pending is not None and self.pending.stage == "connect":
            self.pending.ok, self.pending = True, None  # a greeting proves the connection
        if self.out.greeting == "" and self.pending is None and 200 <= code < 600 and not self.out.steps[1:]:
            self.greeting(code, text, more, line)
            return
        if self.ehlo_reply and code == 250:
            # Debugoutput "html" drops the line breaks: "250-localhost250-SIZE 1000250 HELP"
            joints = _JOINED.findall(text) if more else []
            for part in _JOINED.split(text) if joints else [text]:
                self.capability(part)
            if joints:
                more = joints[-1] == "250-"  # the joined reply ends with its "250 " line
        if more:
            return  # the last line of a multi-line reply carries the verdict
        self.ehlo_reply = False
        step = self.pending
        if step is None:
            return
        self.pending = None
        step.reply = f"{code} {text}".strip()
        step.ok = code < 400
        if code == 334 and step.stage == "auth":
            self.pending = step
            self.answering = _prompt(text, self.out.auth_mechanism)
            step.ok = None
            return
        if step.stage == "starttls" and code == 220:
            self.out.tls = "starttls"
        elif step.stage == "auth":
            self.out.auth_ok = code == 235
        elif step.stage == "data" and code == 354:
            self.in_data = True
        elif step.command == "." and code == 250:
            self.out.accepted = True
        if code >= 400 and step.stage != "quit":
            self.fail(step, line)
            owner = _NOT_OWNED.search(text) if step.stage == "mail" else None
            if owner and not self.out.login:  # Postfix names the login it compared the sender with
                self.out.login = owner.group(1).rstrip(".")

    def greeting(self, code: int, text: str, more: bool, line: str) -> None:
        if not self.out.server_name:
            words = [w for w in text.split()[:2] if not _ENHANCED_CODE.match(w)]
            self.out.server_name = words[0] if words else ""
        if more:
            return
        self.out.greeting = f"{code} {text}"
        step = Step("greeting", code < 400, "", f"{code} {text}")
        self.add(step)
        if code >= 400:
            self.fail(step, line)

    def capability(self, text: str) -> None:
        words = text.upper().split()
        if not words:
            return
        if words[0] == "STARTTLS":
            self.out.offered_starttls = True
        elif words[0] in ("AUTH", "AUTH="):
            self.out.offered_auth = sorted(set(self.out.offered_auth) | set(words[1:]))
        elif self.out.offered_starttls is None:
            self.out.offered_starttls = False

    # -- other lines -------------------------------------------------------------------------
    def other(self, line: str) -> None:
        opening = _OPENING.match(line)
        if opening:
            scheme, host, port = opening.groups()
            self.out.scheme, self.out.host, self.out.port = (scheme or "").lower(), host, int(port)
            if self.out.scheme == "ssl":
                self.out.tls = "implicit"
            self.pending = Step("connect", None, f"{host}:{port}")
            self.add(self.pending)
            return
        if _OPENED.match(line):
            if self.pending is not None and self.pending.stage == "connect":
                self.pending.ok = True
                self.pending = None
            return
        failed = _SMTP_ERROR.match(line)
        if failed:
            stage = STAGE_OF_ERROR.get(failed.group(1).strip().lower(), "")
            if self.out.failed is None:
                step = Step(stage or "unknown", False, failed.group(1).strip(), failed.group(2).strip())
                self.add(step)
                self.fail(step, line)
            else:
                self.note_failure(line)
            return
        if _CONNECT_FAILED.match(line):
            if "timed-out" in line:
                self.out.timed_out = True
            step = self.pending if self.pending is not None and self.pending.stage == "connect" else None
            if step is None and not self.out.greeting and self.out.failed is None:
                step = Step("greeting" if self.out.steps else "connect", False)
                self.add(step)
            if step is not None:
                step.ok = False
                step.reply = step.reply or line
                self.pending = None
                self.fail(step, line)
            else:
                self.note_failure(line)
            return
        if self.failed_seen or _looks_like_error(line):
            self.note_failure(line)


def _prompt(text: str, mechanism: str) -> str:
    """What a 334 asks for: PHPMailer's LOGIN prompts are base64 "Username:" / "Password:"."""
    decoded = (_b64(text.split()[0]) if text else None) or ""
    if decoded.lower().startswith("user"):
        return "username"
    if decoded.lower().startswith("pass"):
        return "password"
    return "PLAIN" if mechanism == "PLAIN" else "secret"


def _b64(token: str) -> str | None:
    try:
        return base64.b64decode(token + "=" * (-len(token) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


_ERRORish = re.compile(r"error|failed|selhal|chyba|denied|refused|timed out|nelze", re.I)


def _looks_like_error(line: str) -> bool:
    return bool(_ERRORish.search(line))


def read_transcript(lines: list[str]) -> TranscriptReading:
    """The stages, facts and first failure of a transcript, in one pass over its lines."""
    reader = _Reader()
    bare = not any(_CLIENT.match(_STAMP.sub("", raw, count=1).strip()) for raw in lines[:400])
    for raw in lines:
        line = _STAMP.sub("", raw, count=1).strip()
        if not line:
            continue
        client = _CLIENT.match(line)
        if client:
            reader.client(client.group(1))
            continue
        server = _SERVER.match(line)
        if server:
            reader.server(server.group(1), line)
            continue
        if bare and (reader.in_data or reader.answering or _BARE_COMMAND.match(line)):
            reader.client(line)  # a log without prefixes (Post SMTP): the client's own lines
            continue
        if _REPLY.match(line) and not reader.in_data and (reader.pending is not None
                                                           or (bare and not reader.out.greeting)):
            reader.server(line, line)  # level 1 or a log that shows replies without a prefix
            continue
        reader.other(line)
    return reader.out

"""Input checks: the seed article's "common mistakes", caught as the value is typed.

A check never changes a value on its own. It explains what looks wrong and, where it can,
offers a cleaned value; the user decides. ``error`` findings block (the value cannot work:
a port of 70000, a line break in an address); ``warning`` findings may be kept as typed.
Messages never quote a secret value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from troubleshooter.i18n import Text, text
from troubleshooter.probes.security import security_mode

if TYPE_CHECKING:  # `diagnose` checks typed values without the flow model
    from troubleshooter.flow.model import InputKind

FindingSeverity = Literal["error", "warning"]

INVISIBLE = {
    "\u00a0": "NBSP", "\u200b": "ZWSP", "\u200c": "ZWNJ", "\u200d": "ZWJ", "\u2060": "WJ",
    "\ufeff": "BOM", "\u00ad": "SHY", "\u202f": "NNBSP", "\u2007": "FIGSP",
}
SMTP_PORTS = {25, 465, 587, 2525}
INCOMING_PORTS = {110: "POP3", 995: "POP3", 143: "IMAP", 993: "IMAP"}  # for receiving, not sending
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*)://", re.IGNORECASE)
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\"]+$")
_DISPLAY_NAME = re.compile(r"^[^<>]*<([^<>]+)>\s*$")
# Google shows an app password as 16 letters in four groups of four ("abcd efgh ijkl mnop");
# it is typed without the spaces (providers.yaml, gmail: app-password-without-spaces).
_APP_PASSWORD_GROUPS = re.compile(r"^[A-Za-z]{4}(?:[ \t]+[A-Za-z]{4}){3}$")


class InputFinding(NamedTuple):  # not a frozen dataclass: see probes.registry.ProbeSpec
    code: str
    severity: FindingSeverity
    message: Text
    cleaned: str | None = None  # may be a secret: never logged, not in the repr

    def __repr__(self) -> str:
        return f"InputFinding(code={self.code!r}, severity={self.severity!r}, message={self.message!r})"

    def to_json(self) -> dict[str, Any]:
        """Without the cleaned value: it may be secret, and the path keeps only what was found."""
        return {"code": self.code, "severity": self.severity, "message": self.message.to_json()}


def _finding(code: str, severity: FindingSeverity, cleaned: str | None = None,
             **params: object) -> InputFinding:
    return InputFinding(code, severity, text(f"check.{code}", **params), cleaned)


def _clean_spaces(value: str) -> tuple[str, list[InputFinding]]:
    findings: list[InputFinding] = []
    names = sorted({INVISIBLE[ch] for ch in value if ch in INVISIBLE}
                   | {"TAB" for ch in value if ch == "\t"})
    cleaned = "".join(ch for ch in value if ch not in INVISIBLE)
    cleaned = "".join(
        ch for ch in cleaned
        if ch in " \t\r\n" or unicodedata.category(ch) not in ("Cf", "Cc")
    )
    if names:
        findings.append(_finding("invisible-characters", "warning", cleaned.strip(),
                                 chars=", ".join(names)))
    if cleaned != cleaned.strip():
        findings.append(_finding("surrounding-whitespace", "warning", cleaned.strip()))
    return cleaned.strip(), findings


def _check_host(value: str) -> list[InputFinding]:
    host = value
    findings: list[InputFinding] = []
    scheme = _SCHEME.match(host)
    if scheme:
        host = host[scheme.end():]
        findings.append(_finding("host-has-scheme", "warning", host.split("/")[0],
                                 scheme=scheme.group(1).lower()))
    if "/" in host:
        host = host.split("/")[0]
        findings.append(_finding("host-has-path", "warning", host))
    if "@" in host:
        return [*findings, _finding("host-is-address", "error")]
    if re.search(r":\d*$", host):
        bare, _, port = host.rpartition(":")
        host = bare
        findings.append(_finding("host-has-port", "warning", host, port=port))
    if any(ch.isspace() for ch in host):
        return [*findings, _finding("host-has-spaces", "error", re.sub(r"\s+", "", host))]
    labels = host.rstrip(".").split(".")
    if not host or not all(_HOST_LABEL.match(label) for label in labels):
        try:
            ascii_host = host.encode("idna").decode()
        except UnicodeError:
            ascii_host = ""
        if not ascii_host:
            return [*findings, _finding("host-invalid", "error")]
    first = labels[0].lower()
    if first in {"imap", "pop", "pop3", "imap4"}:
        suggestion = ".".join(["smtp", *labels[1:]])
        findings.append(_finding("host-is-incoming", "warning", suggestion, label=first,
                                 suggestion=suggestion))
    return findings


def _check_port(value: str, security: str | None) -> list[InputFinding]:
    if not re.fullmatch(r"\d+", value):
        digits = re.sub(r"\D", "", value)
        return [_finding("port-not-number", "error", digits or None)]
    port = int(value)
    if not 1 <= port <= 65535:
        return [_finding("port-out-of-range", "error")]
    findings = []
    if port in INCOMING_PORTS:
        findings.append(_finding("port-is-incoming", "warning", None, port=port,
                                 protocol=INCOMING_PORTS[port]))
    elif port not in SMTP_PORTS:
        findings.append(_finding("port-unusual", "warning"))
    findings.extend(_port_security(port, security))
    return findings


def _port_security(port: int | None, security: str | None) -> list[InputFinding]:
    mode = security_mode(security)
    if port == 465 and mode == "starttls":
        return [_finding("port-security-mismatch", "warning", None, port=port,
                         expected="SSL", given="TLS/STARTTLS")]
    if port in {587, 25, 2525} and mode == "tls":
        return [_finding("port-security-mismatch", "warning", None, port=port,
                         expected="TLS/STARTTLS", given="SSL")]
    return []


def _check_address(value: str) -> list[InputFinding]:
    if "\r" in value or "\n" in value:
        return [_finding("address-has-line-break", "error")]
    display = _DISPLAY_NAME.match(value)
    if display:
        return [_finding("address-has-display-name", "warning", display.group(1).strip())]
    if any(ch.isspace() for ch in value):
        return [_finding("address-has-spaces", "error", re.sub(r"\s+", "", value))]
    if not _ADDRESS.match(value):
        return [_finding("not-an-address", "error")]
    return []


def _check_username(value: str, sender: str | None) -> list[InputFinding]:
    if "\r" in value or "\n" in value:
        return [_finding("address-has-line-break", "error")]
    if "@" not in value:
        cleaned = f"{value}@{sender.rpartition('@')[2]}" if sender and "@" in sender else None
        return [_finding("username-not-address", "warning", cleaned)]
    if sender and "@" in sender and value.lower() != sender.lower():
        return [_finding("username-differs-from-sender", "warning", None, sender=sender)]
    return []


def check_value(
    kind: InputKind, value: str, known: Mapping[str, tuple[InputKind, str]] | None = None,
) -> list[InputFinding]:
    """Check one value; ``known`` holds the values entered so far (name -> (kind, value))."""
    by_kind: dict[str, str] = {k: v for k, v in (known or {}).values()}
    if kind == "password":
        if "\r" in value.strip("\r\n") or "\n" in value.strip("\r\n"):
            return [_finding("address-has-line-break", "error")]
        cleaned, findings = _clean_spaces(value)
        # Copied from Google's page, the gaps may be non-breaking spaces: they separate groups too.
        groups = "".join(" " if ch in INVISIBLE else ch for ch in value).strip()
        if _APP_PASSWORD_GROUPS.match(groups):
            findings.append(_finding("app-password-spaces", "warning", re.sub(r"\s+", "", groups)))
        return findings if value else [_finding("empty", "error")]
    cleaned, findings = _clean_spaces(value)
    if not cleaned:
        return [_finding("empty", "error")]
    if kind == "host":
        findings += _check_host(cleaned)
    elif kind == "port":
        findings += _check_port(cleaned, by_kind.get("security"))
    elif kind == "security":
        port = by_kind.get("port")
        findings += _port_security(int(port) if port and port.isdecimal() else None, cleaned)
    elif kind in ("sender", "recipient"):
        findings += _check_address(cleaned)
    elif kind == "username":
        findings += _check_username(cleaned, by_kind.get("sender"))
    elif kind == "message":
        return _check_message(value)
    return findings


def _check_message(value: str) -> list[InputFinding]:
    """A pasted red message is kept as pasted (spaces and all), except login data: a debug
    transcript can hold the password in base64, and it must not reach a transcript."""
    from troubleshooter.redaction import scrub_auth

    redacted = scrub_auth(value)
    return [_finding("message-has-credentials", "error", redacted)] if redacted != value else []


def looks_secret(value: str) -> bool:
    """A value that reads like a password rather than a name: long enough, no spaces, and
    at least three of lower case, upper case, digits and symbols (``Tajne-Heslo-42``)."""
    if len(value) < 8 or any(ch.isspace() for ch in value):
        return False
    classes = (any(c.islower() for c in value), any(c.isupper() for c in value),
               any(c.isdigit() for c in value), any(not c.isalnum() for c in value.replace(".", "")))
    return sum(classes) >= 3


def mask_secret_looking(value: str, kind: str) -> str:
    """``value`` as it may be shown back on screen: a password typed into the wrong field
    (the username's ``<password>@domain`` offer) is hidden, its domain kept."""
    if kind == "password":
        return "••••••"
    local, at, domain = value.rpartition("@")
    if at and looks_secret(local):
        return f"••••••@{domain}"
    if not at and looks_secret(value):
        return "••••••"
    return value

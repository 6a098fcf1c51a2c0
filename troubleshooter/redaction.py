"""The one home for secrets: every form a password takes, and one scrubber with one marker.

A password leaves the program in more forms than the one typed: base64 in ``AUTH PLAIN``
(``\\0user\\0password``, also with the user as authorisation id) and in each ``AUTH LOGIN``
answer, and a hostile or chatty server may echo any of them back, decoded or not. Whatever
reaches a screen, a file or JSON passes through :meth:`Secrets.scrub` (or
:meth:`Secrets.scrub_data`) at the boundary; no other module replaces secrets itself.

API (base layer, imports nothing of the project but :mod:`troubleshooter.safe_text`):

- ``MARKER`` — ``"***"``, what a secret is replaced by, everywhere.
- ``Secrets(*values, username="")`` — a registry; ``add(value, username="")`` registers one
  more; ``forms()`` lists every form (longest first); ``scrub(text)``; ``scrub_data(obj)``
  (dicts, lists, tuples, strings, recursively); the repr never shows a value.
- ``secret_forms(value, username="") -> set[str]`` — the forms of one secret.
- ``shown(text)`` / ``shown_data(obj)`` — scrubbed and with control characters made visible
  (:func:`troubleshooter.safe_text.visible`): what may reach a screen, a file or JSON.
- ``ShownStream(stream, secrets=callable)`` — a text stream whose every write is ``shown``
  (by default with :func:`held`: the secrets a command registered with ``hold(value, username)``).
- ``scrub_auth(text) -> str`` — a pasted client dialogue without its login data
  (``AUTH PLAIN <blob>``, base64 answers to ``334``): secrets the program was never told.
- ``hidden_field(default="")`` — a dataclass field kept out of the repr: every record that
  holds a password declares it so.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import field
from typing import IO, Any

MARKER = "***"


def _b64(data: str) -> str:
    return base64.b64encode(data.encode("utf-8", "surrogatepass")).decode("ascii")


# RFC 3986's unreserved characters: what percent-encoding leaves as it is
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _percent_encoded(raw: bytes, space: str = "%20") -> str:
    """``urllib.parse.quote(raw, safe="")`` (``quote_plus`` with ``space="+"``): a password in a
    URL or a form body. Written out because importing urllib.parse (and the ipaddress module it
    imports) for this would be a large share of what diagnose imports beyond asyncio and ssl."""
    return "".join(chr(byte) if byte in _UNRESERVED else space if byte == 0x20 else f"%{byte:02X}"
                   for byte in raw)


def secret_forms(value: str, username: str = "") -> set[str]:
    """The clear value and what encoders, SMTP AUTH and escaping make of it."""
    from troubleshooter.safe_text import visible

    if not value:
        return set()
    raw = value.encode("utf-8", "surrogatepass")  # a password read with surrogateescape too
    forms = {value, value.strip(), _b64(value), _b64(value).rstrip("="),
             _percent_encoded(raw), _percent_encoded(raw, space="+"), visible(value), visible(value, keep=""),
             json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1], repr(value)[1:-1]}
    for authzid in ("", username) if username else ("",):
        plain = f"{authzid}\0{username}\0{value}"
        forms |= {_b64(plain), _b64(plain).rstrip("=")}
    return {form for form in forms if form}


class Secrets:
    """Every secret of one session (or one probe), in all its forms; scrubs with :data:`MARKER`."""

    __slots__ = ("_forms", "_pattern")

    def __init__(self, *values: str, username: str = "") -> None:
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for value in values:
            self.add(value, username=username)

    def add(self, value: str | None, username: str = "") -> None:
        """Register one more secret (an empty one is ignored)."""
        if value:
            self._forms |= secret_forms(value, username)
            self._pattern = None

    def extend(self, other: Secrets) -> None:
        self._forms |= other._forms
        self._pattern = None

    def forms(self) -> list[str]:
        return sorted(self._forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def __repr__(self) -> str:
        return f"Secrets(<{len(self._forms)} forms hidden>)"

    def scrub(self, text: str) -> str:
        """``text`` with every form of every secret replaced by :data:`MARKER`."""
        if not self._forms or not text:
            return text
        if self._pattern is None:  # longest first: a base64 form before the clear value inside it
            self._pattern = re.compile("|".join(re.escape(form) for form in self.forms()))
        return self._pattern.sub(MARKER, text)

    def scrub_data(self, data: Any) -> Any:
        """Strings anywhere in dicts, lists and tuples scrubbed; other values kept. Keys are
        names the program gave, not scrubbed (a short password would mangle them)."""
        return _each_string(data, self.scrub)

    def shown(self, text: str, keep: str = "\n\t") -> str:
        """What may reach a screen or file: scrubbed, control characters made visible."""
        from troubleshooter.safe_text import visible

        return visible(self.scrub(text), keep)

    def shown_data(self, data: Any, keep: str = "") -> Any:
        """:meth:`shown` on every string of ``data`` (by default one-line: tabs and newlines
        escaped too); keys only made visible."""
        from troubleshooter.safe_text import visible

        return _each_string(data, lambda text: self.shown(text, keep=keep),
                            lambda key: visible(key, keep=""))


def _each_string(data: Any, change: Callable[[str], str],
                 key: Callable[[str], str] = lambda name: name) -> Any:
    if isinstance(data, str):
        return change(data)
    if isinstance(data, dict):
        return {key(k) if isinstance(k, str) else k: _each_string(v, change, key)
                for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_each_string(item, change, key) for item in data]
    return data


_HELD = Secrets()


def hold(value: str | None, username: str = "") -> None:
    """Register a secret this process was handed (a command's password): everything the
    command line prints, its crash dump included, is scrubbed of it."""
    _HELD.add(value, username)


def held() -> Secrets:
    """The secrets :func:`hold` registered in this process."""
    return _HELD


class ShownStream:
    """A text stream that passes every write through :meth:`Secrets.shown`: the boundary of
    a command's or the plain mode's output. ``secrets`` is called on each write (the session's
    secrets change as the conversation goes on)."""

    def __init__(self, stream: IO[str], secrets: Callable[[], Secrets] | None = None) -> None:
        self.wrapped = stream
        self._stream = stream
        self._secrets = secrets or held

    def write(self, text: str) -> int:
        return self._stream.write(self._secrets().shown(text))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding, buffer …
        return getattr(self._stream, name)


def scrub(text: str, *values: str, username: str = "") -> str:
    """One-off: ``text`` without the given secrets in any form."""
    return Secrets(*values, username=username).scrub(text)


def hidden_field(default: str = "") -> Any:
    """A dataclass field for a password: compared and kept, never in the repr."""
    return field(default=default, repr=False)


# -- login data in a paste -------------------------------------------------------------------
# Compiled on the first paste (re's own cache), not when a command that reads none imports this.
# "AUTH PLAIN dXNlcgBwYXNz" / "AUTH LOGIN dXNlcg==" / "AUTH XOAUTH2 …": the mechanism stays
_AUTH_WITH_DATA = (
    r"(?i)(\bAUTH[ \t]+(?:PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|XOAUTH2|OAUTHBEARER|NTLM|GSSAPI))[ \t]+"
    r"(?!(?:PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|XOAUTH2|OAUTHBEARER|NTLM|GSSAPI|SCRAM-SHA-\d+|ANONYMOUS)\b)[^\s]+"
)  # not a server's "250-AUTH LOGIN PLAIN": mechanism names are no login data
# a line (or a CLIENT -> SERVER: segment) that is nothing but a base64 token: an answer to 334
_CLIENT_TOKEN = r"((?:CLIENT\s*->\s*SERVER|C)\s*:\s*)([A-Za-z0-9+/]{4,}={0,2})(?=\s|$)"


def scrub_auth(text: str) -> str:
    """A pasted dialogue with AUTH data and base64 answers to ``334`` replaced by the marker."""
    text = re.sub(_AUTH_WITH_DATA, lambda m: f"{m[1]} {MARKER}", text)
    return re.sub(_CLIENT_TOKEN, lambda m: f"{m[1]}{MARKER}" if _is_token(m[2]) else m[0], text)


def _is_token(word: str) -> bool:
    """Base64 answers, not SMTP verbs (QUIT, DATA, RSET) or the like."""
    return not word.isalpha() or not word.isupper()

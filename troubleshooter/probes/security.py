"""Encryption settings as website forms name them, mapped to what goes over the wire.

Mioweb and WP Mail SMTP offer "SSL", "TLS" and "none": their "SSL" is implicit TLS
(usually port 465) and their "TLS" is STARTTLS (usually port 587). Probes, the command
line (``--security auto|starttls|tls|none``) and input checks all use :func:`security_mode`.
"""

from __future__ import annotations

from typing import Literal

SecurityMode = Literal["tls", "starttls", "none", "auto"]

_ALIASES: dict[str, SecurityMode] = {
    "ssl": "tls", "tls": "tls", "implicit": "tls", "implicit-tls": "tls", "smtps": "tls",
    "ssl/tls": "tls",
    "starttls": "starttls", "tls/starttls": "starttls",
    "none": "none", "no": "none", "off": "none", "plain": "none", "zadne": "none",
    "žádné": "none",
    "auto": "auto", "": "auto",
}


def security_mode(value: str | None) -> SecurityMode | None:
    """``tls`` (implicit TLS), ``starttls``, ``none``, ``auto``; None when unrecognised.

    Note the form label "TLS" means STARTTLS in Mioweb and WP Mail SMTP; flows store the
    choice ids ``ssl``, ``starttls`` and ``none`` so that label never needs guessing here.
    """
    if value is None:
        return None
    return _ALIASES.get(value.strip().lower())


def default_security(port: int) -> SecurityMode:
    """What a port speaks when nothing says otherwise (RFC 8314: 465 implicit TLS)."""
    return "tls" if port == 465 else "starttls" if port in (587, 25, 2525) else "none"

"""A provider's own autoconfig file (Mozilla ``config-v1.1.xml``): fetched over HTTPS, outgoing
server only.

The file comes from a server we do not control, so it is read defensively: one short
timeout, a size limit, no DTD or entities (refused before parsing, so no entity expansion
can happen), and only ``<outgoingServer type="smtp">`` is looked at. A redirect to another
host is not followed but reported, so the user sees who would have answered. The HTTP
client is a few lines over asyncio + ssl streams (HTTP/1.0, so no chunked bodies) because
the finder must connect to the address its own resolver found (``--dns-server``) while
checking the certificate against the real name.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from troubleshooter.probes.providers import OutgoingServer
from troubleshooter.probes.smtp_session import Deadline, DeadlineExceeded

MAX_BODY = 64 * 1024
MAX_REDIRECTS = 2
_SOCKET_TYPES = {"SSL": "SSL", "STARTTLS": "STARTTLS", "PLAIN": "plain"}
HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")

# (host) -> addresses to connect to; None = let the system resolver decide
Resolve = Callable[[str], Awaitable[list[str] | None]]


@dataclass
class AutoconfigFetch:
    """What one URL gave: ``status`` is ``found``, ``none`` (404, no SMTP server in it),
    ``redirect-elsewhere``, ``invalid``, ``too-large``, ``tls-error``, ``unreachable`` or ``timeout``."""

    url: str
    status: str
    servers: list[OutgoingServer] = field(default_factory=list)
    detail: str = ""
    redirect: str = ""


def autoconfig_urls(domain: str, port: int = 443) -> list[str]:
    """Thunderbird's order: the provider's autoconfig host, then the domain's well-known path."""
    suffix = "" if port == 443 else f":{port}"
    return [f"https://autoconfig.{domain}{suffix}/mail/config-v1.1.xml",
            f"https://{domain}{suffix}/.well-known/autoconfig/mail/config-v1.1.xml"]


def parse_outgoing(body: bytes, address: str) -> list[OutgoingServer]:
    """The SMTP servers of a ``config-v1.1.xml``; raises ValueError when it is not one we trust."""
    head = body[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body.upper():
        raise ValueError("DTD or entities are not accepted")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from None
    if root.tag != "clientConfig":
        raise ValueError(f"unexpected root <{root.tag}>")
    local, _, domain = address.partition("@")
    servers: list[OutgoingServer] = []
    for node in root.iter("outgoingServer"):
        if (node.get("type") or "").lower() != "smtp":
            continue
        host = _placeholders(node.findtext("hostname") or "", local, domain).strip().lower().rstrip(".")
        socket_type = _SOCKET_TYPES.get((node.findtext("socketType") or "").strip().upper())
        port_text = (node.findtext("port") or "").strip()
        plain_number = port_text.isascii() and port_text.isdecimal()  # isdigit() takes "²", int() not
        if not HOST_RE.match(host) or socket_type is None or not plain_number:
            continue
        port = int(port_text)
        if not 0 < port < 65536:
            continue
        username = (node.findtext("username") or "%EMAILADDRESS%").strip()
        auth = tuple(a.text.strip() for a in node.findall("authentication") if a.text and a.text.strip())
        servers.append(OutgoingServer(host, port, socket_type, username,  # type: ignore[arg-type]
                                      auth or ("password-cleartext",)))
    return servers


def _placeholders(value: str, local: str, domain: str) -> str:
    return (value.replace("%EMAILDOMAIN%", domain).replace("%EMAILLOCALPART%", local)
            .replace("%EMAILADDRESS%", f"{local}@{domain}"))


async def fetch(url: str, address: str, *, resolve: Resolve, ca_file: str | None, timeout: float
                ) -> AutoconfigFetch:
    """GET one autoconfig URL (same-host redirects followed); never raises."""
    try:
        return await Deadline.after(max(0.05, timeout)).run(_fetch(url, address, resolve, ca_file))
    except DeadlineExceeded:
        return AutoconfigFetch(url, "timeout", detail=f"no answer within {timeout:.1f} s")


async def _fetch(url: str, address: str, resolve: Resolve, ca_file: str | None) -> AutoconfigFetch:
    first = urlsplit(url)
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        host, port = (parts.hostname or ""), parts.port or 443
        try:
            status, headers, body = await _get(host, port, parts.path or "/", resolve, ca_file)
        except ssl.SSLError as exc:
            return AutoconfigFetch(url, "tls-error", detail=str(exc)[:200])
        except _NoSuchHost:
            return AutoconfigFetch(url, "none", detail=f"no such host {host}")
        except _TooLarge:
            return AutoconfigFetch(url, "too-large", detail=f"more than {MAX_BODY} bytes")
        except (OSError, ValueError, EOFError) as exc:
            return AutoconfigFetch(url, "unreachable", detail=(str(exc) or type(exc).__name__)[:200])
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            target = urlsplit(headers["location"])
            target_host = target.hostname or host
            if target.scheme not in ("", "https") or target_host != first.hostname:
                return AutoconfigFetch(url, "redirect-elsewhere", redirect=headers["location"][:300],
                                       detail="redirect to another host or scheme, not followed")
            current = f"https://{host}:{target.port or port}{target.path}"
            continue
        if status != 200:
            return AutoconfigFetch(url, "none", detail=f"HTTP {status}")
        try:
            servers = parse_outgoing(body, address)
        except ValueError as exc:
            return AutoconfigFetch(url, "invalid", detail=str(exc)[:200])
        if not servers:
            return AutoconfigFetch(url, "none", detail="no SMTP server in the file")
        return AutoconfigFetch(url, "found", servers)
    return AutoconfigFetch(url, "invalid", detail="too many redirects")


class _TooLarge(Exception):
    pass


class _NoSuchHost(Exception):
    pass


async def _get(host: str, port: int, path: str, resolve: Resolve, ca_file: str | None
               ) -> tuple[int, dict[str, str], bytes]:
    addresses = await resolve(host)
    if addresses == []:
        raise _NoSuchHost(host)
    from troubleshooter.probes.tls import verifying_context

    context = verifying_context(ca_file)
    target = addresses[0] if addresses else host
    reader, writer = await asyncio.open_connection(target, port, ssl=context, server_hostname=host)
    try:
        request = (f"GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: troubleshooter-finder\r\n"
                   "Accept: application/xml, text/xml\r\nConnection: close\r\n\r\n")
        writer.write(request.encode("ascii"))
        await writer.drain()
        raw = b""
        while chunk := await reader.read(16384):
            raw += chunk
            if len(raw) > MAX_BODY + 16384:
                raise _TooLarge
    finally:
        writer.close()
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no HTTP header")
    lines = head.decode("latin-1").split("\r\n")
    status_parts = lines[0].split()
    if len(status_parts) < 2 or not (status_parts[1].isascii() and status_parts[1].isdecimal()):
        raise ValueError(f"bad status line {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if len(body) > MAX_BODY:
        raise _TooLarge
    return int(status_parts[1]), headers, body

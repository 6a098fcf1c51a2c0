"""TLS as a website's PHPMailer meets it: the same verification, and facts about certificates.

PHP's OpenSSL streams verify the chain against the system CA store and the peer name
(``verify_peer``, ``verify_peer_name``), which is exactly ``ssl.create_default_context()``
with ``check_hostname``. A verification failure is reported from OpenSSL's own code, so
the verdict matches what the website would see.
"""

from __future__ import annotations

import os
import socket
import ssl
import time
from typing import Any

# OpenSSL X509_V_ERR_* codes we name for people
_VERIFY_REASONS = {
    9: "not-yet-valid",
    10: "expired",
    18: "self-signed",
    19: "self-signed-in-chain",
    20: "unknown-issuer",
    21: "unknown-issuer",
    62: "name-mismatch",
    64: "name-mismatch",
}
_MISMATCH_MARKERS = (
    "WRONG_VERSION_NUMBER", "wrong version number", "RECORD_LAYER_FAILURE", "record layer failure",
    "PACKET_LENGTH_TOO_LONG", "packet length too long", "HTTP_REQUEST", "UNKNOWN_PROTOCOL",
    "unknown protocol", "TLSV1_ALERT_PROTOCOL_VERSION",
)


def verifying_context(ca_file: str | None = None) -> ssl.SSLContext:
    """System CAs (plus ``ca_file``), peer name checked; like OpenSSL's and PHP's defaults."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # CERT_REQUIRED + check_hostname
    _trust_system_store(context)
    strict = getattr(ssl, "VERIFY_X509_STRICT", 0)
    context.verify_flags &= ~strict  # Python 3.13 adds it; PHP/OpenSSL do not
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def _trust_system_store(context: ssl.SSLContext) -> None:
    """The system's CAs, as OpenSSL's defaults (``SSL_CERT_FILE``/``SSL_CERT_DIR`` included) name
    them, but looked up per issuer from the hashed directory when there is one, instead of
    parsing the whole bundle on every start of ``diagnose``. A bundle file that sits in that
    directory (Debian's ``ca-certificates.crt``, made from the same certificates) adds nothing;
    a bundle elsewhere (a company CA in ``SSL_CERT_FILE``) is loaded as well."""
    paths = ssl.get_default_verify_paths()
    folder = os.environ.get(paths.openssl_capath_env) or paths.openssl_capath
    if not (folder and os.path.isdir(folder) and any(name.endswith(".0") for name in os.listdir(folder))):
        context.load_default_certs()  # no hashed directory (macOS, Windows' store): OpenSSL's defaults
        return
    context.load_verify_locations(capath=folder)
    bundle = os.environ.get(paths.openssl_cafile_env) or paths.openssl_cafile
    if bundle and os.path.isfile(bundle) and (
            os.path.dirname(os.path.realpath(bundle)) != os.path.realpath(folder)):
        context.load_verify_locations(cafile=bundle)


def unverified_context() -> ssl.SSLContext:
    """Only to look further after verification already failed (or to see what a port speaks)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def verification_failure(exc: ssl.SSLCertVerificationError) -> tuple[str, dict[str, Any]]:
    """Outcome id and facts for a failed verification."""
    code = getattr(exc, "verify_code", None)
    reason = _VERIFY_REASONS.get(code or -1, "untrusted")
    outcome = "certificate-name-mismatch" if reason == "name-mismatch" else "certificate-invalid"
    return outcome, {
        "verify_code": code,
        "verify_message": getattr(exc, "verify_message", "") or str(exc),
        "verify_reason": reason,
    }


def is_tls_mismatch(exc: BaseException) -> bool:
    """OpenSSL's way of saying 'the other side does not speak TLS here'."""
    text = f"{getattr(exc, 'reason', '')} {exc}"
    return any(marker in text for marker in _MISMATCH_MARKERS)


def _names_from_dict(cert: dict[str, Any]) -> tuple[str, list[str], str]:
    subject = dict(pair[0] for pair in cert.get("subject", ()) if pair)
    issuer = dict(pair[0] for pair in cert.get("issuer", ()) if pair)
    sans = [value for kind, value in cert.get("subjectAltName", ()) if kind in ("DNS", "IP Address")]
    issuer_name = issuer.get("organizationName") or issuer.get("commonName", "")
    if issuer.get("commonName") and issuer.get("organizationName"):
        issuer_name = f"{issuer['commonName']} ({issuer['organizationName']})"
    return subject.get("commonName", ""), sans, issuer_name


def _facts_from_der(der: bytes) -> dict[str, Any]:
    from cryptography import x509  # only after a failed verification: it costs start-up time
    from cryptography.x509.oid import NameOID

    cert = x509.load_der_x509_certificate(der)

    def first(name: x509.Name, oid) -> str:
        attrs = name.get_attributes_for_oid(oid)
        return str(attrs[0].value) if attrs else ""

    try:
        san_ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = [*san_ext.get_values_for_type(x509.DNSName),
                *(str(ip) for ip in san_ext.get_values_for_type(x509.IPAddress))]
    except x509.ExtensionNotFound:
        sans = []
    issuer_cn = first(cert.issuer, NameOID.COMMON_NAME)
    issuer_org = first(cert.issuer, NameOID.ORGANIZATION_NAME)
    not_after = cert.not_valid_after_utc
    return {
        "subject": first(cert.subject, NameOID.COMMON_NAME),
        "names": sans,
        "issuer": f"{issuer_cn} ({issuer_org})" if issuer_cn and issuer_org else issuer_cn or issuer_org,
        "not_after": not_after.strftime("%Y-%m-%d"),
        "days_left": int((not_after.timestamp() - time.time()) // 86400),
        "self_signed": cert.issuer == cert.subject,
    }


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cert_time_to_seconds(text: str) -> int:
    """``ssl.cert_time_to_seconds`` for the one form OpenSSL prints (``"Jan  5 09:34:43 2018 GMT"``),
    without ``time.strptime``, whose first call imports and compiles the locale machinery
    (_strptime, calendar, datetime) on every run of ``diagnose``. Anything else goes to the stdlib."""
    try:
        month, day, clock, year, zone = text.split()
        fields = (int(year), _MONTHS.index(month) + 1, int(day), *(int(part) for part in clock.split(":")))
        seconds = _days_since_epoch(*fields[:3]) * 86400 + fields[3] * 3600 + fields[4] * 60 + fields[5]
        if zone == "GMT" and tuple(time.gmtime(seconds)[:6]) == fields:  # a real date and time
            return seconds
    except (ValueError, IndexError, OverflowError, OSError):
        pass
    return ssl.cert_time_to_seconds(text)


def _days_since_epoch(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's ``days_from_civil``)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def certificate_facts(ssl_object: ssl.SSLObject | None) -> dict[str, Any]:
    """TLS version, cipher and the server certificate's subject, names, issuer and expiry."""
    if ssl_object is None:
        return {}
    facts: dict[str, Any] = {"tls_version": ssl_object.version()}
    cipher = ssl_object.cipher()
    if cipher:
        facts["cipher"] = cipher[0]
    cert = ssl_object.getpeercert()
    if cert:  # verified: the stdlib already parsed it
        subject, names, issuer = _names_from_dict(cert)
        not_after = cert_time_to_seconds(cert["notAfter"])
        facts["certificate"] = {
            "subject": subject,
            "names": names,
            "issuer": issuer,
            "not_after": time.strftime("%Y-%m-%d", time.gmtime(not_after)),
            "days_left": int((not_after - time.time()) // 86400),
            "self_signed": cert.get("subject") == cert.get("issuer"),
        }
        return facts
    der = ssl_object.getpeercert(binary_form=True)
    if der:
        try:
            facts["certificate"] = _facts_from_der(der)
        except Exception as exc:  # an unparsable certificate is itself a fact
            facts["certificate"] = {"unparsable": type(exc).__name__}
    return facts


def name_matches(host: str, names: list[str]) -> bool:
    """Does a certificate name (with a leftmost ``*``) cover ``host``?"""
    host = host.lower().rstrip(".")
    for name in names:
        name = name.lower().rstrip(".")
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def is_ip_address(text: str) -> bool:
    """An IPv4 or IPv6 address (an IPv6 one may name its zone, ``fe80::1%eth0``), as
    ``ipaddress.ip_address`` accepts them. Read by the socket module (``inet_pton``), which a
    check has loaded anyway: ``ipaddress`` is one of the costlier imports of a ``diagnose`` run."""
    address, percent, zone = text.partition("%")
    if percent:
        return bool(zone) and "%" not in zone and _parses(socket.AF_INET6, address)
    return _parses(socket.AF_INET, text) or _parses(socket.AF_INET6, text)


def _parses(family: int, text: str) -> bool:
    try:
        socket.inet_pton(family, text)
    except (OSError, ValueError):  # not an address of the family; a NUL or surrogate in it
        return False
    return True


_TWO_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu"}


def registered_domain(name: str) -> str | None:
    """``smtp.seznam.cz`` → ``seznam.cz``; None for IP addresses.

    A heuristic (no public-suffix list): enough to tell "a server of the same provider"
    from "someone else's server".
    """
    name = name.lower().strip().rstrip(".").removeprefix("*.")
    if is_ip_address(name):
        return None
    labels = [label for label in name.split(".") if label]
    if len(labels) < 2:
        return labels[0] if labels else None  # "localhost": its own domain
    if len(labels) >= 3 and labels[-2] in _TWO_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])

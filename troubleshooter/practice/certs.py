"""Throw-away certificates for the practice server: a CA of its own (trustme) and the
faulty certificates a help-desk person should learn to recognise."""

from __future__ import annotations

import datetime
import ssl
from pathlib import Path

import trustme

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
WRONG_NAME = "mail.another-name.example"
INTERCEPTOR = "hosting-provider.example"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for the local names that signs itself (no CA vouches for it)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            x509.IPAddress(ipaddress.ip_address("::1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "self-signed.pem", folder / "self-signed.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class PracticeCertificates:
    """The practice CA (its PEM written to ``folder``) and server contexts per fault."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.ca = trustme.CA(organization_name="troubleshooter practice CA")
        self.ca_file = folder / "practice-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))

    def server_context(self, *, self_signed: bool = False, wrong_name: bool = False,
                       intercepted: bool = False, extra_names: tuple[str, ...] = ()) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        if self_signed:
            cert_path, key_path = _self_signed(self.folder)
            context.load_cert_chain(cert_path, key_path)
            return context
        if intercepted:
            names: tuple[str, ...] = (f"*.{INTERCEPTOR}", INTERCEPTOR)
        elif wrong_name:
            names = (WRONG_NAME,)
        else:
            names = (*LOCAL_NAMES, *extra_names)
        self.ca.issue_cert(*names).configure_cert(context)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A client context trusting the practice CA (tests)."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

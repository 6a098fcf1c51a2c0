"""SMTP probes against real loopback servers: the practice server (aiosmtpd + trustme)."""

from __future__ import annotations

import base64

import pytest
from smtp_servers import practice_server

from troubleshooter.probes.smtp import probe_connection, probe_login, probe_test_message


def _args(server, security: str = "starttls", **extra: str) -> dict[str, str]:
    port = server.tls_port if security == "tls" else server.starttls_port
    return {"host": "localhost", "port": str(port), "security": security, "ca_file": str(server.ca_file),
            "username": server.config.username, "password": server.config.password,
            "sender": server.config.username, "recipient": "someone@example.test", **extra}


def _secret_free(outcome, password: str) -> None:
    blob = repr(outcome.to_json())
    assert password not in blob
    assert base64.b64encode(password.encode()).decode() not in blob


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_login_accepted_over_starttls_and_implicit_tls(security):
    with practice_server() as server:
        outcome = await probe_login(_args(server, security), deadline=5)
    assert outcome.outcome == "ok", outcome.stages
    assert outcome.facts["tls_version"].startswith("TLS")
    assert "localhost" in outcome.facts["certificate"]["names"]
    assert "PLAIN" in outcome.facts["auth_mechanisms"]
    stages = [s.stage for s in outcome.stages]
    assert stages[:2] == ["resolve", "connect"]
    assert ("starttls" in stages) == (security == "starttls")
    assert "C: AUTH PLAIN ***" in outcome.transcript
    _secret_free(outcome, server.config.password)


async def test_connection_probe_stops_before_auth_and_reports_stages():
    seen: list[tuple[str, str]] = []
    with practice_server() as server:
        outcome = await probe_connection(_args(server), deadline=5,
                                         on_stage=lambda s, e, r: seen.append((s, e)))
    assert outcome.outcome == "ok"
    assert not any(line.startswith("C: AUTH") for line in outcome.transcript)
    assert ("tls", "start") in seen and ("tls", "done") in seen
    assert all(s.elapsed >= 0 for s in outcome.stages)


@pytest.mark.parametrize(("fault", "expected", "code"), [
    ("wrong-password", "auth-failed", "535 5.7.8"),
    ("app-password", "auth-app-password", "534 5.7.9"),
    ("auth-disabled", "auth-disabled", "535 5.7.139"),
    ("auth-tempfail", "auth-tempfail", "454 4.7.0"),
])
async def test_auth_refusals_by_reply_and_enhanced_code(fault, expected, code):
    with practice_server(faults={fault}) as server:
        outcome = await probe_login(_args(server), deadline=5)
    assert outcome.outcome == expected
    assert outcome.stage == "auth"
    assert outcome.facts["auth_reply"].startswith(code)
    _secret_free(outcome, server.config.password)


async def test_wrong_password_with_auth_login_is_redacted():
    with practice_server() as server:
        args = _args(server, password="not-the-password-x")
        outcome = await probe_login(args, deadline=5)
    assert outcome.outcome == "auth-failed"
    _secret_free(outcome, "not-the-password-x")


async def test_auth_before_tls_gets_530():
    with practice_server(faults={"starttls-required"}) as server:
        outcome = await probe_login(_args(server, "none"), deadline=5)
    assert outcome.outcome == "auth-requires-tls"
    assert outcome.facts["auth_reply"].startswith("530 5.7.0")


async def test_auth_offered_only_after_starttls():
    with practice_server() as server:
        outcome = await probe_login(_args(server, "none"), deadline=5)
    assert outcome.outcome == "auth-requires-tls"
    assert not any(line.startswith("C: AUTH") for line in outcome.transcript)  # no password in clear


async def test_starttls_missing():
    with practice_server(faults={"no-starttls"}) as server:
        outcome = await probe_connection(_args(server), deadline=5)
    assert outcome.outcome == "starttls-missing"
    assert outcome.facts["starttls_offered"] is False


async def test_server_unavailable_421():
    with practice_server(faults={"421"}) as server:
        outcome = await probe_connection(_args(server), deadline=5)
    assert outcome.outcome == "server-unavailable"
    assert outcome.stage == "banner"
    assert outcome.facts["banner"].startswith("421")


async def test_test_message_accepted_is_not_delivered():
    with practice_server() as server:
        outcome = await probe_test_message(_args(server), deadline=5)
        assert len(server.mailbox) == 1
    assert outcome.outcome == "ok"
    assert outcome.facts["accepted_not_delivered"] is True
    assert any(line.startswith("C: <message") for line in outcome.transcript)


@pytest.mark.parametrize(("change", "expected"), [
    ({"sender": "someone-else@practice.test"}, "sender-rejected"),
    ({"recipient": "nobody@example.test"}, "recipient-rejected"),
    ({"username": "", "password": ""}, "relay-denied"),
])
async def test_message_rejections(change, expected):
    with practice_server() as server:
        outcome = await probe_test_message(_args(server, **change), deadline=5)
        assert server.mailbox == []
    assert outcome.outcome == expected


async def test_dmarc_rejection_of_the_message():
    with practice_server(faults={"dmarc"}) as server:
        outcome = await probe_test_message(_args(server), deadline=5)
    assert outcome.outcome == "dmarc-rejected"
    assert outcome.stage == "data"


@pytest.mark.parametrize("security", ["starttls", "tls"])
async def test_certificate_name_mismatch_then_looks_further(security):
    with practice_server(faults={"wrong-name"}) as server:
        outcome = await probe_login(_args(server, security), deadline=5)
    assert outcome.outcome == "certificate-name-mismatch"
    assert outcome.stage == "tls"
    assert outcome.facts["verify_code"] == 62
    assert outcome.facts["certificate"]["names"] == ["mail.another-name.example"]
    assert outcome.facts["after_verification_failure"]["outcome"] == "ok"


async def test_untrusted_ca_is_certificate_invalid():
    with practice_server() as server:
        outcome = await probe_connection(_args(server, ca_file=""), deadline=5)
    assert outcome.outcome == "certificate-invalid"
    assert outcome.facts["verify_reason"] == "unknown-issuer"


async def test_self_signed_certificate():
    with practice_server(faults={"self-signed"}) as server:
        outcome = await probe_login(_args(server, "tls"), deadline=5)
    assert outcome.outcome == "certificate-invalid"
    assert outcome.facts["verify_reason"] == "self-signed"
    assert outcome.facts["certificate"]["self_signed"] is True
    assert outcome.facts["after_verification_failure"] == {"outcome": "ok", "stage": "auth"}


async def test_intercepted_when_certificate_and_banner_name_another_domain():
    with practice_server(faults={"intercepted"}) as server:
        outcome = await probe_connection(_args(server), deadline=5)
    assert outcome.outcome == "intercepted"
    assert "hosting-provider.example" in outcome.facts["intercepted_by"]


async def test_wrong_port_security_mix_up_is_tls_mismatch():
    with practice_server() as server:
        args = _args(server, "tls")
        args["port"] = str(server.starttls_port)  # implicit TLS spoken to the STARTTLS port
        outcome = await probe_connection(args, deadline=5)
    assert outcome.outcome == "tls-mismatch"


async def test_refused_connection():
    with practice_server() as server:
        port = server.starttls_port
    args = {"host": "127.0.0.1", "port": str(port), "security": "starttls"}
    outcome = await probe_connection(args, deadline=3)
    assert outcome.outcome == "connection-refused"
    assert outcome.stage == "connect"


async def test_policy_vetted_addresses_skip_the_lookup():
    with practice_server() as server:
        args = _args(server, addresses="127.0.0.1", host="localhost")
        outcome = await probe_connection(args, deadline=5)
    assert outcome.outcome == "ok"
    assert outcome.stages[0].detail.startswith("vetted")


async def test_bad_arguments_do_not_raise():
    outcome = await probe_connection({"host": "", "port": "x"}, deadline=1)
    assert outcome.outcome == "protocol-error"


async def test_auth_login_challenges_and_answers_are_redacted():
    import asyncio

    async def scripted(reader, writer):
        writer.write(b"220 scripted.example ESMTP\r\n")
        replies = {b"EHLO": b"250-scripted.example\r\n250 AUTH LOGIN\r\n", b"AUTH": b"334 VXNlcm5hbWU6\r\n"}
        answers = iter([b"334 UGFzc3dvcmQ6\r\n", b"535 5.7.8 Authentication credentials invalid\r\n"])
        while line := await reader.readline():
            word = line.split()[0].upper() if line.split() else b""
            if word not in replies:
                replies_now = b"221 bye\r\n" if word == b"QUIT" else next(answers, b"500 ?\r\n")
            else:
                replies_now = replies[word]
            writer.write(replies_now)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(scripted, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        outcome = await probe_login({"host": "127.0.0.1", "port": str(port), "security": "none",
                                     "username": "u@example.test", "password": "pa55-word"}, deadline=3)
    finally:
        server.close()
    assert outcome.outcome == "auth-failed"
    assert "C: AUTH LOGIN" in outcome.transcript
    assert outcome.transcript.count("S: 334 ***") == 2
    assert outcome.transcript.count("C: ***") == 2
    _secret_free(outcome, "pa55-word")
    assert base64.b64encode(b"u@example.test").decode() not in repr(outcome.transcript)


@pytest.mark.filterwarnings("ignore::pytest.PytestWarning")
def test_close_names_come_from_the_providers_module():
    from troubleshooter.probes.smtp import _close_names

    assert "smtp.seznam.cz" in _close_names("smtp.seznan.cz")


@pytest.mark.parametrize(("security", "port", "mode", "resolved_port"), [
    ("auto", "465", "tls", 465), ("auto", "587", "starttls", 587), ("auto", "2526", "opportunistic", 2526),
    ("ssl", "", "tls", 465), ("", "", "starttls", 587), ("none", "25", "none", 25),
])
@pytest.mark.filterwarnings("ignore::pytest.PytestWarning")
def test_settings_by_port_and_security(security, port, mode, resolved_port):
    from troubleshooter.probes.smtp import settings_from

    settings = settings_from({"host": "smtp.example.test", "port": port, "security": security})
    assert (settings.security, settings.port) == (mode, resolved_port)


async def test_starttls_on_the_implicit_tls_port_is_found_without_waiting_for_the_deadline():
    """A TLS port waits in silence for our handshake: after ~2 s without a greeting a TLS
    handshake runs alongside, so the verdict comes long before the 10 s deadline (it used to
    wait 6 s first)."""
    with practice_server() as server:
        args = _args(server, "starttls")
        args["port"] = str(server.tls_port)
        outcome = await probe_connection(args, deadline=10)
    assert outcome.outcome == "tls-mismatch"
    assert outcome.facts["port_speaks"] == "tls"
    assert outcome.elapsed < 10 / 2  # well before the deadline
    assert any("a TLS handshake alongside" in line for line in outcome.transcript)


async def test_the_greeting_names_no_machine():
    import socket

    with practice_server() as server:
        outcome = await probe_connection(_args(server), deadline=5)
    assert outcome.outcome == "ok"
    greetings = [line for line in outcome.transcript if line.startswith("C: EHLO")]
    assert greetings and all(socket.gethostname() not in line for line in greetings)
    assert greetings[0] == "C: EHLO troubleshooter.invalid"


@pytest.mark.parametrize("shown", [
    "Jan  1 00:00:00 3000 GMT", "Feb 29 12:34:56 2024 GMT", "Dec 31 23:59:59 1999 GMT",
    "Mar  1 00:00:00 2100 GMT", "Jan  1 00:00:00 1970 GMT", "Jun 30 23:59:60 2015 GMT",
    "Feb 30 00:00:00 2024 GMT",  # strptime takes it (as Mar 1): so do we
])
def test_certificate_times_read_as_the_stdlib_reads_them(shown):
    import ssl

    from troubleshooter.probes.tls import cert_time_to_seconds

    assert cert_time_to_seconds(shown) == ssl.cert_time_to_seconds(shown)


@pytest.mark.parametrize("shown", ["Foo  1 00:00:00 2024 GMT",
                                   "Jan  1 00:00:00 2024 UTC", "Jan  1 2024", ""])
def test_a_certificate_time_the_stdlib_refuses_is_refused(shown):
    from troubleshooter.probes.tls import cert_time_to_seconds

    with pytest.raises(ValueError):
        cert_time_to_seconds(shown)


@pytest.mark.parametrize("text", [
    "127.0.0.1", "0.0.0.0", "::1", "::ffff:1.2.3.4", "2001:db8::", "1:2:3:4:5:6:7:8", "fe80::1%eth0",
    "::1%2", "01.2.3.4", "1.2.3", "256.1.1.1", " 1.2.3.4", "1.2.3.4%eth0", "fe80::1%", "fe80::1%a%b",
    "2001:db8::1::2", "1:2:3:4:5:6:7:8:9", "[::1]", "0x7f.1.1.1", "smtp.seznam.cz", "localhost", "",
    "1.2.3.4\x00", "\udc80", "١.٢.٣.٤",
])
def test_an_ip_address_is_told_as_the_ipaddress_module_tells_it(text):
    import ipaddress

    from troubleshooter.probes.tls import is_ip_address

    try:
        ipaddress.ip_address(text)
        expected = True
    except ValueError:
        expected = False
    assert is_ip_address(text) is expected

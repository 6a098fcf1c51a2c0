"""The practice server: the command prints what a trainee needs, and diagnose works against it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from smtp_servers import free_port_pair, practice_server

from troubleshooter.practice.server import FAULTS, PracticeConfig, PracticeServer


def _start(port: int, *faults: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    argv = [sys.executable, "-m", "troubleshooter", "practice-server", "--port", str(port), "--lang", "en"]
    for fault in faults:
        argv += ["--fault", fault]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    found: dict[str, str] = {}
    deadline = time.monotonic() + 20
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if m := re.search(r"password: (\S+)", line):
            found["password"] = m.group(1)
        if m := re.search(r"Mailbox: (\S+)", line):
            found["username"] = m.group(1)
        if m := re.search(r"CA certificate: (\S+)", line):
            found["ca_file"] = m.group(1)
        if m := re.search(r"^  troubleshooter --plain --ca-file (\S+)$", line.rstrip("\n")):
            found["conversation_ca"] = m.group(1)
        if m := re.search(r"--providers (\S+)", line):
            found["providers"] = m.group(1)
        if "Ctrl+C" in line:
            return process, found
    process.kill()
    raise AssertionError(f"practice server did not start: {process.stderr.read() if process.stderr else ''}")


def _diagnose(port: int, found: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PW": found["password"]}
    return subprocess.run(
        [sys.executable, "-m", "troubleshooter", "diagnose", "--host", "localhost", "--port", str(port),
         "--user", found["username"], "--password-env", "PW", "--ca-file", found["ca_file"], "--lang", "en",
         *extra], capture_output=True, text=True, env=env, timeout=30)


@pytest.mark.parametrize(("faults", "expected_exit"), [((), 0), (("wrong-password",), 1)])
def test_command_prints_mailbox_password_and_ca_and_diagnose_uses_them(faults, expected_exit):
    port = free_port_pair()
    process, found = _start(port, *faults)
    try:
        assert {"password", "username", "ca_file"} <= set(found)
        assert os.path.isfile(found["ca_file"])
        starttls = _diagnose(port, found, "--security", "starttls")
        implicit = _diagnose(port + 1, found, "--security", "tls")
    finally:
        process.terminate()
        process.wait(10)
    assert starttls.returncode == expected_exit, starttls.stdout
    assert implicit.returncode == expected_exit, implicit.stdout
    assert found["password"] not in starttls.stdout + starttls.stderr
    assert not os.path.exists(found["ca_file"])  # the throw-away CA goes away with the server


def test_busy_port_is_a_clear_error():
    with practice_server() as server:
        result = subprocess.run(
            [sys.executable, "-m", "troubleshooter", "practice-server", "--port", str(server.starttls_port),
             "--lang", "en"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "taken" in result.stderr


def test_unknown_fault_is_refused():
    with pytest.raises(ValueError, match="no-such-fault"):
        PracticeServer(PracticeConfig(faults=frozenset({"no-such-fault"})))


def test_every_fault_names_a_known_outcome():
    from troubleshooter.commands.practice_server import FAULT_NAMES
    from troubleshooter.probes.outcome import SMTP_OUTCOMES

    assert set(FAULTS.values()) <= set(SMTP_OUTCOMES)
    assert set(FAULT_NAMES) == set(FAULTS)  # every fault can be switched on from the command line


def test_accepted_messages_are_kept_not_delivered():
    import asyncio

    from troubleshooter.probes.smtp import probe_test_message

    with practice_server() as server:
        args = {"host": "127.0.0.1", "port": str(server.tls_port), "security": "tls",
                "ca_file": str(server.ca_file), "username": server.config.username,
                "password": server.config.password, "sender": server.config.username,
                "recipient": "a@example.test"}
        outcome = asyncio.run(probe_test_message(args, deadline=5))
        assert outcome.ok
        assert [m.recipients for m in server.mailbox] == [["a@example.test"]]


def test_the_settings_finder_can_be_practised_on_it():
    """The printed find-settings line works: the practice provider data leads to a card
    whose login the server confirms."""
    port = free_port_pair()
    process, found = _start(port)
    try:
        env = {**os.environ, "PW": found["password"]}
        result = subprocess.run(
            [sys.executable, "-m", "troubleshooter", "find-settings", found["username"], "--password-env", "PW",
             "--providers", found["providers"], "--ca-file", found["ca_file"], "--lang", "en", "--json"],
            capture_output=True, text=True, env=env, timeout=30)
    finally:
        process.terminate()
        process.wait(10)
    import json

    card = json.loads(result.stdout)["card"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert (card["host"], card["port"], card["encryption"]) == ("localhost", port + 1, "SSL")
    assert card["verified"] and card["login_checked"]
    assert found["password"] not in result.stdout + result.stderr
    assert not os.path.exists(found["providers"])  # removed with the CA


@pytest.mark.parametrize("trusted", [True, False])
def test_the_printed_command_runs_the_conversation_against_it(trusted):
    """practice-server prints how to start the conversation on it; with that --ca-file the
    plain mode's checks pass (without it the practice CA is, rightly, not trusted)."""
    port = free_port_pair()
    process, found = _start(port)
    try:
        assert found.get("conversation_ca") == found["ca_file"]
        answers = ["set-up", "mioweb", "next", "on", "have-values", "together", "localhost", str(port), "1",
                   "starttls", found["username"], found["username"], found["password"], "check", "q"]
        ca = ["--ca-file", found["conversation_ca"]] if trusted else []
        done = subprocess.run([sys.executable, "-m", "troubleshooter", "--plain", "--lang", "en", *ca],
                              input="\n".join(answers) + "\n", capture_output=True, text=True, timeout=60)
    finally:
        process.terminate()
        process.wait(10)
    flat = " ".join(done.stdout.split())
    assert done.returncode == 0, done.stderr
    assert ("== The login works ==" in flat) is trusted, flat[-1500:]
    assert ("== The server's certificate ==" in flat) is not trusted
    assert found["password"] not in done.stdout


def test_the_settings_finder_on_microsoft_365s_refusal_says_the_administrator_must_allow_it():
    """With the basic-auth-off fault the server answers 550 5.7.30 like Microsoft 365: the card keeps
    the (right) server and says that only the administrator can allow the login."""
    port = free_port_pair()
    process, found = _start(port, "basic-auth-off")
    try:
        env = {**os.environ, "PW": found["password"]}
        result = subprocess.run(
            [sys.executable, "-m", "troubleshooter", "find-settings", found["username"], "--password-env", "PW",
             "--providers", found["providers"], "--ca-file", found["ca_file"], "--lang", "en"],
            capture_output=True, text=True, env=env, timeout=30)
    finally:
        process.terminate()
        process.wait(10)
    words = " ".join(result.stdout.split())
    assert "only the administrator can allow password login over SMTP" in words, result.stdout + result.stderr
    assert found["password"] not in result.stdout + result.stderr

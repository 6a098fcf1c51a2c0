"""`troubleshooter diagnose` against the practice server: causes, languages, JSON, exit codes, secrets."""

from __future__ import annotations

import io
import json

import pytest
from smtp_servers import practice_server

from troubleshooter.cli import main
from troubleshooter.probes.catalog import describe

PASSWORD_VAR = "TS_TEST_SMTP_PASSWORD"

# fault -> (extra options, expected cause)
CASES = {
    None: ([], "ok"),
    "wrong-password": ([], "auth-failed"),
    "no-starttls": ([], "starttls-missing"),
    "starttls-required": (["--security", "none"], "auth-requires-tls"),
    "self-signed": ([], "certificate-invalid"),
    "wrong-name": ([], "certificate-name-mismatch"),
    "421": ([], "server-unavailable"),
    "slow": (["--timeout", "2"], "deadline"),
    "intercepted": ([], "intercepted"),
    "app-password": ([], "auth-app-password"),
    "auth-disabled": ([], "auth-disabled"),
    "auth-tempfail": ([], "auth-tempfail"),
    "dmarc": (["--send-test-to", "someone@example.test"], "dmarc-rejected"),
}


def _run(server, extra, monkeypatch, capsys, *, lang="en", json_out=False):
    monkeypatch.setenv(PASSWORD_VAR, server.config.password)
    argv = ["diagnose", "--host", "localhost", "--port", str(server.starttls_port), "--security", "starttls",
            "--user", server.config.username, "--password-env", PASSWORD_VAR,
            "--ca-file", str(server.ca_file), "--lang", lang, "--timeout", "5", *extra]
    if json_out:
        argv.append("--json")
    code = main(argv)
    out, err = capsys.readouterr()
    assert server.config.password not in out + err
    return code, out, err


@pytest.mark.parametrize("fault", list(CASES), ids=lambda f: f or "no-fault")
def test_each_fault_gives_its_cause_in_json(fault, monkeypatch, capsys):
    extra, cause = CASES[fault]
    with practice_server(faults={fault} if fault else ()) as server:
        code, out, _ = _run(server, extra, monkeypatch, capsys, json_out=True)
    result = json.loads(out)
    assert result["cause"] == cause, result["stages"]
    assert result["verdict"] == ("ok" if cause == "ok" else "problem")
    assert code == (0 if cause == "ok" else 1)
    assert {"verdict", "cause", "stage", "stages", "facts", "transcript"} <= set(result)
    assert all({"stage", "ok", "elapsed"} <= set(stage) for stage in result["stages"])


@pytest.mark.parametrize("lang", ["cs", "en"])
@pytest.mark.parametrize("fault", ["wrong-password", "wrong-name"])
def test_human_output_in_both_languages(fault, lang, monkeypatch, capsys):
    with practice_server(faults={fault}) as server:
        code, out, _ = _run(server, [], monkeypatch, capsys, lang=lang)
    cause = CASES[fault][1]
    info = describe(cause)
    assert code == 1
    assert "✓" in out and "✗" in out
    assert info.title.get(lang) in out
    assert info.advice.get(lang) in out
    assert (info.article or "") in out
    other = "en" if lang == "cs" else "cs"
    assert info.title.get(other) not in out


def test_ok_run_shows_every_stage_with_time(monkeypatch, capsys):
    with practice_server() as server:
        code, out, _ = _run(server, ["--send-test-to", "someone@example.test"], monkeypatch, capsys, lang="en")
    assert code == 0
    lines = [line for line in out.splitlines() if line.strip().startswith("✓")]
    assert len(lines) >= 10
    assert all(" s " in line for line in lines)
    assert "not yet delivered" in out


def test_password_from_stdin(monkeypatch, capsys):
    with practice_server() as server:
        monkeypatch.setattr("sys.stdin", io.StringIO(server.config.password + "\n"))
        code = main(["diagnose", "--host", "127.0.0.1", "--port", str(server.tls_port), "--security", "tls",
                     "--user", server.config.username, "--password-stdin", "--ca-file", str(server.ca_file),
                     "--json"])
        out, err = capsys.readouterr()
    assert code == 0, out
    assert server.config.password not in out + err


@pytest.mark.parametrize("argv", [
    ["--password", "hunter2-secret"],
    ["--password=hunter2-secret"],
])
@pytest.mark.parametrize("lang", ["cs", "en"])
def test_password_on_the_command_line_is_refused(argv, lang, capsys):
    code = main(["diagnose", "--host", "127.0.0.1", "--user", "u@example.test", "--lang", lang, *argv])
    out, err = capsys.readouterr()
    assert code == 2
    assert ("history" if lang == "en" else "historii") in err
    assert "hunter2-secret" not in out + err


@pytest.mark.parametrize(("argv", "needle"), [
    (["--user", "u@example.test"], "--password-env"),
    (["--user", "u@example.test", "--password-env", "TS_SURELY_UNSET_VARIABLE"], "TS_SURELY_UNSET_VARIABLE"),
    (["--send-test-to", "x@example.test"], "--from"),
    (["--ca-file", "/nonexistent/ca.pem"], "/nonexistent/ca.pem"),
])
def test_usage_errors_exit_2(argv, needle, monkeypatch, capsys):
    monkeypatch.delenv("TS_SURELY_UNSET_VARIABLE", raising=False)
    code = main(["diagnose", "--host", "127.0.0.1", "--lang", "en", *argv])
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err


def test_sweep_lists_ports(monkeypatch, capsys):
    with practice_server() as server:
        code, out, _ = _run(server, ["--sweep", "--timeout", "3"], monkeypatch, capsys, json_out=True)
    result = json.loads(out)
    assert code == 0
    assert [p["port"] for p in result["sweep"]["facts"]["ports"]] == [587, 465, 25, 2525]


def test_pasted_mistakes_in_the_host_are_named_and_cleaned_or_refused(capsys):
    """A stray space and a scheme are said and cleaned (the check then runs); a value that
    cannot be a host name stops with a suggestion, never a guess checked on the user's behalf."""
    code = main(["diagnose", "--host", " smtp://localhost", "--port", "1", "--timeout", "2", "--lang", "en"])
    out, err = capsys.readouterr()
    assert "start or end" in err and 'smtp://' in err and 'checking with "localhost"' in err
    assert code == 1 and "localhost:1" in out  # checked with the cleaned name: nothing listens on port 1
    code = main(["diagnose", "--host", "local host", "--port", "1", "--timeout", "1", "--lang", "cs"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "mezery" in err and "„localhost“" in err  # suggested, not tried: nothing was checked

"""`explain` against a labelled corpus of pasted red messages (cs + en), plus the rules that matter most."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from troubleshooter import yamlio
from troubleshooter.explain import explain
from troubleshooter.explain.rules import rules
from troubleshooter.probes.catalog import catalog

CORPUS = yamlio.load(Path(__file__).parent / "data" / "red_messages.yaml").data["corpus"]


def test_corpus_is_big_and_in_both_languages():
    assert len(CORPUS) >= 60
    czech = [c for c in CORPUS if any(ch in c["text"] for ch in "áčďéěíňóřšťúůýž")]
    assert len(czech) >= 8
    assert sum(c["outcome"] == "unknown" for c in CORPUS) >= 4


def test_accuracy_on_the_corpus():
    wrong = [(c["outcome"], explain(c["text"]).outcome, c["text"][:90]) for c in CORPUS
             if explain(c["text"]).outcome != c["outcome"]]
    accuracy = 1 - len(wrong) / len(CORPUS)
    assert accuracy >= 0.95, "\n".join(f"want {w}, got {g}: {t}" for w, g, t in wrong)


def test_every_rule_names_a_catalogued_outcome():
    for rule in rules():
        assert rule.outcome in catalog(), rule.id


def test_cpanel_banner_does_not_turn_a_certificate_error_into_spam():
    transcript = (
        "SERVER -> CLIENT: 220-We do not authorize the use of this system to transport unsolicited,\n"
        "SERVER -> CLIENT: 220 and/or bulk e-mail.\n"
        "SMTP Error: Could not connect to SMTP host. Connection failed. stream_socket_enable_crypto(): "
        "SSL operation failed with code 1. OpenSSL Error messages: error:1416F086:SSL routines:"
        "tls_process_server_certificate:certificate verify failed\n"
    )
    found = explain(transcript)
    assert found.outcome == "certificate-invalid"
    assert "unsolicited" not in found.line


def test_most_specific_evidence_wins():
    generic = explain("SMTP Error: Could not authenticate.")
    specific = explain("SMTP Error: Could not authenticate.\n535 5.7.139 Authentication unsuccessful, "
                       "SmtpClientAuthentication is disabled for the Tenant.")
    assert generic.outcome == "auth-failed" and generic.confidence in ("low", "medium")
    assert specific.outcome == "auth-disabled" and specific.confidence == "high"
    assert "5.7.139" in specific.evidence and specific.stage == "auth"


def test_client_lines_are_never_evidence():
    assert explain("CLIENT -> SERVER: Subject: 550 5.7.1 Relay access denied test").outcome == "unknown"


def test_czech_without_diacritics():
    found = explain("Chyba SMTP: Nasledujici adresa odesilatele je nespravna: a@b.cz")
    assert found.outcome == "sender-rejected"


def test_explanation_points_to_article_and_node():
    found = explain("SMTP Error: Could not authenticate.")
    assert (found.article, found.node) == ("could-not-authenticate", "smtp:fix-credentials")
    unknown = explain("hello")
    assert (unknown.outcome, unknown.node, unknown.confidence) == ("unknown", "smtp:unknown-message", "none")


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "troubleshooter", "explain", *args], input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_command_json_and_exit_codes():
    message = "535 5.7.139 Authentication unsuccessful, basic authentication is disabled."
    done = _cli("--json", "--lang", "en", message)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["outcome"] == "auth-disabled" and data["article"] == "error-auth-disabled"
    assert "5.7.139" in data["evidence"] and data["cause"]
    unknown = _cli("--lang", "cs", "-", stdin="Dobrý den, nefunguje mi web.")
    assert unknown.returncode == 1
    assert "troubleshooter diagnose" in unknown.stdout


def test_command_human_output_in_czech():
    done = _cli("--lang", "cs", "Chyba SMTP: Autentizace selhala.")
    assert done.returncode == 0
    assert "Nesprávné jméno nebo heslo" in done.stdout and "could-not-authenticate" in done.stdout


async def test_a_flow_node_explains_a_pasted_message_without_keeping_login_data():
    """``explain-message`` is what the main flow's "paste the red message" step runs."""
    import json

    from troubleshooter.flow.probes import probe_spec

    secret = "AGpvaG5AZXguY3oAc2VjcmV0"  # base64 of the user and the password
    pasted = f"CLIENT -> SERVER: AUTH PLAIN {secret}\nSERVER -> CLIENT: 535 5.7.8 Error: authentication failed"
    outcome = await probe_spec("explain-message").run({"message": pasted}, deadline=2.0)
    assert outcome.outcome == "auth-failed"
    assert outcome.facts["node"] == "smtp:fix-credentials"
    assert secret not in json.dumps(outcome.to_json())


def test_login_data_is_taken_out_of_a_paste():
    from troubleshooter.redaction import scrub_auth

    login = ("CLIENT -> SERVER: AUTH LOGIN\nSERVER -> CLIENT: 334 VXNlcm5hbWU6\n"
             "CLIENT -> SERVER: am9obkBleGFtcGxlLmNvbQ==\nSERVER -> CLIENT: 334 UGFzc3dvcmQ6\n"
             "CLIENT -> SERVER: c2VjcmV0\nCLIENT -> SERVER: QUIT")
    cleaned = scrub_auth(login)
    assert "am9obkBleGFtcGxlLmNvbQ==" not in cleaned and "c2VjcmV0" not in cleaned
    assert "334 VXNlcm5hbWU6" in cleaned and "QUIT" in cleaned  # the server's side stays
    assert scrub_auth("SMTP ERROR: AUTH command failed: 535") == "SMTP ERROR: AUTH command failed: 535"

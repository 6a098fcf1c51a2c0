"""Pasted transcripts, bounces and headers: the fixture corpus under tests/data/pastes/ (made by real
PHPMailer and Postfix on loopback, see generate.py there, plus documented provider texts) is read
with the right kind, outcome and facts; credentials in a paste never reach any output."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from troubleshooter import yamlio
from troubleshooter.explain import explain
from troubleshooter.explain.render import fact_lines
from troubleshooter.redaction import secret_forms

PASTES = Path(__file__).parent / "data" / "pastes"
INDEX = yamlio.load(PASTES / "index.yaml").data
DOCUMENTED = yamlio.load(PASTES / "documented.yaml").data if (PASTES / "documented.yaml").exists() else {}
ENTRIES = [e for group in (INDEX, DOCUMENTED) for entries in group.values() for e in entries]


def _fact(facts: dict, key: str) -> object:
    value: object = facts
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _text(entry: dict) -> str:
    return entry["text"] if "text" in entry else (PASTES / entry["file"]).read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.get("file") or e["id"] for e in ENTRIES])
def test_fixture_is_read_with_its_kind_outcome_and_facts(entry):
    found = explain(_text(entry))
    assert (found.kind, found.outcome) == (entry["kind"], entry["outcome"]), found.evidence
    for key, want in (entry.get("facts") or {}).items():
        assert _fact(found.facts, key) == want, key
    for lang in ("cs", "en"):
        assert fact_lines(found, lang)  # the facts can be said in both languages


def test_corpus_has_every_debug_level_both_languages_and_each_kind():
    transcripts = INDEX["transcripts"]
    assert {e["level"] for e in transcripts} == {1, 2, 3, 4}
    assert {e["lang"] for e in transcripts} == {"cs", "en"}
    assert len({e["outcome"] for e in transcripts}) >= 15
    assert any("Chyba SMTP" in _text(e) for e in transcripts)


def _login_tokens(text: str) -> set[str]:
    """The base64 a client sent after AUTH (its initial response and its answers to 334)."""
    tokens = set(re.findall(r"AUTH (?:PLAIN|LOGIN) ([A-Za-z0-9+/=]{4,})", text))
    tokens |= set(re.findall(r"CLIENT -> SERVER: ([A-Za-z0-9+/]{4,}={0,2})\s*$", text, re.M))
    tokens |= set(re.findall(r"^334\b.*\n([A-Za-z0-9+/]{4,}={0,2})\s*$", text, re.M))  # a log without prefixes
    return {t for t in tokens if not (t.isalpha() and t.isupper())}  # not the verbs (QUIT, STARTTLS)


LEVEL4 = [e for e in INDEX["transcripts"] if e["level"] == 4 and e.get("secrets")]


@pytest.mark.parametrize("entry", LEVEL4, ids=[e["file"] for e in LEVEL4])
def test_no_output_holds_a_credential_from_the_paste(entry):
    text = _text(entry)
    password = entry["secrets"][0]
    tokens = _login_tokens(text)
    assert tokens and password not in text  # PHPMailer level 4 sends it base64-encoded only
    forbidden = tokens | secret_forms(password, "demo@practice.test") | {password}
    found = explain(text)
    outputs = [json.dumps(found.to_json(), ensure_ascii=False), repr(found)]
    outputs += ["\n".join(fact_lines(found, lang)) for lang in ("cs", "en")]
    for output in outputs:
        leaked = [form for form in forbidden if form in output]
        assert not leaked, leaked
    if "PLAIN" in text or "LOGIN" in text:
        assert found.facts["login"] == "demo@practice.test"  # the login name is a fact, not a secret


def test_cli_text_and_json_hold_no_credential_for_auth_plain_and_login():
    secret, user = "S3cret-pass!", "web@firma.test"
    plain = base64.b64encode(f"\0{user}\0{secret}".encode()).decode()
    login_user, login_pass = (base64.b64encode(v.encode()).decode() for v in (user, secret))
    transcript = (
        "SERVER -> CLIENT: 220 mail.firma.test ESMTP\nCLIENT -> SERVER: EHLO web\n"
        "SERVER -> CLIENT: 250-mail.firma.test\nSERVER -> CLIENT: 250 AUTH PLAIN LOGIN\n"
        f"CLIENT -> SERVER: AUTH PLAIN {plain}\nSERVER -> CLIENT: 535 5.7.8 Error: authentication failed\n"
        "CLIENT -> SERVER: AUTH LOGIN\nSERVER -> CLIENT: 334 VXNlcm5hbWU6\n"
        f"CLIENT -> SERVER: {login_user}\nSERVER -> CLIENT: 334 UGFzc3dvcmQ6\nCLIENT -> SERVER: {login_pass}\n"
        "SERVER -> CLIENT: 535 5.7.8 Error: authentication failed\n"
        "SMTP ERROR: Password command failed: 535 5.7.8 Error: authentication failed\n"
        "SMTP Error: Could not authenticate.\n")
    forbidden = {secret, plain, plain.rstrip("="), login_pass, login_pass.rstrip("="), login_user}
    for extra in ([], ["--json"]):
        for lang in ("cs", "en"):
            command = [sys.executable, "-m", "troubleshooter", "explain", "--lang", lang, *extra, "-"]
            done = subprocess.run(command, input=transcript, capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            assert "auth" in done.stdout.lower() or "přihlá" in done.stdout
            assert not [form for form in forbidden if form in done.stdout + done.stderr]
            assert user in done.stdout


def test_an_ambiguous_connect_failure_names_its_candidates_and_the_separating_question():
    """Issue 14, item 4: "SMTP connect() failed" alone is not a blocked port."""
    from troubleshooter.flow.loader import load_flows

    for text in ("SMTP connect() failed. https://github.com/PHPMailer/PHPMailer/wiki/Troubleshooting",
                 "SMTP Connect() selhal.", "SMTP Error: Could not connect to SMTP host."):
        found = explain(text)
        assert found.outcome == "connect-failed", text
        assert {"connection-timeout", "tls-mismatch"} <= set(found.candidates)
        assert found.node == "smtp:connect-which-port"
    node = load_flows([Path(__file__).parent.parent / "flows"]).flows.flows["smtp"].nodes["connect-which-port"]
    assert node.kind == "question"
    assert {c.id for c in node.choices} >= {"465-ssl", "465-other", "587-tls", "587-ssl"}
    # with the detail in the text, the specific cause wins
    assert explain("SMTP ERROR: Failed to connect to server: Connection timed out (110) "
                   "SMTP connect() failed.").outcome == "connection-timeout"


def test_a_paste_over_the_limit_is_cut_and_says_so():
    from troubleshooter.limits import PASTE_LIMIT

    transcript = "SERVER -> CLIENT: 250-PIPELINING\n" * (PASTE_LIMIT // 30)
    found = explain(transcript + "SMTP ERROR: Password command failed: 535 5.7.8 bad\n")
    assert found.cut and found.kind == "transcript"
    assert any("1 MB" in line for line in fact_lines(found, "en"))


def test_text_of_no_known_kind_is_not_recognised():
    found = explain("Dobrý den,\nprosím o pomoc, nechodí nám e-maily.\nDěkuji")
    assert (found.kind, found.outcome) == ("message", "unknown")


def test_plain_mode_double_question_mark_reads_a_whole_paste_up_to_an_empty_line():
    from test_plain import plain

    bounce = (PASTES / "bounces" / "postfix-full-human.txt").read_text(encoding="utf-8")
    lines = [line for line in bounce.splitlines() if line.strip()]  # an empty line ends the paste
    done = plain(["??", *lines, "", "2", "q"], "--lang", "cs")
    assert done.returncode == 0, done.stderr
    assert "Schránka příjemce je plná" in done.stdout
    assert "Adresát: full@remote.test" in done.stdout
    assert "Na čí straně je problém: na straně příjemce" in done.stdout
    assert "Tuto volbu neznám" not in done.stdout  # no pasted line was taken for an answer


def test_plain_mode_paste_step_takes_a_whole_transcript_and_continues_at_its_fix():
    from test_plain import plain

    transcript = (PASTES / "transcripts" / "wrong-password-level3-cs.txt").read_text(encoding="utf-8")
    lines = [line for line in transcript.splitlines() if line.strip()]
    done = plain(["red", "paste", *lines, "", "q"], "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "an empty line ends it" in done.stdout
    assert "I don't know that choice" not in done.stdout
    assert "Wrong username or password" in done.stdout or "fix" in done.stdout.lower()


def test_a_servers_list_of_auth_mechanisms_is_not_taken_for_login_data():
    from troubleshooter.redaction import scrub_auth

    offer = "SERVER -> CLIENT: 250-AUTH LOGIN PLAIN CRAM-MD5"
    assert scrub_auth(offer) == offer
    assert scrub_auth("CLIENT -> SERVER: AUTH PLAIN AGRlbW8AeA==") == "CLIENT -> SERVER: AUTH PLAIN ***"


async def test_the_flow_check_carries_what_it_read_and_no_credential():
    """The paste step's check (explain-message): its facts reach the conversation's card and the
    export; a level-4 transcript's login data is in none of it."""
    from troubleshooter.flow.probes import probe_spec
    from troubleshooter.probes.result_text import fact_lines as check_lines

    text = (PASTES / "transcripts" / "wrong-password-plain-level4-en.txt").read_text(encoding="utf-8")
    outcome = await probe_spec("explain-message").run({"message": text}, deadline=5.0)
    assert outcome.outcome == "auth-failed" and outcome.facts["kind"] == "transcript"
    dumped = json.dumps(outcome.to_json(), ensure_ascii=False)
    for form in _login_tokens(text) | secret_forms("Tajne-Heslo-42", "demo@practice.test"):
        assert form not in dumped
    lines = check_lines(outcome, "cs")
    assert any("Přihlášení: PLAIN – odmítnuto" in line for line in lines)
    assert not any("Průběh" in line for line in lines)  # the card leaves the step list out


def test_text_of_no_known_kind_says_what_was_read():
    found = explain("Dobrý den,\nprosím o pomoc, nechodí nám e-maily.\nDěkuji")
    assert found.facts == {"lines": 3}
    assert any("Přečteno řádků: 3" in line for line in fact_lines(found, "cs"))
    assert any("Lines read: 3" in line for line in fact_lines(found, "en"))


def test_one_authentication_results_line_is_read_as_headers():
    found = explain("Authentication-Results: mx.google.com; spf=softfail smtp.mailfrom=example.com;"
                    " dkim=none; dmarc=fail (p=reject) header.from=example.com")
    assert (found.kind, found.outcome) == ("headers", "sender-not-authenticated")
    assert found.facts["dmarc"]["policy"] == "reject"

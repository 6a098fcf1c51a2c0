"""``troubleshooter --plain`` driven through stdin, as a screen reader or a pipe would."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The seed's own path: Mioweb, switch ON, values from Mioweb's help, green test, e-mail arrived.
SEED_PATH_IDS = ["set-up", "mioweb", "next", "off", "next", "mioweb", "next", "test", "green", "yes"]
SEED_PATH_NUMBERS = ["1", "1", "1", "1", "1", "1", "1", "2", "1", "1"]


def plain(lines: list[str], *args: str, env_lang: dict[str, str] | None = None,
          close_early: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The plain mode as a process; run in an empty folder of its own (an end node may save
    a transcript in the current folder)."""
    cwd = cwd or Path(tempfile.mkdtemp(prefix="plain-"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "TROUBLESHOOTER_LANG")}
    env.update(env_lang or {})
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONPATH"] = str(ROOT)  # this tree's code, also when run from another folder
    text = "".join(line + "\n" for line in lines)
    if close_early:
        text = text.rstrip("\n")  # a last line without newline, then end of input
    done = subprocess.run(
        [sys.executable, "-m", "troubleshooter", "--plain", "--flows", str(ROOT / "flows"), *args],
        input=text, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    done.raw = done.stdout  # type: ignore[attr-defined]
    done.stdout = " ".join(done.stdout.split())  # wrapped at 80 columns: compare the words
    return done


@pytest.mark.parametrize(("lang", "answers", "expected"), [
    ("cs", SEED_PATH_NUMBERS, "Vyřešeno: Hotovo"),
    ("en", SEED_PATH_NUMBERS, "Resolved: Done"),
    ("cs", SEED_PATH_IDS, "Máte vše nastaveno správně"),
    ("en", SEED_PATH_IDS, "Everything is set up correctly"),
])
def test_walks_the_main_flow_to_resolved(lang, answers, expected):
    done = plain(answers, "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert "Traceback" not in done.stderr
    assert ("Zpráva byla úspěšně odeslána" in done.stdout)
    # numbered choices, one per line
    assert "\n  1) " in done.raw


def test_values_with_findings_and_a_password_that_is_never_printed():
    answers = ["set-up", "mioweb", "next", "on", "have-values", "together",
               " smtp.example.cz", "1",          # a pasted space: take the cleaned value
               "465", "ssl", "web@example.cz", "web@example.cz",
               "Tajne-Heslo-42", "skip", "green", "yes"]
    done = plain(answers, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Use the cleaned value: smtp.example.cz" in done.stdout
    assert "Resolved: Done" in done.stdout
    assert "Tajne-Heslo-42" not in done.stdout + done.stderr


@pytest.mark.parametrize("answers", [[], ["set-up", "mioweb"], ["set-up", "mioweb", "next", "on", "have-values",
                                                                 "together", "smtp.example.cz"]])
def test_closing_stdin_mid_flow_ends_cleanly(answers):
    done = plain(answers, "--lang", "cs")
    assert done.returncode == 0
    assert "Traceback" not in done.stderr and done.stderr == ""
    assert "Konec rozhovoru." in done.stdout


def test_closing_stdin_in_the_middle_of_a_line():
    done = plain(["set-up", "mio"], "--lang", "en", close_early=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "End of the conversation." in done.stdout


@pytest.mark.parametrize(("env", "expected", "unexpected"), [
    ({"LANG": "cs"}, "S čím potřebujete pomoct?", "What do you need help with?"),
    ({"LANG": "cs_CZ.UTF-8"}, "S čím potřebujete pomoct?", "What do you need help with?"),
    ({"LANG": "en_US.UTF-8"}, "What do you need help with?", "S čím potřebujete pomoct?"),
    ({}, "S čím potřebujete pomoct?", "What do you need help with?"),
])
def test_language_from_the_environment(env, expected, unexpected):
    done = plain([], env_lang=env)
    assert done.returncode == 0
    assert expected in done.stdout and unexpected not in done.stdout


def test_lang_option_wins_over_the_environment():
    done = plain([], "--lang", "en", env_lang={"LANG": "cs_CZ.UTF-8"})
    assert "What do you need help with?" in done.stdout


def test_back_and_language_commands():
    done = plain(["set-up", "b", "l", "set-up"], "--lang", "cs")
    assert done.returncode == 0
    assert "Language: English" in done.stdout
    assert "What is your website built with?" in done.stdout


def test_a_digit_int_cannot_read_is_an_unknown_answer_not_a_crash():
    """"²" and "①" are digits to str.isdigit() but not numbers to int()."""
    done = plain(["²", "①", *SEED_PATH_NUMBERS], "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Resolved: Done" in done.stdout
    assert "Traceback" not in done.stderr


def test_from_a_node_and_unknown_node():
    done = plain(["yes"], "--lang", "en", "--from", "green-arrived")
    assert done.returncode == 0 and "Resolved: Done" in done.stdout
    bad = plain([], "--from", "no-such-node")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_e_saves_a_transcript_for_support_without_the_password(tmp_path):
    answers = ["set-up", "mioweb", "next", "on", "have-values", "together",
               "smtp.example.cz", "465", "ssl", "web@example.cz", "web@example.cz",
               "Tajne-Heslo-42", ":e", "q"]
    done = plain(answers, "--lang", "en", cwd=tmp_path)
    saved = sorted(tmp_path.glob("troubleshooter-*"))
    assert done.returncode == 0, done.stderr
    assert [p.suffix for p in saved] == [".json", ".md"]
    markdown = saved[1].read_text(encoding="utf-8")
    assert "smtp.example.cz" in markdown  # the path and the values are there ...
    assert all("Tajne-Heslo-42" not in p.read_text(encoding="utf-8") for p in saved)  # ... the password not
    assert "Transcript saved" in done.stdout


def test_question_box_explains_a_pasted_red_message_and_jumps_there():
    done = plain(["?SMTP Error: Could not authenticate.", "1", "q"], "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert 'Continue the guide at "The login failed"' in done.stdout
    assert "smtp:fix-credentials" not in done.stdout
    after = done.stdout.split('Continue the guide at "The login failed"', 1)[1]
    assert "Could not authenticate" in after and "login" in after  # the fix-credentials node shows


def test_question_box_says_so_when_nothing_fits():
    done = plain(["?bake a cake", "2", "q"], "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "did not find" in done.stdout


# -- issue 14: ends, wrapping, known values, masked offers ---------------------------------
@pytest.mark.parametrize("lang", ["cs", "en"])
@pytest.mark.parametrize("answers", [["5", "e"], ["5", "1"]])
def test_an_end_node_offers_the_transcript_for_support(tmp_path, answers, lang):
    """``printf '5\\ne\\n' | troubleshooter --plain --lang cs``: the support end is where a
    screen-reader or pipe user saves the transcript, by command or by number."""
    done = plain(answers, "--lang", lang, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    offer, saved = (("Uložit přepis rozhovoru pro podporu", "Přepis uložen") if lang == "cs"
                    else ("Save the transcript of this conversation for support", "Transcript saved"))
    assert offer in done.stdout and saved in done.stdout
    markdown = next(tmp_path.glob("troubleshooter-*.md")).read_text(encoding="utf-8")
    assert sorted(p.suffix for p in tmp_path.glob("troubleshooter-*")) == [".json", ".md"]
    assert ("Kontaktujte podporu" if lang == "cs" else "Contact support") in markdown
    assert "smtp:" not in markdown


def test_an_end_node_can_start_again_or_quit():
    done = plain(["5", "2", "4", "3"], "--lang", "en")  # support end, start again, "why", ...
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("== Start ==") == 2
    assert "Why SMTP matters" in done.stdout
    folder = Path(tempfile.mkdtemp(prefix="plain-"))
    quit_now = plain([*SEED_PATH_NUMBERS, "2"], "--lang", "en", cwd=folder)  # resolved: export is last
    assert quit_now.stdout.endswith("End of the conversation.")
    assert "Transcript saved" not in quit_now.stdout and not list(folder.iterdir())


def test_text_is_wrapped_at_80_columns_when_not_a_terminal():
    done = plain(["1", "1", "1"], "--lang", "cs")
    lines = done.raw.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "S čím potřebujete pomoct?" in done.stdout


def test_a_known_value_is_offered_as_the_default():
    """The domain check asks for the sender the user typed earlier: Enter keeps it."""
    answers = ["set-up", "mioweb", "next", "on", "have-values", "together",
               "smtp.example.cz", "465", "ssl", "web@example.cz", "web@example.cz", "Tajne-Heslo-42",
               "skip", "green", "no", "nowhere", "check", ":q"]
    done = plain(answers, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "(Enter keeps web@example.cz)" in done.stdout
    assert "Value [web@example.cz]:" in done.stdout


def test_enter_takes_the_known_value():
    import io

    from troubleshooter.flow.engine import Session
    from troubleshooter.flow.loader import load_flows
    from troubleshooter.ui.plain import PlainConversation

    session = Session.begin(load_flows([ROOT / "flows"]).flows, "smtp", "enter-sender", "en")
    session.values["sender"], session.kinds["sender"] = "web@example.cz", "sender"  # entered earlier
    out = io.StringIO()
    PlainConversation(session, io.StringIO("\n"), out).ask_value(session.view())
    assert session.current.node == "enter-username"
    assert "empty" not in out.getvalue().lower()


def test_a_password_typed_as_the_username_is_not_echoed_in_the_offer():
    answers = ["set-up", "mioweb", "next", "on", "have-values", "together",
               "smtp.example.cz", "465", "ssl", "web@example.cz", "Tajne-Heslo-42", "q"]
    done = plain(answers, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Use the cleaned value: ••••••@example.cz" in done.stdout
    assert "Tajne-Heslo-42" not in done.stdout


def test_question_box_uses_the_current_node_to_break_a_tie():
    # "vypnuté": the SMTP switch OFF, or SMTP login disabled at Microsoft - ask which at the start ...
    at_start = plain(["?vypnuté", "q"], "--lang", "en")
    assert "Did you mean" in at_start.stdout
    # ... but at the node that asks about the switch, the switch it is
    at_switch = plain(["set-up", "mioweb", "next", "?vypnuté", "2", "q"], "--lang", "en")
    answer = at_switch.stdout.split("Choice: ", 4)[-1]
    assert "Did you mean" not in answer and "Best answers" in answer
    assert answer.index("SMTP is switched off") < answer.index("SMTP login is disabled")


async def test_ctrl_c_during_a_check_cancels_the_check_not_the_conversation(tmp_path):
    """A silent server: Ctrl+C stops the check, says it has no result, and going back lands
    before the check; the conversation goes on."""
    import asyncio
    import signal

    from smtp_servers import misbehaving_server

    async with misbehaving_server("silent") as port:
        answers = ["set-up", "mioweb", "next", "on", "have-values", "together", "127.0.0.1", str(port), "1",
                   "none", "web@example.cz", "web@example.cz", "Tajne-Heslo-42", "check", "2", "q"]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "troubleshooter", "--plain", "--lang", "en", "--flows", str(ROOT / "flows"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            cwd=tmp_path, env=env,
            # Ctrl+C as at a terminal, however the suite was started: a shell's background job
            # (`… &`) ignores SIGINT, and a child inherits that, so the check would run on
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        process.stdin.write("".join(a + "\n" for a in answers).encode())
        await process.stdin.drain()
        seen = b""
        while b"Checking: Connection to the server" not in seen:
            seen += await asyncio.wait_for(process.stdout.read(4096), 20)
        await asyncio.sleep(0.5)
        process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), 20)
    text = " ".join((seen + out).decode().split())
    assert process.returncode == 0, err.decode()
    assert "The check was cancelled" in text or "You cancelled the check" in text
    after = text.split("Run the check again", 1)[1]
    assert "== Connection check ==" in after  # back: the step before the check
    assert "Traceback" not in err.decode()

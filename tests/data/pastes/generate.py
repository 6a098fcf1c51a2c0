"""Regenerate the pasted-text fixtures in this folder from real software (not run by CI).

Transcripts: Debian's PHPMailer (``apt-get install php-cli libphp-phpmailer``) sends through
``phpmailer_send.php`` to the loopback practice server (tests/smtp_servers.py, aiosmtpd) with a
fault switched on for each failing stage, at SMTPDebug levels 1–4, with PHPMailer's English and
Czech language files. Bounces: Debian's Postfix on loopback only (``bounces.py``).

    python tests/data/pastes/generate.py [transcripts|bounces|all]

Writes ``transcripts/*.txt`` and ``index.yaml`` entries (file, kind, outcome, facts to check).
Everything listens on 127.0.0.1; nothing is sent anywhere else.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

USERNAME = "demo@practice.test"
PASSWORD = "Tajne-Heslo-42"  # the practice server's; the fixtures' credential tests look for it

# name: (faults, settings, outcome, facts the reader must find, levels, languages)
ALL_LEVELS, MAIN_LEVELS = (1, 2, 3, 4), (2, 3)
SCENARIOS: dict[str, tuple[set[str], dict, str, dict, tuple[int, ...], tuple[str, ...]]] = {
    "ok-starttls": (
        set(),
        {},
        "message-accepted",
        {"tls": "starttls", "tls_before_auth": True, "accepted": True},
        ALL_LEVELS,
        ("en",),
    ),
    "ok-ssl-465": (
        set(),
        {"port": "tls", "secure": "ssl"},
        "message-accepted",
        {"tls": "implicit", "accepted": True},
        (3, 4),
        ("en",),
    ),
    "ok-auth-plain": (
        set(),
        {"authtype": "PLAIN"},
        "message-accepted",
        {"auth_mechanism": "PLAIN"},
        (3, 4),
        ("en",),
    ),
    "wrong-password": (
        {"wrong-password"},
        {},
        "auth-failed",
        {"failed.stage": "auth"},
        ALL_LEVELS,
        ("en", "cs"),
    ),
    # Debugoutput "html": what a WordPress test page prints (htmlentities, <br> per line)
    "wrong-password-html": (
        {"wrong-password"},
        {"output": "html"},
        "auth-failed",
        {"failed.stage": "auth", "tls": "starttls"},
        (2, 3),
        ("en", "cs"),
    ),
    "recipient-unknown-html": (
        set(),
        {"output": "html", "to": "nobody@example.test"},
        "recipient-rejected",
        {"failed.stage": "rcpt"},
        (3,),
        ("en",),
    ),
    "wrong-password-plain": (
        {"wrong-password"},
        {"authtype": "PLAIN"},
        "auth-failed",
        {"failed.stage": "auth", "auth_mechanism": "PLAIN"},
        (3, 4),
        ("en",),
    ),
    "sender-not-login": (
        set(),
        {"from": "shop@practice.test"},
        "sender-rejected",
        {"failed.stage": "mail", "sender": "shop@practice.test", "login": "demo@practice.test",
         "findings": ["sender-not-login"]},
        (2, 3, 4),
        ("en", "cs"),
    ),
    "recipient-unknown": (
        set(),
        {"to": "nobody@example.test"},
        "recipient-rejected",
        {"failed.stage": "rcpt", "recipients": ["nobody@example.test"]},
        MAIN_LEVELS,
        ("en", "cs"),
    ),
    "relay-denied": (
        set(),
        {"auth": False},
        "relay-denied",
        {"failed.stage": "rcpt"},
        MAIN_LEVELS,
        ("en", "cs"),
    ),
    "dmarc": ({"dmarc"}, {}, "dmarc-rejected", {"failed.stage": "data"}, MAIN_LEVELS, ("en", "cs")),
    "server-421": ({"421"}, {}, "server-unavailable", {"failed.stage": "greeting"}, MAIN_LEVELS, ("en", "cs")),
    "self-signed": ({"self-signed"}, {"greets": True}, "certificate-invalid", {}, (3,), ("en", "cs")),
    "wrong-name": ({"wrong-name"}, {}, "certificate-name-mismatch", {}, (3,), ("en", "cs")),
    "starttls-required": (
        {"starttls-required"},
        {"secure": "", "autotls": False},
        "auth-requires-tls",
        {"tls": "none"},
        MAIN_LEVELS,
        ("en", "cs"),
    ),
    "no-starttls": ({"no-starttls"}, {}, "starttls-missing", {"offered.starttls": False}, (3,), ("en", "cs")),
    "starttls-on-465": (
        set(),
        {"port": "tls", "secure": "tls", "timeout": 3, "greets": False},
        "tls-mismatch",
        {"port": "tls"},
        (3,),
        ("en", "cs"),
    ),
    "ssl-on-587": (set(), {"secure": "ssl", "greets": False}, "tls-mismatch", {}, (3,), ("en", "cs")),
    "refused": (set(), {"port": "closed"}, "connection-refused", {}, (3,), ("en", "cs")),
    "timeout": (set(), {"port": "silent", "timeout": 3}, "connection-timeout", {}, (3,), ("en",)),
    "app-password": ({"app-password"}, {}, "auth-app-password", {"failed.stage": "auth"}, (3,), ("en", "cs")),
    "auth-disabled": ({"auth-disabled"}, {}, "auth-disabled", {"failed.stage": "auth"}, (3,), ("en", "cs")),
    "auth-tempfail": ({"auth-tempfail"}, {}, "auth-tempfail", {"failed.stage": "auth"}, (3,), ("en",)),
}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_php(settings: dict) -> str:
    done = subprocess.run(
        ["php", str(HERE / "phpmailer_send.php"), json.dumps(settings)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
    )
    return done.stdout + done.stderr


def transcripts() -> list[dict]:
    from smtp_servers import never_accepting_listener, practice_server

    out_dir = HERE / "transcripts"
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir()
    entries = []
    for name, (faults, overrides, outcome, facts, levels, langs) in SCENARIOS.items():
        with practice_server(faults=faults, password=PASSWORD) as server, contextlib.ExitStack() as stack:
            ports = {"starttls": server.starttls_port, "tls": server.tls_port, "closed": _closed_port()}
            if overrides.get("port") == "silent":
                ports["silent"] = stack.enter_context(never_accepting_listener())
            for level in levels:
                for lang in langs:
                    settings = {
                        "host": "127.0.0.1",
                        "port": ports[overrides.get("port", "starttls")],
                        "secure": overrides.get("secure", "tls"),
                        "autotls": overrides.get("autotls", True),
                        "auth": overrides.get("auth", True),
                        "authtype": overrides.get("authtype", "LOGIN"),
                        "username": USERNAME,
                        "password": PASSWORD,
                        "timeout": overrides.get("timeout", 10),
                        "from": overrides.get("from", USERNAME),
                        "to": overrides.get("to", "someone@example.test"),
                        "cafile": str(server.ca_file),
                        "debug": level,
                        "lang": lang,
                        "output": overrides.get("output", "echo"),
                        "body": "Dobrý den,\nMAIL FROM:<not-a-command@example.test>\n535 not a reply either\n",
                    }
                    text = _run_php(settings)
                    file = f"transcripts/{name}-level{level}-{lang}.txt"
                    (HERE / file).write_text(text, encoding="utf-8")
                    expected = dict(facts)
                    if "port" in expected:
                        expected["port"] = settings["port"]
                    if (
                        level >= 2
                        and overrides.get("greets", True)
                        and overrides.get("port") not in ("closed", "silent")
                    ):
                        expected.setdefault("server_name", "localhost")
                    entries.append(
                        {
                            "file": file,
                            "kind": "transcript",
                            "outcome": outcome,
                            "lang": lang,
                            "level": level,
                            "facts": expected,
                            "secrets": [PASSWORD] if level == 4 else [],
                        }
                    )
                    print(f"{file}: {outcome}")
    return entries


PREFIXES = ("SERVER -> CLIENT: ", "CLIENT -> SERVER: ", "SERVER -> CLIENT:", "CLIENT -> SERVER:")
BARE_FROM = ("ok-starttls", "wrong-password", "sender-not-login", "wrong-password-plain")


def bare_logs(transcripts: list[dict]) -> list[dict]:
    """The level-4 sessions as Post SMTP's transport logs them: requests and replies exactly as
    sent, no prefixes, no times, the login data included (Postman/Postman-Mail/Zend-1.12.10/Mail/
    Protocol/Abstract.php: _send and _receive append each line to the log)."""
    entries = []
    for entry in transcripts:
        name = entry["file"].split("/")[-1].rsplit("-level", 1)[0]
        if entry["level"] != 4 or entry["lang"] != "en" or name not in BARE_FROM:
            continue
        lines = []
        for raw in (HERE / entry["file"]).read_text(encoding="utf-8").splitlines():
            text = raw.split("\t", 1)[-1].strip() if "\t" in raw else raw.strip()
            for prefix in PREFIXES:
                if text.startswith(prefix):
                    lines.append(text[len(prefix):])
                    break
            else:
                if raw.startswith(" ") and lines and text[:3].isdigit():  # a multi-line reply's next line
                    lines.append(text)
        file = f"transcripts/{name}-bare-log.txt"
        (HERE / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
        facts = {k: v for k, v in entry["facts"].items() if k not in ("port",)}
        derived = {"file": file, "level": 4, "facts": facts, "source": "derived: Post SMTP log format"}
        entries.append(entry | derived)
        print(f"{file}: {entry['outcome']}")
    return entries


def main() -> None:
    import yaml

    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    index_file = HERE / "index.yaml"
    index = yaml.safe_load(index_file.read_text(encoding="utf-8")) if index_file.exists() else {}
    if which in ("transcripts", "all"):
        index["transcripts"] = transcripts()
        index["transcripts"] += bare_logs(index["transcripts"])
    if which in ("bounces", "all"):
        from bounces import bounces  # type: ignore[import-not-found]

        index["bounces"] = bounces()
    index_file.write_text(INDEX_HEADER + dump_without_aliases(index), encoding="utf-8")


INDEX_HEADER = "# Written by generate.py (see its docstring); hand-written entries live in documented.yaml.\n"


def dump_without_aliases(data) -> str:
    """YAML with every repeated value written out: the project's loader refuses aliases."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data) -> bool:
            return True

    return yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=110)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()

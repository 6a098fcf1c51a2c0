"""``troubleshooter serve``: the same app in a web browser, one app process per visitor.

textual-serve runs a shell command for every browser session and hands it a copy of the
server's whole environment. Here that command is wrapped in ``env -i`` with an explicit,
minimal environment (PATH, LANG, a fresh HOME and XDG dirs per session, TERM and
textual-serve's own variables), so no secret of the server process reaches the app, and
one visitor never sees another's saved conversation. Each session runs with
``--served POLICY``: its probes run under :class:`troubleshooter.probes.policy.TargetPolicy`
(SMTP ports only, public targets only, AUTH attempts capped). Concurrent sessions are capped.
Listens on localhost by default; see docs/serve.md for a reverse proxy with authentication.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from troubleshooter.commands import add_content_options, add_lang_option

HELP = "serve the troubleshooter to web browsers (textual-serve), probes under a safe target policy"

# Variables textual-serve sets for each session; the only ones passed through from it.
SESSION_VARIABLES = ("TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                     "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1; put a proxy in front, docs/serve.md)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument("--public-url", metavar="URL",
                        help="the address browsers use, when behind a reverse proxy (e.g. https://help.example.com)")
    parser.add_argument("--ports", default="25,465,587,2525", type=_ports,
                        help="SMTP ports visitors may test (default: 25,465,587,2525)")
    parser.add_argument("--allow-private", action="store_true",
                        help="let probes reach loopback and private addresses (only on a trusted network)")
    parser.add_argument("--max-sessions", type=_positive, default=8, metavar="N",
                        help="browser sessions at once (default: 8)")
    parser.add_argument("--max-auth-per-session", type=_positive, default=5, metavar="N",
                        help="login attempts one conversation may make (default: 5)")
    parser.add_argument("--max-auth-per-server", type=_positive, default=20, metavar="N",
                        help="login attempts on one SMTP server per hour, all visitors together (default: 20)")
    parser.add_argument("--deadline", type=float, default=10.0, metavar="SECONDS",
                        help="total time one probe may take (default: 10)")
    parser.add_argument("--dns-server", metavar="HOST:PORT",
                        help="resolve probe targets with this DNS server instead of the system resolver")
    add_lang_option(parser)
    add_content_options(parser)


def _ports(value: str) -> frozenset[int]:
    try:
        ports = frozenset(int(part) for part in value.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ports like 25,465,587, got {value!r}") from None
    if not ports or any(not 0 < p < 65536 for p in ports):
        raise argparse.ArgumentTypeError(f"expected ports between 1 and 65535, got {value!r}")
    return ports


def _positive(value: str) -> int:
    if not value.isdecimal() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value!r}")
    return int(value)


def session_command(args: argparse.Namespace, run_dir: Path, policy_file: Path) -> str:
    """The shell command textual-serve runs per browser session (``sh -c``)."""
    lang = os.environ.get("LANG", "")
    keep = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": lang if "UTF-8" in lang.upper() else "C.UTF-8",
        "TERM": "xterm-256color",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),  # a source checkout run without install
    }
    fixed = [f"{name}={shlex.quote(value)}" for name, value in keep.items() if value]
    session = ['HOME="$d"', 'XDG_STATE_HOME="$d/state"', 'XDG_CONFIG_HOME="$d/config"',
               'XDG_CACHE_HOME="$d/cache"', 'XDG_DATA_HOME="$d/data"', 'TMPDIR="$d"']
    session += [f'{name}="${name}"' for name in SESSION_VARIABLES]
    app = [sys.executable, "-m", "troubleshooter", "--served", str(policy_file)]
    for option in ("lang", "flows", "kb"):
        if getattr(args, option, None):
            app += [f"--{option}", str(getattr(args, option))]
    env = shutil.which("env") or "/usr/bin/env"
    return (f"d=$(mktemp -d {shlex.quote(str(run_dir))}/session.XXXXXX) || exit 1; "
            f"{shlex.quote(env)} -i {' '.join(fixed + session)} {shlex.join(app)}; "
            'rc=$?; rm -rf "$d"; exit $rc')


def run(args: argparse.Namespace) -> int:
    from troubleshooter.i18n import detect_lang
    from troubleshooter.probes.policy import AuthLedger, TargetPolicy, write_policy_file
    from troubleshooter.ui.web import CappedServer

    if args.dns_server:
        from troubleshooter.probes.dns import parse_nameserver

        try:
            parse_nameserver(args.dns_server)
        except ValueError as exc:
            print(f"troubleshooter serve: --dns-server: {exc}", file=sys.stderr)
            return 2
    run_dir = Path(tempfile.mkdtemp(prefix="troubleshooter-serve-"))
    try:
        policy = TargetPolicy(
            allowed_ports=args.ports, allow_private=args.allow_private,
            max_auth_per_session=args.max_auth_per_session,
            max_auth_per_server=args.max_auth_per_server, deadline=args.deadline,
            ledger=AuthLedger(window=3600.0),
        )
        policy_file = run_dir / "policy.json"
        write_policy_file(policy_file, policy, dns_server=args.dns_server, ledger=run_dir / "auth-ledger.json")
        server = CappedServer(
            session_command(args, run_dir, policy_file),
            host=args.host, port=args.port, public_url=args.public_url,
            title="troubleshooter", max_sessions=args.max_sessions,
            lang=detect_lang(args.lang),
        )
        server.serve()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0

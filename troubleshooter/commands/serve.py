"""``troubleshooter serve``: the web conversation (HTML, one process for every visitor), or
with ``--terminal`` the Textual app in a browser, one app process per visitor.

The web conversation is :mod:`troubleshooter.ui.web`. For ``--terminal``,
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

from troubleshooter.commands import add_content_options, add_lang_option, add_record_options

HELP = "serve the troubleshooter to web browsers (a web page, or --terminal), checks under a safe target policy"

# Variables textual-serve sets for each session; the only ones passed through from it.
SESSION_VARIABLES = ("TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                     "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--terminal", action="store_true",
                        help="serve the terminal app through textual-serve (help-desk staff), "
                             "not the web page")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1; put a proxy in front, docs/serve.md)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument("--public-url", metavar="URL",
                        help="the address browsers use, when behind a reverse proxy (e.g. https://help.example.com)")
    parser.add_argument("--ports", default="25,465,587,2525", type=_ports,
                        help="SMTP ports visitors may test (default: 25,465,587,2525)")
    parser.add_argument("--allow-private", action="store_true",
                        help="let probes reach loopback and private addresses (only on a trusted network)")
    parser.add_argument("--max-sessions", type=_positive, metavar="N",
                        help="conversations at once (default: 500 web conversations; 8 with --terminal, "
                             "each an app process)")
    parser.add_argument("--max-checks", type=_positive, default=8, metavar="N",
                        help="web page: checks running at once, all visitors together (default: 8)")
    parser.add_argument("--idle-minutes", type=_positive, default=30, metavar="N",
                        help="web page: a conversation is deleted this long after its last step (default: 30)")
    parser.add_argument("--support-url", metavar="URL", help="web page: where the support end sends visitors")
    parser.add_argument("--support-email", metavar="ADDRESS", help="web page: the support address to write to")
    parser.add_argument("--embed-origin", action="append", default=[], metavar="ORIGIN",
                        help="web page: a site that may show the page in an iframe (https://help.example.com); "
                             "repeatable")
    parser.add_argument("--max-auth-per-session", type=_positive, default=5, metavar="N",
                        help="login attempts one conversation may make (default: 5)")
    parser.add_argument("--max-auth-per-server", type=_positive, default=20, metavar="N",
                        help="login attempts on one SMTP server per hour, all visitors together (default: 20)")
    parser.add_argument("--deadline", type=float, default=10.0, metavar="SECONDS",
                        help="total time one probe may take (default: 10)")
    parser.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                        help="a reverse proxy in front of this server: its X-Forwarded-For names the "
                             "visitor (the login caps count per visitor)")
    parser.add_argument("--dns-server", metavar="HOST:PORT",
                        help="resolve probe targets with this DNS server instead of the system resolver")
    add_lang_option(parser)
    add_content_options(parser)
    add_record_options(parser)  # the web page, and --terminal's app processes


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
    from troubleshooter.usage.record import record_dir

    record = record_dir(getattr(args, "record", None))  # the environment is not passed on: say it
    if record is not None:
        app += ["--record", str(record.resolve())]
        app += [f"--{flag}" for flag in ("record-hosts", "record-questions")
                if getattr(args, flag.replace("-", "_"), False)]
    env = shutil.which("env") or "/usr/bin/env"
    return (f"d=$(mktemp -d {shlex.quote(str(run_dir))}/session.XXXXXX) || exit 1; "
            f"{shlex.quote(env)} -i {' '.join(fixed + session)} {shlex.join(app)}; "
            'rc=$?; rm -rf "$d"; exit $rc')


def run(args: argparse.Namespace) -> int:
    if args.dns_server:
        from troubleshooter.probes.dns import parse_nameserver

        try:
            parse_nameserver(args.dns_server)
        except ValueError as exc:
            print(f"troubleshooter serve: --dns-server: {exc}", file=sys.stderr)
            return 2
    return run_terminal(args) if args.terminal else run_web(args)


def run_web(args: argparse.Namespace) -> int:
    from troubleshooter.i18n import parse_lang
    from troubleshooter.probes.policy import AuthLedger, TargetPolicy, nameserver_resolver, system_resolver
    from troubleshooter.ui.conversation import load_content, usage_recorder
    from troubleshooter.ui.web.server import WebConfig, serve

    startup = load_content(args)
    if not len(startup.flows):
        for diagnostic in startup.diagnostics:
            print(diagnostic.format(startup.lang), file=sys.stderr)
        return 2
    if args.support_url and not args.support_url.startswith(("https://", "http://")):
        print(f"troubleshooter serve: --support-url: expected an https:// address, got {args.support_url!r}",
              file=sys.stderr)
        return 2
    for origin in args.embed_origin:
        if not origin.startswith(("https://", "http://")) or origin.count("/") != 2:
            print(f"troubleshooter serve: --embed-origin: expected an origin like https://help.example.com, "
                  f"got {origin!r}", file=sys.stderr)
            return 2
    policy = TargetPolicy(
        allowed_ports=args.ports, allow_private=args.allow_private,
        max_auth_per_session=args.max_auth_per_session, max_auth_per_server=args.max_auth_per_server,
        deadline=args.deadline, ledger=AuthLedger(window=3600.0),
        resolver=nameserver_resolver(args.dns_server) if args.dns_server else system_resolver,
        dns_server=args.dns_server, trusted_proxies=frozenset(args.trusted_proxy),
    )
    config = WebConfig(
        flows=startup.flows, policy=policy, lang=parse_lang(args.lang), kb=args.kb,
        public_url=args.public_url, embed_origins=tuple(args.embed_origin),
        support_url=args.support_url, support_email=args.support_email,
        max_sessions=args.max_sessions or 500, max_checks=args.max_checks, idle_minutes=args.idle_minutes,
        recorder=lambda session: usage_recorder(args, "web", session),
    )
    serve(config, args.host, args.port)
    return 0


def run_terminal(args: argparse.Namespace) -> int:
    from troubleshooter.i18n import detect_lang
    from troubleshooter.probes.policy import AuthLedger, TargetPolicy, write_policy_file
    from troubleshooter.ui.terminal import CappedServer

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
            title="troubleshooter", max_sessions=args.max_sessions or 8,
            trusted_proxies=frozenset(args.trusted_proxy),
            lang=detect_lang(args.lang),
        )
        server.serve()
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0

"""``troubleshooter practice-server``: a local SMTP server to train on, with switchable faults.

STARTTLS on ``--port`` N, implicit TLS on N+1, on 127.0.0.1 only; its own throw-away CA
(the file path is printed, so ``diagnose --ca-file`` trusts it); a demo mailbox and a
fresh password printed at start. Messages are kept in memory and never delivered.
"""

from __future__ import annotations

import argparse
import sys

from troubleshooter.commands import add_lang_option

HELP = "start a local practice SMTP server (STARTTLS + SSL, demo mailbox, switchable faults)"
# The server's FAULTS, named here so that parsing the command line does not import the server
# (tests/test_practice_server.py keeps the two equal).
FAULT_NAMES = ("wrong-password", "no-starttls", "starttls-required", "self-signed", "wrong-name", "421",
               "slow", "intercepted", "app-password", "auth-disabled", "basic-auth-off", "auth-tempfail",
               "dmarc")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=2587,
                        help="STARTTLS port; implicit TLS is port+1 (default 2587)")
    parser.add_argument("--fault", action="append", default=[], choices=FAULT_NAMES, metavar="F",
                        help="switch on a fault (repeatable): " + ", ".join(FAULT_NAMES))
    add_lang_option(parser)


def write_practice_providers(server) -> str:
    """Provider data naming the practice server (beside its CA, removed with it), so the
    settings finder can be tried too: ``find-settings --providers FILE``."""
    from pathlib import Path

    from troubleshooter.cache import write_atomic
    from troubleshooter.yamlio import dump

    domain = server.config.username.partition("@")[2]
    entry = {"name": "Practice server", "domains": [domain], "outgoing": [
        {"hostname": "localhost", "port": server.tls_port, "socketType": "SSL",
         "username": "%EMAILADDRESS%", "authentication": ["password-cleartext"]},
        {"hostname": "localhost", "port": server.starttls_port, "socketType": "STARTTLS",
         "username": "%EMAILADDRESS%", "authentication": ["password-cleartext"]},
    ], "source": "troubleshooter practice-server"}
    path = Path(server.ca_file).with_name("practice-providers.yaml")
    write_atomic(path, dump({"practice": entry}))
    return str(path)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from troubleshooter.i18n import detect_lang, tr
    from troubleshooter.practice.server import PracticeConfig, PracticeServer, describe_faults

    lang = detect_lang(args.lang)
    config = PracticeConfig(port=args.port, faults=frozenset(args.fault))
    server = PracticeServer(config, log=lambda line: print(line, flush=True))

    async def serve() -> int:
        try:
            await server.start()
        except OSError:
            print(tr("practice.port-busy", lang, port=args.port), file=sys.stderr)
            return 2
        say = lambda key, **p: print(tr(key, lang, **p), flush=True)  # noqa: E731
        say("practice.started")
        say("practice.ports", starttls=server.starttls_port, tls=server.tls_port)
        say("practice.mailbox", username=config.username, password=config.password)
        say("practice.ca", path=server.ca_file)
        if config.faults:
            say("practice.faults", faults="; ".join(describe_faults(sorted(config.faults))))
        else:
            say("practice.no-faults")
        say("practice.try")
        print(f"  PW='{config.password}' troubleshooter diagnose --host localhost "
              f"--port {server.starttls_port} --security starttls --user {config.username} --password-env PW "
              f"--ca-file {server.ca_file}", flush=True)
        say("practice.try-conversation", starttls=server.starttls_port, username=config.username)
        print(f"  troubleshooter --ca-file {server.ca_file}", flush=True)
        print(f"  troubleshooter --plain --ca-file {server.ca_file}", flush=True)
        providers = write_practice_providers(server)
        print(f"  PW='{config.password}' troubleshooter find-settings {config.username} --password-env PW "
              f"--providers {providers} --ca-file {server.ca_file}", flush=True)
        say("practice.stop")
        from troubleshooter.portable import stop_on_signals

        stop = asyncio.Event()
        stop_on_signals(stop.set)  # stop cleanly: the CA files go too
        try:
            await stop.wait()
        finally:
            await server.stop()
        return 0

    try:
        return asyncio.run(serve())
    except KeyboardInterrupt:
        return 0
    finally:
        server.cleanup()

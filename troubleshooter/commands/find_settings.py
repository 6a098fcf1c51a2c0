"""``troubleshooter find-settings ADDRESS``: find the SMTP settings for a sender address and prove
them on the live server, as Thunderbird's account setup does, in the website form's terms.

Exit codes: 0 a verified card was found, 1 not, 2 usage error. A password is never taken from
the command line: ``--password-env`` or ``--password-stdin``. Everything the finder looks at
can be pointed elsewhere by an option (DNS server, CA file, provider data, autoconfig and
guessed ports), which is also how the tests reach their loopback servers.
"""

from __future__ import annotations

import argparse
import os

from troubleshooter.commands import (
    add_password_options,
    add_result_options,
    read_password,
    refuse,
)

HELP = "find the SMTP settings for a sender address and check them on the live server"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("address", help="the sender mailbox, e.g. info@mojefirma.cz")
    add_password_options(parser, "check the login too")
    parser.add_argument("--timeout", type=float, default=15.0, metavar="S",
                        help="total time limit in seconds (default 15)")
    parser.add_argument("--dns-server", metavar="HOST:PORT",
                        help="ask this DNS server (and connect to the addresses it gives)")
    parser.add_argument("--ca-file", metavar="PEM", help="also trust these CA certificates (HTTPS and SMTP)")
    parser.add_argument("--providers", metavar="FILE", help="provider data file instead of the shipped one")
    parser.add_argument("--autoconfig-port", type=int, default=443, metavar="N",
                        help="HTTPS port of the autoconfig look-ups (self-hosted servers; default 443)")
    parser.add_argument("--guess-ports", default="465/ssl,587/starttls", metavar="LIST",
                        help="ports tried for guessed host names (default 465/ssl,587/starttls)")
    add_result_options(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from troubleshooter.i18n import detect_lang
    from troubleshooter.probes.dns import parse_nameserver
    from troubleshooter.probes.finder import FinderOptions, parse_guess_ports, split_address

    lang = detect_lang(args.lang)
    password = read_password(args)  # a UsageError is said by the CLI
    try:
        split_address(args.address)
    except ValueError:
        return refuse("find-settings", lang, "finder.address-invalid", address=args.address)
    if args.timeout is None or not args.timeout > 0:
        return refuse("find-settings", lang, "finder.timeout-invalid")
    for path in (args.ca_file, args.providers):
        if path and not os.path.isfile(path):
            return refuse("find-settings", lang, "finder.file-missing", path=path)
    if args.dns_server:
        try:
            parse_nameserver(args.dns_server)
        except ValueError as exc:
            return refuse("find-settings", lang, "finder.dns-server-invalid", reason=str(exc))
    try:
        guess_ports = parse_guess_ports(args.guess_ports)
    except ValueError:
        return refuse("find-settings", lang, "finder.guess-ports-invalid", value=args.guess_ports)
    if not 0 < args.autoconfig_port < 65536:
        return refuse("find-settings", lang, "finder.guess-ports-invalid", value=args.autoconfig_port)
    if args.providers:
        from troubleshooter.probes.providers import load_providers
        from troubleshooter.yamlio import YamlError

        try:
            load_providers(Path(args.providers))
        except (YamlError, KeyError, TypeError, ValueError, AttributeError) as exc:
            return refuse("find-settings", lang, "finder.providers-invalid", path=args.providers,
                          reason=str(exc))
    options = FinderOptions(nameserver=args.dns_server, ca_file=args.ca_file,
                            providers_file=Path(args.providers) if args.providers else None,
                            autoconfig_port=args.autoconfig_port, guess_ports=guess_ports)
    return _find(args, password, options, lang)


def _find(args: argparse.Namespace, password: str, options: object, lang: str) -> int:
    import asyncio
    import json

    from troubleshooter import clock
    from troubleshooter.probes.find_settings import find_settings
    from troubleshooter.probes.finder_card import result_lines

    if not args.json:
        from troubleshooter.i18n import tr

        print(tr("finder.header", lang, address=args.address.strip()), flush=True)  # type: ignore[arg-type]
    result = asyncio.run(find_settings(args.address, password, deadline=clock.left(args.timeout),
                                       options=options))  # type: ignore[arg-type]
    data = result.to_json()
    if args.json:
        print(json.dumps({**data, "lang": lang}, ensure_ascii=False, indent=2))
    else:
        from troubleshooter.i18n import tr

        for line in result_lines(data, lang):  # type: ignore[arg-type]
            print(line)
        print(tr("finder.elapsed", lang, seconds=f"{result.elapsed:.1f}"))  # type: ignore[arg-type]
    return 0 if result.card is not None and result.card.verified else 1

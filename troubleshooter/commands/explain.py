"""``troubleshooter explain "TEXT"``: what a pasted text means and what to do.

The text may be one red message, a whole debug transcript, a returned e-mail (bounce) or a
message's headers; the answer names the kind and the facts read from it. ``--check-domain``
(headers) then checks the sender domain over DNS with the DKIM selector from ``s=``.

Exit codes: 0 explained, 1 not recognised (the answer then suggests ``diagnose``), 2 usage
error. ``-`` (or no text) reads the text from stdin (at most the paste limit), so a whole
transcript can be piped in.
"""

from __future__ import annotations

import argparse
import json
import sys

from troubleshooter.commands import add_result_options

HELP = "explain a red message, a debug transcript, a bounce or a message's headers in plain words"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", default="-",
                        help='the message, quoted; "-" or nothing reads it from stdin')
    add_result_options(parser)
    parser.add_argument("--check-domain", action="store_true",
                        help="for pasted headers: check the sender domain's SPF, DMARC and DKIM over DNS")
    parser.add_argument("--dns-server", metavar="HOST:PORT", help="ask only this DNS server (tests)")


def run(args: argparse.Namespace) -> int:
    from troubleshooter.explain import explain
    from troubleshooter.i18n import detect_lang, tr
    from troubleshooter.probes.catalog import describe

    lang = detect_lang(args.lang)
    if args.text == "-":
        from troubleshooter.limits import read_stdin

        text, stdin_cut = read_stdin()
    else:
        text, stdin_cut = args.text, False
    if not text.strip():
        print(f"troubleshooter explain: {tr('explain.empty', lang)}", file=sys.stderr)
        return 2
    found = explain(text)
    found.cut = found.cut or stdin_cut
    info = describe(found.outcome)
    domain = _check_domain(found, args) if args.check_domain else None
    if args.json:
        payload = found.to_json() | {"title": info.title.get(lang), "cause": info.cause.get(lang),
                                     "advice": info.advice.get(lang), "lang": lang}
        if domain is not None:
            payload["domain_check"] = domain
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0 if found.explained else 1
    from troubleshooter.explain.render import domain_lines, fact_lines

    print(f"{info.title.get(lang)}")
    print(f"  {info.cause.get(lang)}")
    print(f"{tr('explain.advice', lang)} {info.advice.get(lang)}")
    if found.evidence:
        print(f"{tr('explain.evidence', lang)} " + " · ".join(found.evidence)
              + f"  ({tr(f'explain.confidence.{found.confidence}', lang)})")
    if found.kind != "message" or found.candidates or found.cut or not found.explained:
        print()
        for line in fact_lines(found, lang):
            print(line)
    if domain is not None:
        print()
        for line in domain_lines(domain, lang):
            print(line)
    elif found.kind == "headers" and found.facts.get("from_domain"):
        print(tr("paste.headers.check", lang, selector=found.facts.get("dkim_selector") or "–"))
    if info.article:
        print(f"{tr('explain.article', lang)} {info.article}")
    if info.node:
        print(f"{tr('explain.node', lang)} {info.node}")
    if not found.explained:
        print(tr("explain.try-diagnose", lang))
    return 0 if found.explained else 1


def _check_domain(found, args: argparse.Namespace) -> dict | None:
    """The sender-domain check for pasted headers, with the DKIM selector the message was signed with."""
    import asyncio

    from troubleshooter.flow.probes import probe_spec

    facts = found.facts if found.kind == "headers" else {}
    domain = facts.get("from_domain")
    if not domain:
        return None
    probe_args = {"sender": domain, "dkim_selector": facts.get("dkim_selector") or ""}
    if args.dns_server:
        probe_args["nameserver"] = args.dns_server
    outcome = asyncio.run(probe_spec("domain-health").run(probe_args, deadline=8.0))
    return {"outcome": outcome.outcome, "domain": domain, "selector": probe_args["dkim_selector"] or None,
            "checks": outcome.facts.get("checks", [])}

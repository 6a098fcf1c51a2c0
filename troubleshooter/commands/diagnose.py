"""``troubleshooter diagnose``: check an SMTP server stage by stage (like swaks) and explain
the result in Czech or English.

Exit codes: 0 all well, 1 a problem was found, 2 usage error. A password is never taken
from the command line (shell history, process list): ``--password-env`` or ``--password-stdin``.
Heavy imports (asyncio, ssl, the probes, the outcome catalogue) happen inside :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from troubleshooter.commands import (
    add_password_options,
    add_result_options,
    read_password,
    refuse,
)
from troubleshooter.i18n import Lang

if TYPE_CHECKING:
    from troubleshooter.redaction import Secrets

HELP = "check an SMTP server stage by stage and explain the result (swaks-like)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", required=True, help="SMTP server name or address")
    parser.add_argument("--port", type=int, help="port (default: 465 for --security tls, else 587)")
    parser.add_argument("--security", choices=("auto", "starttls", "tls", "none"), default="auto",
                        help="tls = implicit TLS (\"SSL\"), starttls, none; auto = by port (default)")
    parser.add_argument("--user", help="username for AUTH (usually the full e-mail address)")
    add_password_options(parser, "the AUTH password")
    parser.add_argument("--from", dest="sender", metavar="ADDR", help="sender address for the test e-mail")
    parser.add_argument("--send-test-to", metavar="ADDR", help="send a short test e-mail to this address")
    parser.add_argument("--sweep", action="store_true", help="also try ports 587, 465, 25 and 2525")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S",
                        help="total time limit of the check in seconds (default 10)")
    parser.add_argument("--ca-file", metavar="PEM", help="also trust this CA certificate (test servers)")
    parser.add_argument("--helo", metavar="NAME",
                        help="the name to greet the server with (EHLO); default: a neutral one, "
                             "not this computer's name")
    add_result_options(parser)


def run(args: argparse.Namespace) -> int:
    from troubleshooter.i18n import detect_lang

    lang = detect_lang(args.lang)
    password = read_password(args)  # a UsageError is said by the CLI
    if args.timeout is None or not args.timeout > 0:
        return refuse("diagnose", lang, "diagnose.timeout-invalid")
    if args.ca_file and not os.path.isfile(args.ca_file):
        return refuse("diagnose", lang, "diagnose.ca-file-missing", path=args.ca_file)
    if args.user and not password:
        return refuse("diagnose", lang, "diagnose.password-needed")
    sender = args.sender or (args.user if args.user and "@" in args.user else "")
    if args.send_test_to and not sender:
        return refuse("diagnose", lang, "diagnose.from-needed")

    values = _checked_values({"host": args.host, "port": str(args.port or ""), "sender": sender,
                              "username": args.user or "", "recipient": args.send_test_to or ""}, lang)
    if values is None:
        return 2
    probe_args = {
        **values, "security": args.security, "password": password,
        "ca_file": args.ca_file or "", "helo_name": args.helo or "",
    }
    return _diagnose(probe_args, args, lang)


def _checked_values(values: dict[str, str], lang: Lang) -> dict[str, str] | None:
    """The seed's common mistakes in what was typed or pasted (a stray space, a scheme in the
    host, a username that is not an address …), said on stderr before the check runs. A value
    that can be cleaned is cleaned — and the note says so; one that cannot work stops here."""
    from troubleshooter.flow.checks import check_value
    from troubleshooter.i18n import tr

    known: dict[str, tuple[str, str]] = {}
    for name, value in values.items():
        if not value:
            continue
        findings = [f for f in check_value(name, value, known) if f.code != "port-unusual"]  # type: ignore[arg-type]
        cleaned = next((f.cleaned for f in reversed(findings) if f.cleaned is not None), None)
        for finding in findings:
            note = tr("diagnose.input-note", lang, field=name, message=finding.message.get(lang))
            print(note, file=sys.stderr)
        if any(f.severity == "error" for f in findings):  # a guess is not checked on anyone's behalf
            if cleaned is not None:
                print(tr("diagnose.input-suggestion", lang, value=cleaned), file=sys.stderr)
            return None
        if cleaned is not None and cleaned != value:
            print(tr("diagnose.input-cleaned", lang, value=cleaned), file=sys.stderr)
            values = {**values, name: cleaned}
        known[name] = (name, values[name])  # type: ignore[assignment]
    return values


def _diagnose(probe_args: dict[str, str], args: argparse.Namespace, lang: str) -> int:
    import asyncio

    from troubleshooter import clock
    from troubleshooter.flow.probes import REGISTRY

    if args.send_test_to:
        probe = REGISTRY["smtp-test-message"].run
    elif probe_args["username"]:
        probe = REGISTRY["smtp-login"].run
    else:
        probe = REGISTRY["smtp-connection"].run
    secrets = REGISTRY["smtp-login"].secrets(probe_args)
    report = None if args.json else _Report(lang, secrets)

    async def both() -> tuple[Any, Any]:
        on_stage = report.stage if report else None
        if report:
            report.header(probe_args)
        deadline = clock.left(args.timeout)  # --timeout covers the whole command, start-up included
        if not args.sweep:
            return await probe(probe_args, deadline=deadline, on_stage=on_stage), None
        main = asyncio.ensure_future(probe(probe_args, deadline=deadline, on_stage=on_stage))
        sweep = asyncio.ensure_future(REGISTRY["port-sweep"].run({"host": probe_args["host"]},
                                                                 deadline=deadline))
        return await main, await sweep

    outcome, sweep = asyncio.run(both())
    missed = clock.overrun(args.timeout)
    if args.json:
        _print_json(outcome, sweep, lang, secrets, missed)
    else:
        assert report is not None
        report.verdict(outcome, sweep)
        if missed:
            key = "diagnose.deadline-missed-busy" if missed["busy"] else "diagnose.deadline-missed"
            report.say(report.tr(key, by=f"{missed['by']:.2f}", timeout=f"{args.timeout:g}"))
    return 0 if outcome.ok else 1


def _explanation(outcome_id: str, lang: str) -> dict[str, Any]:
    from troubleshooter.probes.catalog import describe

    info = describe(outcome_id)
    return {"title": info.title.get(lang), "cause": info.cause.get(lang), "advice": info.advice.get(lang),
            "article": info.article, "node": info.node}


def _print_json(outcome: Any, sweep: Any, lang: str, secrets: Secrets,
                missed: dict[str, Any] | None) -> None:
    from troubleshooter.safe_text import dumps

    data = outcome.to_json()
    result = {
        "verdict": "ok" if outcome.ok else "problem",
        "cause": outcome.outcome,
        "stage": outcome.stage,
        "stages": data["stages"],
        "facts": data["facts"],
        "transcript": data["transcript"],
        "probe": outcome.probe,
        "elapsed": data["elapsed"],
        "lang": lang,
        "explanation": _explanation(outcome.outcome, lang),
        "deadline_missed": missed,  # None when the whole command kept --timeout
    }
    if sweep is not None:
        result["sweep"] = {"outcome": sweep.outcome, "facts": sweep.to_json()["facts"]}
    print(dumps(secrets.scrub_data(result)))


class _Report:
    """Human output: a line per stage as it finishes, then the verdict."""

    def __init__(self, lang: str, secrets: Secrets) -> None:
        from troubleshooter.i18n import tr

        self.lang = lang
        self.secrets = secrets
        self.tr = lambda key, **params: tr(key, lang, **params)  # type: ignore[arg-type]

    def say(self, line: str = "") -> None:
        print(self.secrets.shown(line), flush=True)

    def header(self, probe_args: dict[str, str]) -> None:
        from troubleshooter.probes.smtp import settings_from

        try:
            settings = settings_from(probe_args)
        except ValueError:
            return
        self.say(self.tr("diagnose.header", target=f"{settings.host}:{settings.port}",
                         security=self.tr(f"diagnose.security.{settings.security}")))

    def stage(self, name: str, event: str, result: Any) -> None:
        if event != "done" or result is None:
            return
        try:
            label = self.tr(f"diagnose.stage.{name}")
        except KeyError:
            label = name
        mark = "✓" if result.ok else "✗"
        self.say(f"  {mark} {label:<26} {result.elapsed:6.3f} s  {result.detail}".rstrip())

    def facts(self, outcome: Any) -> None:
        facts = outcome.facts
        if facts.get("tls_version"):
            version = f"{facts['tls_version']} {facts.get('cipher', '')}"
            self.say("  " + self.tr("diagnose.fact.tls", version=version))
        cert = facts.get("certificate") or {}
        if cert.get("subject") or cert.get("names"):
            subject = cert.get("subject") or cert["names"][0]
            self.say("  " + self.tr("diagnose.fact.certificate", subject=subject,
                                    issuer=cert.get("issuer", "?"), not_after=cert.get("not_after", "?"),
                                    days=cert.get("days_left", "?")))
        if facts.get("auth_mechanisms"):
            self.say("  " + self.tr("diagnose.fact.mechanisms", mechanisms=" ".join(facts["auth_mechanisms"])))
        if facts.get("intercepted_by"):
            self.say("  " + self.tr("diagnose.fact.intercepted", domains=", ".join(facts["intercepted_by"])))
        later = facts.get("after_verification_failure")
        if later:
            self.say("  " + self.tr("diagnose.fact.after-verification", outcome=later.get("outcome"),
                                    stage=later.get("stage")))
        if facts.get("suggestions"):
            self.say("  " + self.tr("diagnose.fact.suggestions", names=", ".join(facts["suggestions"])))
        if facts.get("accepted_not_delivered"):
            self.say("  " + self.tr("diagnose.fact.accepted"))

    def sweep(self, sweep: Any) -> None:
        self.say()
        self.say(self.tr("diagnose.sweep.header"))
        for port in sweep.facts.get("ports", []):
            state = self.tr(f"diagnose.sweep.{port['state']}")
            speaks = self.tr("diagnose.sweep.speaks", speaks=port["speaks"]) if port.get("speaks") else ""
            self.say(f"  {port['port']:>5}  {state}  {speaks}  {port.get('banner', '')}".rstrip())
        best = sweep.facts.get("suggestion")
        if best:
            self.say("  " + self.tr("diagnose.sweep.suggest", port=best["port"],
                                    security=self.tr(f"diagnose.security.{best['security']}")))
        else:
            self.say("  " + self.tr("diagnose.sweep.none-works"))

    def verdict(self, outcome: Any, sweep: Any) -> None:
        self.facts(outcome)
        if sweep is not None:
            self.sweep(sweep)
        info = _explanation(outcome.outcome, self.lang)
        self.say()
        if outcome.ok:
            self.say(self.tr("diagnose.verdict-ok"))
        else:
            self.say(self.tr("diagnose.verdict-problem", title=info["title"]) + f"  [{outcome.outcome}]")
        self.say(self.tr("diagnose.cause", text=info["cause"]))
        self.say(self.tr("diagnose.advice", text=info["advice"]))
        if info["article"] or info["node"]:
            self.say(self.tr("diagnose.more", article=info["article"] or "–", node=info["node"] or "–"))

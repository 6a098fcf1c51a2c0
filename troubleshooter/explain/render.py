"""The facts of an explained paste as lines a person reads, in cs or en (CLI, plain mode, app).

The one place that turns :attr:`Explanation.facts` into words; front ends only print the lines.
"""

from __future__ import annotations

from typing import Any

from troubleshooter.i18n import Lang, tr

TIMELINE_SHOWN = 20


def pasted_summary(text: str, lang: Lang, width: int = 72) -> str:
    """A pasted text as a chat shows what the user said: one line as it is; several lines as
    the first one and how many there were (a transcript can be a megabyte long)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(lines) <= 1:
        return text
    first = lines[0].strip()
    first = first if len(first) <= width else first[: width - 1] + "…"
    return tr("paste.summary", lang, first=first, count=len(lines))


def fact_lines(found: Any, lang: Lang) -> list[str]:
    """What was read from the paste, beyond the outcome's title, cause and advice."""
    return paste_lines(found.kind, found.facts, found.candidates, lang, cut=found.cut)


def paste_lines(kind: str, facts: dict | None, candidates: list[str] | None, lang: Lang, *,
                cut: bool = False, timeline: bool = True) -> list[str]:
    """The same from the parts (a flow's explain-message check keeps them in its facts);
    ``timeline=False`` leaves the step list out (a check's card in the conversation)."""
    from troubleshooter.probes.catalog import describe

    lines = [tr(f"paste.kind.{kind}", lang)]
    if cut:
        from troubleshooter.limits import cut_note

        lines.append(cut_note(lang))
    facts = facts or {}
    if kind == "transcript":
        lines += _transcript(facts if timeline else {**facts, "timeline": []}, lang)
    elif kind == "bounce":
        lines += _bounce(facts, lang)
    elif kind == "headers":
        lines += _headers(facts, lang)
    elif facts.get("lines"):  # a message nothing recognised
        lines.append(tr("paste.unknown-read", lang, lines=facts["lines"]))
    if candidates:
        titles = ", ".join(describe(c).title.get(lang) for c in candidates)
        lines.append(tr("paste.candidates", lang, titles=titles))
    return lines


def _stage(stage: str, lang: Lang) -> str:
    known = ("connect", "greeting", "ehlo", "starttls", "auth", "mail", "rcpt", "data", "quit")
    return tr(f"paste.stage.{stage if stage in known else 'other'}", lang)


def _transcript(facts: dict, lang: Lang) -> list[str]:
    lines = []
    name = facts.get("server_name") or facts.get("host")
    if name:
        where = f"{facts['host']}:{facts['port']}" if facts.get("host") and facts.get("port") else ""
        label = f"{name} ({where})" if where and name != facts.get("host") else (where or name)
        lines.append(tr("paste.server", lang, name=label))
    lines.append(tr(f"paste.tls.{facts.get('tls') or 'none'}", lang))
    if facts.get("auth_mechanism"):
        result = {True: "ok", False: "failed"}.get(facts.get("auth_ok"), "unknown")  # type: ignore[arg-type]
        lines.append(tr("paste.auth", lang, mechanism=facts["auth_mechanism"],
                        result=tr(f"paste.auth.{result}", lang)))
        if facts.get("login"):
            lines.append(tr("paste.login", lang, login=facts["login"]))
        elif facts.get("login_hidden"):
            lines.append(tr("paste.login-hidden", lang))
    if facts.get("sender") is not None:
        lines.append(tr("paste.sender", lang, sender=facts["sender"] or "<>"))
    if facts.get("recipients"):
        lines.append(tr("paste.recipients", lang, recipients=", ".join(facts["recipients"][:5])))
    failed = facts.get("failed")
    if failed:
        lines.append(tr("paste.failed", lang, stage=_stage(failed["stage"], lang),
                        command=failed.get("command") or "–", reply=failed.get("reply") or "–"))
    elif facts.get("accepted"):
        lines.append(tr("paste.accepted", lang))
    lines += [tr(f"paste.finding.{finding}", lang) for finding in facts.get("findings", [])]
    steps = facts.get("timeline") or []
    if steps:
        lines.append(tr("paste.timeline", lang))
        for step in steps[:TIMELINE_SHOWN]:
            mark = {True: "✓", False: "✗"}.get(step["ok"], "·")
            detail = " → ".join(part for part in (step.get("command"), step.get("reply")) if part)
            lines.append(f"  {mark} {_stage(step['stage'], lang)}" + (f": {detail}" if detail else ""))
        more = len(steps) - TIMELINE_SHOWN + int(facts.get("omitted_steps") or 0)
        if more > 0:
            lines.append("  " + tr("paste.timeline.more", lang, count=more))
    return lines


def _bounce(facts: dict, lang: Lang) -> list[str]:
    from troubleshooter.explain.status import status_class, status_words

    lines = []
    if facts.get("recipient"):
        lines.append(tr("paste.bounce.recipient", lang, recipient=facts["recipient"]))
    if facts.get("remote_server"):
        lines.append(tr("paste.bounce.refused-by", lang, server=facts["remote_server"]))
    if facts.get("reporting_server"):
        lines.append(tr("paste.bounce.reported-by", lang, server=facts["reporting_server"]))
    code = facts.get("status")
    if code:
        words, kind = status_words(code), status_class(code)
        if words is not None:
            lines.append(tr("paste.bounce.status", lang, code=code, words=words.get(lang),
                            kind=kind.get(lang) if kind else ""))
    if facts.get("reply"):
        lines.append(tr("paste.bounce.reply", lang, reply=facts["reply"]))
    if facts.get("side"):
        lines.append(tr(f"paste.side.{facts['side']}", lang))
    return lines


def _result(verdict: dict | None, lang: Lang, domain_key: str = "domain") -> dict[str, str]:
    if not verdict:
        return {"result": tr("paste.result.none", lang), "domain": ""}
    result = verdict.get("result") or "none"
    known = ("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror")
    words = tr(f"paste.result.{result}", lang) if result in known else result
    extra = [verdict[k] for k in (domain_key,) if verdict.get(k)]
    if verdict.get("selector"):
        extra.append(f"s={verdict['selector']}")
    if verdict.get("policy"):
        extra.append(f"p={verdict['policy']}")
    return {"result": words, "domain": f" ({', '.join(extra)})" if extra else ""}


def _headers(facts: dict, lang: Lang) -> list[str]:
    yes, no = tr("paste.yes", lang), tr("paste.no", lang)
    lines = []
    if facts.get("from_domain"):
        lines.append(tr("paste.headers.from", lang, domain=facts["from_domain"]))
    lines.append(tr("paste.headers.spf", lang, **_result(facts.get("spf"), lang)))
    for verdict in facts.get("dkim") or [None]:
        lines.append(tr("paste.headers.dkim", lang, **_result(verdict, lang)))
    lines.append(tr("paste.headers.dmarc", lang, **_result(facts.get("dmarc"), lang)))
    aligned = facts.get("aligned") or {}
    lines.append(tr("paste.headers.aligned", lang, spf=yes if aligned.get("spf") else no,
                    dkim=yes if aligned.get("dkim") else no))
    spam = facts.get("spam") or {}
    if spam.get("score") is not None:
        required = f" / {spam['required']}" if spam.get("required") is not None else ""
        lines.append(tr("paste.headers.spam", lang, score=spam["score"], required=required))
    return lines


def domain_lines(domain: dict, lang: Lang) -> list[str]:
    """The sender-domain check run for pasted headers: one line per graded record."""
    from troubleshooter.probes.catalog import describe

    lines = [describe(domain["outcome"]).title.get(lang) + f" ({domain['domain']})"]
    for check in domain.get("checks", []):
        mark = {"ok": "✓", "warning": "!", "error": "✗"}.get(check.get("status"), "·")
        lines.append(f"  {mark} {check['check'].upper()}: {check['text'][lang]}")
    return lines

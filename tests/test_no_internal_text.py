"""Every word a user reads is in their language and comes from the content (issue 14 item 8).

Walks every node of the shipped flow in Czech as the plain mode shows it (text, choices,
prompts, the article offer) and, at every check, every outcome the check can end with, with
the stages and facts such a result carries; then the Markdown transcript of that path. No
screen may show a node id, a probe id, an outcome id, a Python repr or an English stage name
(ids belong to maintainers' previews and the JSON export).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from troubleshooter import transcript
from troubleshooter.flow.engine import Session
from troubleshooter.flow.loader import load_flows
from troubleshooter.flow.probes import REGISTRY
from troubleshooter.probes.outcome import ProbeOutcome, StageResult
from troubleshooter.ui.plain import PlainConversation

ROOT = Path(__file__).resolve().parent.parent
FLOWS = load_flows([ROOT / "flows"]).flows
SMTP = FLOWS.flow("smtp")
STAGES = {
    "smtp-connection": ["resolve", "connect", "banner", "ehlo", "starttls", "tls", "ehlo-tls"],
    "smtp-login": ["resolve", "connect", "banner", "ehlo", "tls", "auth"],
    "smtp-test-message": ["resolve", "connect", "banner", "ehlo", "auth", "mail", "rcpt", "data"],
    "domain-health": ["spf", "dmarc", "dkim"],
    "port-sweep": ["resolve", "sweep"],
    "find-settings": ["find"],
    "explain-message": ["explain"],
}
DETAILS = {"resolve": "127.0.0.1", "connect": "127.0.0.1 port 587", "banner": "220 mail.example.cz ESMTP",
           "spf": "example.cz TXT: nxdomain", "dmarc": "_dmarc.example.cz TXT: nodata", "find": "found"}
FACTS = {
    "host": "mail.example.cz", "verify_reason": "name-mismatch", "certificate_matches_host": False,
    "certificate": {"subject": "smtp.seznam.cz", "names": ["smtp.seznam.cz"], "issuer": "GEANT OV RSA CA 4",
                    "not_after": "2027-05-01", "days_left": 150},
    "after_verification_failure": {"outcome": "auth-failed", "stage": "auth"},
    "suggestions": ["smtp.seznam.cz"], "accepted_not_delivered": True,
    "ports": [{"port": 587, "state": "open", "speaks": "smtp", "starttls": True},
              {"port": 465, "state": "open", "speaks": "tls"}, {"port": 25, "state": "timeout"}],
    "suggestion": {"port": 465, "security": "tls"},
}
FINDER_FACTS = {
    "address": "info@seznam.cz", "steps": [], "elapsed": 1.0, "articles": ["ask-your-provider"],
    "checked": [{"candidate": {"host": "smtp.seznam.cz", "port": 465, "security": "tls"},
                 "outcome": "network-unreachable", "stage": "connect"}],
    "card": {"address": "info@seznam.cz", "host": "smtp.seznam.cz", "port": 465, "security": "tls",
             "encryption": "SSL", "username": "info@seznam.cz", "sender": "info@seznam.cz",
             "evidence": {name: {"source": "provider", "detail": "Seznam.cz", "confirmed": False}
                          for name in ("host", "port", "encryption", "username", "sender")},
             "verified": False, "login_checked": False, "needs": "", "articles": ["ask-your-provider"],
             "provider": "Seznam.cz", "unverified_why": "network-unreachable"},
}


def _forbidden() -> list[tuple[str, re.Pattern[str]]]:
    words: set[str] = set()
    for node in SMTP.nodes.values():
        words.add(node.id)
    words |= set(REGISTRY)
    for spec in REGISTRY.values():
        words |= set(spec.outcomes)
    # ids that are also plain words of the texts ("test", "support") are left to the ones with a dash
    ids = sorted(w for w in words if "-" in w)
    found = [(f"id {w}", re.compile(rf"(?<![\w.-]){re.escape(w)}(?![\w-])")) for w in ids]
    found.append(("flow:node", re.compile(r"\bsmtp:[a-z]")))
    stages = ["resolve", "connect", "banner", "ehlo", "ehlo-tls", "auth", "rcpt", "sweep", "explain", "policy",
              "find", "nxdomain", "nodata", "servfail", "security", "sender", "username", "recipient"]
    found += [(f"English word {w}", re.compile(rf"(?<![\w.-]){re.escape(w)}(?![\w-])")) for w in stages]
    found += [("Python repr", re.compile(r"\['|\{'|<[a-z_.]+ object|\bNone\b|\bTrue\b|\bFalse\b|\w+\(\w+="))]
    return found


FORBIDDEN = _forbidden()


QUOTED = re.compile(r"„[^“]*“|\"[^\"\n]*\"")  # a red message's own English words, quoted


def _problems(text: str) -> list[str]:
    unquoted = QUOTED.sub("„…“", text)
    return [f"{what}: …{source[max(0, m.start() - 40):m.end() + 40]}…"
            for what, pattern in FORBIDDEN
            for source in [unquoted if what.startswith("English") else text]
            for m in pattern.finditer(source)]


def _screen(session: Session, answer: str = "") -> str:
    out = io.StringIO()
    plain = PlainConversation(session, io.StringIO(answer), out)
    view = session.view()
    plain.show(view)
    if view.kind == "question" or view.kind == "info":
        for number, choice in enumerate(view.choices, 1):
            plain.say(f"  {number}) {plain.in_lang(choice.label)}")
    elif view.kind == "input":
        with contextlib.suppress(Exception):  # the end of the (empty) input
            plain.ask_value(view)
    return out.getvalue()


def _outcome(probe: str, outcome: str) -> ProbeOutcome:
    names = STAGES.get(probe, ["connect"])
    stages = [StageResult(name, True, 0.012, DETAILS.get(name, "")) for name in names[:-1]]
    stages.append(StageResult(names[-1], outcome == "ok", 0.3, "535 5.7.8 Authentication failed",
                              None if outcome == "ok" else outcome))
    facts = dict(FINDER_FACTS) if probe == "find-settings" else dict(FACTS)
    return ProbeOutcome(probe, outcome, names[-1], facts, stages, ["S: 220 mail.example.cz ESMTP"], 0.5)


NODES = sorted(SMTP.nodes)


@pytest.mark.parametrize("node_id", NODES)
def test_no_internal_text_on_any_czech_screen(node_id):
    session = Session.begin(FLOWS, "smtp", node_id, "cs")
    session.values.update(host="smtp.example.cz", sender="web@example.cz", port="465", security="ssl")
    session.kinds.update(host="host", sender="sender", port="port", security="security")
    shown = [_screen(session)]
    node = SMTP.nodes[node_id]
    if node.kind == "probe" and node.probe is not None:
        for outcome in sorted(REGISTRY[node.probe.name].outcomes):
            out = io.StringIO()
            at_probe = Session.begin(FLOWS, "smtp", node_id, "cs")
            at_probe.values.update(session.values)
            at_probe.kinds.update(session.kinds)
            PlainConversation(at_probe, io.StringIO(""), out).show_result(_outcome(node.probe.name, outcome))
            shown.append(out.getvalue())
            shown.append(_screen(at_probe))
            markdown = transcript.to_markdown(transcript.build(at_probe))
            shown.append(markdown.split("```")[0] + markdown.split("```")[-1])  # not the server's own words
    problems = [p for text in shown for p in _problems(text)]
    assert problems == [], "\n".join(problems)


PROVIDER_NODES = sorted(n.id for n in SMTP.nodes.values() if any("provider" in v.when for v in n.variants))


@pytest.mark.parametrize("node_id", PROVIDER_NODES)
def test_no_internal_text_where_the_words_follow_the_provider(node_id):
    """With each known provider, the texts rendered from the provider data: no placeholder
    left, no id, no repr (issue 14 item 12)."""
    from troubleshooter.flow.provider_text import catalogue

    problems = []
    for provider_id in catalogue():
        session = Session.begin(FLOWS, "smtp", node_id, "cs")
        session.values.update(sender="web@example.cz", port="465")
        session.kinds.update(sender="sender", port="port")
        session.provider_id = provider_id
        screen = _screen(session)
        problems += [f"{provider_id}: {p}" for p in _problems(screen)]
        if "{" in screen or "}" in screen:
            problems.append(f"{provider_id}: a placeholder left: {screen}")
    assert problems == [], "\n".join(problems)


def test_the_check_catches_what_it_is_meant_to_catch():
    """The patterns find an id, a repr and a stage name (the test can fail)."""
    assert _problems("Přejít na krok: smtp:fix-credentials")
    assert _problems("» ['Could not authenticate']")
    assert _problems("Test: smtp-connection")
    assert _problems("✓ resolve (3 ms)")
    assert not _problems("Test funkčnosti: e-mail z webu, server smtp.seznam.cz, port 465")

"""Known multi-word terms, matched as one: "server name" is not "server" + "name".

Word by word, "what is my server name" shares "name" with every article about name
resolution and "Name or service not known"; "heslo pro aplikace" shares "heslo" with every
password article. Each term below has its Czech and English spellings (English only where
Czech says it in one word); wherever one occurs in an article or a question (compared as
folded lemmas, function words included, so "from address" keeps its "from"), it counts as
one token of its own (``~server-name``), the same in both languages. In a question the
phrase's words then stop counting one by one (see ``PHRASE_PART`` in :mod:`.search`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from troubleshooter.i18n import Lang

PREFIX = "~"

PHRASES: dict[str, dict[Lang, tuple[str, ...]]] = {
    "server-name": {
        "en": ("server name", "host name", "hostname", "server address", "smtp host", "outgoing server",
               "outgoing mail server", "mail server name", "server (host)"),
        "cs": ("název serveru", "jméno serveru", "adresa serveru", "odchozí server", "server odchozí pošty",
               "smtp host", "server (host)"),
    },
    "port-number": {"en": ("port number",), "cs": ("číslo portu",)},
    "app-password": {
        "en": ("app password", "application password", "app-specific password"),
        "cs": ("heslo aplikace", "heslo pro aplikace", "heslo pro aplikaci", "aplikační heslo"),
    },
    "name-resolution": {
        "en": ("name resolution", "resolve the name"),
        "cs": ("překlad názvu", "překlad jména", "přeložit název"),
    },
    "sender-address": {
        "en": ("sender address", "from address", "sender e-mail", "sender mailbox", "from field",
               "from line", "from box", "from email", "from e-mail", "sending address", "sending mailbox"),
        "cs": ("adresa odesílatele", "e-mail odesílatele", "odesílací adresa", "odesílací schránka",
               "schránka odesílatele", "adresa odesílací schránky", "from email", "from e-mail"),
    },
    "user-name": {
        "en": ("user name", "username", "login name"),
        "cs": ("uživatelské jméno", "přihlašovací jméno", "jméno uživatele"),
    },
    "test-address": {
        "en": ("test address", "test e-mail address"),
        "cs": ("testovací adresa", "adresa pro test", "testovací e-mail"),
    },
    "two-step": {
        "en": ("two-step verification", "2-step verification", "two-factor authentication", "2fa"),
        "cs": ("dvoufázové ověření", "dvoufaktorové ověření", "dvoufázové ověřování"),
    },
    # The website's SMTP switch is OFF — not the provider's SMTP login being disabled, which
    # is the next term; matched longest first, so "přihlašování přes SMTP je vypnuté" is the
    # latter even though it ends in "SMTP je vypnuté".
    "smtp-off": {
        "en": ("smtp off", "smtp switched off", "smtp disabled", "smtp turned off", "smtp not on",
               "smtp not enabled"),
        "cs": ("smtp vypnuté", "smtp vypnuto", "smtp off", "vypnuté smtp", "smtp není zapnuté",
               "smtp nemám zapnuté"),
    },
    # Where the reader wants the switch to go ("how do I put it ON", "turn SMTP on"): the
    # switching-on guide, beside a question that also says SMTP is off now.
    "switch-on": {
        "en": ("switch on", "turn on", "put on", "set to on", "switch smtp on", "turn smtp on", "put smtp on",
               "set smtp to on"),
        "cs": ("zapnout smtp", "smtp zapnout", "přepnout na on", "dát na on"),
    },
    # The website's own admin login ("my WordPress admin password"), which is not the mailbox's:
    # not a Microsoft 365 admin, who allows SMTP login.
    "site-admin": {
        "en": ("website admin", "site admin", "wordpress admin", "wp admin", "mioweb admin", "web admin",
               "admin login", "admin password"),
        "cs": ("administrace webu", "administrace wordpressu", "administrace miowebu", "heslo do administrace",
               "přihlášení do administrace", "admin webu"),
    },
    "smtp-auth": {
        "en": ("smtp auth", "smtp authentication", "smtp client authentication", "authenticated smtp",
               "smtpclientauthentication"),
        "cs": ("smtp auth", "přihlašování přes smtp", "přihlášení přes smtp", "smtp přihlašování",
               "ověřování smtp", "smtpclientauthentication"),
    },
    # What SMTP is for: "k čemu", "why … need" are function words one by one, a question as a whole.
    "what-for": {
        "en": ("why need", "why needs", "what for"),
        "cs": ("k čemu", "proč potřebuji", "proč potřebuju", "proč potřebovat", "proč musím",
               "proč je potřeba"),
    },
    # Where values come from ("where do I get the server and port", "kdo mi dá hodnoty", "aby mi
    # poslali údaje"): who gives them, not what a field means. Not "find": "where do I find the
    # SMTP setting" asks where a switch is.
    "values-source": {
        "en": ("where get", "where obtain", "who gives", "who give", "who provides"),
        "cs": ("kde vzít", "kde seženu", "kde sehnat", "od koho", "kdo dá", "kdo mi dá", "kde zjistit",
               "mi poslat", "poslat mi"),
    },
    # Addressed to the help desk ("should I send you my password", "mám vám poslat heslo"): what
    # to send support, not what the password field is. Not "tell you": articles say what a
    # provider will tell you.
    "to-support": {
        "en": ("send you", "give you", "share with you", "email you", "send it to you", "send them to you"),
        "cs": ("poslat vám", "vám poslat", "napsat vám", "vám napsat", "dát vám", "do tiketu",
               "do zprávy pro vás"),
    },
    # Signing in ("it logs in fine", "I logged in to Gmail"): not a log to read. Czech says it in
    # one word ("přihlásit"), unlike "log" ("záznam").
    "log-in": {"en": ("log in", "log into", "log on", "sign in", "sign into")},
    # What SMTP itself is: "smtp" stands in every article, so a question that asks only that
    # ("co to vlastně je SMTP", "what is this smtp thing") has nothing else to rank by.
    "what-smtp-is": {
        "en": ("what is smtp", "whats smtp", "what does smtp do", "what does smtp mean", "smtp stands for",
               "explain smtp"),
        "cs": ("co je smtp", "co je to smtp", "co to je smtp", "co to smtp je", "k čemu je smtp", "k čemu smtp",
               "co znamená smtp", "co dělá smtp", "vysvětlit smtp"),
    },
    # What follows from a state ("what happens if SMTP is off"): the article on what breaks
    # without SMTP, rather than the one on the state's red message.
    "what-happens": {"en": ("what happens", "what will happen", "what breaks"), "cs": ("co se stane",)},
    "time-limit": {"en": ("time limit",), "cs": ("časový limit",)},
    "contact-form": {"en": ("contact form",), "cs": ("kontaktní formulář",)},
    "password-manager": {"en": ("password manager",), "cs": ("správce hesel",)},
}

Sequence_ = tuple[str, ...]


def phrase_table(sequence_of: Callable[[str, Lang], list[str]]) -> list[tuple[str, Sequence_]]:
    """(token, folded lemma sequence) for every spelling, longest first, duplicates dropped."""
    table: set[tuple[str, Sequence_]] = set()
    for name, spellings in PHRASES.items():
        for lang, texts in spellings.items():
            for text in texts:
                sequence = tuple(sequence_of(text, lang))
                if sequence:
                    table.add((PREFIX + name, sequence))
    return sorted(table, key=lambda row: (-len(row[1]), row))


def find(positions: Sequence[set[str]], function: Sequence[bool], table: list[tuple[str, Sequence_]]
         ) -> list[tuple[int, int, str]]:
    """(start, end, token) of the phrases in a word sequence, left to right, longest first.

    ``positions`` hold each word's possible terms: one for an article's word, several for a
    question's (its surface form, lemmas, a typo's correction); ``function`` marks function
    words, of which up to ``GAP`` may stand between a phrase's words ("SMTP mám vypnuté").
    """
    by_first: dict[str, list[tuple[str, Sequence_]]] = {}
    for token, sequence in table:
        by_first.setdefault(sequence[0], []).append((token, sequence))
    found: list[tuple[int, int, str]] = []
    start = 0
    while start < len(positions):
        candidates = sorted((row for term in positions[start] for row in by_first.get(term, ())),
                            key=lambda row: -len(row[1]))
        for token, sequence in candidates:
            end = _match(positions, function, start, sequence)
            if end:
                found.append((start, end, token))
                start = end
                break
        else:
            start += 1
    return found


GAP = 2
# A possessive starts a noun phrase of its own: "send my mailbox password" is no "sending
# mailbox"; "SMTP is off" keeps its gap. (Articles too cost a fresh English question: "the"
# stays bridged.)
UNBRIDGED = frozenset(["my", "your", "our", "their", "his", "her", "its"])


def _match(positions: Sequence[set[str]], function: Sequence[bool], start: int, sequence: Sequence_) -> int:
    """The end of ``sequence`` matched from ``start`` (0 when it does not match)."""
    at = start + 1
    for term in sequence[1:]:
        skipped = 0
        while (at < len(positions) and term not in positions[at] and function[at] and skipped < GAP
               and positions[at].isdisjoint(UNBRIDGED)):
            at += 1
            skipped += 1
        if at >= len(positions) or term not in positions[at]:
            return 0
        at += 1
    return at

"""The question box: free Czech or English text → the best articles and where to start.

Question words are mapped onto the index vocabulary (:mod:`.index`) in order of cost: the
folded surface map, which holds every form simplemma's dictionaries know for the articles'
lemmas (``formulare`` → ``formular``), then a Czech case ending or negation taken off, then a
rapidfuzz typo fallback (``smpt`` → ``smtp``; :mod:`.typos`). No dictionary is loaded to answer a question
(loading one costs 0.2-0.35 s a language). Function words never count
(:mod:`.function_words`); known terms of several words count as one (:mod:`.phrases`).

An answer is *confident* only when the best article scores well, covers most of the
question, and stands clear of the next one; when two are close the caller says "Did you
mean …?" rather than picking one. Where a word is ambiguous ("vypnuté": the SMTP switch, or
SMTP login disabled at the provider), a :class:`SearchContext` from the conversation — the
current node, the provider if known — breaks the tie.
"""

from __future__ import annotations

import heapq
import os
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from operator import itemgetter
from typing import Any

from troubleshooter.i18n import Lang
from troubleshooter.knowledge import phrases
from troubleshooter.knowledge.function_words import (
    DENIED_SPAN,
    DENYING,
    FILL_IN,
    FUNCTION_WORDS,
    LIGHT_WEIGHT,
    LIGHT_WORDS,
    POLITENESS,
    trouble_words,
)
from troubleshooter.knowledge.index import Doc, Index, index_for, pair, stem
from troubleshooter.knowledge.text import (
    CZECH_ENDINGS,
    CZECH_PERSON_ENDINGS,
    SHORTHAND,
    fold,
    is_host,
    spoken_czech,
    without_signature,
    words_and_hosts,
)
from troubleshooter.knowledge.typos import question_lang, typo_terms, undoubled

BOTH_LANGS = 0.15  # an article's other-language document adds this share of its score
OTHER_LANG = 0.85  # an article in the other language still answers, just a bit behind
FUZZY_PENALTY = 0.8
PHRASE_PART = 0.3  # a phrase's own words, beside the phrase: "server" still says something
# When an answer is confident: chosen by 5-fold cross-validation (five shuffles) on
# tests/data/questions.yaml and three copies of it with a seeded typo in each question, as the
# rule that gives the most confident answers while they stay right >= 0.99 of the time in each
# language; see docs/benchmarks.md. MIN_SCORE also keeps off-topic questions (test_search)
# unconfident.
MIN_SCORE = 4.0
MIN_COVERAGE = 0.5
CLOSE = 0.75  # the second article within this share of the first: "Did you mean …?"
# The margin moves with coverage: a first article that covers more of the question than the
# second may stand closer to it (by COVERAGE_LEAD × the lead); one that covers less, less so.
COVERAGE_LEAD = 0.6
# A word of the question that no article has (a misspelt name, "weds", an unknown host) may be
# what the question is about: for each, the first must stand further clear of the second.
UNKNOWN_WORD = 0.15
# A first article that covers little of the question and whose title has few of its words is a
# weak lead: it stands clear of the second only below WEAK_CLOSE of its score.
WEAK_COVERAGE = 0.8
WEAK_TITLE = 0.2
WEAK_CLOSE = 0.6
# Of two articles, the one that covers more of the question comes first unless the other scores
# clearly more: articles are ordered by score × coverage ** COVERAGE_RANK (Hit.standing). Swept
# 0-2 on the cross-validated tuning set and four unseen blocks; see docs/benchmarks.md.
COVERAGE_RANK = 0.25
COMMON_SHARE = 0.85
WIDESPREAD_SHARE = 1.0
WIDESPREAD = 1.0  # a word in nearly every document (smtp) barely ranks; skip its postings
# A short question that is (nearly) an article's title — "co je smtp", "jak zapnout smtp" —
# is answered by that article, even though its words ("smtp") are in every document and
# its other words are function words that BM25 never sees. Credit the share of the
# question's words that stand in the title; a function word no title has ("ten", "musím")
# frames the question and is not counted.
TITLE_MATCH = 3.0
# The title's head says what an article is about ("SMTP server", "Sender mailbox"). When a
# question covers the head and the head covers the question, that article answers it,
# rather than one that mentions the same words under another subject ("Host not found").
HEAD_MATCH = 6.0
# Two neighbouring words of the question that stand together in an article's title, keywords,
# summary, lead or headings ("údaje … poskytovatele") say more than the two words apart.
PAIR_MATCH = 0.25
STEM_MATCH = 0.8  # a word met only under another lemma of its stem (see index.stem)
# A word that stands in the title head of one article only ("Forpsi", "DKIM", "browser")
# names that article's subject: +NAMED, however common the word is in other bodies.
NAMED = 0.3
# In an English question such a word counts less unless it is a name some title gives (Forpsi,
# Outlook; see Index.names): English title heads are common words ("authenticate", "field",
# "error", "setting", "once") that stand in one head each. Judged on two fresh English blocks
# nobody tuned on (+3 of 322 at 0.1, +5 at 0) and the tuning set (+4 at 0.1, +3 at 0).
HEAD_WORD_EN = 0.1
# An article whose title names a provider the question names, beside the provider's own article
# (NAMED): swept 0.1-0.3 on the tuning set; above 0.1 "smtp.gmail.com settings" loses confidence.
NAMED_IN_TITLE = 0.1
FILL_IN_DEFINES = 0.3  # "what goes in the X field": the articles that say what a field is, +30 %
# A question that says nothing is wrong (no negation, failure, refusal or reply code) asks what
# to do or enter: an article whose title says something is wrong ("Sender rejected") yields
# to the one about the same subject that does not ("Sender mailbox"): -TROUBLE_ONLY.
TROUBLE_ONLY = 0.25  # tuned on questions.yaml
# An article whose title names a product or provider (Mioweb, Gmail, WordPress) answers a
# question about it; a question that names none of its names ("jak nastavím smtp") wants
# the general article: -UNNAMED.
# And the other way round: a question that says something is wrong ("smtp host not known")
# ranks an article whose title says nothing is wrong ("SMTP server (host)") -TROUBLE_ASKED.
TROUBLE_ASKED = 0.1  # chosen in 3 of 4 cross-validation folds of questions.yaml (0.2 in the 4th)
UNNAMED = 0.2  # swept 0-0.4 on questions.yaml
# A question that wants a way around something ("our admin won't enable SMTP AUTH", "if I don't
# want an app password", "jinak než heslem") is answered by the article whose title offers one
# ("… without SMTP AUTH", "… instead of an app password"): +ALTERNATIVE.
ALTERNATIVE = 0.6  # 0.3 (as NAMED) left a reworded Czech question of the test second
# A keyword an author wrote as a phrase of function words ("co to vůbec je", "do i need smtp")
# says in the question what the article answers, though its words one by one say nothing.
# Swept 0.5-2 and 2-3 words on the tuning set and two unseen blocks: see docs/benchmarks.md.
SAYING = 2.0
SAYING_MIN = 3
START = "smtp:intro"  # the guided flow's start: offered when no article fits
CONTEXT_NODE = 0.4  # an article tied to the conversation's current node: +40 %, past CLOSE
CONTEXT_PROVIDER = 0.4  # the provider's article, and articles that link to it


@dataclass(frozen=True, slots=True)
class SearchContext:
    """Where the question is asked: the conversation's node (``smtp:smtp-on``) and, when known,
    the mailbox provider (its key in providers.yaml, ``microsoft365``, or article id)."""

    node: str | None = None
    provider: str | None = None

    @property
    def provider_article(self) -> str | None:
        if not self.provider:
            return None
        return self.provider if self.provider.startswith("provider-") else f"provider-{self.provider}"

    def boost(self, doc: Doc) -> float:
        factor = 1.0
        if self.node and (self.node in doc.related or self.node.partition(":")[2] in
                          {r.partition(":")[2] for r in doc.related}):
            factor += CONTEXT_NODE
        article = self.provider_article
        if article and (doc.article_id == article or article in doc.links):
            factor += CONTEXT_PROVIDER
        return factor


def context_from(node: str | None, values: Mapping[str, str] | None = None) -> SearchContext:
    """What the conversation knows, for :func:`ask`: the current node (``smtp:smtp-on``) and,
    from the values entered so far (server, username, sender), the mailbox provider."""
    found = None
    if values:
        from troubleshooter.probes.providers import provider_for_domain, provider_for_host

        host = str(values.get("host") or "").strip()
        found = provider_for_host(host) if host else None
        for name in ("username", "sender"):
            address = str(values.get(name) or "")
            if found is None and "@" in address:
                found = provider_for_domain(address.rpartition("@")[2].strip())
    return SearchContext(node, found.article if found else None)


@dataclass(frozen=True, slots=True)
class QueryWord:
    word: str
    terms: tuple[str, ...]
    fuzzy: bool = False
    weight: float = 1.0


def _word_terms(word: str, index: Index, lang: Lang | None = None) -> QueryWord | None:
    """The index terms a question's word stands for; None when it is a mistyped function word.
    ``lang``: the question's language if its function words tell it (for the typo fallback)."""
    folded = SHORTHAND.get(fold(word), fold(word))
    terms = set(index.surface.get(folded, ()))
    if folded in index.postings:
        terms.add(folded)
    if not terms and not word.isdigit():
        if any(form in FUNCTION_WORDS for form in spoken_czech(folded)):  # "bejt": být
            return None
        terms = _declined(folded, index)
    if terms:
        light = folded in LIGHT_WORDS or not LIGHT_WORDS.isdisjoint(terms)
        return QueryWord(word, tuple(sorted(terms)), weight=LIGHT_WEIGHT if light else 1.0)
    if folded in LIGHT_WORDS:
        return QueryWord(word, (), weight=LIGHT_WEIGHT)
    # An English -ing or -ed form of a word the articles or the word lists know ("filling",
    # "typing") is that word, not a typo of another ("filling" is no "filing", "full").
    for base in _english_bases(folded):
        if base in FUNCTION_WORDS:
            return None
        known = set(index.surface.get(base, ())) | ({base} if base in index.postings else set())
        if known or base in LIGHT_WORDS:
            light = base in LIGHT_WORDS or not LIGHT_WORDS.isdisjoint(known)
            return QueryWord(word, tuple(sorted(known)), weight=LIGHT_WEIGHT if light else 1.0)
    guess = typo_terms(folded, index, lang)
    if guess is None:
        return None
    return QueryWord(word, guess, fuzzy=bool(guess))


def question_words(question: str, index: Index) -> list[str]:
    """The question's words; a known provider's host or address ("smtp.seznam.cz", "jan@email.cz")
    is the word that names the provider ("seznam"); any other is its domain's words the articles
    use ("zen.spamhaus.org": "spamhaus"), or else one token that matches nothing; never "cz"."""
    found: list[str] = []
    text = _MOVED_FROM.sub(" ", _DISCOURSE.sub(" ", _FROM_FIELD.sub(r"\1sender", question)))
    text = _GREETED.sub(lambda found: found.group().replace(found.group(1), " "), text)
    tokens = _information(_without_recollecting_again(_without_story_words(words_and_hosts(text))))
    mistyped = _reads_mistyped_hosts(tokens)
    for word in tokens:
        if not is_host(word):
            found.append(undoubled(word, index))
            continue
        host = word.rpartition("@")[2].strip(".")
        labels = host.split(".")
        named = _provider_word(word, index, mistyped)
        if named is None:  # its domain's labels the articles use ("zen.spamhaus.org"), never the ending
            domain = labels[1:-1] if len(labels) > 2 else labels[:-1]
            known = [label for label in domain if label in index.postings or label in index.surface]
            named = " ".join(known)
        found.extend(named.split() if named else [word])
        if labels[0] in _INCOMING and len(labels) > 2:  # "imap.seznam.cz" as the SMTP server: Seznam, and IMAP
            found.append(labels[0])
    return _joined(found, index)


# A host's first label that names a server for incoming mail: a question that gives one as the
# SMTP server is about that mix-up as much as about the provider.
_INCOMING = frozenset(["imap", "pop", "pop3", "imap4"])


# Who is in a support e-mail's story is not what it asks about: "our client asked me to …"
# is no question about a mail client or about asking the provider.
_ASKS = frozenset(["ask", "asks", "asked", "asking", "pta", "ptal", "ptala", "ptaji", "ptali"])
_ASKED = frozenset(["me", "us"])
# Who is retold: "the customer asks what SMTP is", "zákazník se ptá" (a help desk retelling a
# question), and "zákaznice mi psala, že …" (see _retold)
_ASKING_PERSON = frozenset(["customer", "client", "user", "she", "he", "they", "someone", "somebody",
                            "zakaznik", "zakaznice", "klient", "klientka", "uzivatel", "uzivatelka"])
_CLIENTS = frozenset(["client", "clients"])
_WHOSE = frozenset(["our", "my", "a", "one", "whose"])


# A support e-mail's closing requests: "let me know", "have a look" ask nothing about SMTP.
_CLOSING_REQUESTS = frozenset([("let", "me", "know"), ("let", "us", "know"), ("have", "a", "look"),
                               ("take", "a", "look")])


def _without_story_words(tokens: list[str]) -> list[str]:
    """Without "asked" in "asked me", "asks us" and after a person ("the customer asks", "zákazník
    se ptá"; "who should I ask" stays), "client" in "our client", "a client" (a customer; "mail
    client" stays) and the last word of "let me know", "have a look"."""
    folded = [fold(word) for word in tokens]
    return [word for number, word in enumerate(tokens)
            if not (word in _ASKS and number + 1 < len(tokens) and tokens[number + 1] in _ASKED)
            and not (folded[number] in _ASKS
                     and not _ASKING_PERSON.isdisjoint(folded[max(0, number - 2):number]))
            and not (word in _CLIENTS and number > 0 and tokens[number - 1] in _WHOSE)
            and not (number >= 2 and tuple(tokens[number - 2:number + 1]) in _CLOSING_REQUESTS)]


# "From" capitalised inside a sentence ("what goes in From", "the From field") is the name of
# the sender field, not the preposition.
_FROM_FIELD = re.compile(r"(\w[^\w.!?]*)\bFrom\b")
# A spoken reply opens with a discourse marker ("ok I saved it, and now?", "wait, what is smtp
# again", "hmm it says …"): it keeps the conversation going and says nothing about SMTP. Only at
# the start of the question or of a sentence; "wait" and "right" only before a comma or a dash
# ("how long should I wait", "the right port" stay).
_DISCOURSE = re.compile(
    r"(?:^|(?<=[.!?]))\s*(?:(?:ok|okay|okey|oki|hmm*|hm|oh|ah|btw|alright|um+|uh+|anyway)\b[\s,.!…:;–-]*"
    r"|(?:wait|right)\s*[,…–-]+\s*)+", re.IGNORECASE)
# "Hello support,", "Dear support team,", "Hi Mioweb support –": whom a message greets is no
# subject of it ("support" is also "doesn't support STARTTLS", "Basic authentication is not supported").
_GREETED = re.compile(r"^\s*(?:hello|hi|hey|dear|good\s+(?:morning|afternoon|evening|day))\s+(?:\w+\s+)?"
                      r"(support|helpdesk|help\s*desk)(?:\s+team)?\s*[,!:–-]", re.IGNORECASE)
# "from OFF to ON", "OFF → ON", "z OFF na ON": where a switch is moved from is no state the
# question is in ("SMTP from OFF" is no "SMTP off"), only where it goes.
_MOVED_FROM = re.compile(r"\b(?:(?:from|z)\s+)?off(?=\s*(?:→|->|=>|\bto\b|\bna\b|\binto\b)\s*on\b)",
                         re.IGNORECASE)
# "What is SMTP again?", "where is that setting again": a question that asks to be reminded.
# Its "again" is no repeat of a failure ("421 again and again", "red again") nor "try again".
_ASKING = frozenset(["what", "whats", "where", "wheres", "which", "who", "how", "when"])


def _without_recollecting_again(tokens: list[str]) -> list[str]:
    """Without "again" in a question that starts with a question word and says nothing is wrong."""
    folded = [fold(word) for word in tokens]
    if "again" not in folded or not folded or folded[0] not in _ASKING or trouble_words(folded):
        return tokens
    return [word for word, low in zip(tokens, folded, strict=True) if low != "again"]


# "What info do you need", "more info": information. The articles' "info" is a mailbox's name
# ("not just info", info@…), which a question writes after "just" or as an address.
_INFO_AFTER = frozenset(["what", "which", "more", "any", "some", "the", "all", "this", "that", "your", "my",
                         "enough", "need", "needs", "other", "extra", "further"])


def _information(tokens: list[str]) -> list[str]:
    return [("information" if fold(word) == "info" and number and fold(tokens[number - 1]) in _INFO_AFTER
             else word) for number, word in enumerate(tokens)]


_IS_BEFORE = frozenset(["what", "where", "who", "how", "that", "it", "there", "here"])


def _joined(tokens: list[str], index: Index) -> list[str]:
    """Two words typed apart that the articles write as one ("pass word", "e mail", "web site");
    not a verb and its particle ("set up" is no "setup", the noun of the set-up guide). And the
    "'s" of "what's" is "is", as in the titles ("What SMTP is")."""
    joined: list[str] = []
    skip = False
    for first, second in zip(tokens, [*tokens[1:], ""][: len(tokens)], strict=True):
        if skip:
            skip = False
            continue
        if first == "s" and joined and fold(joined[-1]) in _IS_BEFORE:  # "what's" is "what is"
            joined.append("is")
            continue
        word = fold(first) + fold(second)
        if (second and first.isalpha() and second.isalpha() and len(word) >= 5
                and FUNCTION_WORDS.isdisjoint((word, fold(first), fold(second)))
                and (word in index.postings or word in index.surface)):
            joined.append(first + second)
            skip = True
        else:
            joined.append(first)
    return joined


def _provider_word(host: str, index: Index, mistyped: bool = True) -> str | None:
    """The word naming the known provider a host or address belongs to ("smtp.seznam.cz": "seznam"),
    also ``mistyped`` by a letter in its domain ("smtp.websuport.sk", "sseznam.cz")."""
    labels = host.rpartition("@")[2].strip(".").split(".")
    named = next((index.hosts[d] for d in (".".join(labels[i:]) for i in range(len(labels) - 1))
                  if d in index.hosts), None)
    if named is None and mistyped and len(labels) >= 2 and len(labels[-2]) >= 4:
        domain = ".".join(labels[-2:])
        from rapidfuzz.distance import OSA

        near = [known for known in index.hosts if known.count(".") == 1 and known.endswith("." + labels[-1])
                and OSA.distance(domain, known) <= 1]
        named = index.hosts[near[0]] if len(near) == 1 else None
    return named


# "překlep v názvu serveru smtp.seznma.cz", "napsal jsem smtp.sezam.cz a nejde to": a question
# that says the host is mistyped, or that something fails, is about the host as typed (not
# found), not the provider it nearly names.
_TYPO = frozenset(["typo", "typos", "preklep", "preklepu", "preklepy", "misspelled", "misspelt", "misspelling"])


def _reads_mistyped_hosts(tokens: list[str]) -> bool:
    folded = [fold(word) for word in tokens]
    return _TYPO.isdisjoint(folded) and not trouble_words(folded)


def named_providers(question: str, index: Index, hosts: bool = True) -> set[str]:
    """The articles of the providers a question names by their word ("Seznam") or, with
    ``hosts``, a host or address of theirs ("smtp.office365.com": provider-microsoft365)."""
    named = set()
    tokens = words_and_hosts(question)
    mistyped = _reads_mistyped_hosts(tokens)
    capitalised = {fold(word) for word in _CAPITALISED.findall(question)}
    for word in tokens:
        if is_host(word) and not hosts:
            continue
        key = (_provider_word(word, index, mistyped) if is_host(word)
               else _provider_key(word, index, capitalised))
        if key in index.providers:
            named.add(index.providers[key])
    return named


_CAPITALISED = re.compile(r"\b[^\W\d_a-zà-ž]\w*")


def _provider_key(word: str, index: Index, capitalised: set[str]) -> str:
    """A question's word as a provider's key: itself, or the name it declines ("u Wedosu",
    "Gmailu", "gmailovou adresu"); a declined word some title also writes in lowercase only when
    ``capitalised`` ("na Seznamu", not "na seznamu blokovaných")."""
    folded = fold(word)
    if folded in index.providers:
        return folded
    for lemma in index.surface.get(folded) or _declined(folded, index):
        if lemma in index.providers and (folded in capitalised or lemma not in index.lowercase_title_terms()):
            return lemma
    return folded


def analyse(question: str, index: Index, tokens: list[str] | None = None) -> list[QueryWord]:
    """Content words of a question, each with the index terms it stands for (maybe none);
    a known phrase becomes one word, its parts stay at ``PHRASE_PART``. ``tokens``: the question's
    words when the caller has them already (:func:`question_words`)."""
    slots: list[QueryWord | None] = []  # None: a function word (kept for phrases)
    positions: list[set[str]] = []
    tokens = question_words(question, index) if tokens is None else tokens
    lang = question_lang(tokens)
    for word in tokens:
        folded = fold(word)
        if folded in FUNCTION_WORDS or (len(folded) < 2 and not folded.isdigit()):
            slots.append(None)
            positions.append({folded})
            continue
        qword = QueryWord(word, ()) if is_host(word) else _word_terms(word, index, lang)
        slots.append(qword)
        if qword is None:
            positions.append({folded})
            continue
        positions.append({folded, *qword.terms})
    found: list[QueryWord] = []
    function = [slot is None for slot in slots]
    matches = phrases.find(positions, function, index.phrases) if index.phrases else []
    matches = [match for match in matches if not _modifies_next(match[1], slots, index)]
    in_phrase: set[int] = set()
    for start, end, token in matches:
        parts = [slot.word for slot in slots[start:end] if slot is not None]
        found.append(QueryWord(" ".join(parts), (token,)))
        in_phrase.update(range(start, end))
    for number, slot in enumerate(slots):
        if slot is not None:
            found.append(slot if number not in in_phrase else QueryWord(
                slot.word, slot.terms, slot.fuzzy, PHRASE_PART * slot.weight))
    return found


def _modifies_next(end: int, slots: list[QueryWord | None], index: Index) -> bool:
    """A phrase that ends in a word of every article ("what is smtp") is void where that word
    names a thing with the next one ("what is smtp port": an SMTP port, a pair the articles know)."""
    last, following = (slots[end - 1], slots[end]) if end < len(slots) else (None, None)
    if last is None or following is None or not last.terms or not set(last.terms) <= index.common:
        return False
    return any(pair(a, b) in index.postings for a in last.terms for b in following.terms)


# An English message that asks in one sentence and tells a story in another ("Hi, I run a small
# online shop. Which port do I use?"): the words only the story has count at STORY of their
# weight ("shop" is what-breaks-without-SMTP's word; at half weight it still won, see
# docs/benchmarks.md). Czech messages are left whole: their asking
# sentence often opens with "nevím, …" or a greeting, and the story carries the provider.
STORY = 0.25
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s+[–—]\s+")
_ASKS_FIRST = frozenset(["what", "whats", "which", "where", "how", "why", "who", "when", "can", "could",
                         "should", "do", "does", "is", "are", "will", "would"])
_STORY_WORDS = 4  # fewer is a label ("szenam – 465 or 587?"), no story
# "Zákaznice mi psala, že jí nepřišla faktura.", "A customer wrote to me that …": what someone
# else reported is why the owner writes, not what they ask (the next sentence is).
_SAYING_VERBS = frozenset(["wrote", "writes", "said", "says", "told", "tells", "complained", "complains",
                           "reported", "mentioned", "psal", "psala", "napsal", "napsala", "pise", "psali",
                           "napsali", "rikal", "rikala", "rekl", "rekla", "tvrdi", "stezuje", "stezoval",
                           "stezovala", "volal", "volala", "hlasil", "hlasila"])
_RETOLD_WITHIN = 4  # the person and the saying verb among a sentence's first words


def _retold(folded: list[str]) -> bool:
    """A sentence that reports what a customer or someone else said ("zákazník mi psal, že …"),
    the person first ("Microsoft says client login is off" reports no client)."""
    head = folded[:_RETOLD_WITHIN]
    person = next((n for n, word in enumerate(head) if word in _ASKING_PERSON), None)
    return person is not None and not _SAYING_VERBS.isdisjoint(head[person + 1:])


def _in_story(query: list[QueryWord], question: str, index: Index,
              retold_only: bool = False) -> list[QueryWord]:
    """The query with the words only a story sentence has at ``STORY`` of their weight: a
    sentence of four words or more that does not ask ("?", a question word first), says
    nothing is wrong and names nothing (a provider, a name some title gives, a host, a number);
    or one that retells what someone else said (with ``retold_only``, only such a sentence)."""
    sentences = [s for s in _SENTENCE_END.split(question) if s.strip()]
    if len(sentences) < 2:
        return query
    story: set[str] = set()
    asking: set[str] = set()
    for sentence in sentences:
        folded = [fold(w) for w in words_and_hosts(sentence)]
        asks = "?" in sentence or folded[:1] and folded[0] in _ASKS_FIRST
        plain = (not retold_only and not asks and len(folded) >= _STORY_WORDS and not trouble_words(folded)
                 and not any(is_host(w) or w.isdigit() or w in index.providers or w in index.name_terms()
                             for w in folded))
        (story if plain or (not asks and _retold(folded)) else asking).update(folded)
    story -= asking
    # "… I wrote just 'petra'. Is that right?": asking sentences with less than two words of a
    # subject of their own ask about the story, which then counts in full. That something is
    # wrong is a subject ("… online shop. Host not found?").
    subjects = [q for q in query if q.terms and q.weight == 1.0 and fold(q.word) not in story]
    if len(subjects) + bool(trouble_words(list(asking))) < 2:
        return query
    return [replace(q, weight=q.weight * STORY) if fold(q.word) in story else q for q in query]


def _declined(folded: str, index: Index) -> set[str]:
    """``formularem`` → ``formular``, ``neodchazi`` → ``odchazet``, ``nalezen`` → ``nenalezen``:
    a known word under a Czech case ending or negation."""
    # Czech negation moves between words: "nebyl nalezen" is the articles' "nenalezen".
    candidates = [folded[2:]] if folded.startswith("ne") and len(folded) > 5 else [f"ne{folded}"]
    # "Googlem" is "Google": the ending may replace a final -e; "kolonky", "kolonku" are "kolonka",
    # a word the dictionary lacks: or a final -a.
    candidates += [base for e in CZECH_ENDINGS if folded.endswith(e) and len(folded) - len(e) >= 4
                   for base in (folded[: -len(e)], folded[: -len(e)] + "e", folded[: -len(e)] + "a")]
    # A verb in the first person that the dictionary does not list ("zapínám", "odesílám") is its
    # infinitive, not a typo of a nearby form ("zapíná").
    candidates += [folded[: -len(e)] + base for e, bases in CZECH_PERSON_ENDINGS
                   if folded.endswith(e) and len(folded) - len(e) >= 4 for base in bases]
    candidates += spoken_czech(folded)
    for candidate in candidates:
        terms = set(index.surface.get(candidate, ()))
        if candidate in index.postings:
            terms.add(candidate)
        if terms:
            return terms
    return set()


def _english_bases(folded: str) -> list[str]:
    """"filling" → fill, "typing" → type, "saved" → save, "stopped" → stop."""
    for ending in ("ing", "ed"):
        stem_ = folded[: -len(ending)]
        if folded.endswith(ending) and len(stem_) >= 3:
            doubled = [stem_[:-1]] if stem_[-1] == stem_[-2] and stem_[-1] not in "aeiou" else []
            return [base for base in (stem_, stem_ + "e", *doubled) if len(base) >= 4]
    return []


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: str
    doc: Doc
    score: float
    coverage: float  # share of the question's content words this article matched
    in_title: float = 0.0  # share of the question's words (as the title match counts them) in its title
    unknown: int = 0  # the question's content words that no article has
    own_coverage: float = 1.0  # the share it covers in its own words, not by its readers' questions alone

    @property
    def standing(self) -> float:
        """What orders the articles: the score, times the share of the question covered to the
        power ``COVERAGE_RANK``. Confidence stays on the score (:func:`is_close`): an article
        that comes first on coverage alone scores below the second, so the answer is close."""
        return self.score * self.coverage ** COVERAGE_RANK


def rank(question: str, lang: Lang, index: Index, limit: int = 5,
         context: SearchContext | None = None) -> list[Hit]:
    question = without_signature(question)
    asked_words = _without_denied_names(question_words(question, index), index)
    query = analyse(question, index, asked_words)
    query = _in_story(query, question, index, retold_only=lang != "en")
    if not query:
        return []
    scores: dict[int, float] = defaultdict(float)
    matched: dict[int, float] = defaultdict(float)
    # per content word: its terms with postings and its credit, to tell afterwards which of the
    # first articles matched it only by their readers' questions (see _asked_only)
    credited: list[tuple[list[str], float]] = []
    everywhere = 0.0  # words found in most documents: credited to all, not scored
    counted = sum(q.weight for q in query)
    # Only a word the index knows can stand beside "smtp": next to a word nothing matched
    # ("weos smtp"), "smtp" is all the question has and is scored, not skipped.
    known = sum(1 for q in query if q.terms)
    unknown = sum(1 for q in query if not q.terms and q.weight == 1.0)  # a light word is no subject
    for qword in query:
        posted = [t for t in qword.terms if t in index.postings]
        postings = [index.postings[t] for t in posted]
        if len(posted) == 1 and posted[0] in index.common and known > 1 and not qword.fuzzy:
            everywhere += qword.weight
            continue
        if len(postings) == 1:
            best = postings[0]
        else:
            best = {}
            for per_doc in postings:
                for number, value in per_doc.items():
                    if value > best.get(number, 0.0):
                        best[number] = value
        # A mistyped name ("wsdos", "moiweb") still names: only other words' typos cost.
        fuzzy = qword.fuzzy and not any(t in index.providers or t in index.name_terms() for t in qword.terms)
        factor = qword.weight * (FUZZY_PENALTY if fuzzy else 1.0)
        credit = qword.weight * (0.5 if fuzzy else 1.0)
        stems = {stem(t) for t in qword.terms if not t.startswith(phrases.PREFIX) and not t.isdigit()}
        if STEM_MATCH and stems:
            best = dict(best)
            for token in stems:
                for number, value in index.postings.get(token, {}).items():
                    if value * STEM_MATCH > best.get(number, 0.0):
                        best[number] = value * STEM_MATCH
        for number, value in best.items():
            scores[number] += value * factor
            matched[number] += credit
        credited.append((posted, credit))
    asked = _asked(asked_words, index)
    in_title: Counter[int] = Counter()
    saying: set[int] = set()  # titles that share a word that is neither a function nor a light word
    for word in asked:
        found = index.title_postings(word)
        in_title.update(found)
        if word not in FUNCTION_WORDS and word not in LIGHT_WORDS:
            saying.update(found)
    for number, count in in_title.items():
        share = count / len(asked)
        if share >= 0.5 and number in scores and number in saying:
            scores[number] += TITLE_MATCH * share
    _credit_pairs(query, index, scores)
    _credit_heads(query, index, scores, counted)
    _credit_sayings(question, index, scores)
    names = index.name_terms()
    named: dict[int, float] = {}
    for term in {t for q in query if q.weight == 1.0 for t in q.terms}:
        boost = NAMED if lang != "en" or term in names else HEAD_WORD_EN
        for number in index.named_by(term):
            named[number] = max(named.get(number, 0.0), boost)
    # A provider the question names by its word ("Seznam", "smtp.seznam.cz"), though a title has
    # the word in lowercase too ("seznam" is also a list): its article, as NAMED, and each other
    # article whose title names it ("App passwords – Gmail …"), NAMED_IN_TITLE: on its subject
    # ("gmail won't take my password") such an article still comes before the provider's.
    providers = named_providers(question, index)
    if providers:  # most questions name none
        by_word = named_providers(question, index, hosts=False)
        for provider in providers:
            named.update((n, NAMED) for n, doc in enumerate(index.docs) if doc.article_id == provider)
            if provider in by_word:
                named.update((n, NAMED_IN_TITLE) for n in index.provider_titles().get(provider, ())
                             if index.docs[n].article_id != provider)
    for number, boost in named.items():
        if number in scores:
            scores[number] *= 1 + boost
    sought = _alternative_sought(asked_words, index)
    if sought:
        for number, offered in index.alternatives().items():
            if number in scores and not offered.isdisjoint(sought):
                scores[number] *= 1 + ALTERNATIVE
    top = heapq.nlargest(limit * 8, scores.items(), key=itemgetter(1))
    folded_question = [fold(w) for w in asked_words]
    fill_in = not FILL_IN.isdisjoint(folded_question)
    trouble = trouble_words(folded_question)
    troubled = frozenset() if trouble else index.troubled()
    # A title that has the question's trouble words ("the OFF → ON switch") is about that state.
    titled = set.intersection(*(set(index.title_postings(w)) for w in trouble)) if trouble else set()
    asked_terms = {t for q in query for t in q.terms} | set(folded_question)
    per_article: dict[str, Hit] = {}
    for number, score in top:
        doc = index.docs[number]
        weighted = score * (1.0 if doc.lang == lang else OTHER_LANG)
        if fill_in and doc.defines:
            weighted *= 1 + FILL_IN_DEFINES
        if number in troubled:
            weighted *= 1 - TROUBLE_ONLY
        elif trouble and number not in index.troubled() and number not in titled:
            weighted *= 1 - TROUBLE_ASKED
        names = index.names().get(number)
        if names and names.isdisjoint(asked_terms):
            weighted *= 1 - UNNAMED
        if context is not None:
            weighted *= context.boost(doc)
        hit = Hit(doc.article_id, doc, weighted, min(1.0, (matched[number] + everywhere) / counted),
                  _in_title(asked, number, index), unknown,
                  min(1.0, (matched[number] - _asked_only(number, credited, index) + everywhere) / counted))
        current = per_article.get(doc.article_id)
        if current is None:
            per_article[doc.article_id] = hit
        else:  # the article's other language adds a share of its evidence
            best, other = (hit, current) if weighted > current.score else (current, hit)
            per_article[doc.article_id] = Hit(best.article_id, best.doc, best.score + BOTH_LANGS * other.score,
                                              max(best.coverage, other.coverage),
                                              max(best.in_title, other.in_title), unknown,
                                              max(best.own_coverage, other.own_coverage))
    ordered = sorted(per_article.values(), key=lambda h: (-h.standing, h.article_id))
    if _nothing_specific(query, asked, index):  # "smtp": a tie by construction; the start answers it
        ordered.sort(key=lambda h: START not in h.doc.related)
    return ordered[:limit]


# Words that ask for a way around what follows them ("instead of a password", "without SMTP AUTH",
# "won't enable SMTP AUTH", "don't want an app password") or around anything the question names
# ("another way", "alternative", "jinak než heslem", "správce SMTP AUTH povolit nechce").
_AROUND_NEXT = frozenset(["instead", "without", "avoid", "misto", "bez"])
_REFUSING = frozenset(["won", "wont", "don", "dont", "doesn", "doesnt", "didn", "didnt", "not", "refuses",
                       "refused", "refuse"])
_GRANTING = frozenset(["want", "wants", "enable", "allow", "turn", "switch", "activate", "permit"])
_AROUND_ANY = frozenset(["another", "alternative", "alternatives", "alternatively", "jinak", "alternativa",
                         "alternativu", "alternativni", "nechce", "nechci", "nechceme", "nechteji",
                         "nepovoli", "nepovolil", "nepovolila", "nepovolit", "nepovoluje", "nepovoluji"])
_AROUND_SPAN = 5


def _alternative_sought(tokens: list[str], index: Index) -> set[str]:
    """The terms (folded words and lemmas) the question wants a way around."""
    folded = [fold(word) for word in tokens]
    if _AROUND_ANY.isdisjoint(folded) and _AROUND_NEXT.isdisjoint(folded) and _REFUSING.isdisjoint(folded):
        return set()
    if not _AROUND_ANY.isdisjoint(folded) or (
            "other" in folded and folded[folded.index("other") + 1:][:1] in (["way"], ["ways"])):
        spans = [range(len(folded))]
    else:
        spans = []
        for number, word in enumerate(folded):
            if word in _AROUND_NEXT:
                spans.append(range(number + 1, number + 1 + _AROUND_SPAN))
            elif word in _REFUSING:
                granting = [at for at in range(number + 1, number + 4)
                            if at < len(folded) and folded[at] in _GRANTING]
                if granting:
                    spans.append(range(granting[0] + 1, granting[0] + 1 + _AROUND_SPAN))
    sought: set[str] = set()
    for span in spans:
        for at in span:
            if at < len(folded):
                sought.add(folded[at])
                sought.update(index.surface.get(folded[at], ()))
    return sought


def _without_denied_names(tokens: list[str], index: Index) -> list[str]:
    """The question's words without a product it says it does not use ("isn't on Mioweb")."""
    names = index.name_terms()
    kept: list[str] = []
    denied_until = -1
    for number, word in enumerate(tokens):
        folded = fold(word)
        if folded in DENYING:
            denied_until = number + DENIED_SPAN
        elif number <= denied_until and names.intersection(index.surface.get(folded, (folded,))):
            continue
        kept.append(word)
    return kept


def _in_title(asked: set[str], number: int, index: Index) -> float:
    """The share of the question's words (as the title match counts them) whose word or lemma
    stands in the document's title ("odesílatel" is in "e-mail odesílatele")."""
    if not asked:
        return 0.0
    title = index.title_lemmas(number)
    found = sum(1 for word in asked if word in title or not title.isdisjoint(index.surface.get(word, ())))
    return found / len(asked)


def _asked(question_words: list[str], index: Index) -> set[str]:
    """The words the title match counts: no greeting, no function word that no title has."""
    return {folded for w in question_words
            if (len(w) > 1 or w.isdigit()) and (folded := fold(w)) not in POLITENESS
            and (folded not in FUNCTION_WORDS or index.title_postings(folded))}


def _nothing_specific(query: list[QueryWord], asked: set[str], index: Index) -> bool:
    """A question of words found in nearly every article ("smtp", "SMTP?") and nothing else."""
    return bool(asked) and asked <= index.common and all(set(q.terms) <= index.common for q in query)


def says_nothing_specific(question: str, index: Index) -> bool:
    """Every article answers it about equally: no answer is confident, the guided flow's start
    (``START``) is offered, and its articles come first."""
    tokens = question_words(without_signature(question), index)
    return _nothing_specific(analyse(question, index, tokens), _asked(tokens, index), index)


def _credit_pairs(query: list[QueryWord], index: Index, scores: dict[int, float]) -> None:
    content = [q for q in query if q.terms and not q.terms[0].startswith(phrases.PREFIX)]
    for first, second in pairwise(content):
        tokens = {pair(a, b) for a in first.terms for b in second.terms if a != b}
        best: dict[int, float] = {}
        for token in tokens:
            for number, value in index.postings.get(token, {}).items():
                best[number] = max(best.get(number, 0.0), value)
        weight = PAIR_MATCH * min(first.weight, second.weight)
        for number, value in best.items():
            scores[number] += value * weight


def _credit_sayings(question: str, index: Index, scores: dict[int, float]) -> None:
    """Credit an article one of whose keywords of SAYING_MIN words or more the question says word
    for word ("co to vůbec je", "what is smtp for"): SAYING per word of the longest."""
    tokens = [fold(w) for w in words_and_hosts(question)]
    postings = index.saying_postings()
    best: dict[int, int] = {}
    for length in range(SAYING_MIN, 7):
        for start in range(len(tokens) - length + 1):
            for number in postings.get(" ".join(tokens[start:start + length]), ()):
                best[number] = max(best.get(number, 0), length)
    for number, length in best.items():
        if number in scores:
            scores[number] += SAYING * length


def _credit_heads(query: list[QueryWord], index: Index, scores: dict[int, float], counted: float) -> None:
    """Credit an article whose title head the question covers and that covers the question."""
    asking: dict[str, set[int]] = defaultdict(set)  # term -> the question's words that have it
    for number, qword in enumerate(query):
        for term in qword.terms:
            if term not in index.common:
                asking[term].add(number)
    candidates = {number for term in asking for number in index.head_postings(term)}
    for number in candidates & scores.keys():
        head = index.docs[number].head_terms - index.common
        covered = head.intersection(asking)
        by = set().union(*(asking[term] for term in covered))
        share = sum(query[q].weight for q in by) / counted
        scores[number] += HEAD_MATCH * len(covered) / len(head) * share


def _asked_only(number: int, credited: list[tuple[list[str], float]], index: Index) -> float:
    """The credit a document earned by words it has only in its readers' questions."""
    only = index.docs[number].asked_only
    if not only:
        return 0.0
    lost = 0.0
    for posted, credit in credited:
        here = [t for t in posted if number in index.postings[t]]
        if here and only.issuperset(here):
            lost += credit
    return lost


def is_close(hits: list[Hit]) -> bool:
    """The second article scores nearly as well as the first, and covers about as much of
    the question: ask which one was meant. A question whose every word stands in the first's
    title and not in the second's ("co je smtp") is that article's, however close the scores."""
    if len(hits) < 2:
        return False
    first, second = hits[0], hits[1]
    if first.in_title == 1.0 > second.in_title:
        return second.score >= first.score
    margin = CLOSE + COVERAGE_LEAD * (first.coverage - second.coverage) - UNKNOWN_WORD * first.unknown
    if first.coverage < WEAK_COVERAGE and first.in_title <= WEAK_TITLE:
        margin = min(margin, WEAK_CLOSE)
    return second.score >= margin * first.score


def is_confident(hits: list[Hit]) -> bool:
    return (bool(hits) and hits[0].score >= MIN_SCORE and hits[0].coverage >= MIN_COVERAGE
            and not is_close(hits))


# --- ask: what the command line and the app's chat box call ---------------------------------

@dataclass(frozen=True, slots=True)
class Match:
    article_id: str
    title: str
    answer: str  # the article's two-line summary
    score: float
    node: str | None  # flow node to start from, "flow:node"


@dataclass(frozen=True, slots=True)
class AskResult:
    matches: list[Match]
    confident: bool
    explanation: Any = None  # troubleshooter.explain.Explanation when the text was an error message
    offer_flow: str | None = None  # set when nothing fits: start the guided flow here instead
    close: bool = False  # the first two matches fit about equally: "Did you mean …?"

    def to_json(self) -> dict[str, Any]:
        explanation = None
        if self.explanation is not None:
            explanation = self.explanation.to_json() if hasattr(self.explanation, "to_json") else {
                name: _jsonable(getattr(self.explanation, name, None))
                for name in ("outcome", "stage", "article", "node", "confidence", "evidence")}
        return {
            "confident": self.confident,
            "close": self.close,
            "matches": [{"article": m.article_id, "title": m.title, "answer": m.answer,
                         "score": round(m.score, 3), "node": m.node} for m in self.matches],
            "explanation": explanation,
            "offer_flow": self.offer_flow,
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


_ERROR_SHAPE = re.compile(
    r"\b[45]\d\d[ -]|\b[245]\.\d{1,3}\.\d{1,3}\b|errno|error:|exception|smtp error|could not|couldn't"
    r"|unable to|refused|denied|timed? ?out|certificate|ssl|getaddrinfo|authentication|not accepted"
    r"|connect\(\)",
    re.IGNORECASE,
)


def looks_like_error(text: str) -> bool:
    """Pasted red messages: SMTP reply codes, exception words, English error phrases."""
    return bool(_ERROR_SHAPE.search(text))


def _explain(text: str) -> Any:
    """The red-message explanation, when the text looks like one and it was recognised."""
    if not looks_like_error(text):
        return None
    from troubleshooter.explain import explain

    explanation = explain(text)
    if explanation.outcome == "unknown" or explanation.confidence == "none":
        return None
    return explanation


def _match(index: Index, article_id: str, lang: Lang, score: float) -> Match | None:
    docs = [d for d in index.docs if d.article_id == article_id]
    doc = next((d for d in docs if d.lang == lang), docs[0] if docs else None)
    if doc is None:
        return None
    return Match(doc.article_id, doc.title, doc.summary, score, doc.node)


def ask(question: str, lang: Lang, kb_dir: os.PathLike[str] | str | None = None, limit: int = 3,
        context: SearchContext | None = None, index: Index | None = None) -> AskResult:
    """The best articles for a question, with their two-line answer and the node to start from.

    When two articles fit about equally, ``close`` is True and neither is confident: callers
    ask "Did you mean …?" with both. When nothing fits well, ``confident`` is False and
    ``offer_flow`` names the guided flow's start, so callers offer the walk-through rather
    than a random article. ``context`` (the current node, the provider) breaks ties. ``index``:
    one built elsewhere than from ``kb_dir`` (the evaluation's cross-validation).
    """
    index = index_for(kb_dir) if index is None else index
    question = without_signature(question)
    hits = rank(question, lang, index, limit=max(limit, 5), context=context)
    matches = [Match(h.article_id, h.doc.title if h.doc.lang == lang else _title(index, h, lang),
                     _answer(index, h, lang), h.score, h.doc.node) for h in hits]
    explanation = _explain(question)
    generic = says_nothing_specific(question, index)
    confident = is_confident(hits) and not generic
    # "Did you mean …?" only offers two articles that each answer most of the question in their
    # own words: a word only a reader's question gave one ("rok" from "… to jelo roky") is no answer.
    close = (not confident and not generic and is_close(hits) and max(h.score for h in hits[:2]) >= MIN_SCORE
             and min(h.own_coverage for h in hits[:2]) >= MIN_COVERAGE)
    if explanation is not None and explanation.confidence == "low":
        # A weak reading ("SMTP connect() failed": many causes) must not push aside the articles
        # that match the words; where they offer its article too, it comes first, and the
        # answer stays open ("Did you mean …?").
        weak = next((m for m in matches[:3] if m.article_id == explanation.article), None)
        if weak is not None:
            if weak is not matches[0]:
                matches = [weak] + [m for m in matches if m is not weak]
                confident = False
            close = not confident
        explanation = None
    if explanation is not None:
        article = getattr(explanation, "article", None)
        top = max((m.score for m in matches), default=0.0) + 1.0  # ranks first, stays valid JSON
        first = _match(index, article, lang, top) if article else None
        node = getattr(explanation, "node", None)
        disagree = first is not None and bool(hits) and hits[0].article_id != first.article_id
        if first is not None:
            first = Match(first.article_id, first.title, first.answer, first.score, node or first.node)
            matches = [first] + [m for m in matches if m.article_id != first.article_id]
            # A reading of medium confidence yields to words that answer the question
            # confidently elsewhere: both are offered, the words' article first.
            if disagree and confident and getattr(explanation, "confidence", None) == "medium":
                words_first = next(m for m in matches if m.article_id == hits[0].article_id)
                matches = [words_first, replace(first, score=words_first.score)] + [
                    m for m in matches[1:] if m is not words_first]
        # A recognised red message is answered by its article, confidently, unless the words
        # around it point at another article first: then "Did you mean …?" offers both.
        confident, close = not disagree, disagree
    matches = matches[:limit]
    return AskResult(matches, confident, explanation, None if confident or close else START, close)


def _title(index: Index, hit: Hit, lang: Lang) -> str:
    found = _match(index, hit.article_id, lang, hit.score)
    return found.title if found else hit.doc.title


def _answer(index: Index, hit: Hit, lang: Lang) -> str:
    found = _match(index, hit.article_id, lang, hit.score)
    return found.answer if found else hit.doc.summary

"""The search index over the articles: BM25F over folded lemmas, built once and cached.

A small BM25 over an inverted index of folded lemmas (see :mod:`.text`). bm25s would pull
numpy and scipy into every question's process for a corpus of a hundred documents; plain
dictionaries keep a query over 2,000 articles within the issue's target (the figures, and
bm25s's import cost, are in docs/benchmarks.md from ``bench/bench_kb.py``).

Each article is read as fields of different weight: what it says it is about (title, the
summary that is its answer line, the author's keywords, the lead paragraph and the "What it
is" line) counts more than a word met in passing in the body. Known multi-word terms
(:mod:`.phrases`) are indexed as tokens of their own.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from troubleshooter.i18n import Lang
from troubleshooter.knowledge import phrases
from troubleshooter.knowledge.articles import Article, ArticleSet
from troubleshooter.knowledge.asked import Question, asked_by_article, indexed_questions, questions_file
from troubleshooter.knowledge.function_words import says_trouble
from troubleshooter.knowledge.text import (
    CZECH_ENDINGS,
    add_inflections,
    fold,
    is_known,
    lemma_sequence,
    short_words,
    words,
)

# BM25F: (weight, length normalisation) per field. Keyword terms count once each, so a
# keyword list that repeats "heslo" in ten spellings does not drown the rest.
FIELDS = {"title": (4.0, 0.3), "keywords": (2.5, 0.3), "summary": (1.5, 0.5), "lead": (1.0, 0.5),
          "headings": (1.0, 0.3), "body": (0.3, 0.75), "asked": (2.0, 0.75)}
# "asked": readers' questions the article answers (kb/questions.yaml, :mod:`.asked`), in their
# words. Weight chosen on three fresh blocks nobody tuned on (two English, one Czech; 2.0-4.0
# alike, 1.0 less): see docs/benchmarks.md, "Readers' questions in the index".
# English keywords weigh more than Czech ones: English readers' questions were answered from the
# keyword lists, written in their words, more than from the bodies, which follow the Czech source
# (two fresh English blocks nobody tuned on: +3 of 322; Czech keywords as heavy cost Czech
# questions, see docs/benchmarks.md).
ENGLISH_KEYWORDS = 3.0
COMMON_SHARE = 0.85  # a word in nearly every document (smtp) barely ranks: see Index.common
K1 = 8.0  # fields are weighted before saturation, so frequencies run high; tuned on questions.yaml


@dataclass(frozen=True, slots=True)
class Doc:
    article_id: str
    lang: Lang
    title: str
    summary: str
    related: tuple[str, ...]  # flow nodes, the first is where to start
    links: tuple[str, ...]  # articles its body links to (kb:id)
    head_terms: frozenset[str]  # folded lemmas and phrase tokens of the title's head (see title_head)
    defines: bool  # it says what a thing is ("What it is:"): a form field's article
    # its keywords of several words, folded, function words kept ("co to vubec je", "what is smtp for")
    sayings: tuple[str, ...] = ()
    # terms it has only in its readers' questions ("rok" from "… to jelo roky"), not in its own text
    asked_only: frozenset[str] = frozenset()

    @property
    def node(self) -> str | None:
        return self.related[0] if self.related else None


def _inverted(docs: list[Doc], terms_of: Callable[[Doc], Iterable[str]]) -> dict[str, list[int]]:
    """term -> the numbers of the documents that have it."""
    found: dict[str, list[int]] = defaultdict(list)
    for number, doc in enumerate(docs):
        for term in terms_of(doc):
            found[term].append(number)
    return dict(found)


@dataclass(slots=True)
class Index:
    docs: list[Doc]
    postings: dict[str, dict[int, float]]  # term -> doc number -> BM25F contribution
    surface: dict[str, list[str]]  # folded surface word -> folded lemmas
    phrases: list[tuple[str, tuple[str, ...]]]  # phrase token -> folded lemma sequence, longest first
    common: frozenset[str]  # words in nearly every document of their language ("smtp")
    short_words: frozenset[str] = frozenset()  # 4-5 letter words the dictionaries know (text.short_words)
    # A known provider's e-mail domains and SMTP hosts -> the word that names it ("email.cz" -> "seznam")
    hosts: dict[str, str] = field(default_factory=dict)
    providers: dict[str, str] = field(default_factory=dict)  # a provider's word -> its article ("seznam")
    _fuzzy_choices: dict[int, list[str]] | None = field(default=None, repr=False)
    _titles: dict[str, list[int]] | None = field(default=None, repr=False)
    _heads: dict[str, list[int]] | None = field(default=None, repr=False)
    _head_owner: dict[str, list[int]] | None = field(default=None, repr=False)
    _troubled: frozenset[int] | None = field(default=None, repr=False)
    _names: dict[int, frozenset[str]] | None = field(default=None, repr=False)
    _name_terms: frozenset[str] | None = field(default=None, repr=False)
    _title_lemmas: dict[int, frozenset[str]] | None = field(default=None, repr=False)
    _alternatives: dict[int, frozenset[str]] | None = field(default=None, repr=False)
    _provider_titles: dict[str, list[int]] | None = field(default=None, repr=False)
    _lowercase: frozenset[str] | None = field(default=None, repr=False)
    _sayings: dict[str, list[int]] | None = field(default=None, repr=False)

    def lemmas_of(self, folded: Iterable[str]) -> frozenset[str]:
        """Folded words as their lemmas (a word the surface map lacks as itself)."""
        return frozenset(t for word in folded for t in self.surface.get(word, [word]))

    def with_lemmas(self, folded: set[str]) -> frozenset[str]:
        """Folded words and their lemmas."""
        return frozenset(folded.union(*(self.surface.get(word, ()) for word in folded)))

    def names(self) -> dict[int, frozenset[str]]:
        """Per document, the names its title head gives (folded lemmas): Mioweb, Gmail, WordPress.

        A name is a word some title writes capitalised after its first word (not all capitals,
        so SMTP and DNS are no names; not in an aside, where English error text stands) and no
        title writes in lowercase ("seznam" is also a list), or a number in a title's head
        (Microsoft 365, Office 365); the surface map gives its lemma."""
        if self._names is None:
            titles = [_WORD.findall(_ASIDE.sub(" ", doc.title)) for doc in self.docs]
            capitalised = {fold(w) for title in titles for w in title[1:]
                           if w[:1].isupper() and not w.isupper()}
            terms = self.lemmas_of(capitalised) - self.lowercase_title_terms()
            self._names = {number: found for number, doc in enumerate(self.docs)
                           if (found := frozenset(t for t in doc.head_terms if t in terms or t.isdigit()))}
        return self._names

    def title_lemmas(self, number: int) -> frozenset[str]:
        """A document's title words, folded, and their lemmas."""
        if self._title_lemmas is None:
            self._title_lemmas = {}
        found = self._title_lemmas.get(number)
        if found is None:
            folded = {fold(w) for w in words(self.docs[number].title)}
            found = self.with_lemmas(folded)
            self._title_lemmas[number] = found
        return found

    def lowercase_title_terms(self) -> frozenset[str]:
        """The lemmas of the words some title writes in lowercase ("seznam": a list, "na seznamu
        blokovaných"): as a name, such a word counts only capitalised."""
        if self._lowercase is None:
            folded = {fold(w) for doc in self.docs for w in _WORD.findall(_ASIDE.sub(" ", doc.title))
                      if w.islower()}
            self._lowercase = self.lemmas_of(folded)
        return self._lowercase

    def saying_postings(self) -> dict[str, list[int]]:
        """Each keyword of several words (see Doc.sayings) -> the documents that list it."""
        if self._sayings is None:
            self._sayings = _inverted(self.docs, lambda doc: doc.sayings)
        return self._sayings

    def provider_titles(self) -> dict[str, list[int]]:
        """Per provider article, the documents whose title names that provider capitalised
        ("App passwords – Gmail …", "Přihlášení do Gmailu …"; "na seznamu" is a list)."""
        if self._provider_titles is None:
            found: dict[str, list[int]] = defaultdict(list)
            for number, doc in enumerate(self.docs):
                folded = {fold(w) for w in _WORD.findall(doc.title) if w[:1].isupper() or w[:1].isdigit()}
                terms = self.with_lemmas(folded)
                for word, article in self.providers.items():
                    if terms.issuperset(word.split()):
                        found[article].append(number)
            self._provider_titles = dict(found)
        return self._provider_titles

    def name_terms(self) -> frozenset[str]:
        """Every name some title gives (see :meth:`names`)."""
        if self._name_terms is None:
            self._name_terms = frozenset().union(*self.names().values())
        return self._name_terms

    def alternatives(self) -> dict[int, frozenset[str]]:
        """Per document, what its title offers a way around (folded words and their lemmas, no
        function word, none of the words in nearly every document): "… (OAuth) instead of an
        app password" → app, password; "… bez SMTP AUTH" → auth."""
        if self._alternatives is None:
            from troubleshooter.knowledge.function_words import FUNCTION_WORDS

            found: dict[int, frozenset[str]] = {}
            for number, doc in enumerate(self.docs):
                folded = {fold(w) for aside in _INSTEAD_OF.findall(doc.title)
                          if fold(words(aside)[0]) not in FUNCTION_WORDS - _ARTICLES  # "bez něj": no subject
                          for w in words(aside)[:3]}
                terms = self.with_lemmas(folded) - FUNCTION_WORDS - self.common
                if terms:
                    found[number] = frozenset(terms)
            self._alternatives = found
        return self._alternatives

    def troubled(self) -> frozenset[int]:
        """Documents whose title head says something is wrong (see function_words.says_trouble)."""
        if self._troubled is None:
            self._troubled = frozenset(number for number, doc in enumerate(self.docs)
                                       if says_trouble([fold(w) for w in words(title_head(doc.title))]))
        return self._troubled

    def head_postings(self, term: str) -> list[int]:
        """Documents whose title head has this term."""
        if self._heads is None:
            self._heads = _inverted(self.docs, lambda doc: doc.head_terms)
        return self._heads.get(term, [])

    def named_by(self, term: str) -> list[int]:
        """The documents of the one article whose title head has this term ("forpsi",
        "dkim"); none when several articles have it."""
        if self._head_owner is None:
            self.head_postings("")
            assert self._heads is not None
            self._head_owner = {t: numbers for t, numbers in self._heads.items()
                                if len({self.docs[n].article_id for n in numbers}) == 1}
        return self._head_owner.get(term, [])

    def title_postings(self, word: str) -> list[int]:
        """Documents whose title has this folded word (function words included)."""
        if self._titles is None:
            titles: dict[str, list[int]] = defaultdict(list)
            for number, doc in enumerate(self.docs):
                for title_word in {fold(w) for w in words(doc.title)}:
                    titles[title_word].append(number)
            self._titles = dict(titles)
        return self._titles.get(word, [])

    def to_json(self) -> dict[str, Any]:
        return {
            "docs": [[d.article_id, d.lang, d.title, d.summary, list(d.related), list(d.links),
                      sorted(d.head_terms), d.defines, list(d.sayings), sorted(d.asked_only)]
                     for d in self.docs],
            "postings": {t: [[d, tf] for d, tf in p.items()] for t, p in self.postings.items()},
            "surface": self.surface,
            "phrases": [[token, list(sequence)] for token, sequence in self.phrases],
            "common": sorted(self.common),
            "short_words": " ".join(sorted(self.short_words)),
            "hosts": self.hosts,
            "providers": self.providers,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Index:
        docs = [Doc(a, lang, title, summary, tuple(related), tuple(links), frozenset(head), is_def, tuple(said),
                    frozenset(only))
                for a, lang, title, summary, related, links, head, is_def, said, only in data["docs"]]
        return cls(
            docs,
            {t: {int(d): tf for d, tf in p} for t, p in data["postings"].items()},
            data["surface"],
            [(token, tuple(sequence)) for token, sequence in data["phrases"]],
            frozenset(data["common"]),
            frozenset(data["short_words"].split()),
            dict(data["hosts"]),
            dict(data["providers"]),
        )

    def fuzzy_choices(self, length: int, spread: int) -> list[str]:
        """Known words within ``spread`` letters of ``length`` (an edit distance can't bridge more)."""
        if self._fuzzy_choices is None:
            buckets: dict[int, list[str]] = defaultdict(list)
            for word in sorted(set(self.postings) | set(self.surface)):
                if not word.startswith(phrases.PREFIX):
                    buckets[len(word)].append(word)
            self._fuzzy_choices = buckets
        sizes = range(length - spread, length + spread + 1)
        return [word for size in sizes for word in self._fuzzy_choices.get(size, ())]


_MARKUP = re.compile(r"\]\([^)]*\)|<(?:kb|flow|https?):[^>]*>|https?://\S+|[#*_`>|]")
_KB_LINK = re.compile(r"\]\(kb:([a-z0-9][a-z0-9._-]*)|<kb:([a-z0-9][a-z0-9._-]*)")
_ABOUT_LINE = re.compile(r"^\*\*(?:what it is|co to je)\b", re.IGNORECASE)


def _plain(markdown: str) -> str:
    """Body text without link targets and markup, so URLs and ids don't become words."""
    return _MARKUP.sub(" ", markdown)


def article_fields(article: Article, asked: Sequence[str] = ()) -> dict[str, list[str]]:
    """The article's texts per field; each item is matched for phrases on its own.

    ``lead`` is what the article says it is about: the text before its first section and a
    "What it is:" line; ``headings`` are its section titles (the top one repeats the title).
    """
    lead: list[str] = []
    headings: list[str] = []
    body: list[str] = []
    in_lead = True
    for paragraph in re.split(r"\n\s*\n", article.body):
        text = paragraph.strip()
        if not text:
            continue
        if text.startswith("#"):
            level = len(text) - len(text.lstrip("#"))
            first, _, rest = text.partition("\n")
            if level >= 2:
                headings.append(first)
                in_lead = False
            if rest.strip():
                body.append(rest)
            continue
        (lead if in_lead or _ABOUT_LINE.match(text) else body).append(_plain(text))
    return {"title": [article.title], "keywords": list(article.keywords), "summary": [article.summary],
            "lead": lead, "headings": [_plain(h) for h in headings], "body": [_plain(b) for b in body],
            "asked": list(asked)}


_WORD = re.compile(r"\w+")
_ASIDE = re.compile(r"\([^)]*\)")
_ARTICLES = frozenset(["a", "an", "the"])
_INSTEAD_OF = re.compile(r"\b(?:instead of|without|místo|bez)\s+([^–—,;:()]+)", re.IGNORECASE)
_HEAD_END = re.compile(r"\s[–—-]\s|:\s")
_LONG_ASIDE = re.compile(r"\((?:[^)]*\d[^)]*|(?:[^)\s]+\s+){3,}[^)]*)\)")


def title_head(title: str) -> str:
    """What an article is about, in its own words: the title before a dash or colon, without
    a long or numbered aside — "SMTP server (host) – what to enter" → "SMTP server (host)",
    "Host not found (getaddrinfo failed, Name or service not known)" → "Host not found"."""
    return _HEAD_END.split(_LONG_ASIDE.sub(" ", title), maxsplit=1)[0].strip()


def pair(first: str, second: str) -> str:
    """The token of two neighbouring content words, in either order ("údaje od poskytovatele"
    and "poskytovatel údaje" are one pair)."""
    return PAIR.join(sorted((first, second)))


PAIR = "+"
STEM = "§"
STEM_LENGTH = 6


def stem(term: str) -> str:
    """A word's first letters: "šifrované", "šifrování" and "šifrovat" share one stem where the
    lemmatiser gives them three lemmas. Indexed for the fields that say what an article is
    about; a question's word falls back on it at ``STEM_MATCH`` of its weight."""
    return STEM + term[:STEM_LENGTH]
PAIRED_FIELDS = frozenset({"title", "keywords", "summary", "lead", "headings"})


def _field_terms(texts: list[str], lang: Lang, table: list[tuple[str, tuple[str, ...]]],
                 collect: dict[str, Any], pairs: bool = False) -> list[str]:
    terms: list[str] = []
    for text in texts:
        sequence = lemma_sequence(text, lang, collect["surface"], collect["lemmas"], collect["unknown"])
        content = [term for term, is_content in sequence if is_content]
        terms.extend(content)
        found = phrases.find([{term} for term, _ in sequence], [not c for _, c in sequence], table)
        terms.extend(token for _, _, token in found)
        if pairs:
            terms.extend(pair(a, b) for a, b in pairwise(content) if a != b)
            terms.extend(stem(term) for term in content if not term.isdigit())
    return terms


def _scratch() -> dict[str, Any]:
    return {"surface": {}, "lemmas": set(), "unknown": None}


def _known_asked(counts: list[dict[str, dict[str, int]]], totals: dict[str, float]) -> None:
    """Keep of the readers' questions only the terms the articles have. Their typos, inflections
    and asides ("ebook", "autenticate") stay out of the vocabulary, so the question analyser reads
    a word as before (the typo fallback, the Czech negation); the questions only add weight to
    an article's words in readers' phrasing (judged on three fresh blocks: the same hit@1 within
    a question, see docs/benchmarks.md)."""
    vocabulary = {t for fields in counts for name, terms in fields.items() if name != "asked" for t in terms}
    for fields in counts:
        kept = {t: c for t, c in fields.get("asked", {}).items() if t in vocabulary}
        fields["asked"] = kept
        totals["asked"] = totals.get("asked", 0.0) + sum(kept.values())


def build_index(articles: ArticleSet, questions: Iterable[Question] = ()) -> Index:
    """The index of the articles; ``questions`` (readers', labelled) add each article's ``asked`` field."""
    asked = asked_by_article(questions)
    table = phrases.phrase_table(lambda text, lang: [term for term, _ in lemma_sequence(text, lang)])
    docs: list[Doc] = []
    counts: list[dict[str, dict[str, int]]] = []  # per doc: field -> term -> count
    totals: dict[str, float] = defaultdict(float)
    surface: dict[str, set[str]] = {}
    lemmas: dict[str, set[str]] = defaultdict(set)
    unknown: set[str] = set()  # Czech words simplemma does not know
    heads: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        heads[article.id].append(title_head(article.title))
    for article in sorted(articles, key=lambda a: (a.id, a.lang)):
        collect = {"surface": surface, "lemmas": lemmas[article.lang],
                   "unknown": unknown if article.lang == "cs" else None}
        fields: dict[str, dict[str, int]] = {}
        for name, texts in article_fields(article, asked.get((article.id, article.lang), ())).items():
            if name == "asked":  # readers' words teach the analyser nothing: see _known_asked
                fields[name] = dict(Counter(_field_terms(texts, article.lang, table, _scratch())))
                continue
            terms = _field_terms(texts, article.lang, table, collect, pairs=name in PAIRED_FIELDS)
            if name == "keywords":
                terms = sorted(set(terms))
            fields[name] = dict(Counter(terms))
            totals[name] += len(terms)
        counts.append(fields)
        links = tuple(dict.fromkeys(a or b for a, b in _KB_LINK.findall(article.body)))
        # A head both languages write alike names a message ("Could not authenticate"): what
        # the article is about, in the reader's words, follows the dash.
        alike = len(heads[article.id]) > 1 and len(set(heads[article.id])) == 1
        head_text = _LONG_ASIDE.sub(" ", article.title) if alike else title_head(article.title)
        head = _field_terms([head_text], article.lang, table, collect)
        defines = any(_ABOUT_LINE.match(line) for line in article.body.split("\n"))
        sayings = tuple(sorted({" ".join(fold(w) for w in found) for keyword in article.keywords
                                if len(found := words(keyword)) >= 2}))
        docs.append(Doc(article.id, article.lang, article.title, article.summary, article.related, links,
                        frozenset(head), defines, sayings))
    _known_asked(counts, totals)
    for number, fields in enumerate(counts):
        own = {term for name, terms in fields.items() if name != "asked" for term in terms}
        docs[number] = replace(docs[number], asked_only=frozenset(set(fields.get("asked", ())) - own))
    for lang, found in lemmas.items():
        add_inflections(surface, found, lang)  # type: ignore[arg-type]
    n = max(len(docs), 1)
    average = {name: max(totals[name] / n, 1.0) for name in FIELDS}
    frequencies: dict[str, dict[int, float]] = defaultdict(dict)
    asked_frequencies: dict[str, dict[int, float]] = defaultdict(dict)  # kept apart: see `common` below
    for number, fields in enumerate(counts):
        for name, terms in fields.items():
            weight, b = FIELDS[name]
            if name == "keywords" and docs[number].lang == "en":
                weight = ENGLISH_KEYWORDS
            length = sum(terms.values())
            norm = 1 - b + b * length / average[name]
            into = asked_frequencies if name == "asked" else frequencies
            for term, count in terms.items():
                into[term][number] = into[term].get(number, 0.0) + weight * count / norm
    known = {fold(raw) for raw in lemmas["cs"] if is_known(raw, "cs")}
    joined = _join_declined_loanwords(frequencies, surface, unknown, known)
    for token in [t for t in frequencies if PAIR in t and any(part in joined for part in t.split(PAIR))]:
        first, second = (joined.get(part, part) for part in token.split(PAIR))
        _move(frequencies, token, pair(first, second))
    for term in [t for t in asked_frequencies if t in joined]:
        _move(asked_frequencies, term, joined[term])
    docs = [replace(d, head_terms=frozenset(joined.get(t, t) for t in d.head_terms)) for d in docs]
    # Store each (term, doc) BM25 contribution, so a query only adds numbers up.
    per_lang = Counter(d.lang for d in docs)
    postings: dict[str, dict[int, float]] = {}
    common: list[str] = []
    for term, per_doc in frequencies.items():
        # A word is judged against the documents of its language(s): "website" in 36 of 51
        # English articles is nearly everywhere, not a word of a third of the KB. Readers'
        # questions lower the weight of a word they use about many articles, but only the
        # articles' own text makes a word common (skipped when scoring): readers mention the
        # server in most articles' questions, yet "server" still picks the server field.
        among = sum(per_lang[lang] for lang in {docs[d].lang for d in per_doc})
        with_asked = dict(per_doc)
        for d, tf in asked_frequencies.get(term, {}).items():
            with_asked[d] = with_asked.get(d, 0.0) + tf
        idf = math.log(1 + (among - len(with_asked) + 0.5) / (len(with_asked) + 0.5))
        postings[term] = {d: idf * tf * (K1 + 1) / (tf + K1) for d, tf in with_asked.items()}
        if len(per_doc) > among * COMMON_SHARE:
            common.append(term)
    vocabulary = set(postings)
    return Index(docs, postings, {w: sorted(ts & vocabulary) for w, ts in surface.items() if ts & vocabulary},
                 [(token, sequence) for token, sequence in table if token in vocabulary], frozenset(common),
                 frozenset(short_words("cs") | short_words("en")),
                 *provider_words(vocabulary, {d.article_id for d in docs}))


def provider_words(vocabulary: set[str], articles: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """From data/providers.yaml: a known provider's e-mail domains and SMTP hosts -> the word the
    articles name it by: its id ("seznam" for email.cz, "outlook" for hotmail.com), or else the
    words of its name the articles use ("microsoft 365" for office365.com); and that word -> the
    provider's article ("seznam" -> provider-seznam, "microsoft 365" -> provider-microsoft365)."""
    from troubleshooter.probes.providers import providers

    hosts: dict[str, str] = {}
    articles_by_word: dict[str, str] = {}
    for provider in providers().values():
        named = [w for w in (fold(x) for x in words(provider.name)) if w in vocabulary]
        word = provider.id if provider.id in vocabulary else " ".join(named)
        if word:
            for host in (*provider.domains, *provider.hostnames):
                hosts[host] = word
        if word and provider.article in articles:  # "microsoft 365" only ever comes from a host
            articles_by_word[word] = provider.article
    return hosts, articles_by_word


def _move(frequencies: dict[str, dict[int, float]], term: str, into: str) -> None:
    """Add a term's frequencies to another term's and drop the first."""
    merged = frequencies.setdefault(into, {})
    for number, tf in frequencies.pop(term).items():
        merged[number] = merged.get(number, 0.0) + tf


def _join_declined_loanwords(frequencies: dict[str, dict[int, float]], surface: dict[str, set[str]],
                             unknown: set[str], known: set[str]) -> dict[str, str]:
    """``webu`` → ``web``, ``googlem`` → ``google`` when simplemma does not know the word and the
    bare form is in the KB. A folded word that is also the lemma of a word simplemma knows
    ("posta", unaccented, is "pošta") is no loanword: it never joins "post" (Post SMTP)."""
    joined: dict[str, str] = {}
    for term in sorted(unknown - known):
        if term not in frequencies:
            continue
        # "Googlem", "Googlu" decline "Google": the ending replaced the final -e.
        bases = [base for ending in CZECH_ENDINGS if term.endswith(ending) and len(term) - len(ending) >= 3
                 for base in (term[: -len(ending)], term[: -len(ending)] + "e")]
        for stem in bases:
            if stem in frequencies and stem != term:
                _move(frequencies, term, stem)
                for targets in surface.values():
                    if term in targets:
                        targets.discard(term)
                        targets.add(stem)
                joined[term] = stem
                break
    return joined


# --- the index for a kb directory, cached by content ---------------------------------------

_MEMORY: dict[str, Index] = {}
PROVIDERS_FILE = Path(__file__).resolve().parents[1] / "data" / "providers.yaml"


def kb_fingerprint(kb_dir: os.PathLike[str] | str) -> str:
    import hashlib

    from troubleshooter.knowledge import function_words, text
    from troubleshooter.knowledge.articles import article_files

    digest = hashlib.sha256(b"kb-index\0")
    for module in (text, function_words, phrases):  # an analyser change invalidates the cache
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(PROVIDERS_FILE.read_bytes())  # Index.hosts
    digest.update(Path(__file__).read_bytes())
    for path in [*article_files(kb_dir), questions_file(kb_dir)]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def index_for(kb_dir: os.PathLike[str] | str | None = None, *, use_cache: bool = True) -> Index:
    """The index of a kb directory: from memory, the on-disk cache, or built (and cached)."""
    from troubleshooter import cache, content
    from troubleshooter.knowledge.articles import load_articles

    folder = content.kb_dir(kb_dir)
    key = kb_fingerprint(folder)
    if key in _MEMORY:
        return _MEMORY[key]
    index: Index | None = None
    if use_cache:
        stored = cache.read_cached("kb-index", key)
        try:
            index = Index.from_json(stored) if stored is not None else None
        except (ValueError, KeyError, TypeError):
            index = None
    if index is None:
        index = build_index(load_articles(folder), indexed_questions(folder))
        if use_cache:
            cache.store_cached("kb-index", key, index.to_json())
    _MEMORY[key] = index
    return index

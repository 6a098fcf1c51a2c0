"""The question box: free Czech or English text → the best articles and where to start.

A small BM25 over an inverted index of folded lemmas (see :mod:`.text`). bm25s would pull
numpy and scipy, a long import, for a corpus of a hundred documents; the dictionaries here
are fast enough for thousands of articles (``bench/bench_kb.py``, ``docs/benchmarks.md``).

Question words are mapped onto the index vocabulary in order of cost: the folded surface
map (``formulare`` → ``formular``), then simplemma in Czech and English (loaded lazily —
a large dictionary per language), then a rapidfuzz typo fallback (``smpt`` → ``smtp``).
"""

from __future__ import annotations

import heapq
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from troubleshooter.i18n import LANGS, Lang
from troubleshooter.knowledge.articles import ArticleSet
from troubleshooter.knowledge.text import (
    CZECH_ENDINGS,
    STOPWORDS,
    add_inflections,
    fold,
    has_diacritics,
    index_terms,
    lemma,
    words,
)

# BM25F: (weight, length normalisation) per field. Titles and keywords say what an article
# is about; bodies ramble, so a word met only in a body counts less. Keyword terms count once
# each, so a keyword list that repeats "heslo" in ten spellings does not drown the rest.
FIELDS = {"title": (4.0, 0.3), "keywords": (2.5, 0.3), "summary": (1.0, 0.5), "body": (0.3, 0.75)}
IDF_POWER = 1.0
K1 = 8.0  # fields are weighted before saturation, so frequencies run high; tuned on questions.yaml
OTHER_LANG = 0.85  # an article in the other language still answers, just a bit behind
FUZZY_PENALTY = 0.8
MIN_SCORE = 3.0  # calibrated on tests/data/questions.yaml and the off-topic questions in test_search
MIN_COVERAGE = 0.5
COMMON_SHARE = 0.85  # a word in nearly every document (smtp) barely ranks; skip its postings
# A short question that is (nearly) an article's title — "co je smtp", "jak zapnout smtp" —
# is answered by that article, even though its words ("smtp") are in every document and
# its other words are stopwords that BM25 never sees. Credit the share of the question's
# words that stand in the title.
TITLE_MATCH = 3.0


@dataclass(frozen=True, slots=True)
class Doc:
    article_id: str
    lang: Lang
    title: str
    summary: str
    node: str | None


@dataclass(slots=True)
class Index:
    docs: list[Doc]
    postings: dict[str, dict[int, float]]  # term -> doc number -> BM25F pseudo term frequency
    surface: dict[str, list[str]]  # folded surface word -> folded lemmas
    _fuzzy_choices: dict[int, list[str]] | None = field(default=None, repr=False)
    _titles: dict[str, list[int]] | None = field(default=None, repr=False)

    def title_postings(self, word: str) -> list[int]:
        """Documents whose title has this folded word (stopwords included)."""
        if self._titles is None:
            titles: dict[str, list[int]] = defaultdict(list)
            for number, doc in enumerate(self.docs):
                for title_word in {fold(w) for w in words(doc.title)}:
                    titles[title_word].append(number)
            self._titles = dict(titles)
        return self._titles.get(word, [])

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        n = len(self.docs)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def to_json(self) -> dict[str, Any]:
        return {
            "docs": [[d.article_id, d.lang, d.title, d.summary, d.node] for d in self.docs],
            "postings": {t: [[d, tf] for d, tf in p.items()] for t, p in self.postings.items()},
            "surface": self.surface,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Index:
        return cls(
            [Doc(*row) for row in data["docs"]],
            {t: {int(d): tf for d, tf in p} for t, p in data["postings"].items()},
            data["surface"],
        )

    def fuzzy_choices(self, length: int, spread: int) -> list[str]:
        """Known words within ``spread`` letters of ``length`` (an edit distance can't bridge more)."""
        if self._fuzzy_choices is None:
            buckets: dict[int, list[str]] = defaultdict(list)
            for word in sorted(set(self.postings) | set(self.surface)):
                buckets[len(word)].append(word)
            self._fuzzy_choices = buckets
        sizes = range(length - spread, length + spread + 1)
        return [word for size in sizes for word in self._fuzzy_choices.get(size, ())]


def build_index(articles: ArticleSet) -> Index:
    docs: list[Doc] = []
    counts: list[dict[str, dict[str, int]]] = []  # per doc: field -> term -> count
    totals: dict[str, float] = defaultdict(float)
    surface: dict[str, set[str]] = {}
    lemmas: dict[str, set[str]] = defaultdict(set)
    unknown: set[str] = set()  # Czech words simplemma does not know
    for article in sorted(articles, key=lambda a: (a.id, a.lang)):
        docs.append(Doc(article.id, article.lang, article.title, article.summary, article.node))
        texts = {"title": article.title, "keywords": " ".join(article.keywords),
                 "summary": article.summary, "body": _plain(article.body)}
        fields: dict[str, dict[str, int]] = {}
        for name, content in texts.items():
            terms = index_terms(content, article.lang, surface, lemmas[article.lang],
                                unknown if article.lang == "cs" else None)
            if name == "keywords":
                terms = sorted(set(terms))
            fields[name] = dict(Counter(terms))
            totals[name] += len(terms)
        counts.append(fields)
    for lang, found in lemmas.items():
        add_inflections(surface, found, lang)  # type: ignore[arg-type]
    n = max(len(docs), 1)
    average = {name: max(totals[name] / n, 1.0) for name in FIELDS}
    frequencies: dict[str, dict[int, float]] = defaultdict(dict)
    for number, fields in enumerate(counts):
        for name, terms in fields.items():
            weight, b = FIELDS[name]
            length = sum(terms.values())
            norm = 1 - b + b * length / average[name]
            for term, count in terms.items():
                frequencies[term][number] = frequencies[term].get(number, 0.0) + weight * count / norm
    _join_declined_loanwords(frequencies, surface, unknown)
    # Store each (term, doc) BM25 contribution, so a query only adds numbers up.
    postings: dict[str, dict[int, float]] = {}
    for term, per_doc in frequencies.items():
        idf = math.log(1 + (n - len(per_doc) + 0.5) / (len(per_doc) + 0.5))
        postings[term] = {d: idf ** IDF_POWER * tf * (K1 + 1) / (tf + K1) for d, tf in per_doc.items()}
    vocabulary = set(postings)
    return Index(docs, postings, {w: sorted(ts & vocabulary) for w, ts in surface.items() if ts & vocabulary})


def _join_declined_loanwords(frequencies: dict[str, dict[int, float]], surface: dict[str, set[str]],
                             unknown: set[str]) -> None:
    """``webu`` → ``web`` when simplemma does not know the word and the bare form is in the KB."""
    for term in sorted(unknown):
        if term not in frequencies:
            continue
        for ending in CZECH_ENDINGS:
            stem = term[: -len(ending)]
            if term.endswith(ending) and len(stem) >= 3 and stem in frequencies and stem != term:
                for number, tf in frequencies.pop(term).items():
                    frequencies[stem][number] = frequencies[stem].get(number, 0.0) + tf
                for targets in surface.values():
                    if term in targets:
                        targets.discard(term)
                        targets.add(stem)
                break


_MARKUP = re.compile(r"\]\([^)]*\)|<(?:kb|flow|https?):[^>]*>|https?://\S+|[#*_`>|]")


def _plain(markdown: str) -> str:
    """Body text without link targets and markup, so URLs and ids don't become words."""
    return _MARKUP.sub(" ", markdown)


@dataclass(frozen=True, slots=True)
class QueryWord:
    word: str
    terms: tuple[str, ...]
    fuzzy: bool = False


def analyse(question: str, index: Index) -> list[QueryWord]:
    """Content words of a question, each with the index terms it stands for (maybe none)."""
    found: list[QueryWord] = []
    for word in words(question):
        folded = fold(word)
        if folded in STOPWORDS or (len(folded) < 2 and not folded.isdigit()):
            continue
        terms = set(index.surface.get(folded, ()))
        if folded in index.postings:
            terms.add(folded)
        if not terms and not word.isdigit():
            terms = _declined(folded, index)
        if not terms and not word.isdigit():
            langs = ("cs",) if has_diacritics(word) else LANGS
            terms = {t for lang in langs if (t := fold(lemma(word, lang))) in index.postings}
        if terms:
            found.append(QueryWord(word, tuple(sorted(terms))))
            continue
        guess = _typo(folded, index)
        found.append(QueryWord(word, guess, fuzzy=bool(guess)))
    return found


def _declined(folded: str, index: Index) -> set[str]:
    """``formularem`` → ``formular``, ``neodchazi`` → ``odchazet``: a known word under a Czech
    case ending or negation. Saves loading simplemma's dictionary for most questions."""
    candidates = [folded[2:]] if folded.startswith("ne") and len(folded) > 5 else []
    candidates += [folded[: -len(e)] for e in CZECH_ENDINGS if folded.endswith(e) and len(folded) - len(e) >= 4]
    for candidate in candidates:
        terms = set(index.surface.get(candidate, ()))
        if candidate in index.postings:
            terms.add(candidate)
        if terms:
            return terms
    return set()


def _typo(folded: str, index: Index) -> tuple[str, ...]:
    if len(folded) < 4 or folded.isdigit():
        return ()
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    # Short words only forgive swapped letters (smpt → smtp); "bake" must not become "make".
    limit = 1 if len(folded) < 8 else 2
    candidates = process.extract(folded, index.fuzzy_choices(len(folded), limit), scorer=OSA.distance,
                                 score_cutoff=limit, limit=8)
    if len(folded) < 6:
        candidates = [c for c in candidates if sorted(c[0]) == sorted(folded)]
    if not candidates:
        return ()
    choice = min(candidates, key=lambda c: (c[1], -len(index.postings.get(c[0], ())), c[0]))[0]
    terms = set(index.surface.get(choice, ()))
    if choice in index.postings:
        terms.add(choice)
    return tuple(sorted(terms))


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: str
    doc: Doc
    score: float
    coverage: float  # share of the question's content words this article matched


def rank(question: str, lang: Lang, index: Index, limit: int = 5) -> list[Hit]:
    query = analyse(question, index)
    if not query:
        return []
    scores: dict[int, float] = defaultdict(float)
    matched: dict[int, float] = defaultdict(float)
    everywhere = 0.0  # words found in most documents: credited to all, not scored
    common = len(index.docs) * COMMON_SHARE
    for qword in query:
        postings = [index.postings[t] for t in qword.terms if t in index.postings]
        if len(postings) == 1 and len(postings[0]) > common and len(query) > 1 and not qword.fuzzy:
            everywhere += 1.0
            continue
        if len(postings) == 1:
            best = postings[0]
        else:
            best = {}
            for per_doc in postings:
                for number, value in per_doc.items():
                    if value > best.get(number, 0.0):
                        best[number] = value
        factor = FUZZY_PENALTY if qword.fuzzy else 1.0
        credit = 0.5 if qword.fuzzy else 1.0
        for number, value in best.items():
            scores[number] += value * factor
            matched[number] += credit
    asked = {fold(w) for w in words(question) if len(w) > 1 or w.isdigit()}
    in_title: Counter[int] = Counter()
    for word in asked:
        in_title.update(index.title_postings(word))
    for number, count in in_title.items():
        share = count / len(asked)
        if share >= 0.5 and number in scores:
            scores[number] += TITLE_MATCH * share
    top = heapq.nlargest(limit * 8, scores.items(), key=itemgetter(1))
    per_article: dict[str, Hit] = {}
    for number, score in top:
        doc = index.docs[number]
        weighted = score * (1.0 if doc.lang == lang else OTHER_LANG)
        hit = Hit(doc.article_id, doc, weighted, (matched[number] + everywhere) / len(query))
        current = per_article.get(doc.article_id)
        if current is None or weighted > current.score:
            per_article[doc.article_id] = hit
    ordered = sorted(per_article.values(), key=lambda h: (-h.score, h.article_id))
    return ordered[:limit]


def is_confident(hits: list[Hit]) -> bool:
    return bool(hits) and hits[0].score >= MIN_SCORE and hits[0].coverage >= MIN_COVERAGE


# --- the index for a kb directory, cached by content ---------------------------------------

_MEMORY: dict[str, Index] = {}


def kb_fingerprint(kb_dir: os.PathLike[str] | str) -> str:
    import hashlib

    from troubleshooter.knowledge import text as text_module
    from troubleshooter.knowledge.articles import article_files

    digest = hashlib.sha256(b"kb-index\0")
    for module_file in (__file__, text_module.__file__):  # an analyser change invalidates the cache
        digest.update(Path(module_file).read_bytes())
    for path in article_files(kb_dir):
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
        index = build_index(load_articles(folder))
        if use_cache:
            cache.store_cached("kb-index", key, index.to_json())
    _MEMORY[key] = index
    return index


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

    def to_json(self) -> dict[str, Any]:
        explanation = None
        if self.explanation is not None:
            explanation = self.explanation.to_json() if hasattr(self.explanation, "to_json") else {
                name: _jsonable(getattr(self.explanation, name, None))
                for name in ("outcome", "stage", "article", "node", "confidence", "evidence")}
        return {
            "confident": self.confident,
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
    r"|unable to|refused|denied|timed? ?out|certificate|ssl|getaddrinfo|authentication|not accepted",
    re.IGNORECASE,
)


def looks_like_error(text: str) -> bool:
    """Pasted red messages: SMTP reply codes, exception words, English error phrases."""
    return bool(_ERROR_SHAPE.search(text))


def _explain(text: str) -> Any:
    """The red-message explanation, when that module is in this build and recognised the text."""
    from importlib.util import find_spec

    if not looks_like_error(text) or find_spec("troubleshooter.explain") is None:
        return None
    from importlib import import_module

    explain = getattr(import_module("troubleshooter.explain"), "explain", None)
    if explain is None:
        return None
    explanation = explain(text)
    if explanation is None or getattr(explanation, "outcome", "unknown") in (None, "unknown"):
        return None
    if getattr(explanation, "confidence", "high") in ("none", "low"):
        return None  # a weak guess must not push the articles that match the words aside
    return explanation


def _match(index: Index, article_id: str, lang: Lang, score: float) -> Match | None:
    docs = [d for d in index.docs if d.article_id == article_id]
    doc = next((d for d in docs if d.lang == lang), docs[0] if docs else None)
    if doc is None:
        return None
    return Match(doc.article_id, doc.title, doc.summary, score, doc.node)


def ask(question: str, lang: Lang, kb_dir: os.PathLike[str] | str | None = None, limit: int = 3) -> AskResult:
    """The best articles for a question, with their two-line answer and the node to start from.

    When nothing fits well, ``confident`` is False and ``offer_flow`` names the guided flow's
    start, so callers offer the walk-through rather than a random article.
    """
    index = index_for(kb_dir)
    hits = rank(question, lang, index, limit=max(limit, 5))
    matches = [Match(h.article_id, h.doc.title if h.doc.lang == lang else _title(index, h, lang),
                     _answer(index, h, lang), h.score, h.doc.node) for h in hits]
    explanation = _explain(question)
    confident = is_confident(hits)
    if explanation is not None:
        article = getattr(explanation, "article", None)
        top = max((m.score for m in matches), default=0.0) + 1.0  # ranks first, stays valid JSON
        first = _match(index, article, lang, top) if article else None
        node = getattr(explanation, "node", None)
        if first is not None:
            first = Match(first.article_id, first.title, first.answer, first.score, node or first.node)
            matches = [first] + [m for m in matches if m.article_id != first.article_id]
        confident = True
    matches = matches[:limit]
    return AskResult(matches, confident, explanation, None if confident else "smtp:intro")


def _title(index: Index, hit: Hit, lang: Lang) -> str:
    found = _match(index, hit.article_id, lang, hit.score)
    return found.title if found else hit.doc.title


def _answer(index: Index, hit: Hit, lang: Lang) -> str:
    found = _match(index, hit.article_id, lang, hit.score)
    return found.answer if found else hit.doc.summary

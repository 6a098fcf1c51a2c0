"""A question's word no article has, read as the word meant: a letter typed twice
("swiitch"), or a typo of a known word (rapidfuzz's OSA distance: "smpt" → "smtp") that looks
like a slip and belongs to the question's language. Used by :mod:`.search`."""

from __future__ import annotations

from troubleshooter.i18n import Lang
from troubleshooter.knowledge.function_words import CZECH, ENGLISH, FUNCTION_WORDS, NEGATED
from troubleshooter.knowledge.index import STEM, Index
from troubleshooter.knowledge.text import SHORT_WORD, fold

_LONGEST_WORD = 40  # longer is no word typed twice a letter ("x" * 999_000 pasted): not tried


def undoubled(word: str, index: Index) -> str:
    """A word no article has whose letter typed twice makes it one they have, or a function
    word ("swiitch", "greeeting", "sttill", "mismattch"): that word, as if typed right, so the
    phrases, titles and trouble words see it too (a typo's correction counts for less)."""
    folded = fold(word)
    if (not 4 <= len(folded) <= _LONGEST_WORD or folded in index.surface or folded in index.postings
            or folded in FUNCTION_WORDS):
        return word
    for at in range(len(folded) - 1):
        if folded[at] == folded[at + 1] and folded[at].isalpha():
            single = folded[:at] + folded[at + 1:]
            if single in index.surface or single in index.postings or single in FUNCTION_WORDS:
                # Unless a known word one edit away keeps the pair: "adress" is "address",
                # with a letter missing, not the Czech "adres".
                from rapidfuzz.distance import OSA

                pair_ = folded[at] * 2
                if any(pair_ in known and OSA.distance(folded, known) <= 1
                       for known in index.fuzzy_choices(len(folded), 1)):
                    return word
                return single
    return word


def typo_terms(folded: str, index: Index, lang: Lang | None = None) -> tuple[str, ...] | None:
    """The known words a mistyped word stands for (the nearest by edit distance), or None when
    it is nearest to a function word ("vubce" is "vubec"). ``lang``: the question's language
    when its function words tell it (:func:`question_lang`)."""
    if len(folded) < 4 or folded.isdigit():
        return ()
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    limit = 1 if len(folded) < 8 else 2
    choices = index.fuzzy_choices(len(folded), limit) + _function_choices(len(folded), limit)
    candidates = [c for c in process.extract(folded, choices, scorer=OSA.distance, score_cutoff=limit, limit=8)
                  if _typo_like(folded, c[0], c[1]) and (c[0] in FUNCTION_WORDS or _speaks(c[0], index, lang))]
    # A short word the dictionaries know ("bake", "pert"; index.short_words) is a word, not a
    # typo: it only forgives swapped letters (smpt → smtp), so "bake" never becomes "make". One
    # they don't know ("heso", "huslo", "wdos") is a typo of the nearest known word.
    if len(folded) in SHORT_WORD and folded in index.short_words:
        candidates = [c for c in candidates if sorted(c[0]) == sorted(folded)]
    if not candidates:
        return ()
    # Ties go to a word with the same first letter (people rarely mistype it), then to a
    # function word, then to the word more articles use.
    choice = min(candidates, key=lambda c: (c[1], c[0][:1] != folded[:1], c[0] not in FUNCTION_WORDS,
                                            -len(index.postings.get(c[0], ())), c[0]))[0]
    if choice in FUNCTION_WORDS:
        return None
    terms = set(index.surface.get(choice, ()))
    if choice in index.postings:
        terms.add(choice)
    return tuple(sorted(terms - FUNCTION_WORDS))


# Two slips in one word are rare (Damerau 1964: four misspellings in five are one slip); a
# correction two edits away keeps the word's first letters, where slips are rarest.
_TWO_SLIPS_AFTER = 3


def _typo_like(typed: str, known: str, distance: int) -> bool:
    """Whether ``typed`` can be ``known`` mistyped. A correctly spelled word no article uses
    ("pending", "solution", "regarding") is often an edit or two from one they do ("sending",
    "resolution", "recording"), but misspellings rarely get the first letter wrong (Yannakoudakis
    and Fawthrop 1983; Pollock and Zamora 1984): one edit may swap the first two letters ("mstp")
    or drop a letter typed before the word ("wstarttls", Czech "otestuju" → "testuju"), never
    change the first. Two edits keep the first three letters, and both letters left out or both
    added is another word, not a slip ("marketing" → "marking")."""
    known = known.removeprefix(STEM)  # a word's own first letters ("kliknu" → "§kliknu")
    if distance > 1:
        return abs(len(known) - len(typed)) < 2 and known[:_TWO_SLIPS_AFTER] == typed[:_TWO_SLIPS_AFTER]
    return known[:1] == typed[:1] or known[:2] == typed[1::-1] or known == typed[1:]


def _speaks(known: str, index: Index, lang: Lang | None) -> bool:
    """Whether the articles of ``lang`` use ``known`` (any language when ``lang`` is None): an
    English question's "solve" or "resend" is no Czech "slově" or "řešení" mistyped."""
    if lang is None:
        return True
    lemmas = {*index.surface.get(known, ()), *([known] if known in index.postings else [])}
    used_in = {index.docs[number].lang for lemma in lemmas for number in index.postings.get(lemma, ())}
    return not used_in or lang in used_in


_CZECH_FUNCTION = frozenset(" ".join(CZECH.values()).split()) | NEGATED
_ENGLISH_FUNCTION = frozenset(" ".join(ENGLISH.values()).split())
_CZECH_ONLY = _CZECH_FUNCTION - _ENGLISH_FUNCTION
_ENGLISH_ONLY = _ENGLISH_FUNCTION - _CZECH_FUNCTION
# One function word is no language: Czech questions name English fields ("odesílací adresa from").
_LANG_MARGIN = 2


def question_lang(tokens: list[str]) -> Lang | None:
    """The question's language by its function words (``_LANG_MARGIN`` more of one language's
    than of the other's), or None."""
    folded = [fold(token) for token in tokens]
    czech = sum(word in _CZECH_ONLY for word in folded)
    english = sum(word in _ENGLISH_ONLY for word in folded)
    return "cs" if czech >= english + _LANG_MARGIN else "en" if english >= czech + _LANG_MARGIN else None


_FUNCTION_BY_LENGTH: dict[int, list[str]] = {}


def _function_choices(length: int, spread: int) -> list[str]:
    if not _FUNCTION_BY_LENGTH:
        for word in sorted(FUNCTION_WORDS):
            _FUNCTION_BY_LENGTH.setdefault(len(word), []).append(word)
    sizes = range(length - spread, length + spread + 1)
    return [word for size in sizes for word in _FUNCTION_BY_LENGTH.get(size, ())]

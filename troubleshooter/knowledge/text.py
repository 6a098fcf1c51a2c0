"""Text normalisation shared by the article index and the questions people type.

Czech users write with and without diacritics, inflect every noun (formulář, formuláře,
formulářem) and make typos. The index therefore stores *folded lemmas*: simplemma reduces
a word to its dictionary form in the article's language, then diacritics are stripped.
A question's words are mapped onto that vocabulary by :mod:`troubleshooter.knowledge.search`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from troubleshooter.i18n import Lang

_WORD = re.compile(r"\w+")
_E_MAIL = re.compile(r"\be-(?=mail)", re.IGNORECASE)

# Words that carry no meaning for finding an article (folded, both languages).
_STOPWORD_TEXT = """
a aby ale ani asi az bez by byl byla bylo byt co coz do i ja jak jake jaky je jeho jej jen jeste
ji jsem jsme jsou jste k kam kde kdy kdyz ke ktera ktere ktery kteri mam me mi mit mne mnou mu muj
my na nam nas nebo nej neni nez o od po pod pokud pro proc protoze pri s se si sve svuj ta tak take
tam tato te ted ten tento teto tim to tom tu ty u uz v ve vam vas vy z za ze zda ji jim mate muze
muzu mohu chci potrebuji potrebuju prosim dobry den dekuji ahoj pomoc pomozte poradte problem
dat davat dal dala musim musime musi mel mela melo udelat delat nejak vubec
the an and or of to in on at for from by with is are was were be been being it its this that
these those i me my we our you your he she they them do does did have has had not no can could
should would will how what why where when which who there here as if then so but about into
any some please hi hello thanks am need help want problem issue put
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def fold(text: str) -> str:
    """Lowercase and strip diacritics: ``Formuláře`` → ``formulare``."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def has_diacritics(word: str) -> bool:
    return fold(word) != word.lower()


def words(text: str) -> list[str]:
    """Lowercased word tokens; ``e-mail`` stays one word."""
    return [w for w in _WORD.findall(_E_MAIL.sub("e", text.lower())) if w != "_"]


@lru_cache(maxsize=65536)
def lemma(word: str, lang: Lang) -> str:
    """simplemma's dictionary form (its data ships in the wheel; nothing is downloaded)."""
    import simplemma  # a slow import and a large dictionary per language: only when needed

    return simplemma.lemmatize(word, lang=lang).lower()


@lru_cache(maxsize=65536)
def is_known(word: str, lang: Lang) -> bool:
    import simplemma

    return simplemma.is_known(word, lang)


# Case endings of Czech nouns, folded. Loanwords missing from simplemma's dictionary (web,
# spam, e-mail) still decline: "webu", "spamu", "emaily" are joined to the bare word.
CZECH_ENDINGS = ("u", "y", "e", "a", "i", "em", "um", "ou", "ech", "ami", "ovi", "ove")


def index_terms(text: str, lang: Lang, surface: dict[str, set[str]] | None = None,
                lemmas: set[str] | None = None, unknown: set[str] | None = None) -> list[str]:
    """Folded lemmas of ``text``, stopwords dropped.

    ``surface`` collects folded surface form → folded lemmas, the vocabulary map that lets
    an unaccented query word (``formulare``) find the lemma of ``formuláře``.
    """
    terms: list[str] = []
    for word in words(text):
        folded_word = fold(word)
        if folded_word in STOPWORDS:
            continue
        raw = lemma(word, lang) if not word.isdigit() else word
        term = fold(raw)
        if term in STOPWORDS:
            continue
        if lemmas is not None:
            lemmas.add(raw)
        if unknown is not None and raw == word and not word.isdigit() and not is_known(word, lang):
            unknown.add(term)
        terms.append(term)
        if surface is not None:
            surface.setdefault(folded_word, set()).add(term)
    return terms


def add_inflections(surface: dict[str, set[str]], lemmas: set[str], lang: Lang) -> None:
    """Every form simplemma's dictionary knows for the corpus' lemmas, folded, into ``surface``.

    Done once when the index is built (and cached), so a question with ``formulářem`` finds
    ``formulář`` without loading the (large) dictionaries in the asking process.
    """
    try:
        from simplemma.strategies.dictionaries import dictionary_factory

        # The factory simplemma.lemmatize already loaded the language into (no second decode).
        factory = getattr(dictionary_factory, "DEFAULT_DICTIONARY_FACTORY", None)
        dictionary = (factory or dictionary_factory.DefaultDictionaryFactory()).get_dictionary(lang)
    except (ImportError, AttributeError, ValueError):  # another simplemma layout: questions lemmatize
        return
    raw = getattr(dictionary, "_dict", None)  # simplemma 2: bytes -> bytes, 10x faster to scan
    if isinstance(raw, dict):
        wanted = {base.encode() for base in lemmas}
        pairs = ((form.decode(), base.decode()) for form, base in raw.items() if base in wanted)
    else:
        pairs = ((form, base) for form, base in dictionary.items() if base in lemmas)
    for form, base in pairs:
        surface.setdefault(fold(form), set()).add(fold(base))

"""Text normalisation shared by the article index and the questions people type.

Czech users write with and without diacritics, inflect every noun (formulář, formuláře,
formulářem) and make typos. The index therefore stores *folded lemmas*: simplemma reduces
a word to its dictionary form in the article's language, then diacritics are stripped.
A question's words are mapped onto that vocabulary by :mod:`troubleshooter.knowledge.search`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain

from troubleshooter.i18n import Lang
from troubleshooter.knowledge.function_words import FUNCTION_WORDS, SIGN_OFF, SIGNATURE_WORDS

_WORD = re.compile(r"\w+")
_E_MAIL = re.compile(r"\be-(?=mail)", re.IGNORECASE)


def fold(text: str) -> str:
    """Lowercase and strip diacritics: ``Formuláře`` → ``formulare``."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def has_diacritics(word: str) -> bool:
    return fold(word) != word.lower()


def words(text: str) -> list[str]:
    """Lowercased word tokens; ``e-mail`` stays one word."""
    return [w for w in _WORD.findall(_E_MAIL.sub("e", text.lower())) if w != "_"]


# A host name or an e-mail address ("smtp.mojedomena.cz", "info@firma.cz"): one token, not its
# labels; "cz" and "com" say nothing about which article answers. A file name is not a host.
_HOST = re.compile(r"(?<![\w.@-])(?:[\w.+-]+@)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+([a-z]{2,})(?![\w-])",
                   re.IGNORECASE)
FILE_ENDINGS = frozenset({"php", "html", "htm", "js", "css", "txt", "log", "json", "yaml", "yml", "ini", "conf",
                          "cfg", "xml", "md", "py", "zip", "png", "jpg", "pdf", "exe", "aspx"})


def words_and_hosts(text: str) -> list[str]:
    """:func:`words`, but a host name or an e-mail address stays one lowercase token."""
    found: list[str] = []
    at = 0
    for host in _HOST.finditer(text):
        if host.group(1).lower() in FILE_ENDINGS:
            continue
        found += words(text[at:host.start()])
        found.append(host.group().lower())
        at = host.end()
    return found + words(text[at:])


def is_host(word: str) -> bool:
    return "." in word or "@" in word


def without_signature(text: str) -> str:
    """A question without its signature: up to its last closing word ("Děkuji", "Thanks")
    when no more than ``SIGNATURE_WORDS`` words follow it and two or more come before it."""
    tokens = list(_WORD.finditer(text))
    for number in range(len(tokens) - 1, max(len(tokens) - SIGNATURE_WORDS - 2, 1), -1):
        if fold(tokens[number].group()) in SIGN_OFF:
            return text[: tokens[number].start()].rstrip()
    return text


# simplemma's few wrong guesses that cost findability: "odesílatel" (sender) is not "odeslat".
LEMMA_FIXES: dict[tuple[str, Lang], str] = {("odesílatel", "cs"): "odesílatel"}


@lru_cache(maxsize=65536)
def lemma(word: str, lang: Lang) -> str:
    """simplemma's dictionary form (its data ships in the wheel; nothing is downloaded)."""
    fixed = LEMMA_FIXES.get((word, lang))
    if fixed:
        return fixed
    import simplemma  # a slow import and a large dictionary per language: only when needed

    return simplemma.lemmatize(word, lang=lang).lower()


@lru_cache(maxsize=65536)
def is_known(word: str, lang: Lang) -> bool:
    import simplemma

    return simplemma.is_known(word, lang)


# Case endings of Czech nouns, folded. Loanwords missing from simplemma's dictionary (web,
# spam, e-mail) still decline: "webu", "spamu", "emaily" are joined to the bare word; and an
# adjective made of such a noun ("gmailovou adresu", "wedosový") is the noun.
CZECH_ENDINGS = ("u", "y", "e", "a", "i", "em", "um", "ou", "ech", "ami", "ovi", "ove",
                 "ovy", "ova", "ovou", "oveho", "ovemu", "ovem", "ovym", "ovych", "ovymi")
# A verb's first person and the endings of its infinitive ("zapínám" → "zapínat", "nastavuju" →
# "nastavovat", "přepnu" → "přepnout"), for a form the dictionary does not list.
CZECH_PERSON_ENDINGS = (("uju", ("ovat",)), ("uji", ("ovat",)), ("ujeme", ("ovat",)), ("am", ("at",)),
                        ("ame", ("at",)), ("im", ("it", "et")), ("ime", ("it", "et")), ("nu", ("nout",)),
                        ("neme", ("nout",)))



def spoken_czech(folded: str) -> list[str]:
    """The written forms of a spoken-Czech word (folded): "-ej" for "-ý" ("spravnej", "novej")
    and "ej" for "ý" in a stem ("bejt")."""
    if "ej" not in folded[1:] or len(folded) < 4:
        return []
    forms = [folded[:-2] + "y"] if folded.endswith("ej") else []
    inner = folded.replace("ej", "y", 1)
    return forms + [inner] if inner not in forms else forms

# Readers' shorthand for a word the articles spell out ("which pw?", "gmail app pwd"): read as
# that word in questions and in the readers' questions the index holds alike.
SHORTHAND = {"pw": "password", "pwd": "password", "passwd": "password", "pword": "password",
             # spoken Czech "nebere" (does not take) is the articles' "nepřijímá" (does not accept)
             **dict.fromkeys(["nebere", "neberou", "nebral", "nebrala", "nebralo", "nebrali"], "neprijima"),
             **dict.fromkeys(["bere", "berou"], "prijima")}


def lemma_sequence(text: str, lang: Lang, surface: dict[str, set[str]] | None = None,
                   lemmas: set[str] | None = None, unknown: set[str] | None = None) -> list[tuple[str, bool]]:
    """Every word of ``text`` as (folded lemma, is a content word); function words keep their
    folded form, so a phrase such as "from address" can still be found in the sequence.

    ``surface`` collects folded surface form → folded lemmas, the vocabulary map that lets
    an unaccented query word (``formulare``) find the lemma of ``formuláře``.
    """
    sequence: list[tuple[str, bool]] = []
    for word in words(text):
        folded_word = fold(word)
        if folded_word in FUNCTION_WORDS:
            sequence.append((folded_word, False))
            continue
        raw = SHORTHAND.get(folded_word) or (lemma(word, lang) if not word.isdigit() else word)
        term = fold(raw)
        if term in FUNCTION_WORDS:
            sequence.append((term, False))
            continue
        if lemmas is not None:
            lemmas.add(raw)
        if unknown is not None and raw == word and not word.isdigit() and not is_known(word, lang):
            unknown.add(term)
        sequence.append((term, True))
        if surface is not None:
            surface.setdefault(folded_word, set()).add(term)
    return sequence


def index_terms(text: str, lang: Lang, surface: dict[str, set[str]] | None = None,
                lemmas: set[str] | None = None, unknown: set[str] | None = None) -> list[str]:
    """Folded lemmas of ``text``, function words dropped."""
    return [term for term, content in lemma_sequence(text, lang, surface, lemmas, unknown) if content]


def _dictionary_items(lang: Lang) -> Iterable[tuple[bytes | str, bytes | str]]:
    """(form, lemma) pairs of simplemma's dictionary, as simplemma.lemmatize already loaded it
    (no second decode): bytes in simplemma 2, 10x faster to scan; none in another layout."""
    try:
        from simplemma.strategies.dictionaries import dictionary_factory

        factory = getattr(dictionary_factory, "DEFAULT_DICTIONARY_FACTORY", None)
        dictionary = (factory or dictionary_factory.DefaultDictionaryFactory()).get_dictionary(lang)
    except (ImportError, AttributeError, ValueError):
        return ()
    raw = getattr(dictionary, "_dict", None)
    return raw.items() if isinstance(raw, dict) else dictionary.items()


def _text(word: bytes | str) -> str:
    return word.decode() if isinstance(word, bytes) else word


def add_inflections(surface: dict[str, set[str]], lemmas: set[str], lang: Lang) -> None:
    """Every form simplemma's dictionary knows for the corpus' lemmas, folded, into ``surface``.

    Done once when the index is built (and cached), so a question with ``formulářem`` finds
    ``formulář`` without loading the (large) dictionaries in the asking process.
    """
    wanted: set[bytes | str] = {*lemmas, *(base.encode() for base in lemmas)}
    for form, base in _dictionary_items(lang):
        if base in wanted:
            surface.setdefault(fold(_text(form)), set()).add(fold(_text(base)))


SHORT_WORD = range(4, 6)  # lengths at which a typo and another word are one letter apart


def short_words(lang: Lang) -> set[str]:
    """The folded 4- and 5-letter words simplemma's dictionary knows ("bake", "pert", "heslo"),
    stored with the index: the typo rule for short words asks them, and the asking process
    never loads a dictionary."""
    longest = 2 * SHORT_WORD[-1]  # a letter is one or two bytes of UTF-8 in cs and en
    items = _dictionary_items(lang)
    candidates = {w for w in chain.from_iterable(items) if len(w) <= longest}
    return {fold(text) for w in candidates if len(text := _text(w)) in SHORT_WORD}

"""Words that say nothing about *which* article answers: Czech and English function words.

A question such as "Dobrý den, vlastně vůbec nevím, jaké heslo mám prosím dát" has two
words that point at an article (heslo, maybe dát); the rest are particles, fillers,
pronouns and auxiliaries. Left in, a lemmatiser maps some of them onto content words of
unrelated articles ("vlastně" → "vlastní", "nějaké" → "nějaký") and they outrank the
subject. They are dropped from questions and articles alike, matched on the folded surface
form (lowercase, no diacritics) before any lemmatising, so the unaccented spellings people
type are covered by the same entries.

Negations that are part of a word (nejde, nechodí) stay: they are content words here; a
negated auxiliary (nebyl, není) is as empty as the plain one ("server nebyl nalezen").
"""

from __future__ import annotations

# Each group is space-separated and already folded (no diacritics, lowercase: a test checks);
# grouped so a reviewer can see why a word is here. Not here on purpose, though they look
# like fillers: "jiný"/"other" (a different server answered), "znovu"/"again" (try again
# later), "off" (SMTP is off), "stale" (Czech "stále", but English stale passwords).
CZECH = {
    "particles and fillers": """
        vlastne vubec prosim proste treba asi uz jeste jen jenom taky take tez porad furt hned
        zrovna opravdu fakt fakticky teda tedy no jo nu ano tak pak potom ted nyni jiz snad mozna
        skoro uplne docela celkem hodne trochu nejak nejako nak jakoby prave sice vsak totiz
        stejne zase dokonce akorat hlavne zejmena normalne tady tam onde nekde nikde
        vzdycky vzdy nikdy obcas porad ihned rovnou spis spise radsi radeji vubec beztak stejne
        zrejme evidentne samozrejme jasne primo driv drive predtim moc presne pry urcite skutecne
        rozhodne doopravdy
    """,
    "greetings and politeness": """
        dobry dobre dobrou den vecer rano zdravim zdravime ahoj cau nazdar dekuji dekuju dekujeme
        diky dik predem pozdrav pozdravem vazeny vazena vazeni mily mila mili hezky hezke prosba
        prosime poprosit poprosim pomoc pomozte pomoct pomoci pomuzete poradte poradit poradite
        rada radu potreboval potrebovala potrebuji potrebuju potrebujeme potrebovat chtel chtela
        chteli chtit chci chceme chcete zeptat zeptal zeptala ptat ptam dotaz dotazem otazka
        otazku problem problemu problemem vim nevim nevime vedet prosbou prosbu prosbe obracim
        obracime obratit preji prejeme pekny pekne omlouvam omlouvame omluvte prominte rusim
    """,
    "pronouns": """
        ja me mi mne mnou ty te ti tebe tobe tebou on ona ono oni ony jej ho mu jemu jeho ji jim
        je jich nim nimi nich ni nej nemu my nas nam nami vy vas vam vami se si sebe sobe sebou
        muj moje moji mou meho memu mem mym mymi mych tvuj tvoje tvoji tvou tveho tvemu tvem tvym
        tvych svuj svoje svoji svou sveho svemu svem svym svymi svych sve nase naseho nasemu nasem
        nasim nasi nasich nasimi vase vaseho vasemu vasem vasim vasi vasich vasimi
        ten ta to toho tomu tom tim tech tem temi tu tou tento tato toto tyto tito tohoto tomuto
        tomto timto teto tuto touto techto temto temito tahle tenhle tohle tuhle tyhle tehle timhle
        techhle onen tamten ktery ktera ktere kteri kterou kterym kterych kterymi kteremu ktereho
        kterem jaky jaka jake jaci jakou jakym jakeho jakych jakymi jakemu jakem co coz ceho cemu
        cim kdo koho komu kym nejaky nejaka nejake nejakou nejakeho nejakym nejakych nejakymi
        nejaci nejakemu nejakem neco necoho neceho necemu necim nekdo nekoho nekomu nekym nic
        niceho nicem nikdo nikoho nijak zadny zadna zadne zadnou zadneho zadnemu zadnym zadnych
        vsechno vsechen vsechna vse vseho vsemu vsem vsim vsichni vsechny vsech vsemi kazdy kazda
        kazde kazdou kazdeho kazdemu kazdym sam sama samo sami samy
    """,
    "auxiliaries and modal verbs": """
        byt jsem jsi jsme jste jsou byl byla bylo byli byly bude budu budes budeme budete budou
        by bych bys bychom byste aby abych abys abychom abyste kdyby kdybych kdybychom mam mas ma
        mame mate maji mel mela melo meli mely mit muzu mohu muzes muze muzeme muzete mohou muzou
        mohl mohla mohli moci musim musis musi musime musite museji muset musel musela smim smi
        lze dat dam dame davat dal dala dali delat udelat udelal udelala chce sem stoji
        neni nejsou nejsem nebyl nebyla nebylo nebyli nebyly
    """,
    "prepositions and conjunctions": """
        a i ale ani nebo anebo ci ze aby kdyz pokud jestli jestlize zda zdali protoze proto takze
        ac nez jako jak kde kam kdy proc odkud kudy v ve na do z s k ke ku o od ode po pod pode
        pro pri bez mezi nad pred za u pres podle kvuli behem krom krome vedle skrz dle vcetne
    """,
}

ENGLISH = {
    "particles and fillers": """
        just really actually basically still also even only very quite anyway maybe perhaps
        already yet ever never simply somehow probably apparently honestly exactly
        certainly totally kind sort like well oh okay so too either neither rather now then
        there here always sometimes many much lot lots quick quickly seem seems seemed sure
        let lets else suppose supposed
    """,
    "greetings and politeness": """
        please hi hello hey thanks thank dear regards cheers sir madam morning afternoon
        evening help problem issue question wondering wonder good advance appreciate appreciated
        grateful sorry apologies apologise apologize kindly hope team folks guys pls plz
        advice advise
    """,
    "pronouns": """
        i me my mine myself we us our ours ourselves you your yours yourself he him his she her
        hers it its itself they them their theirs this that these those what which who whom
        whose whatever something anything everything nothing someone anyone everyone one ones
        all any some each every
    """,
    "auxiliaries and modal verbs": """
        is are was were be been being am do does did doing done have has had having can could
        should would will shall may might must don doesn didn isn aren wasn weren won wouldn
        couldn shouldn haven hasn hadn ll ve re get gets got getting need needs want wants
        put cant
        dont doesnt didnt isnt arent wasnt werent wont wouldnt couldnt shouldnt havent hasnt hadnt
        im ive youre weve theyre whats thats theres
    """,
    "prepositions and conjunctions": """
        a an the and or but if then so of to in on at for from by with about into onto as than
        how why where when while because though although whether not no nor via per up out through
        over after before during within across between
    """,
}


def _words(groups: dict[str, str]) -> frozenset[str]:
    return frozenset(word for text in groups.values() for word in text.split())


# Czech negates a verb with "ne-": a negated auxiliary ("nemůže", "nemáme", "nechce") is as
# empty as the plain one; that it negates still counts (see says_trouble). Not "nelze": Czech
# red messages start with it ("Nelze navázat spojení", "Nelze se připojit").
NEGATED: frozenset[str] = frozenset("ne" + w for w in CZECH["auxiliaries and modal verbs"].split()
                                    if not w.startswith("ne") and w != "lze")
FUNCTION_WORDS: frozenset[str] = _words(CZECH) | _words(ENGLISH) | NEGATED
# Greetings and politeness frame a message and are no part of the question at all: a title
# that repeats the question's words ("Co je SMTP") answers "Dobrý den, co je SMTP?" too.
POLITENESS: frozenset[str] = frozenset(
    word for groups in (CZECH, ENGLISH) for word in groups["greetings and politeness"].split())


# Light words: they frame a question ("what do I *put* in the *field*", "kam se *píše*")
# without saying which article answers it. Unlike function words they stay in the index
# and in questions, but a question's light word counts at ``LIGHT_WEIGHT`` of a content
# word. Folded lemmas (and the folded forms people type), both languages.
LIGHT = {
    "en": """
        know use find go goes type enter write fill choose select set mean say show look see work
        happen make try value thing way field box
    """,
    "cs": """
        vedet pouzit pouzivat najit najdu jit jde psat napsat pise zadat zadavat vyplnit vyplnovat
        patrit patri zvolit vybrat volit znamenat znamena ukazovat ukazuje fungovat funguje hodnota
        hodnoty vec pole policko kolonka kolonky kolonce kolonku okenko vyplnuje vyplnuji zadavam
    """,
}
LIGHT_WORDS: frozenset[str] = _words(LIGHT)

# A question with one of these asks what to fill into a field of the SMTP form ("co dát do
# kolonky odesílatel"): the articles that say what a field is answer it before a
# troubleshooting article that mentions the same word.
FILL_IN: frozenset[str] = _words({
    "en": "field fields box enter fill type write put",
    "cs": """
        pole poli policko policka policku kolonka kolonky kolonce kolonku okenko zadat zadavat zadavam
        zadam vyplnit vyplnuje vyplnuji vyplnovat vyplnim napsat psat pise dat
    """,
})
LIGHT_WEIGHT = 0.3


# Words that say something is wrong: a negation, a failure, a refusal, an SMTP reply code.
# An article whose title says so (the red-message articles, "Host not found") answers a
# question that says so too; a question without any ("which address should be the
# sender") asks what to do or enter, and a field's article answers it before the error
# article that shares its subject. Folded prefixes, both languages.
TROUBLE_WORDS: frozenset[str] = _words({
    "en": "not no nothing nowhere never t cannot cant dont doesnt didnt wont isnt ban big off",
    "cs": "neni nic nikde",
})
TROUBLE_PREFIXES: tuple[str, ...] = tuple(sorted(_words({
    "en": """
        error fail reject deni deny refus disabl block blacklist full larg timeout timed wrong mistake
        mismatch missing spam junk unreachable unavailable invalid stop stuck bounc broke
    """,
    "cs": """
        chyb selh odmit vypnut zakaz blok zablok pln velk vyprs spatn mezer prestal vratil vraci
        zasek rozbit cerven
    """,
})))
# Czech negates the verb itself (nechodí, nebere, nejde); these "ne…" words do not negate.
_NOT_NEGATION = ("nebo", "neco", "nejak", "nejake", "nejaky", "nekd", "nekol", "nez", "new", "next",
                 "need", "netw", "nejlep", "nejvic", "nejvet", "nejnov", "nejcast", "nejspis")


# Not knowing is no fault of the setup: "nevím, co napsat", "I don't know what goes where",
# "I'm not sure", "nerozumím té hlášce" ask what to do, as a question without them does.
UNSURE: frozenset[str] = _words({
    "cs": "nevim nevime nevite nevi nerozumim nerozumime netusim netusime nechapu nechapeme nejsem nejsme",
    "en": "know understand sure idea clue",
})
UNSURE_AFTER = 2  # an English negation this many words or fewer before "know", "sure" …


def says_trouble(folded_words: list[str]) -> bool:
    """Any word (folded, function words included) that says something is wrong."""
    return bool(trouble_words(folded_words))


def trouble_words(folded_words: list[str]) -> set[str]:
    """The words of :func:`says_trouble`."""
    return {word for number, word in enumerate(folded_words)
            if _is_trouble(word) and word not in UNSURE
            and UNSURE.isdisjoint(folded_words[number + 1:number + 1 + UNSURE_AFTER])}


def _is_trouble(word: str) -> bool:
    if word in TROUBLE_WORDS or word.startswith(TROUBLE_PREFIXES):
        return True
    if word.startswith("ne") and len(word) >= 5 and not word.startswith(_NOT_NEGATION):
        return True
    return word.isdigit() and len(word) == 3 and word[0] in "45" and word[1] in "012345"  # 421, 535, not 465


# "My website isn't on Mioweb", "web nemáme na Miowebu": a product named just after one of these
# is the one the question is *not* about (see search.rank).
DENYING: frozenset[str] = _words({
    "en": "not isn isnt aren arent don dont doesn doesnt no never",
    "cs": "nemame nemam neni nejsme nejsem nepouzivame nepouzivam nemaji nebezi",
})
DENIED_SPAN = 3  # words after the denying word


# A support e-mail ends with a closing and a name ("Děkuji, Jana Nováková", "Thanks in
# advance, John"): what follows the last closing word, when it is a few words only, is a
# signature, and a name in it must not match an example address in an article.
SIGN_OFF: frozenset[str] = _words({
    "cs": "dekuji dekuju dekujeme dekujem diky dik pozdravem zdravim",
    "en": "thanks thank thx regards cheers sincerely best",
})
SIGNATURE_WORDS = 4  # at most this many words after the closing word: a signature

"""The knowledge base and the red-message explainer, as the app uses them.

UI-free; imported on first use, off the first screen's path (they cost start-up time).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from msgspec import Struct

from troubleshooter.i18n import LANGS, Lang
from troubleshooter.safe_text import visible_line

ARTICLES_FORMAT = "1"  # bump when the cached shape changes


class Link(Struct, frozen=True):
    """Where an article link leads: ``article``, ``node`` (flow jump), ``web`` or ``unknown``."""

    kind: str
    target: str


def route_link(href: str) -> Link:
    """Our link policy (the Markdown widget never navigates on its own)."""
    from troubleshooter.knowledge.render import resolve_link

    resolved = resolve_link(href.strip())
    return Link({"kb": "article", "flow": "node"}.get(resolved.kind, resolved.kind), resolved.target)


class Articles:
    """The articles the pane shows: ``(id, lang) -> (title, Markdown body)``.

    Loaded in a worker thread after the first screen. Parsing every article's front matter
    (and importing PyYAML for it) costs more than the whole first screen, so the set is kept
    as JSON in :mod:`troubleshooter.cache`, keyed by the exact bytes of every article file:
    a warm start reads one JSON file; any edit, addition or removal re-parses.
    """

    def __init__(self, kb_dir: str | None) -> None:
        self.kb_dir = kb_dir
        self._store: dict[tuple[str, str], tuple[str, str]] | None = None

    def load(self) -> None:
        from troubleshooter import cache
        from troubleshooter.content import kb_dir

        folder = Path(kb_dir(self.kb_dir))
        files = sorted(folder.glob("*.md")) if folder.is_dir() else []
        digest = zlib.crc32(str(folder.resolve()).encode())
        for path in files:
            digest = zlib.crc32(path.name.encode() + b"\0" + path.read_bytes(), digest)
        key = f"{ARTICLES_FORMAT}-{digest:08x}-{len(files):x}"
        stored = cache.read_cached("app-articles", key)
        if isinstance(stored, list):
            self._store = {(a[0], a[1]): (a[2], a[3]) for a in stored}
            return
        from troubleshooter.knowledge.articles import load_articles

        loaded = load_articles(folder)
        self._store = {(a.id, a.lang): (a.title, a.body) for a in loaded}
        cache.store_cached("app-articles", key, [[i, lang, t, b] for (i, lang), (t, b) in self._store.items()])

    def reload(self) -> None:
        self._store = None
        self.load()

    def get(self, article_id: str, lang: Lang) -> tuple[str, str] | None:
        """(title, Markdown body) of an article in ``lang``, else in the other language."""
        if self._store is None:
            try:
                self.load()
            except Exception:
                return None
        if self._store is None:
            return None
        for code in (lang, *LANGS):
            found = self._store.get((article_id, code))
            if found is not None:
                title, body = found
                first, _, rest = body.lstrip("\n").partition("\n")
                if first.strip() == f"# {title}":  # the pane's title bar already says it
                    body = rest.lstrip("\n")
                return title, body
        return None


class Reply(Struct):
    """What the question box answers: text, and the links to offer as buttons (label, link)."""

    lines: list[str]
    actions: list[tuple[str, Link]]
    found: list[str] = []  # the articles it points to, best first (for the usage record)
    confident: bool = False


def answer(question: str, lang: Lang, kb: str | None, context: Any = None) -> Reply:
    """A pasted red message gets its explanation and a jump to its node; anything else the
    knowledge base's best answers (the search module asks the explainer itself).
    ``context`` (knowledge.search.SearchContext: the current node, the provider) breaks ties."""
    from troubleshooter.limits import cut_note, cut_paste

    question, cut = cut_paste(question)
    reply = _answer(question, lang, kb, context)
    return Reply([cut_note(lang), *reply.lines], reply.actions, reply.found, reply.confident) if cut else reply


def search_context(session: Any) -> Any:
    """What the conversation tells the question box: where it is, and the provider if known."""
    from troubleshooter.knowledge.search import context_from

    if session is None:
        return None
    return context_from(f"{session.current.flow}:{session.current.node}", dict(session.values))


def _answer(question: str, lang: Lang, kb: str | None, context: Any = None) -> Reply:
    from troubleshooter.content import kb_dir
    from troubleshooter.i18n import tr
    from troubleshooter.knowledge.search import ask

    if "\n" in question.strip():  # a pasted transcript, bounce or headers: read it all first
        explained = explain_reply(_explain(question), lang)
        if explained is not None:
            return explained

    result = ask(question, lang, kb_dir(kb), context=context)
    explained = explain_reply(getattr(result, "explanation", None), lang)
    if explained is not None:
        return explained
    offer = getattr(result, "offer_flow", None)
    if offer and not getattr(result, "confident", False):  # nothing fits: the walk-through, not a guess
        return Reply([tr("ask.nothing-fits", lang)], [(tr("ask.start-flow", lang), Link("node", str(offer)))])
    matches = list(getattr(result, "matches", []) or [])
    if not matches:
        return Reply([tr("ask.no-answer", lang)], [])
    if getattr(result, "close", False):  # two fit about equally: ask which, jump nowhere
        return Reply([tr("ask.did-you-mean", lang)],
                     [(tr("ask.open-article", lang, title=m.title), Link("article", str(m.article_id)))
                      for m in matches[:2]])
    best = matches[0]
    lines = [] if getattr(result, "confident", False) else [tr("ask.maybe", lang)]
    lines.append(f"{best.title}: {best.answer}")
    actions = [(tr("ask.open-article", lang, title=m.title), Link("article", str(m.article_id)))
               for m in matches[:3]]
    node = getattr(best, "node", None) or getattr(result, "offer_flow", None)
    if node:
        actions.append((tr("ask.jump", lang, node=node), Link("node", str(node))))
    found = [str(m.article_id) for m in matches]
    return Reply(lines, actions, found, bool(getattr(result, "confident", False)))


def _explain(message: str) -> Any:
    from troubleshooter.explain import explain

    found = explain(message)
    if found is None or getattr(found, "outcome", None) in (None, "unknown"):
        return None
    return found


def explain_reply(found: Any, lang: Lang) -> Reply | None:
    """The explanation of a red message: what it means, what to do, where to continue."""
    if found is None or not getattr(found, "outcome", None):
        return None
    from troubleshooter.i18n import tr
    from troubleshooter.probes.catalog import describe

    info = describe(found.outcome)
    lines = [tr("ask.explained", lang, title=info.title.get(lang)), info.cause.get(lang),
             info.advice.get(lang)]
    evidence = getattr(found, "evidence", None)
    if evidence:
        lines.insert(1, f"» {visible_line(' · '.join(map(str, evidence)))}")  # quoted from a paste
    if getattr(found, "kind", "message") != "message" or getattr(found, "candidates", None) \
            or getattr(found, "cut", False):
        from troubleshooter.explain.render import fact_lines

        lines += [visible_line(line) for line in fact_lines(found, lang)]
    actions: list[tuple[str, Link]] = []
    node = getattr(found, "node", None) or info.node
    if node:
        actions.append((tr("ask.jump", lang, node=node), Link("node", str(node))))
    article = getattr(found, "article", None) or info.article
    if article:
        from troubleshooter.knowledge.render import article_title

        title = article_title(str(article), lang) or str(article)
        actions.append((tr("ask.open-article", lang, title=title), Link("article", str(article))))
    return Reply(lines, actions, [str(article)] if article else [], True)

"""The articles checked against the flows: both languages of each, every ``kb:``/``flow:``
link and every ``related`` node. Part of lint; reading the articles is
:mod:`troubleshooter.knowledge.articles`' job."""

from __future__ import annotations

import os

from troubleshooter.diagnostics import Diagnostic
from troubleshooter.flow.model import FlowSet
from troubleshooter.i18n import LANGS
from troubleshooter.knowledge.articles import LINK, body_position, read_articles


def _flow_target(href: str, flows: FlowSet) -> bool:
    """``flow:smtp`` (a flow's start) or ``flow:smtp#node`` exists."""
    flow_id, _, node = href.partition("#")
    if flow_id not in flows:
        return False
    return not node or flows.resolve(node, flow_id) is not None


def lint_articles(kb_dir: str | os.PathLike[str], flows: FlowSet) -> list[Diagnostic]:
    """Front matter, both languages, every ``kb:``/``flow:`` link and ``related`` node."""
    articles, found, sources = read_articles(kb_dir)
    ids = set(articles.ids)
    for article_id in sorted(ids):
        present = [lang for lang in LANGS if articles.get(article_id, lang)]
        for lang in LANGS:
            if lang not in present:
                other = articles.get(article_id, present[0])
                assert other is not None
                found.append(Diagnostic(other.path, 1, 1, "error", "kb-missing-language",
                                        {"id": article_id, "lang": lang}))
    for article in articles:
        source = sources[article.path]
        assert source.meta is not None
        for i, target in enumerate(article.related):
            if not len(flows) or flows.resolve(target, flows.default_flow()) is None:
                pos = source.meta.where(("related", i))
                found.append(Diagnostic(article.path, pos.line, pos.col, "error", "kb-unknown-node",
                                        {"target": target}))
        for match in LINK.finditer(article.body):
            group = "href" if match["href"] else "auto"
            href = match[group]
            kind, _, target = href.partition(":")
            ok = (target.partition("#")[0] in ids) if kind == "kb" else _flow_target(target, flows)
            if not ok:
                line, col = body_position(article.body, match.start(group), source.body_line)
                found.append(Diagnostic(article.path, line, col, "error", "kb-broken-link", {"link": href}))
    return sorted(found, key=Diagnostic.sort_key)

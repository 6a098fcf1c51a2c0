"""The article pane: the current node's help article, beside the conversation or instead of it.

It shows what it is told (an article id and a language) and nothing else; the app decides
which article belongs to the node. Links are not followed here: the Markdown widget's
``LinkClicked`` bubbles up to the app, which routes it (article, flow node, web).
"""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from troubleshooter.i18n import Lang, tr
from troubleshooter.ui.app.services import Articles


class ArticlePane(VerticalScroll):
    """Title line plus the article's Markdown; the Markdown widget (and markdown-it) is only
    mounted with the first article, after the first screen."""

    def __init__(self, articles: Articles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.articles = articles
        self.ready = False  # the articles are loaded (in a worker, after the first screen)
        self.article_id: str | None = None
        self._shown: tuple | None = None  # (article id, language, ready) last drawn
        self._update: asyncio.Future | None = None  # the last queued Markdown update

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")

    def show(self, article_id: str | None, lang: Lang, *, force: bool = False) -> None:
        """Show ``article_id`` in ``lang`` (the other language when it has no translation)."""
        key = (article_id, lang, self.ready)
        if not force and key == self._shown:
            return
        self._shown = key
        self.article_id = article_id
        title = self.query_one("#article-title", Static)
        if not article_id:
            title.update(tr("article.none", lang))
            self._queue_markdown("")
        elif not self.articles.available:
            title.update(tr("article.unavailable", lang))
            self._queue_markdown("")
        elif not self.ready:
            title.update(tr("app.loading", lang))
        elif (found := self.articles.get(article_id, lang)) is None:
            title.update(tr("article.missing", lang, article=article_id))
            self._queue_markdown("")
        else:
            title.update(found[0])
            self._queue_markdown(found[1])
            self.scroll_home(animate=False)

    def articles_loaded(self, lang: Lang) -> None:
        """The articles are in: the article waiting for them is shown."""
        self.ready = True
        self.show(self.article_id, lang, force=True)

    def forget(self) -> None:
        """Draw the next :meth:`show` even if it names the same article (texts were reloaded)."""
        self._shown = None
        self.article_id = None

    def _queue_markdown(self, body: str) -> None:
        """Updates apply in order, each after the previous one has rendered (:meth:`settled`)."""
        self._update = asyncio.ensure_future(self._put_markdown(body, self._update))

    async def _put_markdown(self, body: str, previous: asyncio.Future | None) -> None:
        if previous is not None:
            await previous
        found = self.query("#article-md")
        if found:
            markdown = found.first()
        elif not body:
            return
        else:
            from textual.widgets import Markdown

            markdown = Markdown(open_links=False, id="article-md")
            await self.mount(markdown)
        await markdown.update(body)

    async def settled(self) -> None:
        """Wait until the pane has finished rendering (tests, snapshots)."""
        if self._update is not None:
            await self._update

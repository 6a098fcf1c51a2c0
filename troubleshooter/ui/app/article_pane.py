"""The article pane: the current node's help article, beside the conversation or instead of it.

It shows what it is told (an article id and a language) and nothing else; the screen decides
which article belongs to the node. Links are not followed here: the Markdown widget's
``LinkClicked`` bubbles up to the screen, which routes it (article, flow node, web).
"""

from __future__ import annotations

import asyncio

from msgspec import Struct
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from troubleshooter.i18n import Lang, tr
from troubleshooter.ui.app.messages import Follow
from troubleshooter.ui.app.services import Articles, route_link


class Shown(Struct, frozen=True):
    """Which article the pane shows, in which language."""

    article_id: str | None
    lang: Lang


class ArticlePane(VerticalScroll):
    """Title line plus the article's Markdown; the Markdown widget (and markdown-it) is only
    mounted with the first article, after the first screen."""

    shown: reactive[Shown | None] = reactive(None, init=False)
    ready: reactive[bool] = reactive(False, init=False)  # the articles are loaded (in a worker)

    def __init__(self, articles: Articles, **kwargs) -> None:
        super().__init__(**kwargs)
        self.articles = articles
        self._update: asyncio.Future | None = None  # the last queued Markdown update

    @property
    def article_id(self) -> str | None:
        return self.shown.article_id if self.shown else None

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")

    def show(self, article_id: str | None, lang: Lang, *, force: bool = False) -> None:
        """Show ``article_id`` in ``lang`` (the other language when it has no translation);
        ``force``: draw it again even if it is the one shown."""
        if force:
            self.forget()
        self.shown = Shown(article_id, lang)

    def watch_shown(self) -> None:
        self._draw()

    def watch_ready(self) -> None:
        self._draw()

    @work(thread=True, exit_on_error=False, group="articles")
    def load_articles(self) -> None:
        """Read the articles off the main thread (with the Markdown widget's module)."""
        try:
            from textual.widgets import Markdown  # noqa: F401  (imported here, off the main thread)

            self.articles.load()
        finally:
            self.app.call_from_thread(self.set_ready)

    def set_ready(self) -> None:
        self.ready = True

    def on_markdown_link_clicked(self, event) -> None:  # Markdown.LinkClicked (imported lazily)
        event.stop()
        self.post_message(Follow(route_link(event.href)))

    def forget(self) -> None:
        """Draw the next :meth:`show` even if it names the same article (texts were reloaded)."""
        self.set_reactive(ArticlePane.shown, None)

    def _draw(self) -> None:
        if self.shown is None:
            return
        article_id, lang = self.shown.article_id, self.shown.lang
        title = self.query_one("#article-title", Static)
        if not article_id:
            title.update(tr("article.none", lang))
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

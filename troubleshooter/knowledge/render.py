"""Articles for people: plain text for the line conversation, rich Markdown for ``ask``.

Links stay ours to handle: :func:`resolve_link` tells a caller whether a link opens an
article (``kb:``), starts a flow (``flow:``) or is a web address; in text output each link
shows its target, since a terminal cannot follow ``kb:`` links by itself.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from troubleshooter.i18n import LANGS, Lang, tr

if TYPE_CHECKING:  # rich is imported only when asked to render with it
    from troubleshooter.knowledge.search import AskResult

LinkKind = Literal["kb", "flow", "web"]
_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<href>[^)\s]+)\)")


@dataclass(frozen=True, slots=True)
class LinkTarget:
    kind: LinkKind
    target: str  # article id, "flow:node" for Session.jump, or the web address


def resolve_link(href: str) -> LinkTarget:
    """``kb:id`` → article; ``flow:smtp#node`` → ``smtp:node`` (``flow:smtp`` → ``smtp``); else web."""
    if href.startswith("kb:"):
        return LinkTarget("kb", href[3:].partition("#")[0])
    if href.startswith("flow:"):
        flow, _, node = href[5:].partition("#")
        return LinkTarget("flow", f"{flow}:{node}" if node else flow)
    return LinkTarget("web", href)


def _link_label(target: LinkTarget, lang: Lang) -> str:
    if target.kind == "kb":
        return f"{tr('kb.render-link-article', lang)} {target.target}"
    if target.kind == "flow":
        return f"{tr('kb.render-link-flow', lang)} {target.target}"
    return target.target


def _read(article_id: str, lang: Lang, kb_dir: str | os.PathLike[str] | None):
    """One article file (the asked language first), without loading the whole KB."""
    from troubleshooter.content import display_path
    from troubleshooter.content import kb_dir as default_kb_dir
    from troubleshooter.knowledge.articles import read_article

    folder = default_kb_dir(kb_dir)
    for code in (lang, *[c for c in LANGS if c != lang]):
        path = Path(folder) / f"{article_id}.{code}.md"
        if path.is_file():
            return read_article(path, display_path(path), [])
    return None


def article_title(article_id: str, lang: Lang, kb_dir: str | os.PathLike[str] | None = None) -> str | None:
    """An article's title in ``lang`` (what a person is offered instead of its id)."""
    article = _read(article_id, lang, kb_dir)
    return article.title if article is not None else None


def article_for_terminal(article_id: str, lang: Lang,
                         kb_dir: str | os.PathLike[str] | None = None) -> str | None:
    """Plain text: title underlined, markup stripped, each link followed by its target."""
    article = _read(article_id, lang, kb_dir)
    if article is None:
        return None
    lines = [article.title, "=" * len(article.title), ""]
    for raw in article.body.strip("\n").split("\n"):
        line = raw
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            text = heading[2].strip()
            if text == article.title and heading[1] == "#":
                continue  # the title is already on top
            line = f"{text}\n{'-' * len(text)}"

        def link(match: re.Match[str]) -> str:
            target = resolve_link(match["href"])
            label = match["text"]
            return label if label == target.target else f"{label} ({_link_label(target, lang)})"

        line = _LINK.sub(link, line)
        line = re.sub(r"(\*\*|__|`)", "", line)
        lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines).replace("\n\n\n", "\n\n")


def article_markdown(article_id: str, lang: Lang, kb_dir: str | os.PathLike[str] | None = None) -> str | None:
    """Markdown for rich: front matter gone, our links annotated with where they lead."""
    article = _read(article_id, lang, kb_dir)
    if article is None:
        return None

    def link(match: re.Match[str]) -> str:
        target = resolve_link(match["href"])
        if target.kind == "web":
            return match[0] if match["text"] == target.target else f"{match[0]} ({target.target})"
        return f"**{match['text']}** (`{_link_label(target, lang)}`)"

    body = _LINK.sub(link, article.body.strip("\n"))
    if not body.lstrip().startswith("# "):
        body = f"# {article.title}\n\n{body}"
    return body


def print_ask(result: AskResult, lang: Lang, *, full: bool = False,
              kb_dir: str | os.PathLike[str] | None = None, file=None, ids: bool = True) -> None:
    """``troubleshooter ask`` output with rich: answers, their start node, or the offer of the flow.
    ``ids=False`` (the conversation's question box) leaves out article and node ids: the
    conversation offers the jump itself, by the step's title."""
    import sys

    from rich.console import Console
    from rich.padding import Padding

    # rich's own styling must reach the terminal: past the boundary stream that escapes control
    # characters (what it prints comes from articles, made visible when they were read)
    out = file or sys.stdout
    console = Console(file=getattr(out, "wrapped", out), highlight=False, soft_wrap=False)
    explanation = result.explanation
    if explanation is not None:
        console.print(f"[bold]{tr('kb.ask-explained', lang)}[/bold]")
    if result.close:
        console.print(f"[bold]{tr('kb.ask-did-you-mean', lang)}[/bold]")
    elif not result.confident:
        console.print(tr("kb.ask-no-match", lang))
        if result.matches:
            console.print()
            console.print(tr("kb.ask-maybe", lang))
    else:
        console.print(f"[bold]{tr('kb.ask-heading', lang)}[/bold]")
    for number, match in enumerate(result.matches, 1):
        console.print()
        source = f"  [dim]({match.article_id})[/dim]" if ids else ""
        console.print(f"[bold]{number}. {match.title}[/bold]{source}")
        console.print(Padding(match.answer, (0, 0, 0, 3), expand=False))
        if match.node and ids:
            start = tr("kb.ask-start-at", lang, node=match.node)
            console.print(Padding(f"[dim]{start}[/dim]", (0, 0, 0, 3), expand=False))
    if full and result.confident and result.matches:
        markdown = article_markdown(result.matches[0].article_id, lang, kb_dir)
        if markdown:
            from rich.markdown import Markdown  # markdown-it and friends: only for --full

            console.print()
            console.print(Markdown(markdown, hyperlinks=False))

"""Help articles: ``kb/<id>.<lang>.md`` files with YAML front matter, loaded with their findings.

Front matter goes through :mod:`troubleshooter.yamlio` (the one YAML loader), so a bad
article gets the same file:line:col findings as a bad flow. The body is Markdown with
``kb:<id>`` links to other articles and ``flow:<flow>#<node>`` links into the flows (checked
against the flows by :mod:`troubleshooter.flow.lint_articles`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from troubleshooter import yamlio
from troubleshooter.diagnostics import Diagnostic
from troubleshooter.i18n import LANGS, Lang
from troubleshooter.safe_text import control_characters, visible, visible_line

FILE_NAME = re.compile(r"^(?P<id>[a-z0-9][a-z0-9._-]*?)\.(?P<lang>[a-z]{2})\.md$")
FIELDS = ("title", "summary", "keywords", "related")
REQUIRED = ("title", "summary")
# [text](kb:id) / [text](flow:smtp#node) / <kb:id>; group "href" is the target.
LINK = re.compile(r"\]\((?P<href>(?:kb|flow):[^)\s]*)\)|<(?P<auto>(?:kb|flow):[^>\s]+)>")


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    lang: Lang
    title: str
    summary: str
    keywords: tuple[str, ...]
    related: tuple[str, ...]
    body: str
    path: str

    @property
    def node(self) -> str | None:
        """The flow node to start from: the first ``related`` entry."""
        return self.related[0] if self.related else None


@dataclass(slots=True)
class ArticleSet:
    articles: dict[tuple[str, str], Article] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return sorted({article_id for article_id, _ in self.articles})

    def get(self, article_id: str, lang: Lang) -> Article | None:
        return self.articles.get((article_id, lang))

    def best(self, article_id: str, lang: Lang) -> Article | None:
        """The article in ``lang``, else in the other language."""
        return self.get(article_id, lang) or next(
            (a for code in LANGS if (a := self.get(article_id, code))), None)

    def __iter__(self):
        return iter(self.articles.values())

    def __len__(self) -> int:
        return len(self.articles)


@dataclass(slots=True)
class ParsedArticle:
    meta: yamlio.YamlDocument | None
    body: str
    body_line: int  # 1-based line of the body's first line


def split_front_matter(text: str, path: str, found: list[Diagnostic]) -> ParsedArticle:
    """Separate ``---`` front matter from the body; YAML positions are file positions."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        found.append(Diagnostic(path, 1, 1, "error", "kb-no-front-matter"))
        return ParsedArticle(None, text, 1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if end is None:
        found.append(Diagnostic(path, 1, 1, "error", "kb-unclosed-front-matter"))
        return ParsedArticle(None, "", len(lines))
    body = "\n".join(lines[end + 1:])
    try:
        # A leading newline keeps line numbers equal to the file's.
        doc = yamlio.loads("\n" + "\n".join(lines[1:end]), path)
    except yamlio.YamlError as exc:
        found.append(Diagnostic(path, exc.line, exc.col, "error", exc.code, {"detail": exc.message}))
        return ParsedArticle(None, body, end + 2)
    return ParsedArticle(doc, body, end + 2)


def _text_list(doc: yamlio.YamlDocument, name: str, found: list[Diagnostic]) -> tuple[str, ...]:
    value = doc.data.get(name, [])
    pos = doc.where((name,))
    if value is None:
        return ()
    if not isinstance(value, list):
        found.append(Diagnostic(doc.path, pos.line, pos.col, "error", "kb-not-a-list", {"field": name}))
        return ()
    items: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            where = doc.where((name, i))
            found.append(Diagnostic(doc.path, where.line, where.col, "error", "not-a-string",
                                    {"field": f"{name}[{i}]"}))
            continue
        items.append(item.strip())
    return tuple(items)


def read_article(path: Path, shown: str, found: list[Diagnostic],
                 sources: dict[str, ParsedArticle] | None = None) -> Article | None:
    """One article file; findings go to ``found``, ``None`` when it cannot be used."""
    match = FILE_NAME.match(path.name)
    if not match or match["lang"] not in LANGS:
        found.append(Diagnostic(shown, 1, 1, "error", "kb-bad-filename", {"name": path.name}))
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        found.append(Diagnostic(shown, 1, 1, "error", "unreadable", {"detail": str(exc)}))
        return None
    parsed = split_front_matter(text, shown, found)
    if sources is not None:
        sources[shown] = parsed
    doc = parsed.meta
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        found.append(Diagnostic(shown, 2, 1, "error", "not-a-mapping", {"what": "front matter"}))
        return None
    before = len(found)
    for key in doc.data:
        if key not in FIELDS:
            pos = doc.where((key,), prefer_key=True)
            found.append(Diagnostic(shown, pos.line, pos.col, "error", "unknown-key",
                                    {"key": key, "allowed": ", ".join(FIELDS)}))
    for name in REQUIRED:
        if name not in doc.data:
            found.append(Diagnostic(shown, 2, 1, "error", "missing-field", {"field": name}))
        elif not isinstance(doc.data[name], str) or not doc.data[name].strip():
            pos = doc.where((name,))
            found.append(Diagnostic(shown, pos.line, pos.col, "error", "not-a-string", {"field": name}))
    keywords = _text_list(doc, "keywords", found)
    related = _text_list(doc, "related", found)
    if len(found) > before:
        return None
    _control_characters(doc, parsed, shown, found)
    # shown in terminals: escape codes and bidi overrides only as visible escapes
    return Article(match["id"], match["lang"], visible_line(doc.data["title"].strip()),
                   visible_line(doc.data["summary"].strip()), keywords, related, visible(parsed.body),
                   shown)


def body_position(text: str, offset: int, first_line: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in an article's body starting at ``first_line``."""
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    return first_line + line, col + 1


def _control_characters(doc: yamlio.YamlDocument, parsed: ParsedArticle, shown: str,
                        found: list[Diagnostic]) -> None:
    """A warning at the first control character of the title, summary and body (lint)."""
    places: list[tuple[int, int, str]] = []
    for name in ("title", "summary"):
        if chars := control_characters(doc.data[name]):
            pos = doc.where((name,))
            places.append((pos.line, pos.col, "".join(c for _, c in chars)))
    if chars := control_characters(parsed.body):
        line, col = body_position(parsed.body, chars[0][0], parsed.body_line)
        places.append((line, col, "".join(c for _, c in chars)))
    for line, col, chars in places:
        found.append(Diagnostic(shown, line, col, "error", "control-character",
                                {"chars": ", ".join(dict.fromkeys(visible_line(c) for c in chars))}))


def article_files(kb_dir: str | os.PathLike[str]) -> list[Path]:
    folder = Path(kb_dir)
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


def read_articles(kb_dir: str | os.PathLike[str],
                  ) -> tuple[ArticleSet, list[Diagnostic], dict[str, ParsedArticle]]:
    """Every readable article, the findings of the broken ones, and each file's parsed source
    (front matter with positions, body and where it starts) by the path messages show."""
    from troubleshooter.content import display_path

    found: list[Diagnostic] = []
    articles = ArticleSet()
    sources: dict[str, ParsedArticle] = {}
    for path in article_files(kb_dir):
        article = read_article(path, display_path(path), found, sources)
        if article is not None:
            articles.articles[(article.id, article.lang)] = article
    return articles, found, sources


def load_articles(kb_dir: str | os.PathLike[str] | None = None) -> ArticleSet:
    """Every readable article; broken files are skipped (lint reports them)."""
    from troubleshooter.content import kb_dir as default_kb_dir

    return read_articles(default_kb_dir(kb_dir))[0]

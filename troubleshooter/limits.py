"""How much input the program takes in one piece, and how it says it cut the rest.

A paste (question box, ``explain -``, plain mode's ``?``) is cut at :data:`PASTE_LIMIT` bytes
of UTF-8, never in the middle of a character, and the answer says so; stdin is read with a
bound, so ``yes | troubleshooter explain -`` ends instead of filling memory.

API (base layer):

- ``PASTE_LIMIT`` — 1_000_000 bytes of UTF-8.
- ``cut_paste(text, limit=PASTE_LIMIT) -> tuple[str, bool]`` — the text (cut) and whether it was.
- ``cut_note(lang) -> str`` — the sentence that says a paste was cut (cs/en, ``limits.paste-cut``).
- ``read_stdin(limit=PASTE_LIMIT, stream=None) -> tuple[str, bool]`` — at most ``limit`` bytes
  of a binary stream (default ``sys.stdin.buffer``), invalid UTF-8 replaced by U+FFFD.
- ``read_line(stream, limit=PASTE_LIMIT) -> tuple[str, bool]`` — one line of a text stream
  (``""`` at end), cut at ``limit`` characters; the rest of an over-long line is read and
  dropped in bounded chunks.
"""

from __future__ import annotations

import codecs
import sys
from typing import IO

PASTE_LIMIT = 1_000_000


def cut_paste(text: str, limit: int = PASTE_LIMIT) -> tuple[str, bool]:
    """At most ``limit`` bytes of UTF-8 of ``text``, whole characters only."""
    if len(text) * 4 <= limit:  # fast path: even all-4-byte characters fit
        return text, False
    head = text[:limit]  # a character is at least one byte: the cut lies within the first `limit`
    data = head.encode("utf-8", "surrogatepass")
    if len(data) <= limit and len(head) == len(text):
        return text, False
    decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")
    return decoder.decode(data[:limit], final=False), True


def cut_note(lang: str) -> str:
    from troubleshooter.i18n import tr

    return tr("limits.paste-cut", lang, limit=f"{PASTE_LIMIT // 1_000_000} MB")  # type: ignore[arg-type]


def read_stdin(limit: int = PASTE_LIMIT, stream: IO[bytes] | None = None) -> tuple[str, bool]:
    """At most ``limit`` bytes of stdin as text; whether there was more."""
    source = stream if stream is not None else sys.stdin.buffer
    data = source.read(limit + 1) or b""
    cut = len(data) > limit
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    return decoder.decode(data[:limit], final=not cut), cut


def read_line(stream: IO[str], limit: int = PASTE_LIMIT) -> tuple[str, bool]:
    """One line (with its newline, ``""`` at the end of input), at most ``limit`` characters."""
    line = stream.readline(limit + 1)
    if len(line) <= limit or line.endswith("\n"):
        return line, False
    while (rest := stream.readline(65536)) and not rest.endswith("\n"):
        pass
    return line[:limit] + "\n", True

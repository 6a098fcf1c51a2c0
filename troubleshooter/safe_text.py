"""Text from outside shown so it cannot steer the terminal or the reader's eye.

A server's banner, a DNS record, a pasted message or an article may hold escape sequences
(set the title, clear the screen, write the clipboard with OSC 52, plant OSC 8 links) or
bidirectional overrides that show text in another order than it is. Every such text goes
through :func:`visible` on its way to a screen or file; the characters stay readable as
escapes (``\\x1b`` for C0; ``\\u0085``, ``\\u202e`` for the rest, JSON's own form too), so
a help-desk agent still sees that they were there, and JSON output stays valid.

API (base layer, imports nothing of the project):

- ``visible(text, keep="\\n\\t") -> str`` — C0 controls (except those in ``keep``), DEL, C1
  (NEL included), bidi embeddings/overrides/isolates and marks, line/paragraph separators and
  lone surrogates written as escapes. ``keep=""`` for one-line fields.
- ``visible_line(text) -> str`` — the same with nothing kept (a single line, no tab or newline).
- ``dumps(data, indent=2) -> str`` — JSON whose text cannot steer a terminal (same data).
- ``control_characters(text, keep="\\n\\t") -> list[tuple[int, str]]`` — offset and character of
  each one :func:`visible` would escape (``lint`` reports them in content).
"""

from __future__ import annotations

import re
from functools import cache

# Bidi: ALM, LRM, RLM, LRE..RLO (embeddings, pop, overrides), LRI..PDI (isolates);
# U+2028/2029 break lines in some terminals and widgets.
_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_ALWAYS = "\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI_AND_SEPARATORS + "\ud800-\udfff"
_BREAKS = "\t\n"  # escaped unless kept


@cache
def _pattern() -> re.Pattern[str]:
    """One pattern for every ``keep``: a class this large takes a while to compile, so tabs and
    line breaks that are not kept are found with ``str`` methods instead."""
    return re.compile(f"[{_ALWAYS}]")


def _escape(match: re.Match[str]) -> str:
    """C0 as ``\\x1b``; the rest as ``\\u0085``, which is also JSON's own escape (C0 never reaches
    here inside JSON: the encoder escapes it), so JSON output stays valid and means the same."""
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def visible(text: str, keep: str = "\n\t") -> str:
    """``text`` with every control, bidi-control and separator character written as an escape."""
    shown = _pattern().sub(_escape, text)
    for char in _BREAKS:  # the escapes written above hold no tab or line break
        if char not in keep and char in shown:
            shown = shown.replace(char, f"\\x{ord(char):02x}")
    return shown


def visible_line(text: str) -> str:
    """One line: tabs and line breaks escaped too."""
    return visible(text, keep="")


def dumps(data: object, indent: int | None = 2) -> str:
    """JSON for a terminal or a file: readable non-ASCII text, but DEL, C1, bidi controls,
    separators and lone surrogates as JSON's own ``\\uXXXX`` escapes (C0 JSON escapes itself),
    so the data are the same and nothing in them can steer a terminal."""
    import json

    return visible(json.dumps(data, ensure_ascii=False, indent=indent))


def control_characters(text: str, keep: str = "\n\t") -> list[tuple[int, str]]:
    """Where :func:`visible` would change ``text``: (offset, character) of each."""
    found = [(m.start(), m[0]) for m in _pattern().finditer(text)]
    breaks = [(offset, char) for char in _BREAKS if char not in keep for offset in _offsets(text, char)]
    return sorted(found + breaks) if breaks else found


def _offsets(text: str, char: str) -> list[int]:
    offsets, at = [], text.find(char)
    while at >= 0:
        offsets.append(at)
        at = text.find(char, at + 1)
    return offsets

"""Enhanced status codes (``5.2.2``) in plain words, and whose problem they usually are.
Data: ``data/status_codes.yaml`` (RFC 3463, RFC 7372)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from troubleshooter.i18n import Text


@cache
def _table() -> tuple[dict[str, Text], dict[str, tuple[str, Text]]]:
    from troubleshooter import yamlio

    data = yamlio.load(Path(__file__).parent.parent / "data" / "status_codes.yaml",
                       "data/status_codes.yaml").data or {}
    classes = {str(k): Text(v["cs"], v["en"]) for k, v in data.get("class", {}).items()}
    codes = {str(k): (str(v.get("side", "unclear")), Text(v["cs"], v["en"]))
             for k, v in data.get("codes", {}).items()}
    return classes, codes


def _split(code: str) -> tuple[str, str]:
    head, _, rest = code.partition(".")
    return head, rest


def status_words(code: str) -> Text | None:
    """``5.2.2`` -> "The recipient's mailbox is full" (the detail, else its subject's ``X.0``)."""
    _, rest = _split(code)
    codes = _table()[1]
    known = codes.get(rest) or codes.get(rest.split(".")[0] + ".0")
    return known[1] if known else None


def status_class(code: str) -> Text | None:
    """Temporary (4) or permanent (5)."""
    return _table()[0].get(_split(code)[0])


def status_side(code: str) -> str:
    """sender, recipient or unclear; "" without a code."""
    if not code:
        return ""
    _, rest = _split(code)
    codes = _table()[1]
    known = codes.get(rest) or codes.get(rest.split(".")[0] + ".0")
    return known[0] if known else "unclear"

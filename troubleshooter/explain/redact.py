"""Take login data out of a pasted message before anything keeps it.

PHPMailer's debug output, which users paste when asked for "the red message", can hold the
login itself: ``AUTH PLAIN <base64 of user and password>`` or, after ``334`` prompts, the
username and password as lone base64 lines. The explanation never needs them.
"""

from __future__ import annotations

import re

# "AUTH PLAIN dXNlcgBwYXNz" / "AUTH LOGIN dXNlcg==" / "AUTH XOAUTH2 …": the mechanism stays
_AUTH_WITH_DATA = re.compile(
    r"(\bAUTH[ \t]+(?:PLAIN|LOGIN|CRAM-MD5|DIGEST-MD5|XOAUTH2|OAUTHBEARER|NTLM|GSSAPI))[ \t]+[^\s]+",
    re.IGNORECASE)
# a line (or a CLIENT -> SERVER: segment) that is nothing but a base64 token: an answer to 334
_CLIENT_TOKEN = re.compile(r"((?:CLIENT\s*->\s*SERVER|C)\s*:\s*)([A-Za-z0-9+/]{4,}={0,2})(?=\s|$)")
_REDACTED = "***"


def redact_credentials(text: str) -> str:
    """The text with AUTH data and base64 answers to ``334`` prompts replaced by ``***``."""
    text = _AUTH_WITH_DATA.sub(lambda m: f"{m[1]} {_REDACTED}", text)
    return _CLIENT_TOKEN.sub(lambda m: f"{m[1]}{_REDACTED}" if _is_token(m[2]) else m[0], text)


def _is_token(word: str) -> bool:
    """Base64 answers, not SMTP verbs (QUIT, DATA, RSET) or the like."""
    return not word.isalpha() or not word.isupper()

"""Find a secret in text whatever its spelling: as is, any case, JSON ``\\u`` escapes (whole or in
part, escaped once or twice), percent-encoded, HTML entities, base64 (standard or URL-safe, at
any alignment inside a longer blob), hex of its bytes.

The text is decoded rather than the secret encoded: every partial spelling (one escaped letter in
an otherwise plain secret) then reads as the secret itself.
"""

from __future__ import annotations

import base64
import html
import re
from urllib.parse import unquote

_ESCAPE = re.compile(r"\\+u([0-9a-fA-F]{4})")  # \u0065, also \\u0065 inside a JSON string in JSON
MAX_ROUNDS = 4


def decoded(text: str) -> str:
    """``text`` with JSON escapes, percent-encoding and HTML entities undone, until it settles."""
    for _ in range(MAX_ROUNDS):
        plain = html.unescape(unquote(_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)))
        if plain == text:
            break
        text = plain
    return text.casefold()


def encodings(secret: str) -> set[str]:
    """Base64 and hex spellings of ``secret`` that survive being embedded in a longer encoded blob."""
    raw = secret.encode()
    found = {raw.hex()}
    for shift in range(3):  # the secret's offset in the blob, modulo 3
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            blob = encode(b"\0" * shift + raw).decode()
            core = blob[(shift * 4 + 2) // 3 : len(blob) - 4].rstrip("=")  # the characters only the secret decides
            if len(core) >= 8:
                found.add(core)
    return found


def spelled_in(secret: str, text: str) -> str | None:
    """How ``secret`` appears in ``text`` ("plain" or "encoded"), or None."""
    if secret.casefold() in decoded(text):
        return "plain"
    if any(code in text for code in encodings(secret)):
        return "encoded"
    return None

"""Secrets out of everything the mock keeps or shows: headers, JSON bodies, raw text, query strings.

Masking happens when a request is recorded, so the journal never holds a credential, and long
strings (base64 images) are cut so a bounded journal is also bounded in bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MASK = "***"
MAX_STRING = 2048
SECRET_HEADERS = frozenset(
    ("x-access-token", "authorization", "proxy-authorization", "x-admin-token", "cookie", "x-tc-token")
)
# Field names compared without case, "-" or "_": accessToken, access_token, X-ACCESS-TOKEN are one.
SECRET_FIELDS = frozenset(
    (
        "accesskey",
        "signature",
        "secretkey",
        "secretid",
        "token",
        "accesstoken",
        "xaccesstoken",
        "authorization",
        "password",
        "admintoken",
        "xadmintoken",
    )
)
_JSON_PAIR = re.compile(r'("([A-Za-z0-9_-]+)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,{}\[\]\s]+)')  # string or scalar value
_FORM_PAIR = re.compile(r"(?<![A-Za-z0-9_-])(([A-Za-z0-9_-]+)=)([^&\s]*)")


def is_secret(name: str) -> bool:
    return name.lower().replace("-", "").replace("_", "") in SECRET_FIELDS


def mask_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """ASGI headers as a dict (repeats joined with ", "), secret ones masked."""
    found: dict[str, str] = {}
    for name_bytes, value_bytes in raw:
        name = name_bytes.decode("latin-1").lower()
        value = MASK if name in SECRET_HEADERS else value_bytes.decode("latin-1")
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def mask_value(value: Any) -> Any:
    """A masked copy of a parsed JSON value: secret fields (any depth) become "***"."""
    if isinstance(value, dict):
        return {k: MASK if is_secret(k) else mask_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, str) and len(value) > MAX_STRING:
        return f"{value[:MAX_STRING]}...({len(value)} characters)"
    return value


def mask_text(text: str) -> str:
    """Best effort for text that is not parsed JSON (a broken body, a query string)."""
    text = _JSON_PAIR.sub(lambda m: f'{m[1]}"{MASK}"' if is_secret(m[2]) else m[0], text)
    return _FORM_PAIR.sub(lambda m: f"{m[1]}{MASK}" if is_secret(m[2]) else m[0], text)

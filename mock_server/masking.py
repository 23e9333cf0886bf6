"""Secrets out of everything the mock keeps or shows: headers, JSON bodies, raw text, query strings.

Masking happens when a request is recorded, so the journal never holds a credential, and long
strings (base64 images) are cut so a bounded journal is also bounded in bytes.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

MASK = "***"
MAX_STRING = 2048
SECRET_HEADERS = frozenset(
    ("x-access-token", "authorization", "proxy-authorization", "x-admin-token", "cookie", "set-cookie", "x-tc-token")
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
# A key (escapes allowed: "signatur\u0065" is "signature") and a string value (also one cut short
# by the journal's body limit) or a scalar.
_JSON_PAIR = re.compile(r'("((?:[^"\\]|\\.){1,128})"\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^,{}\[\]\s]+)')
_FORM_PAIR = re.compile(r"(?<![A-Za-z0-9_%.-])(([A-Za-z0-9_%.-]+)=)([^&\s]*)")
MAX_DEPTH = 32  # of a value shown: deeper parts are summarized (nothing documented nests past 4)
MAX_ITEMS = 100  # of an array or object shown: the rest is counted


@functools.lru_cache(maxsize=4096)  # field names repeat from entry to entry: one lookup each
def is_secret(name: str) -> bool:
    return name.lower().replace("-", "").replace("_", "") in SECRET_FIELDS


def _is_secret_json_key(raw: str) -> bool:
    """A key as written in JSON text, escapes decoded first."""
    if "\\" in raw:
        try:
            raw = json.loads(f'"{raw}"')
        except ValueError:
            return True  # an undecodable key that might hide a secret: mask its value
    return is_secret(raw)


def _is_secret_form_key(raw: str) -> bool:
    return is_secret(unquote_plus(raw)) if "%" in raw or "+" in raw else is_secret(raw)


def mask_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """ASGI headers as a dict (repeats joined with ", "), secret ones masked."""
    found: dict[str, str] = {}
    for name_bytes, value_bytes in raw:
        name = name_bytes.decode("latin-1").lower()
        value = MASK if name in SECRET_HEADERS else value_bytes.decode("latin-1")
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def mask_value(value: Any, depth: int = 0, longest: int = MAX_STRING) -> Any:
    """A masked copy of a parsed JSON value: secret fields (any depth) become "***"; strings longer
    than ``longest``, arrays and objects are cut, parts deeper than MAX_DEPTH summarized."""
    return _copy(value, depth, True, longest)


def shrink(value: Any, depth: int = 0) -> Any:
    """A bounded copy (as ``mask_value`` cuts), secrets left for ``mask_value`` to mask when shown."""
    return _copy(value, depth, False, MAX_STRING)


def _copy(value: Any, depth: int, mask: bool, longest: int) -> Any:
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return f"...(an object nested deeper than {MAX_DEPTH})"
        kept = {
            k: MASK if mask and is_secret(k) else _copy(v, depth + 1, mask, longest)
            for k, v in itertools.islice(value.items(), MAX_ITEMS)
        }
        if len(value) > MAX_ITEMS:
            kept["..."] = f"({len(value) - MAX_ITEMS} more fields)"
        return kept
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            return f"...(an array nested deeper than {MAX_DEPTH})"
        items = [_copy(item, depth + 1, mask, longest) for item in value[:MAX_ITEMS]]
        return [*items, f"...({len(value) - MAX_ITEMS} more items)"] if len(value) > MAX_ITEMS else items
    if isinstance(value, str) and len(value) > longest:
        return f"{value[:longest]}...({len(value)} characters)"
    return value


def mask_text(text: str) -> str:
    """Best effort for text that is not parsed JSON (a broken body, a query string)."""
    text = _JSON_PAIR.sub(lambda m: f'{m[1]}"{MASK}"' if _is_secret_json_key(m[2]) else m[0], text)
    return _FORM_PAIR.sub(lambda m: f"{m[1]}{MASK}" if _is_secret_form_key(m[2]) else m[0], text)

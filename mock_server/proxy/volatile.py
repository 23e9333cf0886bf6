"""Values of a real answer that must not be kept or that change on every call, and their placeholders.

A recorded answer keeps its shape and every stable value (codes, messages, scores, enums) but not
ids, timestamps, signed URLs, tokens, base64 media, checksums or personal data: each is replaced
by a placeholder of the same JSON type, preferably the documented example's value at the same
place (so it validates against the response schema as the example does). Which values are
volatile is the drift report's rule list (``schemas/volatile.yaml``), plus what must never be
written at all: secrets, personal data, and base64 media under any name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..drift.volatile import is_placeholder, normalise
from ..masking import is_secret

# Personal data a liveness answer may carry one day (names compared without case, "-" or "_").
PERSONAL = frozenset(("name", "fullname", "idnumber", "birthday", "dateofbirth", "address", "phone", "email"))
_BASE64 = re.compile(r"^[A-Za-z0-9+/=_-]{200,}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
MEDIA_PLACEHOLDER = "recorded-media"
Path = tuple[str | int, ...]


def is_volatile(name: str | int, value: Any) -> bool:
    """Whether ``value`` under ``name`` is replaced when recorded (a null stays null: nothing to hide)."""
    if value is None or isinstance(value, bool | dict | list):
        return False
    if isinstance(name, str):
        if is_secret(name) or name.lower().replace("-", "").replace("_", "") in PERSONAL:
            return True
        return is_placeholder(normalise({name: value})[name]) or is_media_or_url(value)
    return is_placeholder(normalise([value])[0]) or is_media_or_url(value)


def is_media_or_url(value: Any) -> bool:
    return isinstance(value, str) and bool(_URL.match(value) or _BASE64.match(value))


def with_placeholders(body: Any, example: Any) -> tuple[Any, list[str]]:
    """``body`` with every volatile value replaced; the paths replaced (``data.transactionId``...)."""
    replaced: list[str] = []
    return _walk(body, example, (), replaced), replaced


def _walk(value: Any, example: Any, at: Path, replaced: list[str]) -> Any:
    if isinstance(value, dict):
        return {k: _one(k, v, _child(example, k), (*at, k), replaced) for k, v in value.items()}
    if isinstance(value, list):
        first = example[0] if isinstance(example, list) and example else None
        return [_one(i, v, first, (*at, i), replaced) for i, v in enumerate(value)]
    return value


def _one(name: str | int, value: Any, example: Any, at: Path, replaced: list[str]) -> Any:
    if not is_volatile(name, value):
        return _walk(value, example, at, replaced)
    replaced.append(".".join(map(str, at)))
    return placeholder(name, value, example)


def _child(example: Any, key: str) -> Any:
    return example.get(key) if isinstance(example, Mapping) else None


def placeholder(name: str | int, value: Any, example: Any) -> Any:
    """The example's value when it is of the same type and not itself volatile-looking media; else a
    fixed value of the same type (a 13-digit time for a time, a URL for a URL)."""
    if type(example) is type(value) and not (isinstance(example, str) and _BASE64.match(example)):
        return example
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return 1700000000000 if value > 10**11 else (1700000000 if value > 10**9 else 0)
    if isinstance(value, float):
        return 0.0
    text = str(value)
    if _URL.match(text):
        return f"https://recorded.invalid/{name}"
    if _BASE64.match(text):
        return MEDIA_PLACEHOLDER
    return f"recorded-{name}"

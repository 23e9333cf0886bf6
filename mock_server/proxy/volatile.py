"""Values of a real answer that must not be kept or that change on every call, and their placeholders.

A recorded answer keeps its shape and every stable value (codes, messages, scores, enums) but not
ids, timestamps, signed URLs, tokens, base64 media, checksums or personal data: each is replaced
by a placeholder of the same JSON type, preferably the documented example's value at the same
place (so it validates against the response schema as the example does).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..masking import is_secret

# Names compared without case, "-" or "_".
VOLATILE_NAMES = frozenset(
    (
        "transactionid", "requestid", "signatureid", "biztoken", "sdktoken", "livenessid", "token", "url",
        "imageurl", "videourl", "auditimageurl", "md5", "expiredtime", "timestamp", "image", "imagefar",
        "imagenear", "video", "bestframe", "bestframebase64", "videobase64", "name", "fullname", "idnumber",
        "birthday", "dateofbirth", "address", "phone", "phonenumber", "email",
    )
)  # fmt: skip
_TIME_SUFFIXES = ("time", "timestamp", "at")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=_-]{200,}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
MEDIA_PLACEHOLDER = "recorded-media"
Path = tuple[str | int, ...]


def _key(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def is_volatile(name: str | int, value: Any) -> bool:
    """Whether ``value`` under ``name`` is replaced when recorded (a null stays null: nothing to hide)."""
    if value is None or isinstance(value, bool | dict | list):
        return False
    if isinstance(name, int):
        return isinstance(value, str) and is_media_or_url(value)
    key = _key(name)
    if key in VOLATILE_NAMES or is_secret(name):
        return True
    if isinstance(value, int) and key.endswith(_TIME_SUFFIXES) and value > 10**9:
        return True
    return isinstance(value, str) and is_media_or_url(value)


def is_media_or_url(text: str) -> bool:
    return bool(_URL.match(text) or _BASE64.match(text))


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

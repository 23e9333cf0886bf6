"""API 3.0's flat parameters: a form body or query string read strictly, ``A.0.B`` names nested back
into the JSON a TC3 body carries, and string values given the types of the action's schema.

Signature v1 (and TC3 over GET) send every parameter as ``name=value``, URL-encoded; arrays and
objects are flattened (``Filters.0.Name=x``), numbers and booleans written as text. Bounds: at
most ``MAX_PARAMS`` parameters and ``MAX_SEGMENTS`` name segments, far beyond any real request,
so a hostile body cannot make the mock nest or loop without end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote_to_bytes

MAX_PARAMS = 1000
MAX_SEGMENTS = 32
_BROKEN_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


class MalformedParams(ValueError):
    """Not flat ``name=value`` parameters: a broken escape, bytes that are not UTF-8, no name,
    a name given twice (one value per name: arrays are ``Name.0``, ``Name.1``), a name that is
    both a value and a container, or too many of them."""


def parse_form(raw: bytes) -> dict[str, str]:
    """``a=1&b=x%20y`` -> {"a": "1", "b": "x y"} (application/x-www-form-urlencoded, UTF-8).

    ``+`` is a space and ``%XX`` a byte; ``a=`` and a bare ``a`` are ""; empty pieces (``&&``,
    a trailing ``&``) are skipped.
    """
    params: dict[str, str] = {}
    for piece in raw.split(b"&"):
        if not piece:
            continue
        name_part, _, value_part = piece.partition(b"=")
        name = _decode(name_part)
        if not name:
            raise MalformedParams("a parameter without a name")
        if name in params:
            raise MalformedParams(f"parameter {name!r} occurs more than once")
        if len(params) == MAX_PARAMS:
            raise MalformedParams(f"more than {MAX_PARAMS} parameters")
        params[name] = _decode(value_part)
    return params


def _decode(part: bytes) -> str:
    if b"%" in part and _BROKEN_ESCAPE.search(part):
        raise MalformedParams("a broken %-escape")
    try:
        return unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedParams("a parameter that is not UTF-8") from None


def unflatten(params: Mapping[str, str]) -> dict[str, Any]:
    """``{"Foo.0.Bar": "1", "Foo.1.Bar": "2", "X": "y"}`` -> ``{"Foo": [{"Bar": "1"}, {"Bar": "2"}], "X": "y"}``.

    A segment of digits after the first is an array index; indexes run 0..n-1 without gaps or
    leading zeros. Values stay strings (``coerce`` types them).
    """
    root: dict[Any, Any] = {}
    for name, value in params.items():
        segments = name.split(".")
        if len(segments) > MAX_SEGMENTS or "" in segments:
            raise MalformedParams(f"{name!r}: an empty segment or more than {MAX_SEGMENTS} segments")
        _insert(root, segments, value, name)
    return _finish(root)  # type: ignore[no-any-return]


_KIND = object()  # the key under which a container notes whether it collects array items or fields


def _insert(node: dict[Any, Any], segments: list[str], value: str, name: str) -> None:
    last = len(segments) - 1
    for depth, segment in enumerate(segments):
        key: str | int = segment
        if depth and segment.isascii() and segment.isdigit():
            if segment != "0" and segment.startswith("0"):
                raise MalformedParams(f"{name!r}: an array index with a leading zero")
            key = int(segment)
        kind = "array" if isinstance(key, int) else "object"
        if node.setdefault(_KIND, kind) != kind:
            raise MalformedParams(f"{name!r}: a container that is both an array and an object")
        if depth == last:
            if key in node:
                raise MalformedParams(f"{name!r} is both a value and a container")
            node[key] = value
            return
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise MalformedParams(f"{name!r} is both a value and a container")
        node = child


def _finish(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    kind = node.pop(_KIND, "object")
    if kind == "object":
        return {key: _finish(child) for key, child in node.items()}
    if sorted(node) != list(range(len(node))):
        raise MalformedParams("array indexes that do not run from 0 without gaps")
    return [_finish(node[index]) for index in range(len(node))]


def coerce(value: Any, schema: Mapping[str, Any]) -> Any:
    """Text typed by a JSON schema's ``type``, ``properties`` and ``items``.

    integer: ``"12"`` -> 12; number: ``"2.5"`` -> 2.5; boolean: exactly ``"true"`` / ``"false"``
    (what the SDKs write); string: unchanged. A value that does not fit is left as text so that
    validation answers it (InvalidParameter), as it would a JSON body of the wrong type.
    """
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if isinstance(value, str):
        if "string" in kinds or kind is None:
            return value
        if "integer" in kinds and _is_integer(value):
            return int(value)
        if "number" in kinds and _is_number(value):
            return int(value) if _is_integer(value) else float(value)
        if "boolean" in kinds and value in ("true", "false"):
            return value == "true"
        return value
    if isinstance(value, list) and "array" in kinds:
        items = schema.get("items", {})
        return [coerce(item, items) for item in value]
    if isinstance(value, dict) and ("object" in kinds or kind is None):
        properties = schema.get("properties", {})
        return {key: coerce(child, properties.get(key, {})) for key, child in value.items()}
    return value


_INTEGER = re.compile(r"-?[0-9]{1,30}")
_NUMBER = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,2})?")


def _is_integer(text: str) -> bool:
    return _INTEGER.fullmatch(text) is not None


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None

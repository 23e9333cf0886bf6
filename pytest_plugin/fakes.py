"""Realistic values (URLs, user ids, texts, locales) where a schema alone gives noise.

Faker fills small pools once, from a fixed seed, so examples stay reproducible and shrink towards
the first value of each pool. ``realistic(strategy, validator)`` overlays pool values on generated
requests by field name, keeping only overlays the schema still accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from faker import Faker
from hypothesis import strategies as st
from jsonschema.protocols import Validator

from .target import now_ms

POOL_SIZE = 32


def _url(fake: Faker) -> str:
    return f"https://{fake.domain_name()}/{fake.uri_path()}" + ("?isLivenessIframe=true" if fake.boolean() else "")


def _words(limit: int) -> Callable[[Faker], str]:
    return lambda fake: fake.sentence(nb_words=4)[:limit].rstrip()


_MAKERS: dict[str, Callable[[Faker], str]] = {
    "url": _url,
    "user": lambda fake: fake.user_name(),
    "biz": lambda fake: fake.bothify("biz-####-????"),
    "code": lambda fake: fake.bothify("??##").upper(),
    "locale": lambda fake: fake.locale().replace("_", "-"),
    "hex16": lambda fake: fake.hexify("^" * 16),
    "uuid": lambda fake: fake.uuid4(),
    "title": _words(40),
    "text": _words(90),
}


def kind_of(name: str) -> str | None:
    """Which pool a field draws from, by its name (None: the schema's own values)."""
    if name.endswith(("Url", "Link")):
        return "url"
    exact = {"userId": "user", "bizId": "biz", "bizCode": "code", "language": "locale", "locale": "locale"}
    exact |= {"signatureId": "hex16", "livenessId": "uuid"}
    if name in exact:
        return exact[name]
    if name.endswith(("Text", "title", "Title")):
        return "title"
    return "text" if name.endswith(("Desc", "desc")) else None


def pool(kind: str) -> st.SearchStrategy[str]:
    """Realistic values of one kind (``url``, ``user``, ``title``...), shrinking to the first."""
    return st.sampled_from(values(kind))


def realistic(base: st.SearchStrategy[dict[str, Any]], validator: Validator) -> st.SearchStrategy[dict[str, Any]]:
    """``base`` with its string fields swapped for realistic values where the schema allows."""
    return st.builds(_overlay, base, st.randoms(use_true_random=False), st.just(validator))


def _overlay(request: dict[str, Any], rnd: Any, validator: Validator) -> dict[str, Any]:
    candidate = _swap(request, rnd)
    return candidate if validator.is_valid(candidate) else request


def _swap(node: Mapping[str, Any], rnd: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in node.items():
        kind = kind_of(name)
        if isinstance(value, dict):
            out[name] = _swap(value, rnd)
        elif kind and isinstance(value, str) and value:
            out[name] = _draw(kind, rnd)
        elif name == "timestamp" and value is not None:
            out[name] = now_ms() if isinstance(value, int) else str(now_ms())
        else:
            out[name] = value
    return out


@cache
def values(kind: str) -> tuple[str, ...]:
    fake = Faker()
    fake.seed_instance(20261122)
    return tuple(_MAKERS[kind](fake) for _ in range(POOL_SIZE))


def _draw(kind: str, rnd: Any) -> str:
    return str(rnd.choice(values(kind)))

"""Lookup-style field predicates: the language scenarios and journal filters share."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.predicates import PredicateError, parse_predicate

PARAMS = {
    "userId": "mock-code-ERROR-7",
    "tryCount": 3,
    "page": {"tips": [{"text": "hello"}]},
    "flag": None,
}


@pytest.mark.parametrize(
    ("key", "expected", "matches"),
    [
        ("userId", "mock-code-ERROR-7", True),
        ("userId__eq", "other", False),
        ("tryCount", 3, True),
        ("tryCount", "3", True),  # query-string filters compare as text
        ("tryCount__ne", 4, True),
        ("missing__ne", 4, False),
        ("userId__startswith", "mock-code-", True),
        ("userId__endswith", "-7", True),
        ("userId__contains", "ERROR", True),
        ("tryCount__startswith", "3", False),  # text lookups never match numbers
        ("tryCount__in", [1, 2, 3], True),
        ("userId__in", ["a", "b"], False),
        ("flag__exists", False, True),
        ("missing__exists", False, True),
        ("userId__exists", True, True),
        ("page.tips.0.text", "hello", True),
        ("page.tips.1.text", "hello", False),
        ("page.tips.x.text", "hello", False),
        ("bizId|userId__startswith", "mock-", True),
        ("bizId|signatureId__startswith", "mock-", False),
    ],
)
def test_lookups(key: str, expected: Any, matches: bool) -> None:
    assert (parse_predicate(key, expected).match(PARAMS) is not None) is matches


def test_regex_hands_back_its_named_groups() -> None:
    predicate = parse_predicate("bizId|userId__regex", r"^mock-code-(?P<code>[A-Z_]+)(?:-|$)(?P<rest>x)?")
    assert predicate.match(PARAMS) == {"code": "ERROR"}
    assert predicate.fields == ("bizId", "userId")
    assert parse_predicate("userId__regex", "^nope").match(PARAMS) is None


@pytest.mark.parametrize(
    ("key", "expected", "message"),
    [
        ("userId__startwith", "x", "unknown lookup 'startwith'"),
        ("userId__regex", "(", "bad regular expression"),
        ("userId__regex", 3, "needs a string pattern"),
        ("userId__in", "a", "needs a list"),
        ("__eq", "a", "empty field name"),
        ("a..b", "a", "empty field name"),
    ],
)
def test_bad_predicates_say_why(key: str, expected: Any, message: str) -> None:
    with pytest.raises(PredicateError, match=message):
        parse_predicate(key, expected)

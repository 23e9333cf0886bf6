"""The journal's parts in isolation: masking, filters, near-miss distances, the bound."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.admin.endpoint import AdminError
from mock_server.clock import MockClock
from mock_server.journal.admin import entry_filter
from mock_server.journal.nearmiss import distance
from mock_server.journal.record import Entry, Journal
from mock_server.masking import MASK, mask_headers, mask_text, mask_value


def test_secret_headers_are_masked_and_repeats_joined() -> None:
    raw = [
        (b"X-ACCESS-TOKEN", b"t"),
        (b"Authorization", b"Bearer b"),
        (b"Accept", b"a"),
        (b"accept", b"b"),
        (b"X-Admin-Token", b"z"),
    ]
    assert mask_headers(raw) == {"x-access-token": MASK, "authorization": MASK, "accept": "a, b", "x-admin-token": MASK}


def test_secret_fields_are_masked_at_any_depth_and_long_strings_cut() -> None:
    body = {"accessKey": "k", "nested": [{"SecretKey": "s", "Token": "t"}], "image": "A" * 5000, "n": 1}
    masked = mask_value(body)
    assert masked["accessKey"] == masked["nested"][0]["SecretKey"] == masked["nested"][0]["Token"] == MASK
    assert masked["n"] == 1 and len(masked["image"]) < 2100 and masked["image"].endswith("(5000 characters)")
    assert body["accessKey"] == "k"  # a copy: the request itself is untouched


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            '{"accessKey": "abc", "signature":"d\\"ef", "timestamp": 1',
            '{"accessKey": "***", "signature":"***", "timestamp": 1',
        ),
        ('{"token": 12345, "x": 1}', '{"token": "***", "x": 1}'),
        ("livenessId=x&token=abc&accessKey=k", "livenessId=x&token=***&accessKey=***"),
        ("mytoken=abc", "mytoken=abc"),
    ],
)
def test_unparsed_text_is_masked_too(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def entry(n: int, **notes: Any) -> Entry:
    body = notes.pop("body", {"signatureId": f"s{n}"})
    return Entry(n, 1000 * n, notes.pop("method", "POST"), "/p", "", {}, body, notes, 200, 1.0)


def test_filters_combine() -> None:
    entries = [
        entry(1, endpoint="get_result", code="SUCCESS"),
        entry(2, endpoint="get_video", code="ERROR"),
        entry(3, body="raw"),
    ]
    pick = lambda **q: [e.id for e in entries if entry_filter(q)(e)]  # noqa: E731
    assert pick(endpoint="get_result,get_video") == [1, 2]
    assert pick(code="ERROR", since="2000") == [2]
    assert pick(after="1", status="200") == [2, 3]
    assert pick(**{"param.signatureId": "s2"}) == [2]
    assert pick(**{"param.signatureId__exists": "false"}) == []  # a text body has no fields to test
    with pytest.raises(AdminError, match="unknown filter 'nope'"):
        entry_filter({"nope": "1"})


def test_the_journal_keeps_the_newest_and_selects_newest_first() -> None:
    journal = Journal(3, MockClock(0))
    for n in range(5):
        journal.entries.append(entry(n))
    assert [e.id for e in journal] == [2, 3, 4]
    assert [e.id for e in journal.select(lambda e: True, limit=2)] == [4, 3]


@pytest.mark.parametrize(
    ("a", "b", "d"), [("", "", 0), ("abc", "", 3), ("get-reslt", "get-result", 1), ("kitten", "sitting", 3)]
)
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert distance(a, b) == distance(b, a) == d

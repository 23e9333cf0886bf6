"""The recorder's files: one per (endpoint, code), continued across runs, differences kept once;
and the header that lists differences stays a valid header whatever the vendor's field names."""

from __future__ import annotations

from pathlib import Path

import yaml

from mock_server.contract.conformance import Difference
from mock_server.proxy.forwarder import HEADER_LIMIT, header_value
from mock_server.proxy.recorder import Recorder

WHERE = {"upstream": "https://api.advance.ai", "host": "api.advance.ai", "method": "POST", "path": "/x"}
BODY = {"code": "NEW", "message": "m", "data": None, "extra": None, "transactionId": "1234567890abcdef"}
ADDED = Difference("field_added", "get_result", "/data/名前", "(absent)", "string")


def test_a_second_run_continues_the_count_and_keeps_each_difference_once(tmp_path: Path) -> None:
    headers = [
        ("content-type", "application/json"),
        ("retry-after", "10s"),
        ("set-cookie", "s=1"),
        ("x-request-id", "r"),
    ]
    for _ in range(2):  # two processes, one after the other
        recorder = Recorder(tmp_path, {})
        path = recorder.record({**WHERE, "endpoint": "get_result"}, 200, headers, BODY, "NEW", [ADDED])
        recorder.record({**WHERE, "endpoint": "get_result"}, 200, headers, BODY, "NEW", [ADDED])
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    info = document["recorded"]
    assert path.name == "recorded-get_result-NEW.yaml" and info["count"] == 4
    assert info["first_seen"] <= info["last_seen"]
    assert info["differences"] == [
        {"kind": "field_added", "where": "/data/名前", "expected": "(absent)", "actual": "string"}
    ]
    assert info["headers"] == {"Retry-After": "10s", "Content-Type": "application/json"}
    assert document["rules"][0]["respond"]["headers"] == {"Retry-After": "10s"}
    assert document["rules"][0]["respond"]["body"]["transactionId"] != "1234567890abcdef"


def test_the_header_is_ascii_and_bounded() -> None:
    value = header_value(["field_added /data/名前\r\nX-Injected: 1"])
    assert value.isascii() and "\r" not in value and "\n" not in value
    long = header_value([f"field_added /data/f{i}" for i in range(500)])
    assert len(long) <= HEADER_LIMIT + 60 and long.endswith("(500 in all: see /__admin/requests)")


def test_a_volatile_value_named_in_a_difference_is_not_written(tmp_path: Path) -> None:
    leaked = Difference("field_value", "get_token", "/data/token", "pattern ^eyJ", '"plain-secret-token"')
    path = Recorder(tmp_path, {}).record({**WHERE, "endpoint": "get_token"}, 200, [], BODY, "NEW", [leaked])
    assert "plain-secret-token" not in path.read_text(encoding="utf-8")

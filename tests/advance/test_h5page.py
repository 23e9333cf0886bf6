"""Where the H5 page goes after the check (redirect or postMessage), from the session's request."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.advance.h5page import next_step
from mock_server.store import Session


def session(kind: str, **request: Any) -> Session:
    return Session("s", "default", kind, 0, 1, "p", {"returnUrl": "https://a.example/ok", **request})


@pytest.mark.parametrize(
    ("kind", "request_fields", "success", "expected"),
    [
        ("h5", {}, True, ("redirect", "https://a.example/ok", "successNext")),
        ("h5", {}, False, ("redirect", "https://a.example/ok", "failedNext")),
        ("h5", {"failedReturnUrl": "https://a.example/ko"}, False, ("redirect", "https://a.example/ko", "failedNext")),
        (
            "h5",
            {"returnUrl": "https://a.example/ok?isLivenessIframe=true"},
            True,
            ("postMessage", "https://a.example/ok?isLivenessIframe=true", "successNext"),
        ),
        (
            "h5",
            {"failedReturnUrl": "https://a.example/ko?isLivenessIframe=true"},
            False,
            ("postMessage", "https://a.example/ko?isLivenessIframe=true", "failedNext"),
        ),
        ("idvs", {"failReturnUrl": "https://a.example/ko"}, False, ("redirect", "https://a.example/ko", "failedNext")),
        (
            "idvs",
            {"failReturnUrl": "https://a.example/ko", "ignoreFailWhenJump": True},
            False,
            ("redirect", "https://a.example/ok", "failedNext"),
        ),
        ("idvs", {"iframeEnabled": True}, True, ("postMessage", "https://a.example/ok", "successNext")),
        (
            "idvs",
            {"iframeEnabled": False, "failedReturnUrl": "https://a.example/ignored"},
            False,
            ("redirect", "https://a.example/ok", "failedNext"),
        ),
    ],
)
def test_next_step(kind: str, request_fields: dict[str, Any], success: bool, expected: tuple[str, str, str]) -> None:
    step = next_step(session(kind, **request_fields), success)
    assert (step["mode"], step["url"], step["message"]) == expected

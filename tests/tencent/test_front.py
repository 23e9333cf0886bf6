"""Finding the action (X-TC-Action on POST /), the protocol's misses, and the parameter codes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import Tencent, error_code

TENCENT_HOST = "faceid.tencentcloudapi.com"


def error_of(response: httpx.Response) -> str:
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    return str(response.json()["Response"]["Error"]["Code"])


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "MissingParameter"),
        ({"SdkToken": None}, "MissingParameter"),
        ({"SdkToken": 123}, "InvalidParameter"),
        ({"SdkToken": "x", "Extra": 1}, "UnknownParameter"),
    ],
)
def test_get_liveness_result_parameters(tencent: Tencent, params: dict[str, Any], code: str) -> None:
    assert error_code(lambda: tencent.common().call_json("GetLivenessResult", params)) == code


@pytest.mark.parametrize(("level", "code"), [("9", "InvalidParameterValue"), (4, "InvalidParameterValue")])
def test_apply_liveness_token_secure_level(tencent: Tencent, level: Any, code: str) -> None:
    assert error_code(lambda: tencent.common().call_json("ApplyLivenessToken", {"SecureLevel": level})) == code
    assert tencent.common().call_json("ApplyLivenessToken", {"SecureLevel": "1"})["Response"]["SdkToken"]


def test_an_unknown_action_is_invalid_action(tencent: Tencent) -> None:
    assert error_code(lambda: tencent.common().call_json("DetectAuth", {})) == "InvalidAction"


def test_another_version_is_no_such_version(tencent: Tencent) -> None:
    assert (
        error_code(lambda: tencent.common(version="2017-01-01").call_json("ApplyLivenessToken", {})) == "NoSuchVersion"
    )


@pytest.mark.parametrize("host", [TENCENT_HOST, "faceid.localhost:8080", "127.0.0.1", "api.advance.ai"])
def test_the_action_header_selects_tencent_on_any_host(http: httpx.Client, host: str) -> None:
    response = http.post("/", json={}, headers={"Host": host, "X-TC-Action": "GetLivenessResult"})
    assert error_of(response) == "MissingParameter"  # reached the action: its X-TC-Version is missing


def test_the_tencent_host_answers_misses_in_its_own_envelope(http: httpx.Client) -> None:
    host = {"Host": TENCENT_HOST}
    assert error_of(http.post("/", json={}, headers=host)) == "MissingParameter"  # no X-TC-Action
    assert error_of(http.post("/", json={}, headers={**host, "X-TC-Action": "Nope"})) == "InvalidAction"
    assert error_of(http.post("/v2/", json={}, headers={**host, "X-TC-Action": "GetLivenessResult"})) == "InvalidAction"
    assert error_of(http.put("/", headers={**host, "X-TC-Action": "GetLivenessResult"})) == "UnsupportedProtocol"
    assert error_of(http.delete("/", headers=host)) == "UnsupportedProtocol"  # no action either
    assert error_of(http.get("/openapi/liveness/v4/h5/get-result", headers=host)) == "InvalidAction"


def test_without_the_header_other_hosts_stay_advance_ai(http: httpx.Client) -> None:
    response = http.post("/", json={})
    assert (response.status_code, response.json()["code"]) == (404, "CLIENT_ERROR")


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b'{"SdkToken": ', "application/json", "InvalidParameter"),
        (b'["x"]', "application/json", "InvalidParameter"),
        (b"SdkToken=x", "application/x-www-form-urlencoded", "InvalidParameter"),
        (b'{"SdkToken": "' + b"x" * (2 << 20) + b'"}', "application/json", "RequestSizeLimitExceeded"),
    ],
)
def test_unreadable_bodies(http: httpx.Client, content: bytes, content_type: str, code: str) -> None:
    headers = {"X-TC-Action": "GetLivenessResult", "Content-Type": content_type}
    assert error_of(http.post("/", content=content, headers=headers)) == code

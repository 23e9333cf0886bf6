"""/__admin/tencent/sdk-tokens: tokens with any outcome, refused input, and reset."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import Tencent, error_code


def test_a_new_token_reports_success_by_default_for_two_hours(http: httpx.Client, tencent: Tencent) -> None:
    now = http.get("/__admin/clock").json()["nowMs"]
    made = http.post("/__admin/tencent/sdk-tokens").json()
    assert made | {"SdkToken": "-", "expiresMs": 0} == {
        "SdkToken": "-",
        "expiresMs": 0,
        "Result": "0",
        "Description": "Success",
        "BestFrame": True,
        "Video": True,
        "account": None,
    }
    assert 0 <= made["expiresMs"] - now - 2 * 3_600_000 < 10_000


def test_an_undocumented_result_needs_its_description(http: httpx.Client, tencent: Tencent) -> None:
    made = http.post("/__admin/tencent/sdk-tokens", json={"Result": "2012", "Description": "Multiple faces detected"})
    assert tencent.result(made.json()["SdkToken"]).Description == "Multiple faces detected"


@pytest.mark.parametrize(
    "body",
    [
        {"Result": 1001},
        {"Result": "abc"},
        {"Result": "4242"},
        {"Video": "no"},
        {"BestFrame": 0},
        {"account": "nobody"},
        {"Surprise": True},
        [1],
    ],
)
def test_bad_input_is_a_400_with_a_reason(http: httpx.Client, body: Any) -> None:
    response = http.post("/__admin/tencent/sdk-tokens", json=body)
    assert response.status_code == 400 and response.json()["error"]


def test_settling_an_unknown_token_is_a_400(http: httpx.Client) -> None:
    response = http.post("/__admin/tencent/sdk-tokens/NOPE", json={"Result": "1001"})
    assert (response.status_code, response.json()["error"]) == (400, "no such SdkToken")


def test_reset_forgets_every_token(http: httpx.Client, tencent: Tencent) -> None:
    token = tencent.apply()
    http.post("/__admin/reset")
    assert error_code(lambda: tencent.result(token)) == "InvalidParameterValue.BizTokenIllegal"

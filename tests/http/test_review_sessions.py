"""Review of issue 3, sessions: Get Token (003) and Generate URL (001) validation, and the H5 page over HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import DETECTION_PATH, GENERATE_URL_PATH, GET_TOKEN_PATH, RETURN_URL, access_token, complete
from .review_support import (
    EMPTY_TEXT,
    GENERIC_TEXT,
    OUTCOMES,
    Vendor,
    code_message,
    is_ms_timestamp,
    sessions,
    set_clock,
)

HEX16 = re.compile(r"^[0-9a-f]{16}$")
INVALID_RETURN = ("PARAMETER_ERROR", "Invalid returnUrl,please check your returnUrl")  # 003 line 602
GET_TOKEN_INVALID = [
    ({"region": "IDN"}, ("PARAMETER_ERROR", EMPTY_TEXT)),
    ({"returnUrl": RETURN_URL}, ("PARAMETER_ERROR", EMPTY_TEXT)),
    ({"returnUrl": "", "region": "IDN"}, ("PARAMETER_ERROR", EMPTY_TEXT)),
    ({"returnUrl": RETURN_URL, "region": None}, ("PARAMETER_ERROR", EMPTY_TEXT)),
    ({"returnUrl": "www.example.com", "region": "IDN"}, INVALID_RETURN),
    ({"returnUrl": "javascript:alert(1)", "region": "IDN"}, INVALID_RETURN),
    ({"returnUrl": "https://exa mple.com/", "region": "IDN"}, INVALID_RETURN),
    ({"returnUrl": RETURN_URL, "region": "ID"}, ("REGION_WRONG", "Region is wrong")),
    ({"returnUrl": RETURN_URL, "region": "idn"}, ("REGION_WRONG", "Region is wrong")),
    ({"returnUrl": RETURN_URL, "region": "XYZ"}, ("REGION_WRONG", "Region is wrong")),
    ({"returnUrl": RETURN_URL, "region": 360}, ("REGION_WRONG", "Region is wrong")),
    (
        {"returnUrl": RETURN_URL, "region": "IDN", "failedReturnUrl": "ftp://example.com/ko"},
        ("PARAMETER_ERROR", "Invalid failedReturnUrl, please check your failedReturnUrl"),  # 003 line 648
    ),
    ({"returnUrl": RETURN_URL, "region": "IDN", "tryCount": 0}, ("PARAMETER_ERROR", "try count must > 0")),
    ({"returnUrl": RETURN_URL, "region": "IDN", "tryCount": "0"}, ("PARAMETER_ERROR", "try count must > 0")),
    ({"returnUrl": RETURN_URL, "region": "IDN", "tryCount": -3}, ("PARAMETER_ERROR", "try count must > 0")),
    ({"returnUrl": RETURN_URL, "region": "IDN", "productLevel": "GOLD"}, ("PARAMETER_ERROR", GENERIC_TEXT)),
]
GENERATE_URL_INVALID = [
    ({"region": "PHL"}, ("PARAMETER_ERROR", EMPTY_TEXT)),
    ({"returnUrl": "nope", "region": "PHL"}, INVALID_RETURN),
    ({"returnUrl": RETURN_URL, "region": "PH"}, ("REGION_WRONG", "Region is wrong")),
    (
        {"returnUrl": RETURN_URL, "region": "PHL", "prefersColorScheme": "DARK"},
        ("PARAMETER_ERROR", "Prefers color scheme is wrong"),
    ),
    (
        {"returnUrl": RETURN_URL, "region": "PHL", "prefersColorScheme": "blue"},
        ("PARAMETER_ERROR", "Prefers color scheme is wrong"),
    ),
    (
        {"returnUrl": RETURN_URL, "region": "PHL", "productLevel": "ULTRA"},
        ("PARAMETER_ERROR", "Product level is wrong"),
    ),
    (
        {"returnUrl": RETURN_URL, "region": "PHL", "productLevel": "standard"},
        ("PARAMETER_ERROR", "Product level is wrong"),
    ),
]
# No documented text for these (001 lists none): a PARAMETER_ERROR is all that is asserted.
GENERATE_URL_INVALID_ANY_TEXT = [
    {"returnUrl": RETURN_URL, "region": "PHL", "failReturnUrl": "nope"},
    {"returnUrl": RETURN_URL, "region": "PHL", "callbackUrl": "gopher://x"},
    {"returnUrl": RETURN_URL, "region": "PHL", "iframeEnabled": "true"},
]


@pytest.fixture
def vendor(http: httpx.Client, token: str) -> Vendor:
    return Vendor(http, token)


@pytest.mark.parametrize(("body", "expected"), GET_TOKEN_INVALID)
def test_get_token_refuses_with_the_documented_text_and_creates_nothing(
    http: httpx.Client, vendor: Vendor, body: dict[str, Any], expected: tuple[str, str]
) -> None:
    answer = vendor.post(GET_TOKEN_PATH, body)
    assert code_message(answer) == expected and answer["data"] is None and answer["pricingStrategy"] == "FREE"
    assert sessions(http) == []


@pytest.mark.parametrize(("body", "expected"), GENERATE_URL_INVALID)
def test_generate_url_refuses_with_the_documented_text_and_creates_nothing(
    http: httpx.Client, vendor: Vendor, body: dict[str, Any], expected: tuple[str, str]
) -> None:
    answer = vendor.post(GENERATE_URL_PATH, body, "sg-api.advance.ai")
    assert code_message(answer) == expected and answer["data"] is None
    assert sessions(http) == []


@pytest.mark.parametrize("body", GENERATE_URL_INVALID_ANY_TEXT)
def test_generate_url_refuses_bad_optional_fields(http: httpx.Client, vendor: Vendor, body: dict[str, Any]) -> None:
    assert vendor.post(GENERATE_URL_PATH, body, "ph-api.advance.ai")["code"] == "PARAMETER_ERROR"
    assert sessions(http) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"tryCount": 1000, "productLevel": "PRO"},
        {"tryCount": "1000", "productLevel": "STANDARD"},
        {  # 003 lines 87-90, the iframe example
            "returnUrl": "https://www.example-success.com/?id=123&isLivenessIframe=true",
            "tryCount": 1000,
            "region": "IDN",
            "failedReturnUrl": "https://www.example-fail.com/?id=123&isLivenessIframe=true",
        },
    ],
)
def test_get_token_accepts_the_documented_forms(
    http: httpx.Client, vendor: Vendor, server: ThreadedServer, fields: dict[str, Any]
) -> None:
    answer = vendor.get_token(**fields)
    assert answer["code"] == "SUCCESS" and answer["pricingStrategy"] == "FREE"
    assert set(answer["data"]) == {"signatureId", "url"} and HEX16.match(answer["data"]["signatureId"])
    assert answer["data"]["url"].startswith(server.url + "/")
    assert http.get(answer["data"]["url"]).status_code == 200


def test_generate_url_answers_the_docs_example(http: httpx.Client, vendor: Vendor, server: ThreadedServer) -> None:
    body = {  # 001 lines 9-19
        "returnUrl": "https://www.example.com",
        "failReturnUrl": "https://www.example.com/fail",
        "callbackUrl": "https://www.example.com/callback",
        "bizId": "7ac66c0f148de9519b8bd264312c4d64",
        "userId": "8e44f0089b076e18a718eb9ca3d94674",
        "region": "PHL",
        "language": "en-US",
        "prefersColorScheme": "light",
        "bizCode": "WhiteCard",
        "productLevel": "STANDARD",
        "livenessType": "DISTANT_NEAR",
    }
    now = http.get("/__admin/clock").json()["nowMs"]
    data = vendor.post(GENERATE_URL_PATH, body, "sg-api.advance.ai")["data"]
    assert HEX16.match(data["signatureId"]) and is_ms_timestamp(data["expiredTime"])
    assert now + 3_600_000 <= data["expiredTime"] <= now + 3_605_000
    assert data["url"].startswith(server.url + "/")
    assert parse_qs(urlsplit(data["url"]).query)["signatureId"] == [data["signatureId"]]


@pytest.fixture
def one_credit(tmp_path: Path) -> Iterator[httpx.Client]:
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n  - {name: two-credits, accessKey: twocredak, secretKey: twocredsk, balance: 2}\n"
    )
    with (
        ThreadedServer(create_app(Settings(port=0, strict=True, fixtures=(tmp_path,)))) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        yield client


def test_refused_requests_consume_no_balance(one_credit: httpx.Client) -> None:
    vendor = Vendor(one_credit, access_token(one_credit, "twocredak", "twocredsk"))
    for body, _ in GET_TOKEN_INVALID[:6]:
        assert vendor.post(GET_TOKEN_PATH, body)["code"] != "SUCCESS"
    for body, _ in GENERATE_URL_INVALID:
        assert vendor.post(GENERATE_URL_PATH, body)["code"] != "SUCCESS"
    assert vendor.post(DETECTION_PATH, {"livenessId": "nope"})["code"] == "LIVENESS_ID_NOT_EXISTED"
    signature_id = vendor.session("h5")["signatureId"]  # credit 1
    assert vendor.detection({"signatureId": signature_id})["code"] == "RESULT_NOT_FOUND"  # nothing yet: free
    complete(one_credit, signature_id, "pass")
    assert vendor.detection({"signatureId": signature_id})["pricingStrategy"] == "PAY"  # credit 2
    assert vendor.get_token()["code"] == "INSUFFICIENT_BALANCE"
    assert vendor.result(signature_id)["code"] == "SUCCESS"  # Get Result stays free


def test_the_page_offers_every_outcome_and_abandon(http: httpx.Client, vendor: Vendor) -> None:
    html = http.get(vendor.session("h5")["url"]).text
    for outcome in OUTCOMES:
        assert f'id="outcome-{outcome}"' in html
    assert 'id="abandon"' in html


def test_an_unknown_or_cleared_page_is_not_served(http: httpx.Client, vendor: Vendor, server: ThreadedServer) -> None:
    assert http.get(server.url + "/__mock/h5/not-a-page-token").status_code == 404
    session = vendor.session("h5")
    assert vendor.clear({"signatureId": session["signatureId"]})["code"] == "SUCCESS"
    page = http.get(session["url"])
    assert page.status_code == 404 and 'id="outcome-pass"' not in page.text


def test_a_finished_page_offers_no_outcome_again(http: httpx.Client, vendor: Vendor) -> None:
    session = vendor.session("idvs")
    complete(http, session["signatureId"], "fail")
    page = http.get(session["url"])
    assert page.status_code == 200 and 'id="outcome-pass"' not in page.text


def test_the_idvs_url_expires_at_its_expired_time(http: httpx.Client, vendor: Vendor) -> None:
    session = vendor.session("idvs")
    set_clock(http, session["expiredTime"] - 1_500)
    assert http.get(session["url"]).status_code == 200
    set_clock(http, session["expiredTime"])
    page = http.get(session["url"])
    assert page.status_code == 410 and "expired" in page.text and 'id="outcome-pass"' not in page.text
    refused = http.post(f"/__admin/sessions/{session['signatureId']}/complete", json={"outcome": "pass"})
    assert refused.status_code == 409


@pytest.mark.parametrize(("scheme", "theme"), [("dark", "dark"), ("light", "light"), (None, "light")])
def test_prefers_color_scheme_picks_the_page_theme(
    http: httpx.Client, vendor: Vendor, scheme: str | None, theme: str
) -> None:
    html = http.get(vendor.session("idvs", prefersColorScheme=scheme)["url"]).text
    assert f'data-theme="{theme}"' in html


def test_abandon_is_for_good(http: httpx.Client, vendor: Vendor) -> None:
    session = vendor.session("h5", userId="mock-outcome-pass")  # would otherwise complete on the 2nd poll
    abandon = http.post(session["url"] + "/abandon")
    assert abandon.status_code == 200
    assert [vendor.result(session["signatureId"])["code"] for _ in range(3)] == ["LIVENESS_NO_RESULT"] * 3
    assert (
        http.post(f"/__admin/sessions/{session['signatureId']}/complete", json={"outcome": "pass"}).status_code == 409
    )
    assert http.post(session["url"] + "/complete", json={"outcome": "pass"}).status_code == 409
    assert http.post(session["url"] + "/abandon").status_code == 409

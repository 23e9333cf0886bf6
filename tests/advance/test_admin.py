"""The journey's admin routes: list, complete, SDK records, reset; and seeded reproducibility."""

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

from ..helpers import (
    DETECTION_PATH,
    GENERATE_URL_PATH,
    GET_RESULT_PATH,
    GET_TOKEN_PATH,
    RETURN_URL,
    access_token,
    complete,
    h5_session,
)
from ..vendor_client import (
    EMPTY_TEXT,
    GENERIC_TEXT,
    OUTCOMES,
    Vendor,
    code_message,
    is_ms_timestamp,
    sessions,
    set_clock,
)


def test_sessions_are_listed_with_their_state(http: httpx.Client, token: str) -> None:
    first = h5_session(http, token)["signatureId"]
    complete(http, first, "no_face")
    second = h5_session(http, token)["signatureId"]
    listed = {s["signatureId"]: s for s in http.get("/__admin/sessions").json()["sessions"]}
    assert (listed[first]["status"], listed[first]["outcome"], listed[first]["code"]) == (
        "completed",
        "no_face",
        "NO_FACE_DETECTED",
    )
    assert (listed[second]["status"], listed[second]["outcome"]) == ("pending", None)
    assert listed[second]["url"].startswith(str(http.base_url).rstrip("/") + "/__mock/h5/")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"outcome": "teleport"}, "outcome must be one of"),
        ({}, "outcome must be one of"),
        ({"outcome": 3}, "outcome must be one of"),
        ([], "must be a JSON object"),
    ],
)
def test_bad_completions_are_refused_with_a_reason(http: httpx.Client, token: str, body: object, reason: str) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    response = http.post(f"/__admin/sessions/{signature_id}/complete", json=body)
    assert response.status_code == 400 and reason in response.json()["error"]
    assert http.get(f"/__admin/sessions/{signature_id}").json()["status"] == "pending"


def test_completing_twice_or_an_unknown_session_is_refused(http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    complete(http, signature_id, "pass")
    again = http.post(f"/__admin/sessions/{signature_id}/complete", json={"outcome": "fail"})
    assert again.status_code == 409 and "completed" in again.json()["error"]
    assert http.post("/__admin/sessions/ffffffffffffffff/complete", json={"outcome": "pass"}).status_code == 404
    assert http.get("/__admin/sessions/ffffffffffffffff").status_code == 404


@pytest.mark.parametrize(
    "body", [{"outcome": "x"}, {"outcome": "pass", "account": "nobody"}, {"outcome": "pass", "video": "yes"}]
)
def test_bad_liveness_records_are_refused(http: httpx.Client, body: dict[str, object]) -> None:
    assert http.post("/__admin/liveness", json=body).status_code == 400


def test_reset_empties_the_state(http: httpx.Client, token: str) -> None:
    h5_session(http, token)
    assert http.post("/__admin/reset").json() == {"reset": True}
    assert http.get("/__admin/sessions").json() == {"sessions": []}
    denied = http.post(GET_RESULT_PATH, json={"signatureId": "x"}, headers={"X-ACCESS-TOKEN": token}).json()
    assert denied["message"] == "Access denied: Token not found or expired"


def run_journey(seed: int) -> tuple[list[str], list[float]]:
    """signatureIds and scores of a fixed sequence of calls on a fresh mock with ``seed``."""
    with ThreadedServer(create_app(Settings(port=0, seed=seed))) as server, httpx.Client(base_url=server.url) as http:
        token = access_token(http)
        ids, scores = [], []
        for _ in range(3):
            signature_id = h5_session(http, token)["signatureId"]
            complete(http, signature_id, "pass")
            ids.append(signature_id)
            answer = http.post(
                GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token}
            ).json()
            scores.append(answer["data"]["score"])
        return ids, scores


def test_the_same_seed_replays_ids_and_data() -> None:
    assert run_journey(5) == run_journey(5)
    assert run_journey(5) != run_journey(6)


def test_the_page_refuses_an_unknown_outcome_with_400_and_a_finished_session_with_409(
    http: httpx.Client, token: str
) -> None:
    session = h5_session(http, token)
    complete_url = session["url"].replace(str(http.base_url).rstrip("/"), "") + "/complete"
    assert http.post(complete_url, json={"outcome": "teleport"}).status_code == 400
    assert http.post(complete_url, json={"outcome": "pass"}).status_code == 200
    assert http.post(complete_url, json={"outcome": "pass"}).status_code == 409


def test_an_abandoned_page_says_so_instead_of_offering_outcomes(http: httpx.Client, token: str) -> None:
    session = h5_session(http, token)
    page = session["url"].replace(str(http.base_url).rstrip("/"), "")
    assert http.post(page + "/abandon").json() == {"status": "abandoned"}
    shown = http.get(page)
    assert "You left this liveness check" in shown.text and "outcome-pass" not in shown.text


# Written from issue 3, sessions: Get Token (003) and Generate URL (001) validation, and the H5 page over HTTP.

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

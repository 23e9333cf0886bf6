"""Every expiry runs on the mock clock: moving it is enough, nothing waits in real time."""

from __future__ import annotations

import httpx

from ..helpers import access_token, complete, h5_session, idvs_session

HOUR_MS = 3_600_000


def advance(http: httpx.Client, ms: int) -> None:
    http.post("/__admin/clock", json={"advanceMs": ms})


def test_the_h5_url_expires_after_an_hour(http: httpx.Client, token: str) -> None:
    session = h5_session(http, token)
    assert http.get(session["url"]).status_code == 200
    advance(http, HOUR_MS - 1_000)
    assert http.get(session["url"]).status_code == 200
    advance(http, 1_000)
    page = http.get(session["url"])
    assert page.status_code == 410 and "expired" in page.text
    refused = http.post(f"/__admin/sessions/{session['signatureId']}/complete", json={"outcome": "pass"})
    assert refused.status_code == 409 and "expired" in refused.json()["error"]
    assert http.get(f"/__admin/sessions/{session['signatureId']}").json()["status"] == "expired"


def test_idvs_expired_time_is_an_hour_on_the_mock_clock(http: httpx.Client, token: str) -> None:
    now = http.get("/__admin/clock").json()["nowMs"]
    session = idvs_session(http, token)
    assert now + HOUR_MS <= session["expiredTime"] <= now + HOUR_MS + 5_000


# Media links: tests/advance/test_media_links.py (their exact life, tampering, reset).


def test_results_outlive_the_page(http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    complete(http, signature_id)
    advance(http, 2 * HOUR_MS)
    new_token = access_token(http)  # the first token expired with the page
    answer = http.post(
        "/openapi/liveness/v4/h5/get-result", json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": new_token}
    )
    assert answer.json()["code"] == "SUCCESS"

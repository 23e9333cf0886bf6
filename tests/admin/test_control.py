"""The control plane over real HTTP: clock and reset."""

from __future__ import annotations

import httpx

from ..helpers import GET_RESULT_PATH, h5_session


def test_the_clock_can_be_read_set_and_advanced(http: httpx.Client) -> None:
    now = http.get("/__admin/clock").json()
    assert abs(now["nowMs"] - now["wallMs"]) < 1_000
    assert http.post("/__admin/clock", json={"nowMs": 1665993522952}).json()["nowMs"] >= 1665993522952
    moved = http.post("/__admin/clock", json={"advanceMs": 3_600_000}).json()["nowMs"]
    assert 1665997122952 <= moved < 1665997122952 + 60_000
    http.post("/__admin/reset")
    again = http.get("/__admin/clock").json()
    assert abs(again["nowMs"] - again["wallMs"]) < 1_000


def test_bad_clock_input_is_a_400_with_a_reason(http: httpx.Client) -> None:
    for body in ({}, {"nowMs": 1, "advanceMs": 2}, {"nowMs": "soon"}, {"advanceMs": True}, [1]):
        response = http.post("/__admin/clock", json=body)
        assert response.status_code == 400 and response.json()["error"]
    assert http.post("/__admin/clock", content=b"{", headers={"content-type": "application/json"}).status_code == 400


def test_an_unknown_admin_route_is_a_json_404(http: httpx.Client) -> None:
    response = http.get("/__admin/nothing-here")
    assert response.status_code == 404 and "no admin route" in response.json()["error"]


def test_delete_puts_the_clock_back_on_wall_time(http: httpx.Client) -> None:
    http.post("/__admin/clock", json={"nowMs": 1665993522952})
    back = http.delete("/__admin/clock")
    assert back.status_code == 200
    assert abs(back.json()["offsetMs"]) < 1_000 and back.json()["expired"] == {"accessTokens": {}, "sessions": []}
    again = http.get("/__admin/clock").json()
    assert abs(again["nowMs"] - again["wallMs"]) < 1_000


def test_a_move_says_what_it_expires_before_and_when_it_happens(http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    minute = http.get("/__admin/clock", params={"advanceMs": 60_000}).json()
    assert minute["wouldExpire"] == {"accessTokens": {}, "sessions": []}
    preview = http.get("/__admin/clock", params={"advanceMs": 3_600_000}).json()
    assert abs(preview["offsetMs"]) < 1_000  # a preview does not move the clock
    expected = {"accessTokens": {"default": 1}, "sessions": [signature_id]}
    assert preview["wouldExpire"] == expected
    assert http.post("/__admin/clock", json={"advanceMs": 3_600_000}).json()["expired"] == expected
    answer = http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token}).json()
    assert answer["code"] == "IAM_FAILED"  # what the report warned of
    assert http.post("/__admin/clock", json={"advanceMs": 3_600_000}).json()["expired"] == {
        "accessTokens": {},
        "sessions": [],
    }  # expired once, reported once


def test_a_bad_clock_preview_is_a_400_with_a_reason(http: httpx.Client) -> None:
    for query, reason in [
        ({"advanceMs": "soon"}, "advanceMs must be an integer"),
        ({"nowMs": "1", "advanceMs": "2"}, 'exactly one of "nowMs" or "advanceMs"'),
        ({"until": "soon"}, "unknown parameter 'until'"),
        ({"nowMs": "5"}, "the clock must stay between"),
    ]:
        response = http.get("/__admin/clock", params=query)
        assert response.status_code == 400 and reason in response.json()["error"], query


def test_the_favicon_is_a_quiet_204_off_the_vendor_hosts(http: httpx.Client) -> None:
    answer = http.get("/favicon.ico")
    assert (answer.status_code, answer.content) == (204, b"")
    assert http.get("/__admin/requests/count").json()["count"] == 0  # not in the journal
    vendor = http.get("/favicon.ico", headers={"Host": "api.advance.ai"})
    assert vendor.status_code == 404 and vendor.json()["code"] == "CLIENT_ERROR"  # the vendor host's own miss
    assert http.get("/__admin/requests/count", params={"path": "/favicon.ico"}).json()["count"] == 1

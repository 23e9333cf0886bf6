"""The control plane over real HTTP: clock and reset."""

from __future__ import annotations

import httpx


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

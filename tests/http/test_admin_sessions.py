"""The journey's admin routes: list, complete, SDK records, reset; and seeded reproducibility."""

from __future__ import annotations

import httpx
import pytest

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, access_token, complete, h5_session


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

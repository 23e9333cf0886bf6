"""Two real ``liveness-mock serve`` processes on two ports sharing one state, as a fleet behind a
load balancer is: one SQLite file, or one real redis-server. Whatever one replica is told, the
other knows before the answer comes back."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import CLEAR_PATH, GET_RESULT_PATH, VIDEO_PATH, access_token, complete, h5_session, signed_body
from ..processes import MockProcess, RedisServer
from ..tencent.signer import Signed, code_of
from .load import Load, everything_served

SEED = "20261122"  # the suite's in-process server's seed (tests/conftest.py)


@dataclass
class Fleet:
    one: httpx.Client
    two: httpx.Client
    replicas: tuple[MockProcess, MockProcess]

    def both(self) -> tuple[httpx.Client, httpx.Client]:
        return self.one, self.two


def state_url(kind: str, tmp: Path, redis_server: RedisServer, db: int) -> str:
    return f"sqlite://{tmp / 'fleet.db'}" if kind == "sqlite" else redis_server.url.replace("/0", f"/{db}")


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def fleet_state(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    state = state_url(request.param, tmp_path_factory.mktemp("fleet"), request.getfixturevalue("redis_server"), 2)
    replicas = (
        MockProcess("--state", state, "--seed", SEED, "--strict"),
        MockProcess("--state", state, "--seed", SEED),
    )
    starting = [threading.Thread(target=r.start) for r in replicas]
    for thread in starting:
        thread.start()
    for thread in starting:
        thread.join()
    fleet = Fleet(replicas[0].client(), replicas[1].client(), replicas)
    try:
        yield fleet
    finally:
        fleet.one.close()
        fleet.two.close()
        for replica in replicas:
            replica.stop()
            assert "Traceback" not in replica.stderr(), replica.stderr()[-3000:]


@pytest.fixture
def fleet(fleet_state: Fleet) -> Fleet:
    assert fleet_state.two.post("/__admin/reset").json() == {"reset": True}
    return fleet_state


def result(client: httpx.Client, token: str, signature_id: str) -> dict[str, Any]:
    answer = client.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    return dict(answer.json())


def test_the_replicas_are_two_members_of_one_state(fleet: Fleet) -> None:
    one, two = (c.get("/__admin/state").json() for c in fleet.both())
    assert one["shared"] and one["state"] == two["state"] and one["pid"] != two["pid"]
    assert one["member"] != two["member"] and one["generation"] == two["generation"]


def test_a_token_minted_through_one_answers_through_the_other(fleet: Fleet) -> None:
    token = access_token(fleet.one)
    assert result(fleet.two, token, "0123456789abcdef")["code"] == "SIGNATURE_NOT_EXIST"  # past the guard
    assert result(fleet.two, "not-a-token", "0123456789abcdef")["code"] == "IAM_FAILED"


def test_a_session_is_completed_through_the_others_admin_api_and_page_and_read_on_the_first(fleet: Fleet) -> None:
    token = access_token(fleet.one)
    by_admin, by_page = h5_session(fleet.one, token), h5_session(fleet.one, token)
    assert result(fleet.one, token, by_admin["signatureId"])["code"] == "LIVENESS_NO_RESULT"
    complete(fleet.two, by_admin["signatureId"], "pass")
    page = urlsplit(by_page["url"]).path  # the link names replica one: open it on replica two
    assert fleet.two.get(page).status_code == 200
    assert fleet.two.post(page + "/complete", json={"outcome": "no_face"}).json()["success"] is False
    assert result(fleet.one, token, by_admin["signatureId"])["code"] == "SUCCESS"
    assert result(fleet.one, token, by_page["signatureId"])["code"] == "NO_FACE_DETECTED"
    listed = {s["signatureId"]: s for s in fleet.two.get("/__admin/sessions").json()["sessions"]}
    assert listed[by_admin["signatureId"]]["polls"] == 1 and listed[by_page["signatureId"]]["status"] == "completed"


def test_the_clock_moved_through_one_moves_for_both(fleet: Fleet) -> None:
    token = access_token(fleet.one, periodSecond=60)
    moved = fleet.one.post("/__admin/clock", json={"advanceMs": 59_000}).json()["nowMs"]
    assert abs(fleet.two.get("/__admin/clock").json()["nowMs"] - moved) < 5_000
    assert result(fleet.two, token, "0123456789abcdef")["code"] == "SIGNATURE_NOT_EXIST"
    fleet.two.post("/__admin/clock", json={"advanceMs": 2_000})
    assert result(fleet.one, token, "0123456789abcdef")["code"] == "IAM_FAILED"  # expired on the fleet's clock


def test_what_a_move_expires_is_the_fleets_and_wall_time_is_back_for_both(fleet: Fleet) -> None:
    token = access_token(fleet.one, periodSecond=60)
    signature_id = h5_session(fleet.one, token)["signatureId"]
    expected = {"accessTokens": {"default": 1}, "sessions": [signature_id]}
    assert fleet.two.get("/__admin/clock", params={"advanceMs": 3_600_000}).json()["wouldExpire"] == expected
    assert fleet.two.post("/__admin/clock", json={"advanceMs": 3_600_000}).json()["expired"] == expected
    assert fleet.one.get("/__admin/clock").json()["offsetMs"] >= 3_590_000
    assert fleet.one.delete("/__admin/clock").json()["offsetMs"] < 1_000
    assert abs(fleet.two.get("/__admin/clock").json()["offsetMs"]) < 1_000  # the offset is the store's
    # replica one answered: reading through it writes its pending entries to the shared journal first
    minted = fleet.one.get("/__admin/requests", params={"endpoint": "token_authentication"}).json()["requests"][0]
    assert minted["response"]["body"]["data"]["token"] == "***"  # the answer as the store keeps it, masked
    assert token not in fleet.one.get("/__admin/requests").text


def test_a_scenario_switched_on_through_one_answers_on_the_other(fleet: Fleet) -> None:
    assert fleet.one.post("/__admin/scenarios/get_result.ERROR").status_code == 200
    assert result(fleet.two, "x", "0123456789abcdef")["code"] == "ERROR"
    assert fleet.two.delete("/__admin/scenarios/get_result.ERROR").json()["wasActive"] is True
    assert result(fleet.one, "x", "0123456789abcdef")["code"] == "IAM_FAILED"
    inline = {
        "name": "fleet-busy",
        "rules": [{"match": {"endpoint": "get_result"}, "respond": {"code": "SERVICE_BUSY"}}],
    }
    assert fleet.two.post("/__admin/scenarios", json=inline).status_code == 201
    assert result(fleet.one, "x", "0123456789abcdef")["code"] == "SERVICE_BUSY"
    calls = fleet.one.get("/__admin/scenarios/fleet-busy").json()["state"]["rules"][0]["calls"]
    assert calls == 1  # counted once, by the replica that answered


def test_a_reset_through_one_clears_the_other(fleet: Fleet) -> None:
    token = access_token(fleet.one)
    h5_session(fleet.one, token)
    fleet.one.post("/__admin/scenarios/flaky")
    fleet.two.post("/__admin/reset")
    assert result(fleet.one, token, "0123456789abcdef")["code"] == "IAM_FAILED"
    assert fleet.one.get("/__admin/sessions").json()["sessions"] == []
    active = fleet.one.get("/__admin/scenarios", params={"active": "true"}).json()["scenarios"]
    assert [s["name"] for s in active] == ["magic-values"]


def video_link(client: httpx.Client, token: str) -> tuple[str, str]:
    """(signatureId, the path of its video link) of a passed session, made through ``client``."""
    signature_id = h5_session(client, token)["signatureId"]
    complete(client, signature_id, "pass")
    answer = client.get(VIDEO_PATH, params={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    return signature_id, urlsplit(answer.json()["data"]["videoUrl"]).path


def test_clear_data_through_one_kills_the_media_links_on_the_other(fleet: Fleet) -> None:
    token = access_token(fleet.one)
    signature_id, path = video_link(fleet.one, token)
    _, kept = video_link(fleet.one, token)
    assert fleet.two.get(path).status_code == 200  # one's link, served by two
    cleared = fleet.two.get(CLEAR_PATH, params={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    assert cleared.json()["code"] == "SUCCESS"
    assert fleet.one.get(path).status_code == 404 and fleet.two.get(path).status_code == 404
    assert fleet.one.get(kept).status_code == 200 and fleet.two.get(kept).status_code == 200


def test_a_reset_through_one_ends_the_media_links_of_both(fleet: Fleet) -> None:
    _, before = video_link(fleet.one, access_token(fleet.one))
    fleet.two.post("/__admin/reset")
    assert fleet.one.get(before).status_code == 404 and fleet.two.get(before).status_code == 404
    _, after = video_link(fleet.one, access_token(fleet.one))
    assert fleet.two.get(after).status_code == 200  # one epoch for both: the state's generation


def flaky_codes(clients: list[httpx.Client], header: bool) -> list[str]:
    """24 Get Result calls under ``flaky`` (switched on, or named by a caller's header), round robin."""
    headers = {"X-Mock-Scenario": "flaky", "X-Mock-Caller": "ci-job-1"} if header else {}
    if not header:
        clients[0].post("/__admin/scenarios/flaky")
    codes = []
    for n in range(24):
        answer = clients[n % len(clients)].post(GET_RESULT_PATH, json={"signatureId": "x"}, headers=headers)
        codes.append(answer.json()["code"])
    return codes


@pytest.mark.parametrize("header", [False, True], ids=["activated", "X-Mock-Scenario"])
def test_flaky_with_a_seed_gives_the_sequence_of_one_process(fleet: Fleet, http: httpx.Client, header: bool) -> None:
    alone = flaky_codes([http], header)  # the suite's in-process server: memory, the same seed
    assert "SERVICE_BUSY" in alone and "IAM_FAILED" in alone
    assert flaky_codes([fleet.one, fleet.two], header) == alone


def test_a_rate_limit_of_20_per_second_is_the_fleets(fleet: Fleet) -> None:
    """Tencent's GetLivenessResult allows 20 requests per second per account: 20 for both replicas."""
    token = Signed(action="ApplyLivenessToken").send(fleet.one).json()["Response"]["SdkToken"]
    began = time.monotonic()
    codes = [code_of(Signed(params={"SdkToken": token}).send(fleet.both()[n % 2])) for n in range(30)]
    assert time.monotonic() - began < 0.95, "30 calls took a second: the window moved on"
    assert codes.count("SUCCESS") == 20 and codes[20:] == ["RequestLimitExceeded"] * 10


def test_a_replica_killed_under_load_loses_nothing_and_its_restart_serves_it_all(fleet: Fleet) -> None:
    """kill -9 of a replica while clients mint tokens and complete sessions through both: what
    the mock confirmed survives, and the restarted replica serves it, scenarios included."""
    fleet.one.post("/__admin/scenarios/get_video.VIDEO_NOT_FOUND")
    replica = fleet.replicas[0]
    with Load([replica.url, fleet.replicas[1].url]) as load:
        time.sleep(0.4)
        replica.kill()
        time.sleep(0.4)
    replica.start()
    fleet.one.close()
    fleet.one = replica.client()
    everything_served(replica.url, load)
    token, done = load.completed[0]
    answer = fleet.one.get(
        "/liveness/ext/v1/get-video", params={"signatureId": done}, headers={"X-ACCESS-TOKEN": token}
    )
    assert answer.json()["code"] == "VIDEO_NOT_FOUND"  # still switched on
    ids = {s["signatureId"] for s in fleet.one.get("/__admin/sessions").json()["sessions"]}
    assert h5_session(fleet.one, token)["signatureId"] not in ids  # the restarted replica draws ids of its own


def test_a_token_body_is_signed_the_same_on_every_replica(fleet: Fleet) -> None:
    body = signed_body()
    first = fleet.one.post("/openapi/auth/ticket/v1/generate-token", json=body).json()
    again = fleet.two.post("/openapi/auth/ticket/v1/generate-token", json=body).json()
    assert first["code"] == again["code"] == "SUCCESS" and first["data"]["token"] != again["data"]["token"]


def journal_of(client: httpx.Client, entries: int) -> list[dict[str, Any]]:
    """The journal once it holds ``entries`` (a replica writes its entries as its loop turns after the answers)."""
    deadline = time.monotonic() + 3
    while len(found := client.get("/__admin/requests").json()["requests"]) < entries:
        assert time.monotonic() < deadline, found
        time.sleep(0.01)
    return list(found)


def test_the_journal_is_the_fleets(fleet: Fleet) -> None:
    fleet.one.post(GET_RESULT_PATH, json={"signatureId": "from-one"}, headers={"X-ACCESS-TOKEN": "secret-token"})
    fleet.two.post(GET_RESULT_PATH, json={"signatureId": "from-two"})
    fleet.two.get("/openapi/liveness/v4/h5/get-reslt")  # a near miss, seen from replica one
    for client in fleet.both():
        listed = journal_of(client, 3)
        assert [e["body"] for e in listed[1:]] == [{"signatureId": "from-two"}, {"signatureId": "from-one"}]
        assert listed[2]["headers"]["x-access-token"] == "***" and listed[0]["id"] > listed[1]["id"] > listed[2]["id"]
        count = client.get("/__admin/requests/count", params={"param.signatureId": "from-one"}).json()["count"]
        assert count == 1
    assert fleet.one.get("/__admin/near-misses").json()["nearMisses"][0]["nearest"][0]["endpoint"] == "get_result"
    assert fleet.two.delete("/__admin/requests").json() == {"cleared": 3}
    assert fleet.one.get("/__admin/requests").json() == {"requests": [], "total": 0}


def test_without_a_shared_state_two_processes_are_two_mocks(http: httpx.Client) -> None:
    """What the tests above would catch: two memory processes know nothing of each other."""
    app = create_app(Settings(port=0, seed=int(SEED)))
    with ThreadedServer(app) as other, httpx.Client(base_url=other.url, timeout=10) as elsewhere:
        token = access_token(http)
        assert result(http, token, "0123456789abcdef")["code"] == "SIGNATURE_NOT_EXIST"
        assert result(elsewhere, token, "0123456789abcdef")["code"] == "IAM_FAILED"


def test_the_fleets_journal_keeps_an_answer_with_its_media_cut_short(fleet: Fleet) -> None:
    """Every entry of a fleet's journal is written to the shared state: a Get Result's four base64
    media are kept as their first ANSWER_STRING characters (8.5 KB an entry at the memory
    journal's 2,048 cost the replicas ~40 us a request), the rest of the answer as sent."""
    from mock_server.journal.shared import ANSWER_STRING

    token = access_token(fleet.one)
    signature_id = h5_session(fleet.one, token)["signatureId"]
    complete(fleet.one, signature_id, "pass")
    sent = result(fleet.one, token, signature_id)
    # replica one answered: reading through it writes its pending entries to the shared journal first
    shown = fleet.one.get("/__admin/requests", params={"endpoint": "get_result"}).json()["requests"][0]
    body = shown["response"]["body"]
    assert body["code"] == "SUCCESS" and body["transactionId"] == sent["transactionId"]
    image = body["data"]["image"]
    assert image == f"{sent['data']['image'][:ANSWER_STRING]}...({len(sent['data']['image'])} characters)"

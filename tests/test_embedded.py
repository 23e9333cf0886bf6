"""``from mock_server import LivenessMock``: a mock in this process, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import time

import httpx
import pytest

from mock_server import LivenessMock
from mock_server.embedded import RecordedRequest

from .helpers import GET_RESULT_PATH, access_token, h5_session


@pytest.fixture(scope="module")
def mock() -> LivenessMock:
    with LivenessMock(seed=7) as mock:
        yield mock  # type: ignore[misc]


@pytest.fixture(autouse=True)
def fresh(mock: LivenessMock) -> None:
    mock.reset()


def test_it_serves_real_http_on_loopback_and_starts_quickly(mock: LivenessMock) -> None:
    assert mock.url.startswith("http://127.0.0.1:") and mock.server is not None
    assert mock.startup_seconds > 0  # about 0.13 s here (docs/python-api.md); not a timed test
    assert httpx.get(mock.url + "/__admin/health").json()["status"] == "ok"


def test_a_complete_session_is_seen_through_get_result_and_the_typed_journal(mock: LivenessMock) -> None:
    with httpx.Client(base_url=mock.url, timeout=10) as client:
        token = access_token(client)
        session = h5_session(client, token)
        mock.complete(session["signatureId"], "pass")
        answer = client.post(
            GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token}
        )
    assert answer.json()["code"] == "SUCCESS"
    [record] = mock.requests(endpoint="get_result", code="SUCCESS")
    assert isinstance(record, RecordedRequest) and dataclasses.is_dataclass(record)
    assert (record.method, record.status, record.endpoint) == ("POST", 200, "get_result")
    assert record.request_body == {"signatureId": session["signatureId"]}
    assert record.response_body["code"] == "SUCCESS" and record.ms >= 0
    assert record.headers["x-access-token"] == "***" and token not in repr(record)
    tokens = mock.requests(endpoint="get_token")
    assert tokens and token not in repr(tokens)  # the access token in Get Token's answer is masked


def test_url_for_reaches_a_regional_host_without_a_host_header(mock: LivenessMock) -> None:
    httpx.post(mock.url_for("sg-api") + "/intl/openapi/face-identity/v2/h5/token", json={}, timeout=10)
    assert [r.host for r in mock.requests()] == ["sg-api.advance.ai"]
    with pytest.raises(LookupError, match="did you mean 'sg-api'"):
        mock.url_for("sgapi")


def test_scenarios_activate_and_deactivate_by_name(mock: LivenessMock) -> None:
    mock.scenarios.activate("get_result.SERVICE_BUSY")
    assert "get_result.SERVICE_BUSY" in mock.scenarios.active
    with httpx.Client(base_url=mock.url, timeout=10) as client:
        token = access_token(client)
        busy = client.post(GET_RESULT_PATH, json={"signatureId": "x"}, headers={"X-ACCESS-TOKEN": token}).json()
        mock.scenarios.deactivate("get_result.SERVICE_BUSY")
        after = client.post(GET_RESULT_PATH, json={"signatureId": "x"}, headers={"X-ACCESS-TOKEN": token}).json()
    assert busy["code"] == "SERVICE_BUSY" and after["code"] != "SERVICE_BUSY"
    assert [r.code for r in mock.requests(endpoint="get_result")] == ["SERVICE_BUSY", after["code"]]
    with pytest.raises(LookupError, match="SERVICE_BUSY"):
        mock.scenarios.activate("get_result.SERVICE_BUSI")


def test_the_clock_advances_and_expires_the_access_token(mock: LivenessMock) -> None:
    with httpx.Client(base_url=mock.url, timeout=10) as client:
        token = access_token(client)
        before = mock.clock.now_ms()
        assert mock.clock.advance(2 * 3600 * 1000) >= before + 2 * 3600 * 1000
        expired = client.post(GET_RESULT_PATH, json={"signatureId": "x"}, headers={"X-ACCESS-TOKEN": token}).json()
        mock.clock.set(before + 24 * 3600 * 1000)
        mock.clock.reset()  # back to wall time, as DELETE /__admin/clock
        assert abs(mock.clock.now_ms() - time.time_ns() // 1_000_000) < 5_000
    assert expired["code"] == "IAM_FAILED"


def test_reset_forgets_the_journal_and_start_up_scenarios_come_back() -> None:
    with LivenessMock(scenarios=["get_result.SERVICE_BUSY"]) as mock:
        httpx.post(mock.url + GET_RESULT_PATH, json={}, timeout=10)
        mock.scenarios.deactivate()
        assert mock.requests() and "get_result.SERVICE_BUSY" not in mock.scenarios.active
        mock.reset()
        assert mock.requests() == [] and "get_result.SERVICE_BUSY" in mock.scenarios.active


def test_an_unstarted_mock_says_how_to_start_it() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        LivenessMock().requests()


def test_host_ports_give_a_regional_host_a_port_of_its_own() -> None:
    with LivenessMock(host_ports=(("sg-api", 0),)) as mock:
        sg = mock.url_for("sg-api")
        assert sg != mock.url and "/@" not in sg and mock.url_for("my-api") == mock.url + "/@my-api"
        httpx.post(
            sg + "/intl/openapi/face-identity/v2/h5/token", json={}, headers={"Host": "api.advance.ai"}, timeout=10
        )
        [record] = mock.requests()
    assert record.host == "sg-api.advance.ai" and record.endpoint == "get_token"

"""Every documented code of every endpoint, forced on the mock through its built-in scenarios
(``X-Mock-Scenario: <endpoint>.<CODE>``), is an answer the contract allows: what a team's tests
see when they force an error is what the vendor documents for it."""

from __future__ import annotations

import pytest

from pytest_plugin import spec
from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms
from pytest_plugin.mock import ScenarioControl

pytestmark = [pytest.mark.liveness_contract, pytest.mark.mock_only]

FORCED = [(e, code) for e in spec.advance_endpoints() for code in spec.endpoint(e).codes]
ANY_ID = {"signatureId": "0123456789abcdef", "livenessId": "00000000-0000-4000-8000-000000000000"}


@pytest.mark.parametrize(("endpoint", "code"), FORCED)
def test_a_forced_code_is_a_documented_answer(liveness_api: LivenessClient, endpoint: str, code: str) -> None:
    answer = liveness_api.call(endpoint, dict(ANY_ID), headers=ScenarioControl.header(f"{endpoint}.{code}"))
    body = assert_conforms(endpoint, answer.response)
    assert body["code"] == code, body


def test_an_activated_scenario_lasts_for_the_test(
    liveness_api: LivenessClient, liveness_scenario: ScenarioControl
) -> None:
    liveness_scenario("get_result.SERVICE_BUSY")
    for _ in range(2):
        busy = liveness_api.call("get_result", {"signatureId": "0123456789abcdef"})
        assert busy.code == "SERVICE_BUSY" and busy.response.headers["Retry-After"], busy
    assert liveness_api.call("get_video", {"livenessId": "x"}).code == "LIVENESS_ID_NOT_EXIST", (
        "other endpoints unaffected"
    )

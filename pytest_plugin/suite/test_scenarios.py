"""Every documented code of every endpoint, forced on the mock through its built-in scenarios
(``X-Mock-Scenario: <endpoint>.<CODE>``), is an answer the contract allows: what a team's tests
see when they force an error is what the vendor documents for it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pytest_plugin import spec
from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms
from pytest_plugin.mock import ScenarioControl

pytestmark = [pytest.mark.liveness_contract, pytest.mark.mock_only]

FORCED = [(e, code) for e in spec.advance_endpoints() + spec.tencent_endpoints() for code in spec.endpoint(e).codes]
UUID = "00000000-0000-4000-8000-000000000000"
ANY_ID = {"signatureId": "0123456789abcdef", "livenessId": UUID}
PARAMS = {"apply_liveness_token": {}, "get_liveness_result": {"SdkToken": UUID}}  # Tencent's own parameters


@pytest.mark.parametrize(("endpoint", "code"), FORCED)
def test_a_forced_code_is_a_documented_answer(
    api_for: Callable[[str], LivenessClient], endpoint: str, code: str
) -> None:
    params = dict(PARAMS.get(endpoint, ANY_ID))
    answer = api_for(endpoint).call(endpoint, params, headers=ScenarioControl.header(f"{endpoint}.{code}"))
    body = assert_conforms(endpoint, answer.response)
    assert answer.code == code, body


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

"""Review: every documented code of both Tencent actions is reachable through a shipped scenario,
over HTTP, raised by the official SDK with its code and message, and within the contract."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.faceid.v20180301 import models

from mock_server.contract.catalog_loader import load_catalog
from mock_server.contract.resources import schemas_dir
from pytest_plugin.contract import assert_conforms

from .conftest import Tencent
from .signer import Signed

CATALOG = load_catalog(schemas_dir())
CODES = [(e.id, code) for e in CATALOG.endpoints.values() if e.protocol == "tencent" for code in e.codes]
ACTION = {"apply_liveness_token": "ApplyLivenessToken", "get_liveness_result": "GetLivenessResult"}
PARAMS: dict[str, dict[str, Any]] = {"apply_liveness_token": {}, "get_liveness_result": {"SdkToken": "ANY"}}


@pytest.mark.parametrize("endpoint_id", sorted(ACTION))
def test_both_actions_document_every_common_code(endpoint_id: str) -> None:
    """catalog.yaml: protocols.tencent.glossary is "the common error codes every action can answer
    besides its own"; the contract checks refuse any code an action does not list."""
    missing = set(CATALOG.glossaries["tencent"]) - set(CATALOG.endpoints[endpoint_id].codes)
    assert not missing, f"{endpoint_id} lacks common codes {sorted(missing)}"


def test_the_codes_the_issue_names_are_documented() -> None:
    for endpoint_id in ACTION:
        codes = set(CATALOG.endpoints[endpoint_id].codes)
        assert {"AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound", "AuthFailure.SignatureExpire"} <= codes
        assert {"AuthFailure.InvalidAuthorization", "InvalidAction", "MissingParameter", "UnsupportedRegion"} <= codes
        assert {"RequestLimitExceeded", "InternalError", "InvalidParameter", "OperationDenied"} <= codes
    own = {"InvalidParameterValue.BizTokenExpired", "InvalidParameterValue.BizTokenIllegal"}
    assert own <= set(CATALOG.endpoints["get_liveness_result"].codes)


@pytest.mark.parametrize(("endpoint_id", "code"), CODES)
def test_each_code_through_its_built_in_scenario_with_the_sdk(tencent: Tencent, endpoint_id: str, code: str) -> None:
    client = tencent.common()
    header = {"X-Mock-Scenario": f"{endpoint_id}.{code}"}
    if code == "SUCCESS":
        answer = client.call_json(ACTION[endpoint_id], PARAMS[endpoint_id], headers=header)["Response"]
        assert "Error" not in answer and answer["RequestId"]
        return
    with pytest.raises(TencentCloudSDKException) as raised:
        client.call_json(ACTION[endpoint_id], PARAMS[endpoint_id], headers=header)
    spec = CATALOG.endpoints[endpoint_id].code(code)
    assert (raised.value.get_code(), raised.value.get_message()) == (code, spec.message())
    assert raised.value.get_request_id()


@pytest.mark.parametrize(("endpoint_id", "code"), CODES)
def test_each_forced_answer_conforms_to_the_contract(http: httpx.Client, endpoint_id: str, code: str) -> None:
    signed = Signed(ACTION[endpoint_id], params=PARAMS[endpoint_id], extra={"X-Mock-Scenario": f"{endpoint_id}.{code}"})
    body = assert_conforms(endpoint_id, signed.send(http))
    assert body["Response"].get("Error", {}).get("Code", "SUCCESS") == code


@pytest.mark.parametrize("code", [c for e, c in CODES if e == "get_liveness_result" and c != "SUCCESS"])
def test_each_code_of_get_liveness_result_through_a_magic_sdk_token(tencent: Tencent, code: str) -> None:
    request = models.GetLivenessResultRequest()
    request.SdkToken = f"mock-code-{code}-team42"
    with pytest.raises(TencentCloudSDKException) as raised:
        tencent.faceid().GetLivenessResult(request)
    assert raised.value.get_code() == code


def test_an_activated_scenario_answers_every_call_until_deactivated(tencent: Tencent, http: httpx.Client) -> None:
    token = tencent.apply()
    assert http.post("/__admin/scenarios/get_liveness_result.OperationDenied").status_code == 200
    for _ in range(2):
        with pytest.raises(TencentCloudSDKException) as raised:
            tencent.result(token)
        assert raised.value.get_code() == "OperationDenied"
    assert tencent.apply(), "the other action is not affected"
    http.delete("/__admin/scenarios")
    assert tencent.result(token).Result == "0"


def test_the_flaky_scenario_answers_tencent_calls_with_request_limit_exceeded(
    tencent: Tencent, http: httpx.Client
) -> None:
    http.post("/__admin/scenarios/flaky").raise_for_status()
    codes = set()
    client = tencent.faceid()
    for _ in range(15):
        try:
            tencent.apply(client)
            codes.add("SUCCESS")
        except TencentCloudSDKException as exc:
            codes.add(exc.get_code())
    assert codes == {"SUCCESS", "RequestLimitExceeded"}

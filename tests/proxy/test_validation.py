"""The validation proxy flags each difference a drifted upstream injects, once and of the right kind,
and nothing on a faithful upstream."""

from __future__ import annotations

import httpx
import pytest

from pytest_plugin.tc3 import Tc3Signer, TencentCredentials

from ..helpers import GET_RESULT_PATH, TOKEN_PATH
from .conftest import Chain
from .mutator import MUTATIONS


def test_a_faithful_answer_is_ok_and_passes_unchanged(clean: Chain) -> None:
    answer = clean.token_answer()
    assert answer.status_code == 200 and answer.json()["code"] == "SUCCESS"
    assert answer.headers["x-liveness-contract"] == "ok"
    [entry] = clean.journal()
    assert entry["endpoint"] == "token_authentication" and entry["contract"] == []
    assert entry["upstream"] == {"url": f"{clean.mutator_url}/@api.advance.ai{TOKEN_PATH}", "status": 200}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_injected_difference_is_flagged_once_with_its_kind(clean: Chain, mutation: str) -> None:
    if mutation == "renamed_header":  # an answer that carries Retry-After (SERVICE_BUSY)
        httpx.post(clean.upstream.url + "/__admin/scenarios/token_authentication.SERVICE_BUSY", timeout=10)
    clean.mutator.mutation = mutation
    expected = MUTATIONS[mutation][1]
    answer = clean.token_answer()
    assert answer.headers["x-liveness-contract"] == expected
    [entry] = clean.journal()
    assert entry["contract"] == [expected]


def test_a_request_that_breaks_its_schema_is_flagged_and_still_forwarded(clean: Chain) -> None:
    headers = {"X-ACCESS-TOKEN": clean.token()}
    answer = httpx.post(clean.proxy.url + GET_RESULT_PATH, json={"signatureId": 5}, headers=headers, timeout=10)
    assert answer.json()["code"] == "PARAMETER_ERROR"  # the upstream's own answer
    assert answer.headers["x-liveness-contract"] == "request PARAMETER_ERROR"
    [forwarded] = clean.journal("get_result", of=clean.upstream)
    assert forwarded["body"] == {"signatureId": 5}


def test_an_unreachable_upstream_is_a_502_that_says_so(tmp_path: object) -> None:
    from ..processes import free_port
    from .conftest import start_proxy

    proxy = start_proxy(f"http://127.0.0.1:{free_port()}/@{{host}}")
    try:
        answer = httpx.post(proxy.url + TOKEN_PATH, json={}, timeout=10)
        assert (answer.status_code, answer.headers["x-liveness-contract"]) == (502, "upstream unreachable")
        assert "proxyError" in answer.json()
    finally:
        proxy.stop()


def test_a_request_the_front_cannot_read_is_forwarded_and_flagged(clean: Chain) -> None:
    answer = httpx.post(clean.proxy.url + TOKEN_PATH, content=b"accessKey=x", timeout=10)  # not JSON
    assert (answer.status_code, answer.json()["code"]) == (400, "CLIENT_ERROR")  # the upstream's own answer
    assert answer.headers["x-liveness-contract"] == "request CLIENT_ERROR"
    [forwarded] = clean.journal("token_authentication", of=clean.upstream)
    assert forwarded["code"] == "CLIENT_ERROR"  # the upstream saw it (its front refuses it before the body)


def test_a_request_no_documented_route_matches_is_forwarded_and_flagged(clean: Chain) -> None:
    answer = httpx.post(clean.proxy.url + "/openapi/liveness/v9/unheard-of", json={}, timeout=10)
    assert (answer.status_code, answer.json()["code"]) == (404, "CLIENT_ERROR")  # the upstream's own answer
    assert answer.headers["x-liveness-contract"] == "undocumented route"
    [entry] = clean.journal()
    assert (entry["contract"], entry["upstream"]["status"]) == (["undocumented route"], 404)
    assert httpx.get(clean.upstream.url + "/__admin/near-misses", timeout=10).json()["nearMisses"]


def test_an_unknown_tencent_action_is_signed_again_and_reaches_the_upstream(clean: Chain) -> None:
    body = b"{}"
    signer = Tc3Signer(TencentCredentials("AKIDcallerofproxy", "callerkey"))
    host = "faceid.tencentcloudapi.com"
    headers = signer.headers(host=host, service="faceid", content_type="application/json", payload=body)
    headers |= {"Host": host, "Content-Type": "application/json", "X-TC-Action": "NoSuchAction"}
    headers |= {"X-TC-Version": "2018-03-01", "X-TC-Region": "ap-singapore"}
    answer = httpx.post(clean.proxy.url + "/", content=body, headers=headers, timeout=10)
    assert answer.json()["Response"]["Error"]["Code"] == "InvalidAction"  # not AuthFailure: signed again
    assert answer.headers["x-liveness-contract"] == "undocumented route"

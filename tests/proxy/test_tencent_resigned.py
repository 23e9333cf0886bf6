"""Tencent's official Python SDK, signing as its own account for the proxy's address: the proxy
signs again as the account it was given, and the upstream mock verifies that signature."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.faceid.v20180301 import faceid_client, models

from ..tencent.v1_signer import V1
from .conftest import Chain, start_proxy


def sdk(url: str) -> faceid_client.FaceidClient:
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=url.removeprefix("http://"), protocol="http"))
    return faceid_client.FaceidClient(credential.Credential("AKIDcallerofproxy", "callerkey"), "ap-singapore", profile)


@pytest.fixture
def unsigned_proxy(chain: Chain) -> Iterator[str]:
    """A proxy given no Tencent credentials."""
    proxy = start_proxy(f"{chain.upstream.url}/@{{host}}")
    yield proxy.url
    proxy.stop()


def test_the_sdk_through_the_proxy_is_signed_again_and_verified_upstream(clean: Chain) -> None:
    client = sdk(clean.proxy.url)
    token = client.ApplyLivenessToken(models.ApplyLivenessTokenRequest()).SdkToken
    request = models.GetLivenessResultRequest()
    request.SdkToken = token
    assert client.GetLivenessResult(request).RequestId  # an answer, not an AuthFailure exception
    upstream = clean.journal("apply_liveness_token", of=clean.upstream)
    assert [e["code"] for e in upstream] == ["SUCCESS"]
    assert "AKIDcallerofproxy" not in httpx.get(clean.upstream.url + "/__admin/requests", timeout=10).text
    [entry] = clean.journal("apply_liveness_token")
    assert (entry["code"], entry["contract"], entry["headers"]["authorization"]) == ("SUCCESS", [], "***")


def test_without_credentials_the_callers_signature_goes_upstream_and_fails(unsigned_proxy: str) -> None:
    with pytest.raises(TencentCloudSDKException) as raised:
        sdk(unsigned_proxy).ApplyLivenessToken(models.ApplyLivenessTokenRequest())
    assert str(raised.value.get_code()).startswith("AuthFailure")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_signature_v1_request_is_signed_again_too(clean: Chain, method: str) -> None:
    request = V1(action="ApplyLivenessToken", method=method, secret_id="AKIDcallerofproxy", secret_key="callerkey")
    with httpx.Client(base_url=clean.proxy.url, timeout=10) as client:
        answer = request.send(client)
    assert "Error" not in answer.json()["Response"], answer.text
    assert answer.headers["x-liveness-contract"] == "ok"
    assert [e["code"] for e in clean.journal("apply_liveness_token", of=clean.upstream)] == ["SUCCESS"]

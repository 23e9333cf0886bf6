"""The plugin's TC3 signer: what Tencent's own SDK signs, what the mock verifies, secrets kept out."""

from __future__ import annotations

import json

import httpx
import pytest
from tencentcloud.common import abstract_client, credential
from tencentcloud.common.http.request import RequestInternal
from tencentcloud.faceid.v20180301 import faceid_client

from mock_server.server import ThreadedServer
from pytest_plugin.calls import ClientCore
from pytest_plugin.client import LivenessClient
from pytest_plugin.envelope import Envelope
from pytest_plugin.guard import Budget, BudgetExhausted, Pacer, WindowPacer
from pytest_plugin.options import LivenessOptions
from pytest_plugin.tc3 import Tc3Signer, TencentCredentials, authorization

from ..conftest import ROOT
from .conftest import Run

CREDENTIALS = TencentCredentials("AKIDmocksampleid", "mocksamplesecretkey")
HOST = "faceid.tencentcloudapi.com"


@pytest.mark.parametrize("timestamp", [1_551_113_065, 1_700_000_000, 1_767_225_599])  # the last: 23:59:59 UTC
@pytest.mark.parametrize("params", [{}, {"SdkToken": "69B9F35E-838C-4BE4-99B6-4FECCC730D81"}, {"SecureLevel": "4"}])
def test_the_signature_is_the_one_tencents_sdk_computes(
    monkeypatch: pytest.MonkeyPatch, timestamp: int, params: dict[str, str]
) -> None:
    monkeypatch.setattr(abstract_client.time, "time", lambda: timestamp)
    client = faceid_client.FaceidClient(
        credential.Credential(CREDENTIALS.secret_id, CREDENTIALS.secret_key), "ap-singapore"
    )
    request = RequestInternal(HOST, "POST", "/")
    client._build_req_with_tc3_signature("GetLivenessResult", params, request)
    sent = request.header  # the intl SDK's own host (faceid.intl.tencentcloudapi.com) and content type
    ours = authorization(CREDENTIALS, "faceid", sent["Host"], sent["Content-Type"], request.data.encode(), timestamp)
    assert ours == request.header["Authorization"]


def test_a_signed_call_is_accepted_by_the_mock_and_a_wrong_key_is_not(server: ThreadedServer) -> None:
    options = LivenessOptions(
        base_url=server.url, tencent_secret_id=CREDENTIALS.secret_id, tencent_secret_key=CREDENTIALS.secret_key
    )
    with LivenessClient(ClientCore.for_options(options, Budget(), Pacer(), None)) as api:
        applied = api.call("apply_liveness_token", {"SecureLevel": "1"})
        assert applied.code == "SUCCESS" and applied.data["SdkToken"], applied
        result = api.call("get_liveness_result", {"SdkToken": applied.data["SdkToken"]})
        assert (result.code, result.data["Result"]) == ("SUCCESS", "0")
        wrong = Tc3Signer(TencentCredentials(CREDENTIALS.secret_id, "not-the-key"))
        refused = api.call("get_liveness_result", {"SdkToken": applied.data["SdkToken"]}, signer=wrong)
        assert refused.code == "AuthFailure.SignatureFailure"
        sent = refused.response.request
        assert "not-the-key" not in str(sent.headers) and json.loads(sent.content) == {
            "SdkToken": applied.data["SdkToken"]
        }


def test_tencent_calls_spend_the_same_call_budget(server: ThreadedServer) -> None:
    options = LivenessOptions(
        base_url=server.url, tencent_secret_id=CREDENTIALS.secret_id, tencent_secret_key=CREDENTIALS.secret_key
    )
    with LivenessClient(ClientCore.for_options(options, Budget(max_calls=2), Pacer(), None)) as api:
        api.call("apply_liveness_token", {})
        api.call("get_liveness_result", {"SdkToken": "unknown"})
        with pytest.raises(BudgetExhausted, match="2 calls made"):
            api.call("apply_liveness_token", {})


def test_the_secret_key_is_never_printed() -> None:
    options = LivenessOptions(tencent_secret_id="AKIDx", tencent_secret_key="s3cr3t-tencent")
    for shown in (repr(CREDENTIALS), repr(Tc3Signer(CREDENTIALS)), repr(options)):
        assert CREDENTIALS.secret_key not in shown and "s3cr3t-tencent" not in shown


def test_a_tencent_answer_parses_into_an_envelope() -> None:
    ok = httpx.Response(200, json={"Response": {"SdkToken": "T", "RequestId": "r"}})
    error = httpx.Response(
        200, json={"Response": {"Error": {"Code": "InvalidParameter", "Message": "m"}, "RequestId": "r"}}
    )
    assert (Envelope.of(ok).code, Envelope.of(ok).data["SdkToken"], Envelope.of(ok).transaction_id) == (
        "SUCCESS",
        "T",
        "r",
    )
    assert (Envelope.of(error).code, Envelope.of(error).message) == ("InvalidParameter", "m")


def test_the_window_pacer_keeps_twenty_requests_in_any_second() -> None:
    now = [0.0]
    pacer = WindowPacer(20, clock=lambda: now[0])
    starts = []
    for _ in range(45):
        wait = pacer.delay()
        starts.append(now[0] + wait)
        now[0] += wait
    assert starts[:20] == [0.0] * 20 and starts[20] >= 1.0 and starts[40] >= 2.0
    assert all(b - a >= 1.0 for a, b in zip(starts, starts[20:], strict=False))


def test_tencent_credentials_come_from_the_environment_on_a_sandbox_and_the_ini_only_on_the_mock(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDfromenv")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "keyfromenv")
    pytester.makepyfile(
        """
        def test_pair(liveness_options):
            print("PAIR", liveness_options.tencent_secret_id, liveness_options.tencent_secret_key)
        """
    )
    sandbox = run("--liveness-target=sandbox", "--liveness-base-url=http://127.0.0.1:9", "-s", quick=False)
    sandbox.stdout.fnmatch_lines(["*PAIR AKIDfromenv keyfromenv*"])
    mock = run("-s", quick=False)  # Tencent's global variables may hold a real key: not sent to a mock
    mock.stdout.fnmatch_lines(["*PAIR AKIDmocksampleid mocksamplesecretkey*"])
    pytester.makeini("[pytest]\nliveness_tencent_secret_id = AKIDfromini\nliveness_tencent_secret_key = keyfromini\n")
    run("-s", quick=False).stdout.fnmatch_lines(["*PAIR AKIDfromini keyfromini*"])
    help_text = run("--help", quick=False).stdout.str()
    assert "liveness_tencent_secret_id" in help_text and "--liveness-tencent" not in help_text


def test_the_plugin_page_names_the_tencent_variables() -> None:
    page = (ROOT / "docs" / "plugin.md").read_text(encoding="utf-8")
    assert "TENCENTCLOUD_SECRET_ID" in page and "liveness_tencent_api" in page

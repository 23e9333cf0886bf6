"""Account traits from fixtures/accounts.yaml, as the endpoints see them."""

from __future__ import annotations

import httpx

from .helpers import DETECTION_PATH, GET_TOKEN_PATH, RETURN_URL, VIDEO_PATH, access_token, complete, h5_session


def test_no_balance_refuses_billable_calls(http: httpx.Client) -> None:
    token = access_token(http, "nobalanceaccesskey", "nobalancesecretkey")
    refused = http.post(
        GET_TOKEN_PATH, json={"returnUrl": RETURN_URL, "region": "IDN"}, headers={"X-ACCESS-TOKEN": token}
    ).json()
    assert (refused["code"], refused["message"]) == (
        "INSUFFICIENT_BALANCE",
        "Insufficient balance, please top up or contact your sales manager for help",
    )
    free = http.post(
        "/openapi/liveness/v4/h5/get-result", json={"signatureId": "0" * 16}, headers={"X-ACCESS-TOKEN": token}
    )
    assert free.json()["code"] == "SIGNATURE_NOT_EXIST"  # Get Result is not billable


def test_a_used_up_free_quota_is_over_query_limit(http: httpx.Client) -> None:
    token = access_token(http, "quotausedaccesskey", "quotausedsecretkey")
    refused = http.post(DETECTION_PATH, json={"livenessId": "x"}, headers={"X-ACCESS-TOKEN": token}).json()
    assert refused["code"] == "OVER_QUERY_LIMIT"
    assert refused["message"].startswith("Quota exceeded: You have exceeded free query quota for test account")


def test_billable_successes_consume_the_balance(tmp_path, http: httpx.Client) -> None:  # type: ignore[no-untyped-def]
    from mock_server.app import create_app
    from mock_server.server import ThreadedServer
    from mock_server.settings import Settings

    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n  - {name: two, accessKey: twoak, secretKey: twosk, balance: 2}\n"
    )
    with (
        ThreadedServer(create_app(Settings(port=0, strict=True, fixtures=(tmp_path,)))) as server,
        httpx.Client(base_url=server.url) as client,
    ):
        token = access_token(client, "twoak", "twosk")
        codes = [
            client.post(
                GET_TOKEN_PATH, json={"returnUrl": RETURN_URL, "region": "IDN"}, headers={"X-ACCESS-TOKEN": token}
            ).json()["code"]
            for _ in range(3)
        ]
        assert codes == ["SUCCESS", "SUCCESS", "INSUFFICIENT_BALANCE"]


def test_an_account_without_video_recording_gets_video_not_found(http: httpx.Client) -> None:
    token = access_token(http, "novideoaccesskey", "novideosecretkey")
    signature_id = h5_session(http, token)["signatureId"]
    complete(http, signature_id, "pass")
    headers = {"X-ACCESS-TOKEN": token}
    assert (
        http.get(VIDEO_PATH, params={"signatureId": signature_id}, headers=headers).json()["code"] == "VIDEO_NOT_FOUND"
    )
    result = http.post("/openapi/liveness/v4/h5/get-result", json={"signatureId": signature_id}, headers=headers).json()
    assert result["code"] == "SUCCESS" and result["data"]["video"] is None

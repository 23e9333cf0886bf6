"""Review of the rate limit (20 per second, per account and action), the SdkToken lifetime, admin
tokens with failure results, FileInfo against the served bytes, and the journal's masking."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_server.app import MockParts, create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings
from pytest_plugin.contract import assert_conforms

from .conftest import SECRET_KEY, Tencent, error_code
from .signer import Signed, code_of, response_of

TWO_HOURS_MS = 2 * 3600 * 1000
SECOND_ACCOUNT = """
accounts:
  - name: second-team
    accessKey: secondteamaccesskey
    secretKey: secondteamsecretkey
    tencent: {secretId: AKIDsecondteam, secretKey: secondteamtencentkey}
"""


@pytest.fixture(scope="module")
def two_accounts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder = tmp_path_factory.mktemp("accounts")
    (folder / "accounts.yaml").write_text(SECOND_ACCOUNT, encoding="utf-8")
    settings = Settings(port=0, strict=True, fixtures=(Path(folder),))
    with ThreadedServer(create_app(settings), settings) as server, httpx.Client(base_url=server.url) as client:
        yield client


def test_exactly_the_21st_call_within_one_second_is_refused_and_the_window_reopens(tencent: Tencent) -> None:
    client = tencent.faceid()
    tokens = [tencent.apply(client)]
    first_done = time.monotonic()
    tokens += [tencent.apply(client) for _ in range(19)]
    refused = [error_code(lambda: tencent.apply(client)) for _ in range(2)]
    assert time.monotonic() - first_done < 0.9, "too slow to test a one-second window"
    assert len(set(tokens)) == 20 and refused == ["RequestLimitExceeded"] * 2
    time.sleep(max(0.0, first_done + 1.05 - time.monotonic()))
    assert tencent.apply(client), "one second after the first call, a slot is free again (wall time)"


def test_the_window_slides_a_token_bucket_would_not_refuse_here(tencent: Tencent) -> None:
    """docs/choices.md, choice 39: 10 calls, 0.4 s, 10 calls: the 21st within one second is refused."""
    client = tencent.faceid()
    began = time.monotonic()
    for _ in range(10):
        tencent.apply(client)
    time.sleep(0.4)
    for _ in range(10):
        tencent.apply(client)
    assert error_code(lambda: tencent.apply(client)) == "RequestLimitExceeded"
    assert time.monotonic() - began < 0.95


def test_the_rate_limit_answer_conforms_to_the_contract(http: httpx.Client) -> None:
    for _ in range(20):
        Signed("ApplyLivenessToken").send(http)
    refused = Signed("ApplyLivenessToken").send(http)
    body = assert_conforms("apply_liveness_token", refused)
    assert body["Response"]["Error"] == {
        "Code": "RequestLimitExceeded",
        "Message": "The number of requests exceeds the frequency limit.",
    }


def test_the_limit_is_per_account(two_accounts: httpx.Client) -> None:
    for _ in range(20):
        assert code_of(Signed("ApplyLivenessToken").send(two_accounts)) == "SUCCESS"
    assert code_of(Signed("ApplyLivenessToken").send(two_accounts)) == "RequestLimitExceeded"
    other = Signed("ApplyLivenessToken", secret_id="AKIDsecondteam", secret_key="secondteamtencentkey")
    assert code_of(other.send(two_accounts)) == "SUCCESS", "another account has its own 20 per second"


def test_a_token_lives_two_hours_on_the_mock_clock_and_answers_every_query(
    tencent: Tencent, http: httpx.Client
) -> None:
    token = tencent.apply()
    for _ in range(4):  # many queries, spread over the two hours
        assert tencent.result(token).Result == "0"
        http.post("/__admin/clock", json={"advanceMs": 30 * 60_000 - 500})
    assert tencent.result(token).Result == "0", "2 h - 2 s after issuance"
    http.post("/__admin/clock", json={"advanceMs": 2_000})
    assert error_code(lambda: tencent.result(token)) == "InvalidParameterValue.BizTokenExpired"
    assert error_code(lambda: tencent.result(token)) == "InvalidParameterValue.BizTokenExpired", "stays expired"


def test_twenty_queries_in_one_second_all_answer_the_same(tencent: Tencent) -> None:
    token = tencent.apply()
    client = tencent.faceid()
    answers = {
        (a.Result, a.Description, a.BestFrame.MD5, a.Video.Size)
        for a in (tencent.result(token, client) for _ in range(20))
    }
    assert len(answers) == 1


def result_codes(parts: MockParts) -> dict[str, str]:
    return dict(parts.catalog.endpoints["get_liveness_result"].result_codes)


def test_every_documented_result_can_be_reported(tencent: Tencent, http: httpx.Client, parts: MockParts) -> None:
    client = tencent.faceid()
    for result, description in result_codes(parts).items():
        made = http.post("/__admin/tencent/sdk-tokens", json={"Result": result})
        assert made.status_code == 200, made.text
        answer = tencent.result(made.json()["SdkToken"], client)
        assert (answer.Result, answer.Description) == (result, description)
        http.post("/__admin/clock", json={"advanceMs": 1_000})  # stay under 20 per second


def test_an_admin_token_with_result_1001_and_no_video(tencent: Tencent, http: httpx.Client) -> None:
    made = http.post("/__admin/tencent/sdk-tokens", json={"Result": "1001", "Video": False, "account": "default"})
    assert made.status_code == 200, made.text
    answer = tencent.result(made.json()["SdkToken"])
    assert (answer.Result, answer.Description, answer.Video) == ("1001", "Failed to call the liveness engine", None)
    served = httpx.get(answer.BestFrame.Url, timeout=5)
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert (hashlib.md5(served.content).hexdigest(), len(served.content)) == (
        answer.BestFrame.MD5,
        answer.BestFrame.Size,
    )


def test_an_admin_token_for_another_account_is_illegal_for_ours(tencent: Tencent, http: httpx.Client) -> None:
    made = http.post("/__admin/tencent/sdk-tokens", json={"Result": "1003", "account": "no-video"})
    assert error_code(lambda: tencent.result(made.json()["SdkToken"])) == "InvalidParameterValue.BizTokenIllegal"


def test_settling_a_token_keeps_its_expiry(tencent: Tencent, http: httpx.Client) -> None:
    made = http.post("/__admin/tencent/sdk-tokens").json()
    http.post("/__admin/clock", json={"advanceMs": 3_600_000})
    settled = http.post(f"/__admin/tencent/sdk-tokens/{made['SdkToken']}", json={"Result": "1005"}).json()
    assert settled["expiresMs"] == made["expiresMs"], "the admin API changes the outcome, not the lifetime"


@pytest.mark.parametrize("source", ["apply", "admin"])
def test_file_info_md5_and_size_are_those_of_the_served_bytes(
    tencent: Tencent, http: httpx.Client, source: str
) -> None:
    token = (
        tencent.apply()
        if source == "apply"
        else http.post("/__admin/tencent/sdk-tokens", json={"Result": "1002"}).json()["SdkToken"]
    )
    answer = tencent.result(token)
    for info, media_type in ((answer.BestFrame, "image/jpeg"), (answer.Video, "video/mp4")):
        served = httpx.get(info.Url, timeout=5)
        assert served.status_code == 200 and served.headers["content-type"] == media_type
        assert hashlib.md5(served.content).hexdigest() == info.MD5 and len(served.content) == info.Size
        assert served.headers.get("content-length") == str(info.Size)


def test_the_journal_records_tencent_calls_with_secrets_masked(
    tencent: Tencent, http: httpx.Client, parts: MockParts
) -> None:
    token = tencent.apply()
    tencent.result(token)
    bad = Signed(params={"SdkToken": token}, secret_key="not-the-key", extra={"X-TC-Token": "temporary-session-token"})
    assert code_of(bad.send(http)) == "AuthFailure.SignatureFailure"
    good = Signed(params={"SdkToken": token})
    assert "Error" not in response_of(good.send(http))
    journal = http.get("/__admin/requests", params={"endpoint": "get_liveness_result"}).json()["requests"]
    assert [e["code"] for e in journal] == ["SUCCESS", "AuthFailure.SignatureFailure", "SUCCESS"]
    assert all(e["headers"]["authorization"] == "***" and e["host"] == "faceid.tencentcloudapi.com" for e in journal)
    assert journal[1]["headers"]["x-tc-token"] == "***"
    text = json.dumps(http.get("/__admin/requests").json())
    for secret in (SECRET_KEY, "not-the-key", "temporary-session-token", bad.signature, good.signature):
        assert secret not in text
    assert http.get("/__admin/requests/count", params={"param.SdkToken": token}).json()["count"] == 3


def test_rate_limited_answers_are_journaled_with_their_code(http: httpx.Client) -> None:
    for _ in range(21):
        Signed("ApplyLivenessToken").send(http)
    counted = http.get("/__admin/requests/count", params={"code": "RequestLimitExceeded"}).json()["count"]
    assert counted == 1

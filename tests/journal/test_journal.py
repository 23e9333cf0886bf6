"""The journal's parts in isolation: masking, filters, near-miss distances, the bound."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx
import pytest

from mock_server.admin.endpoint import AdminError
from mock_server.app import create_app
from mock_server.clock import MockClock
from mock_server.gateway.call import Exchange
from mock_server.journal.admin import entry_filter
from mock_server.journal.nearmiss import distance
from mock_server.journal.record import Entry, Journal
from mock_server.masking import MASK, mask_headers, mask_text, mask_value
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, TOKEN_PATH, VIDEO_PATH, signed_body


def test_secret_headers_are_masked_and_repeats_joined() -> None:
    raw = [
        (b"X-ACCESS-TOKEN", b"t"),
        (b"Authorization", b"Bearer b"),
        (b"Accept", b"a"),
        (b"accept", b"b"),
        (b"X-Admin-Token", b"z"),
    ]
    assert mask_headers(raw) == {"x-access-token": MASK, "authorization": MASK, "accept": "a, b", "x-admin-token": MASK}


def test_secret_fields_are_masked_at_any_depth_and_long_strings_cut() -> None:
    body = {"accessKey": "k", "nested": [{"SecretKey": "s", "Token": "t"}], "image": "A" * 5000, "n": 1}
    masked = mask_value(body)
    assert masked["accessKey"] == masked["nested"][0]["SecretKey"] == masked["nested"][0]["Token"] == MASK
    assert masked["n"] == 1 and len(masked["image"]) < 2100 and masked["image"].endswith("(5000 characters)")
    assert body["accessKey"] == "k"  # a copy: the request itself is untouched


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            '{"accessKey": "abc", "signature":"d\\"ef", "timestamp": 1',
            '{"accessKey": "***", "signature":"***", "timestamp": 1',
        ),
        ('{"token": 12345, "x": 1}', '{"token": "***", "x": 1}'),
        ("livenessId=x&token=abc&accessKey=k", "livenessId=x&token=***&accessKey=***"),
        ("mytoken=abc", "mytoken=abc"),
    ],
)
def test_unparsed_text_is_masked_too(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def entry(n: int, **notes: Any) -> Entry:
    body = notes.pop("body", {"signatureId": f"s{n}"})
    return Entry(n, 1000 * n, notes.pop("method", "POST"), "/p", "", {}, body, notes, 200, 1.0)


def test_filters_combine() -> None:
    entries = [
        entry(1, endpoint="get_result", code="SUCCESS"),
        entry(2, endpoint="get_video", code="ERROR"),
        entry(3, body="raw"),
    ]
    pick = lambda **q: [e.id for e in entries if entry_filter(q)(e)]  # noqa: E731
    assert pick(endpoint="get_result,get_video") == [1, 2]
    assert pick(code="ERROR", since="2000") == [2]
    assert pick(after="1", status="200") == [2, 3]
    assert pick(**{"param.signatureId": "s2"}) == [2]
    assert pick(**{"param.signatureId__exists": "false"}) == []  # a text body has no fields to test
    with pytest.raises(AdminError, match="unknown filter 'nope'"):
        entry_filter({"nope": "1"})


def exchange(n: int) -> Exchange:
    recorded = Exchange(1000 * n, "POST", "/p", b"", [(b"host", b"127.0.0.1")])
    recorded.finish({"params": {"signatureId": f"s{n}"}}, b"{}", 200, 0.001)
    return recorded


def test_the_journal_keeps_the_newest_and_selects_newest_first() -> None:
    journal = Journal(3, MockClock(0))
    for n in range(5):
        journal.record(exchange(n))
    assert [e.id for e in journal] == [3, 4, 5]
    assert [e.id for e in journal.select(lambda e: True, limit=2)] == [5, 4]
    assert [e.body["signatureId"] for e in journal] == ["s2", "s3", "s4"]


@pytest.mark.parametrize(
    ("a", "b", "d"), [("", "", 0), ("abc", "", 3), ("get-reslt", "get-result", 1), ("kitten", "sitting", 3)]
)
def test_edit_distance(a: str, b: str, d: int) -> None:
    assert distance(a, b) == distance(b, a) == d


# Written from issue 4 (the journal): what an entry holds, filters on the mock clock, counts, masking

TENCENT = {
    "Host": "faceid.tencentcloudapi.com",
    "X-TC-Action": "GetLivenessResult",
    "X-TC-Version": "2018-03-01",
    "X-TC-Region": "ap-singapore",
    "X-TC-Timestamp": "1700000000",
}


def requests(client: httpx.Client, **filters: Any) -> list[dict[str, Any]]:
    response = client.get("/__admin/requests", params=filters)
    assert response.status_code == 200, response.text
    return list(response.json()["requests"])


def count(client: httpx.Client, **filters: Any) -> int:
    response = client.get("/__admin/requests/count", params=filters)
    assert response.status_code == 200, response.text
    return int(response.json()["count"])


def near_misses(client: httpx.Client) -> list[dict[str, Any]]:
    return list(client.get("/__admin/near-misses").json()["nearMisses"])


def test_an_entry_says_when_on_the_mock_clock_which_rule_answered_the_draw_and_the_delay(http: httpx.Client) -> None:
    http.post("/__admin/clock", json={"nowMs": 1_800_000_000_000})
    rule = {"name": "always", "match": {"endpoint": "get_result", "probability": 1}, "respond": {"delayMs": 40}}
    http.post("/__admin/scenarios", json={"name": "journaled", "rules": [rule]})
    http.post(GET_RESULT_PATH, json={"signatureId": "abc"})
    (entry,) = requests(http)
    assert 1_800_000_000_000 <= entry["timeMs"] < 1_800_000_060_000
    assert (entry["scenario"], entry["rule"], entry["via"], entry["delayMs"]) == ("journaled", "always", "admin", 40)
    assert 0 <= entry["draw"] < 1 and entry["latencyMs"] >= 35  # whole-ms timers
    assert (entry["endpoint"], entry["code"], entry["status"]) == ("get_result", "IAM_FAILED", 200)


def test_since_follows_the_mock_clock(http: httpx.Client) -> None:
    http.post(GET_RESULT_PATH, json={"signatureId": "before"})
    later = http.post("/__admin/clock", json={"advanceMs": 3_600_000}).json()["nowMs"]
    http.post(GET_RESULT_PATH, json={"signatureId": "after"})
    assert [e["body"]["signatureId"] for e in requests(http, since=later)] == ["after"]
    assert count(http, since=later + 60_000) == 0


def test_counts_verify_calls_per_id_on_both_protocols(http: httpx.Client) -> None:
    for signature_id in ("X", "X-2", "Y"):
        http.post(GET_RESULT_PATH, json={"signatureId": signature_id})
    http.get(VIDEO_PATH, params={"signatureId": "X"})
    http.post("/", json={"SdkToken": "tok-1"}, headers=TENCENT)
    http.post("/", json={"SdkToken": "tok-1"}, headers=TENCENT)
    assert count(http, endpoint="get_result", **{"param.signatureId": "X"}) == 1  # exactly one Get Result for X
    assert count(http, endpoint="get_video", **{"param.signatureId": "X"}) == 1  # a query parameter
    assert count(http, endpoint="get_liveness_result", **{"param.SdkToken": "tok-1"}) == 2
    assert count(http, endpoint="get_result", **{"param.signatureId__ne": "X"}) == 2
    assert count(http, **{"param.SdkToken__exists": "true"}) == 2


SECRETS = {
    "access-token": "S-access-token-0001",
    "bearer": "S-bearer-0002",
    "cookie": "S-cookie-0003",
    "nested-secret-key": "S-nested-secretkey-0004",
    "nested-signature": "S-nested-signature-0005",
    "query-access-key": "S-query-accesskey-0006",
    "query-signature": "S-query-signature-0007",
    "query-secret-key": "S-query-secretkey-0008",
    "tc-secret-id": "AKIDS-tc-secretid-0009",
    "tc-token": "S-tc-token-0010",
    "tc-body-secret-key": "S-tc-body-secretkey-0011",
    "tc-body-signature": "S-tc-body-signature-0012",
    "form-secret-key": "S-form-secretkey-0013",
    "basic": "S-basic-password-0014",
    "tc-query-signature": "S-tc-query-signature-0015",
}


def send_every_secret_kind(http: httpx.Client) -> str:
    """One request per way a credential reaches the mock; the signature of a real Token Authentication."""
    real = signed_body()
    http.post(
        TOKEN_PATH, json=real, headers={"X-ACCESS-TOKEN": SECRETS["access-token"], "Cookie": f"s={SECRETS['cookie']}"}
    )
    nested = {
        "signatureId": "x",
        "meta": {"secretKey": SECRETS["nested-secret-key"]},
        "list": [{"Signature": SECRETS["nested-signature"]}],
    }
    http.post(GET_RESULT_PATH, json=nested, headers={"Authorization": f"Bearer {SECRETS['bearer']}"})
    query = {
        "livenessId": "x",
        "accessKey": SECRETS["query-access-key"],
        "signature": SECRETS["query-signature"],
        "secretKey": SECRETS["query-secret-key"],
    }
    http.get(VIDEO_PATH, params=query)
    tc3 = f"TC3-HMAC-SHA256 Credential={SECRETS['tc-secret-id']}/2023-11-14/faceid/tc3_request, SignedHeaders=content-type;host, Signature={'ab' * 32}"
    body = {"SdkToken": "t", "SecretKey": SECRETS["tc-body-secret-key"], "Signature": SECRETS["tc-body-signature"]}
    http.post("/", json=body, headers=TENCENT | {"Authorization": tc3, "X-TC-Token": SECRETS["tc-token"]})
    http.post("/", params={"Signature": SECRETS["tc-query-signature"]}, json={"SdkToken": "t"}, headers=TENCENT)
    form = f"secretKey={SECRETS['form-secret-key']}&signatureId=x"
    http.post(GET_RESULT_PATH, content=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    basic = base64.b64encode(f"user:{SECRETS['basic']}".encode()).decode()
    http.post(GET_RESULT_PATH, json={"signatureId": "y"}, headers={"Authorization": f"Basic {basic}"})
    return str(real["signature"])


def test_no_secret_of_any_kind_reaches_the_journal(http: httpx.Client) -> None:
    signature = send_every_secret_kind(http)
    shown = http.get("/__admin/requests").text + http.get("/__admin/near-misses").text
    shown += json.dumps(http.get("/__admin/scenarios", params={"kind": "file"}).json())
    leaked = {kind: value for kind, value in SECRETS.items() if value in shown}
    assert leaked == {} and signature not in shown and "sampleaccesskey" not in shown and "ab" * 32 not in shown
    assert count(http) == 7
    assert count(http, **{"param.meta.secretKey": SECRETS["nested-secret-key"]}) == 0  # no search by a secret either


def test_an_access_token_is_masked_under_its_usual_other_names(http: httpx.Client) -> None:
    """The X-ACCESS-TOKEN secret, where a client puts it by mistake: `access_token` query, `accessToken` body."""
    http.get(VIDEO_PATH, params={"livenessId": "x", "access_token": "S-query-access-token-1"})
    http.post(GET_RESULT_PATH, json={"signatureId": "x", "accessToken": "S-body-access-token-2"})
    http.post(GET_RESULT_PATH, json={"signatureId": "x", "X-ACCESS-TOKEN": "S-body-access-token-3"})
    shown = http.get("/__admin/requests").text
    assert [s for s in ("S-query-access-token-1", "S-body-access-token-2", "S-body-access-token-3") if s in shown] == []


def test_the_record_of_one_huge_request_is_bounded(http: httpx.Client) -> None:
    """The journal is bounded so a long run cannot exhaust memory: not only in entries, in bytes too."""
    huge = json.dumps({"signatureId": "x", "padding": ["ab"] * 160_000}, separators=(",", ":"))
    assert len(huge) < 1 << 20  # within the body size the mock accepts
    http.post(GET_RESULT_PATH, content=huge, headers={"Content-Type": "application/json"})
    (entry,) = requests(http)
    size = len(json.dumps(entry))
    assert size < 64 * 1024, f"one entry holds {size} bytes"


def test_a_path_typo_on_a_regional_host_names_that_hosts_route(http: httpx.Client) -> None:
    http.get(
        "/intl/openapi/liveness/ext/v1/get-vido", params={"livenessId": "x"}, headers={"Host": "my-api.advance.ai"}
    )
    (miss,) = near_misses(http)
    assert (miss["status"], miss["hostHeader"]) == (404, "my-api.advance.ai")
    assert miss["nearest"][0] == {
        "distance": 1,
        "host": "my-api.advance.ai",
        "path": "/intl/openapi/liveness/ext/v1/get-video",
        "method": "GET",
        "endpoint": "get_video",
    }


def test_a_tencent_action_typo_names_the_action_that_was_meant(http: httpx.Client) -> None:
    answer = http.post("/", json={"SdkToken": "t"}, headers=TENCENT | {"X-TC-Action": "GetLivenesResult"})
    assert answer.json()["Response"]["Error"]["Code"] == "InvalidAction"
    (miss,) = near_misses(http)
    assert miss["nearest"][0]["endpoint"] == "get_liveness_result", miss["nearest"]


def test_a_host_typo_is_a_near_miss_even_where_the_default_host_has_the_path(http: httpx.Client) -> None:
    """Issue: near misses make "a typo in a path or host obvious"; sg-apii is one letter from sg-api."""
    http.get(
        "/intl/openapi/liveness/ext/v1/get-video", params={"livenessId": "x"}, headers={"Host": "sg-apii.advance.ai"}
    )
    misses = near_misses(http)
    assert len(misses) == 1 and misses[0]["nearest"][0]["host"] == "sg-api.advance.ai"


def test_near_misses_with_long_paths_answer_promptly() -> None:
    """Working out the nearest routes must not stall the server: a client bug can send long paths."""
    with ThreadedServer(create_app(Settings(port=0))) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        for n in range(2):
            client.get(f"/openapi/liveness/v4/h5/{n}{'x' * 1500}")
        began = time.perf_counter()
        assert len(near_misses(client)) == 2
        assert time.perf_counter() - began < 1.0


def test_clearing_the_journal_clears_its_near_misses(http: httpx.Client) -> None:
    http.get("/openapi/liveness/v4/h5/get-reslt")
    assert len(near_misses(http)) == 1
    assert http.delete("/__admin/requests").json() == {"cleared": 1}
    assert near_misses(http) == [] and count(http) == 0


def test_the_access_log_path_hides_the_capability_of_the_mocks_own_links() -> None:
    from mock_server.journal.access import masked_path

    assert masked_path("/__mock/h5/0f3a9c") == "/__mock/h5/***"
    assert masked_path("/__mock/h5/0f3a9c/complete") == "/__mock/h5/***/complete"
    assert masked_path("/__mock/media/ab.1.2.cd/face.jpg") == "/__mock/media/***/face.jpg"
    assert masked_path("/openapi/liveness/v4/h5/get-result") == "/openapi/liveness/v4/h5/get-result"

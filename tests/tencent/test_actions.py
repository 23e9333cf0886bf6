"""ApplyLivenessToken then GetLivenessResult with the official SDK over real HTTP and TC3 signatures."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

import httpx
from tencentcloud.faceid.v20180301 import models

from mock_server.contract.examples import Example

from ..advance.test_number_forms import audit, documented_forms
from ..conftest import ROOT
from .conftest import Tencent, error_code

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TWO_HOURS_MS = 2 * 60 * 60 * 1000


def test_apply_then_get_result_succeed_and_the_token_answers_many_times(tencent: Tencent) -> None:
    applied = tencent.faceid().ApplyLivenessToken(models.ApplyLivenessTokenRequest())
    assert UUID.match(applied.RequestId) and applied.SdkToken
    answers = [tencent.result(applied.SdkToken) for _ in range(3)]
    for answer in answers:
        assert (answer.Result, answer.Description) == ("0", "Success")
        assert answer.BestFrame.Url.endswith("/face_near.jpg") and answer.Video.Url.endswith("/liveness.mp4")
    assert len({a.RequestId for a in answers}) == 3 and all(UUID.match(a.RequestId) for a in answers)


def test_the_served_best_frame_and_video_match_their_md5_and_size(tencent: Tencent) -> None:
    answer = tencent.result(tencent.apply())
    for info, magic in ((answer.BestFrame, b"\xff\xd8\xff"), (answer.Video, b"\x00\x00\x00")):
        content = httpx.get(info.Url, timeout=5).content
        assert content.startswith(magic)
        assert (hashlib.md5(content).hexdigest(), len(content)) == (info.MD5, info.Size)


def test_a_token_expires_two_hours_later_on_the_mock_clock(tencent: Tencent, http: httpx.Client) -> None:
    token = tencent.apply()
    http.post("/__admin/clock", json={"advanceMs": TWO_HOURS_MS - 60_000})
    assert tencent.result(token).Result == "0"  # the SDK signs with the wall clock: still accepted
    http.post("/__admin/clock", json={"advanceMs": 60_000})
    assert error_code(lambda: tencent.result(token)) == "InvalidParameterValue.BizTokenExpired"


def test_unknown_or_malformed_tokens_are_illegal(tencent: Tencent) -> None:
    for token in (str(uuid.uuid4()).upper(), "not-a-token", ""):
        assert error_code(lambda t=token: tencent.result(t)) == "InvalidParameterValue.BizTokenIllegal"


def test_a_token_of_another_account_is_illegal(tencent: Tencent, http: httpx.Client) -> None:
    token = http.post("/__admin/tencent/sdk-tokens", json={"account": "disabled"}).json()["SdkToken"]
    assert error_code(lambda: tencent.result(token)) == "InvalidParameterValue.BizTokenIllegal"


def test_the_admin_api_sets_any_outcome(tencent: Tencent, http: httpx.Client) -> None:
    made = http.post("/__admin/tencent/sdk-tokens", json={"Result": "1001", "Video": False}).json()
    answer = tencent.result(made["SdkToken"])
    assert (answer.Result, answer.Description, answer.Video) == ("1001", "Failed to call the liveness engine", None)
    assert httpx.get(answer.BestFrame.Url, timeout=5).status_code == 200


def test_the_admin_api_changes_what_an_applied_token_reports(tencent: Tencent, http: httpx.Client) -> None:
    token = tencent.apply()
    first = tencent.result(token).BestFrame.Url
    changed = http.post(f"/__admin/tencent/sdk-tokens/{token}", json={"Result": "1004", "BestFrame": False})
    assert changed.json()["Description"] == "Face detection failed"
    answer = tencent.result(token)
    assert (answer.Result, answer.BestFrame) == ("1004", None)
    assert httpx.get(first, timeout=5).status_code == 404  # the old evidence link is gone


def test_the_tencent_page_snippet_runs_as_written(tencent: Tencent) -> None:
    page = (ROOT / "docs" / "tencent.md").read_text(encoding="utf-8")
    snippet = (
        page.split("**Point Tencent's official SDKs at the mock**", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    )
    namespace: dict[str, Any] = {}
    exec(snippet.replace("127.0.0.1:8080", tencent.server.url.removeprefix("http://")), namespace)
    tencent.clients.append(namespace["client"])
    assert (namespace["result"].Result, namespace["result"].Description) == ("0", "Success")


def test_every_number_has_the_form_004_prints(tencent: Tencent, http: httpx.Client, examples: list[Example]) -> None:
    """004 prints "Size": 9430792: whole numbers, with and without files."""
    documented = documented_forms(examples)
    token = tencent.apply()
    seen = audit(
        documented,
        "get_liveness_result",
        "SUCCESS",
        tencent.common().call_json("GetLivenessResult", {"SdkToken": token}),
    )
    assert seen == {"Response.BestFrame.Size", "Response.Video.Size"}

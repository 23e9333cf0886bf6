"""Sessions that complete on their own: magic values and account traits, on the mock clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, access_token, h5_session, idvs_session


def polls(api: httpx.Client, signature_id: str, count: int) -> list[str]:
    return [api.post(GET_RESULT_PATH, json={"signatureId": signature_id}).json()["code"] for _ in range(count)]


def test_a_magic_user_id_completes_after_one_poll(api: httpx.Client, http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token, userId="mock-outcome-pass")["signatureId"]
    assert polls(api, signature_id, 3) == ["LIVENESS_NO_RESULT", "SUCCESS", "SUCCESS"]


def test_a_magic_biz_id_chooses_the_outcome_and_the_number_of_polls(
    api: httpx.Client, http: httpx.Client, token: str
) -> None:
    signature_id = idvs_session(http, token, bizId="mock-outcome-no_face-after-3")["signatureId"]
    assert polls(api, signature_id, 4) == ["LIVENESS_NO_RESULT"] * 3 + ["NO_FACE_DETECTED"]


def test_an_unknown_magic_outcome_is_an_ordinary_user_id(api: httpx.Client, http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token, userId="mock-outcome-teleport")["signatureId"]
    assert polls(api, signature_id, 3) == ["LIVENESS_NO_RESULT"] * 3


@pytest.fixture
def traits_server(tmp_path: Path) -> Iterator[ThreadedServer]:
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n"
        "  - {name: polls, accessKey: pollsak, secretKey: pollssk, progression: {outcome: fail, afterPolls: 2}}\n"
        "  - {name: timed, accessKey: timedak, secretKey: timedsk, progression: {outcome: pass, afterMs: 30000}}\n"
    )
    with ThreadedServer(create_app(Settings(port=0, strict=True, fixtures=(tmp_path,)))) as server:
        yield server


def test_an_account_trait_completes_sessions_after_n_polls(traits_server: ThreadedServer) -> None:
    with httpx.Client(base_url=traits_server.url) as http:
        token = access_token(http, "pollsak", "pollssk")
        signature_id = h5_session(http, token)["signatureId"]
        api = httpx.Client(base_url=traits_server.url, headers={"X-ACCESS-TOKEN": token})
        with api:
            assert polls(api, signature_id, 3) == ["LIVENESS_NO_RESULT", "LIVENESS_NO_RESULT", "SUCCESS"]
            assert api.post(GET_RESULT_PATH, json={"signatureId": signature_id}).json()["data"]["score"] < 50


def test_an_account_trait_completes_sessions_after_mock_time(traits_server: ThreadedServer) -> None:
    with httpx.Client(base_url=traits_server.url) as http:
        token = access_token(http, "timedak", "timedsk")
        signature_id = h5_session(http, token)["signatureId"]
        with httpx.Client(base_url=traits_server.url, headers={"X-ACCESS-TOKEN": token}) as api:
            assert polls(api, signature_id, 2) == ["LIVENESS_NO_RESULT"] * 2
            http.post("/__admin/clock", json={"advanceMs": 30_000})
            assert polls(api, signature_id, 1) == ["SUCCESS"]


def test_an_unknown_progression_outcome_fails_at_start_up(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n  - {name: x, accessKey: a, secretKey: b, progression: {outcome: teleport}}\n"
    )
    from mock_server.contract.fixtures import FixtureError

    with pytest.raises(FixtureError, match="progression outcome 'teleport' is unknown"):
        create_app(Settings(fixtures=(tmp_path,)))


def test_no_progression_once_the_page_expired(http: httpx.Client) -> None:
    token = access_token(http, periodSecond=86400)
    signature_id = h5_session(http, token, userId="mock-outcome-pass-after-2")["signatureId"]
    with httpx.Client(base_url=str(http.base_url), headers={"X-ACCESS-TOKEN": token}) as api:
        assert polls(api, signature_id, 2) == ["LIVENESS_NO_RESULT"] * 2
        http.post("/__admin/clock", json={"advanceMs": 3_600_000})
        assert polls(api, signature_id, 2) == ["LIVENESS_NO_RESULT"] * 2


def test_a_session_keeps_only_its_documented_fields(http: httpx.Client, token: str, parts) -> None:  # type: ignore[no-untyped-def]
    signature_id = h5_session(http, token, userId="u1", junk="x" * 100_000)["signatureId"]
    kept = parts.store.session(signature_id).request
    assert kept == {"returnUrl": "https://www.example.com/back", "region": "IDN", "userId": "u1"}

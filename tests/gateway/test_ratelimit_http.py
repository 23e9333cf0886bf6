"""Per-account rate limits (the accounts.yaml ``rateLimit`` trait) over real HTTP."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

TOKEN_AUTH = "/openapi/auth/ticket/v1/generate-token"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder: Path = tmp_path_factory.mktemp("fixtures")
    (folder / "accounts.yaml").write_text(
        "accounts:\n  - {name: throttled, accessKey: throttledkey, secretKey: throttledsecret, rateLimit: {perSecond: 1, burst: 2}}\n"
    )
    app = create_app(Settings(port=0, strict=True, fixtures=(folder,)))
    with ThreadedServer(app) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        yield client


def authenticate(client: httpx.Client, access_key: str, secret_key: str) -> httpx.Response:
    timestamp = str(int(time.time() * 1000))
    signature = hashlib.sha256(f"{access_key}{secret_key}{timestamp}".encode()).hexdigest()
    return client.post(TOKEN_AUTH, json={"accessKey": access_key, "signature": signature, "timestamp": timestamp})


def test_an_account_over_its_rate_gets_service_busy_until_the_bucket_refills(limited: httpx.Client) -> None:
    answers = [authenticate(limited, "throttledkey", "throttledsecret") for _ in range(3)]
    assert [r.json()["code"] for r in answers] == ["SUCCESS", "SUCCESS", "SERVICE_BUSY"]
    assert answers[2].headers["retry-after"] == "1s"
    assert answers[2].json()["message"].startswith("Rate limit is exceeded")
    assert (
        authenticate(limited, "sampleaccesskey", "samplesecretkey").json()["code"] == "SUCCESS"
    )  # others are not limited
    limited.post("/__admin/clock", json={"advanceMs": 1000})
    assert authenticate(limited, "throttledkey", "throttledsecret").json()["code"] == "SUCCESS"
    journal = limited.get("/__admin/requests", params={"code": "SERVICE_BUSY"}).json()["requests"]
    assert len(journal) == 1 and "throttledkey" not in str(journal)

"""Small client-side helpers the tests share: signing, tokens, sessions."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

TOKEN_PATH = "/openapi/auth/ticket/v1/generate-token"
GET_TOKEN_PATH = "/openapi/liveness/v2/h5/token"
GENERATE_URL_PATH = "/intl/openapi/identity-risk/idvs-h5/ekyc/v1/generate-liveness-detection-url"
GET_RESULT_PATH = "/openapi/liveness/v4/h5/get-result"
DETECTION_PATH = "/openapi/liveness/v3/detection-result"
VIDEO_PATH = "/liveness/ext/v1/get-video"
CLEAR_PATH = "/liveness/h5/ext/v1/clear-data"
CONFIGURE_UI_PATH = "/openapi/liveness/v1/h5/configureUI"
RETURN_URL = "https://www.example.com/back"
# An ADVANCE AI rate-limit answer, as the Glossary documents it (it goes with a Retry-After header).
SERVICE_BUSY_BODY = {
    "code": "SERVICE_BUSY",
    "message": "Rate limit is exceeded, please retry after the suggested time in HTTP Header.",
    "data": None,
    "extra": None,
    "transactionId": "0749ac5e17200576",
    "pricingStrategy": "FREE",
}


def signed_body(
    access_key: str = "sampleaccesskey", secret_key: str = "samplesecretkey", timestamp: int | None = None, **extra: Any
) -> dict[str, Any]:
    ts = timestamp if timestamp is not None else time.time_ns() // 1_000_000
    signature = hashlib.sha256(f"{access_key}{secret_key}{ts}".encode()).hexdigest()
    return {"accessKey": access_key, "signature": signature, "timestamp": ts, **extra}


def access_token(
    client: httpx.Client, access_key: str = "sampleaccesskey", secret_key: str = "samplesecretkey", **extra: Any
) -> str:
    body = client.post(TOKEN_PATH, json=signed_body(access_key, secret_key, **extra)).json()
    assert body["code"] == "SUCCESS", body
    return str(body["data"]["token"])


def h5_session(client: httpx.Client, token: str, **fields: Any) -> dict[str, Any]:
    body = client.post(
        GET_TOKEN_PATH, json={"returnUrl": RETURN_URL, "region": "IDN", **fields}, headers={"X-ACCESS-TOKEN": token}
    ).json()
    assert body["code"] == "SUCCESS", body
    return dict(body["data"])


def idvs_session(client: httpx.Client, token: str, host: str = "sg-api.advance.ai", **fields: Any) -> dict[str, Any]:
    headers = {"X-ACCESS-TOKEN": token, "Host": host}
    body = client.post(
        GENERATE_URL_PATH, json={"returnUrl": RETURN_URL, "region": "PHL", **fields}, headers=headers
    ).json()
    assert body["code"] == "SUCCESS", body
    return dict(body["data"])


def complete(client: httpx.Client, signature_id: str, outcome: str = "pass") -> dict[str, Any]:
    response = client.post(f"/__admin/sessions/{signature_id}/complete", json={"outcome": outcome})
    assert response.status_code == 200, response.text
    return dict(response.json())


def envelope(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/json", response.text
    return dict(response.json())


@contextmanager
def serve_process(output: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``liveness-mock serve --port 0 <options>`` as a real process, all it prints going to ``output``
    (a file: a pipe nobody reads would block a chatty server); yields its URL and the process."""
    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0", *options]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with output.open("wb") as sink, subprocess.Popen(command, cwd=root, stdout=sink, stderr=sink, env=env) as process:
        deadline = time.monotonic() + 30
        while "serving on " not in output.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"liveness-mock serve did not start: {output.read_text(errors='replace')[-2000:]}")
            time.sleep(0.05)
        try:
            yield output.read_text().split("serving on ", 1)[1].split()[0], process
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=15)


class FakeTime:
    """A clock that moves only when told: ``fake.now += 5``."""

    def __init__(self, now: float = 1_000_000) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

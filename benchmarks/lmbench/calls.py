"""The benchmarked calls (a-g): how each is prepared through the mock's HTTP API, and checked.

A call prepares its state on a freshly started mock (tokens, sessions, records, scenarios) and
returns the request(s) wrk will send. Everything goes over HTTP: ``/__admin`` for what a test
would set up, the vendor endpoints for the rest. Tokens, signatures and secret keys stay in
memory and in the work directory's wrk scripts; they never reach logs or results.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from . import tc3

ACCESS_KEY, SECRET_KEY = "sampleaccesskey", "samplesecretkey"  # the default account (fixtures/accounts.yaml)
TOKEN_PATH = "/openapi/auth/ticket/v1/generate-token"
GET_TOKEN_PATH = "/openapi/liveness/v2/h5/token"
GET_RESULT_PATH = "/openapi/liveness/v4/h5/get-result"
DETECTION_PATH = "/openapi/liveness/v3/detection-result"
GET_VIDEO_PATH = "/liveness/ext/v1/get-video"
NOT_FOUND_PATH = "/openapi/liveness/v4/h5/no-such-endpoint"
TOKEN_WINDOW_S = 300  # README: the Token Authentication timestamp must be within 300 s of the wall clock
TC3_WINDOW_S = 300  # README: X-TC-Timestamp at most 5 minutes off
TENCENT_HOST, TENCENT_SERVICE, TENCENT_VERSION = "faceid.tencentcloudapi.com", "faceid", "2018-03-01"
TENCENT_REGION = "ap-singapore"
TENCENT_POOL_SIZE = 1024  # accounts: the documented 20 req/s per account and action, x1024 = 20,480 req/s
FLAKY_SEED = 7
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Request:
    """One HTTP request as wrk sends it (the Host header comes from the URL unless given)."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Load:
    """What wrk sends for a call: one request, or several rotated round-robin."""

    requests: list[Request]
    notes: dict[str, Any] = field(default_factory=dict)  # printable facts only, never secrets


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    @property
    def code(self) -> str | None:
        return code_of(self.body)


@dataclass(frozen=True)
class Call:
    """A benchmarked call: its id (a-g), how to prepare it, what a correct mock answers."""

    id: str
    title: str
    prepare: Callable[[httpx.Client, Path], Load]
    accepted_codes: frozenset[str]  # any of these passes the functional check (and is expected under load)
    status: int = 200
    replay_code: str = "SUCCESS"  # the answer captured for the ceiling to replay
    serve_args: Callable[[Path], list[str]] = lambda work: []  # extra `serve` flags this call needs
    note: str = ""


def code_of(body: bytes) -> str | None:
    """The envelope's code: ADVANCE AI ``code``; Tencent ``Response.Error.Code``, else SUCCESS."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    if not isinstance(parsed, dict):
        return None
    if "Response" in parsed:
        error = (parsed["Response"] or {}).get("Error")
        return str(error["Code"]) if error else "SUCCESS"
    code = parsed.get("code")
    return str(code) if code is not None else None


def send(client: httpx.Client, request: Request) -> Answer:
    response = client.request(request.method, request.path, headers=request.headers, content=request.body or None)
    return Answer(response.status_code, response.headers.get("content-type", ""), response.content)


# --------------------------------------------------------------------------- preparation helpers
def signed_token_body(timestamp_ms: int | None = None) -> bytes:
    """A Token Authentication body: signature = sha256(accessKey + secretKey + timestamp)."""
    ts = timestamp_ms if timestamp_ms is not None else time.time_ns() // 1_000_000
    signature = hashlib.sha256(f"{ACCESS_KEY}{SECRET_KEY}{ts}".encode()).hexdigest()
    return _json({"accessKey": ACCESS_KEY, "signature": signature, "timestamp": ts})


def access_token(client: httpx.Client) -> str:
    answer = _ok(client.post(TOKEN_PATH, content=signed_token_body(), headers=JSON), "Token Authentication")
    return str(answer["data"]["token"])


def passed_session(client: httpx.Client, token: str) -> str:
    """An H5 session created with Get Token and completed as `pass` through the admin API."""
    body = {"returnUrl": "https://www.example.com", "region": "IDN"}
    created = _ok(client.post(GET_TOKEN_PATH, json=body, headers={"X-ACCESS-TOKEN": token}), "Get Token")
    signature_id = str(created["data"]["signatureId"])
    _admin(client, "POST", f"/sessions/{signature_id}/complete", {"outcome": "pass"})
    return signature_id


def liveness_record(client: httpx.Client) -> str:
    """An SDK-made liveness record with a video, through ``POST /__admin/liveness``."""
    return str(
        _admin(client, "POST", "/liveness", {"outcome": "pass", "video": True, "account": "default"})["livenessId"]
    )


def _admin(client: httpx.Client, method: str, path: str, body: Any = None) -> Any:
    response = client.request(method, f"/__admin{path}", json=body)
    if response.status_code >= 400:
        raise RuntimeError(f"{method} /__admin{path} answered HTTP {response.status_code}")
    return response.json()


def _ok(response: httpx.Response, what: str) -> dict[str, Any]:
    body = response.json()
    if response.status_code != 200 or body.get("code") != "SUCCESS":
        raise RuntimeError(f"{what} answered HTTP {response.status_code} {body.get('code')}")
    return dict(body)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


# --------------------------------------------------------------------------- the calls
def prepare_get_result(client: httpx.Client, work: Path) -> Load:
    token = access_token(client)
    body = _json({"signatureId": passed_session(client, token)})
    return Load([Request("POST", GET_RESULT_PATH, {**JSON, "X-ACCESS-TOKEN": token}, body)])


def prepare_token_auth(client: httpx.Client, work: Path) -> Load:
    """One body signed now: valid for the mock's 300 s window, longer than any slot (checked)."""
    return Load([Request("POST", TOKEN_PATH, dict(JSON), signed_token_body())], {"validForS": TOKEN_WINDOW_S})


def prepare_detection(client: httpx.Client, work: Path) -> Load:
    token = access_token(client)
    body = _json({"livenessId": liveness_record(client), "resultType": "IMAGE_BASE64"})
    return Load([Request("POST", DETECTION_PATH, {**JSON, "X-ACCESS-TOKEN": token}, body)])


def prepare_get_video(client: httpx.Client, work: Path) -> Load:
    token = access_token(client)
    path = f"{GET_VIDEO_PATH}?livenessId={liveness_record(client)}"
    return Load([Request("GET", path, {"X-ACCESS-TOKEN": token})])


def prepare_tencent(client: httpx.Client, work: Path) -> Load:
    """One SdkToken (any account may query it), one TC3-signed request per pool account."""
    sdk_token = str(_admin(client, "POST", "/tencent/sdk-tokens", {})["SdkToken"])
    payload = _json({"SdkToken": sdk_token})
    timestamp = int(time.time())
    requests = [
        Request(
            "POST",
            "/",
            tc3.signed_headers(
                secret_id,
                secret_key,
                host=TENCENT_HOST,
                service=TENCENT_SERVICE,
                action="GetLivenessResult",
                version=TENCENT_VERSION,
                region=TENCENT_REGION,
                payload=payload,
                timestamp=timestamp,
            ),
            payload,
        )
        for secret_id, secret_key in tencent_pool(work)
    ]
    return Load(requests, {"accounts": len(requests), "validForS": TC3_WINDOW_S})


def prepare_not_found(client: httpx.Client, work: Path) -> Load:
    return Load([Request("GET", NOT_FOUND_PATH, {})])


def prepare_flaky(client: httpx.Client, work: Path) -> Load:
    """Get Result as in (a), with the built-in `flaky` scenario activated through the admin API."""
    load = prepare_get_result(client, work)
    _admin(client, "POST", "/scenarios/flaky")
    load.notes.update({"scenario": "flaky", "seed": FLAKY_SEED, "activation": "POST /__admin/scenarios/flaky"})
    return load


# --------------------------------------------------------------------------- the Tencent account pool
def tencent_pool_dir(work: Path) -> Path:
    return work / "tencent-pool"


def write_tencent_pool(work: Path, size: int = TENCENT_POOL_SIZE) -> Path:
    """A `--fixtures` folder with ``size`` extra accounts, each with its own Tencent key pair.

    GetLivenessResult allows 20 requests per second per account (a sliding window on the mock
    clock, as documented): a single account under load would measure RequestLimitExceeded. wrk
    rotates over the pool's pre-signed requests instead, the way many clients would call.
    """
    folder = tencent_pool_dir(work)
    folder.mkdir(parents=True, exist_ok=True)
    pool = [(f"AKIDbenchpool{i:04d}", secrets.token_hex(16)) for i in range(size)]
    lines = ["# Written by benchmarks/run.py for call (e); secret keys are random per run.", "accounts:"]
    for i, (secret_id, secret_key) in enumerate(pool):
        lines += [
            f"  - name: bench-tencent-{i:04d}",
            f"    accessKey: bench-tencent-{i:04d}-{secrets.token_hex(4)}",
            f"    secretKey: {secrets.token_hex(16)}",
            f"    tencent: {{secretId: {secret_id}, secretKey: {secret_key}}}",
        ]
    (folder / "accounts.yaml").write_text("\n".join(lines) + "\n")
    (folder / "pool.json").write_text(json.dumps(pool))
    return folder


def tencent_pool(work: Path) -> list[tuple[str, str]]:
    return [(str(a), str(b)) for a, b in json.loads((tencent_pool_dir(work) / "pool.json").read_text())]


CALLS: tuple[Call, ...] = (
    Call("a", "Get Result (passed H5 session, journal on)", prepare_get_result, frozenset({"SUCCESS"})),
    Call(
        "b",
        "Token Authentication",
        prepare_token_auth,
        frozenset({"SUCCESS"}),
        note="one body signed at preparation, replayed within the mock's 300 s timestamp window",
    ),
    Call("c", "Liveness Detection v3, IMAGE_BASE64", prepare_detection, frozenset({"SUCCESS"})),
    Call("d", "Get Video", prepare_get_video, frozenset({"SUCCESS"})),
    Call(
        "e",
        "Tencent GetLivenessResult (TC3)",
        prepare_tencent,
        frozenset({"SUCCESS"}),
        serve_args=lambda work: ["--fixtures", str(tencent_pool_dir(work))],
        note=f"pre-signed requests rotated over {TENCENT_POOL_SIZE} accounts (`--fixtures`), "
        "within the 5-minute X-TC-Timestamp window",
    ),
    Call(
        "f",
        "404 (unknown path)",
        prepare_not_found,
        frozenset({"CLIENT_ERROR"}),
        status=404,
        replay_code="CLIENT_ERROR",
    ),
    Call(
        "g",
        "Get Result, `flaky` scenario active",
        prepare_flaky,
        frozenset({"SUCCESS", "SERVICE_BUSY"}),
        serve_args=lambda work: ["--seed", str(FLAKY_SEED)],
        note="about a third SERVICE_BUSY (HTTP 200, Retry-After) by design; the ceiling replays the SUCCESS answer",
    ),
)
CALLS_BY_ID = {call.id: call for call in CALLS}

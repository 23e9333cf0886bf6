"""assert_conforms: each check catches its deviation, says what differed and how to reproduce it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.app import create_app
from mock_server.contract.resources import fixtures_dir
from mock_server.server import ThreadedServer
from mock_server.settings import Settings
from pytest_plugin import contract, spec
from pytest_plugin.calls import ClientCore
from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms
from pytest_plugin.curl import curl
from pytest_plugin.strategies import invalid_requests, mutation_kinds, valid_requests
from pytest_plugin.target import Credentials, Target

from ..tencent.signer import Signed
from .conftest import Run

URL = "http://127.0.0.1:8080/openapi/liveness/v4/h5/get-result"


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request(
        "POST", URL, json={"signatureId": "abc"}, headers={"Host": "api.advance.ai", "X-ACCESS-TOKEN": "secret-token"}
    )
    return httpx.Response(status, json=body, headers=headers, request=request)


def envelope(
    code: str = "LIVENESS_NO_RESULT", message: str = "This token has no detection result", **fields: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "data": None,
        "extra": None,
        "transactionId": "a2190c8682344303",
        "pricingStrategy": "FREE",
    } | fields


SUCCESS_DATA = {
    "image": "AAAA",
    "imageFar": "AAAA",
    "imageNear": "AAAA",
    "farImageTime": 1,
    "nearImageTime": 2,
    "auditImageUrl": None,
}
SUCCESS_DATA |= {"score": 99, "cameraType": "WEB_CAMERA", "video": None, "attackType": None}


def test_a_documented_answer_conforms() -> None:
    assert assert_conforms("get_result", answer(envelope()))["code"] == "LIVENESS_NO_RESULT"
    assert_conforms("get_result", answer(envelope("SUCCESS", "OK", data=SUCCESS_DATA)))


@pytest.mark.parametrize(
    ("response", "failure", "says"),
    [
        (answer(envelope("SIGNATURE_GONE")), contract.UndocumentedCode, "code 'SIGNATURE_GONE' is not documented here"),
        (
            answer(envelope(), status=400),
            contract.WrongStatus,
            "HTTP 400 with code LIVENESS_NO_RESULT, which is documented with HTTP 200",
        ),
        (
            answer(envelope("CLIENT_ERROR", "HTTP 404 - Not Found")),
            contract.WrongStatus,
            "HTTP 200 with code CLIENT_ERROR, which is documented with HTTP 404",
        ),
        (
            answer(envelope("SUCCESS", "OK", data=SUCCESS_DATA | {"score": "99"})),
            contract.SchemaMismatch,
            "at data/score: '99' is not of type 'integer'",
        ),
        (
            answer(envelope("SUCCESS", "OK", data={k: v for k, v in SUCCESS_DATA.items() if k != "image"})),
            contract.SchemaMismatch,
            "'image' is a required property",
        ),
        (answer(envelope(transactionId="")), contract.BadTransactionId, "transactionId '' is not a string of 1 to 64"),
        (answer(envelope(transactionId="x" * 65)), contract.BadTransactionId, "not a string of 1 to 64"),
        (
            answer(envelope(pricingStrategy="PAY")),
            contract.WrongPricing,
            "pricingStrategy 'PAY' for LIVENESS_NO_RESULT, documented 'FREE'",
        ),
        (
            answer(
                envelope(
                    "SERVICE_BUSY", "Rate limit is exceeded, please retry after the suggested time in HTTP Header."
                )
            ),
            contract.MissingRetryAfter,
            "SERVICE_BUSY without a Retry-After",
        ),
        (answer([1, 2]), contract.NotAnEnvelope, "not a JSON object envelope"),
    ],
)
def test_each_deviation_has_its_failure(
    response: httpx.Response, failure: type[contract.ContractFailure], says: str
) -> None:
    with pytest.raises(failure) as caught:
        assert_conforms("get_result", response)
    message = str(caught.value)
    assert says in message
    assert isinstance(caught.value, AssertionError)
    assert "reproduce: curl -sS -X POST 'http://127.0.0.1:8080/openapi/liveness/v4/h5/get-result'" in message
    assert "secret-token" not in message and '"X-ACCESS-TOKEN: $LIVENESS_ACCESS_TOKEN"' in message


@pytest.mark.parametrize("retry_after", ["10s", "10", " :10s"])
def test_busy_codes_carry_retry_after_and_may_be_http_429(retry_after: str) -> None:
    busy = envelope("SERVICE_BUSY", "Rate limit is exceeded, please retry after the suggested time in HTTP Header.")
    assert_conforms("get_result", answer(busy, headers={"Retry-After": retry_after}))
    assert_conforms("get_result", answer(busy, status=429, headers={"Retry-After": retry_after}))
    with pytest.raises(contract.WrongStatus):
        assert_conforms("get_result", answer(busy, status=503, headers={"Retry-After": retry_after}))


def test_an_expected_answer_is_checked_with_its_reason() -> None:
    with pytest.raises(
        contract.UnexpectedAnswer,
        match=r"expected PARAMETER_ERROR 'Parameter should not be empty' because signatureId removed; got LIVENESS_NO_RESULT",
    ):
        assert_conforms(
            "get_result",
            answer(envelope()),
            expect=("PARAMETER_ERROR", "Parameter should not be empty"),
            why="signatureId removed",
        )


def test_curl_keeps_the_host_and_body_and_masks_the_token() -> None:
    line = curl(answer(envelope()).request)
    assert line == (
        "curl -sS -X POST 'http://127.0.0.1:8080/openapi/liveness/v4/h5/get-result' -H 'Host: api.advance.ai' "
        '-H \'Content-Type: application/json\' -H "X-ACCESS-TOKEN: $LIVENESS_ACCESS_TOKEN" --data-raw \'{"signatureId":"abc"}\''
    )


def test_a_tencent_answer_goes_through_the_same_checks() -> None:
    """The catalog's protocol picks the envelope: Tencent's {"Response": ...} (file 004)."""
    example = json.loads(
        (fixtures_dir() / "examples" / "get_liveness_result.SUCCESS.1.json").read_text(encoding="utf-8")
    )
    assert assert_conforms("get_liveness_result", answer(example))["Response"]["Result"] == "1001"
    refused = {"Response": {"Error": {"Code": "AuthFailure.Nope", "Message": "x"}, "RequestId": "b8cb2269"}}
    with pytest.raises(contract.UndocumentedCode, match=r"code 'AuthFailure\.Nope' is not documented here"):
        assert_conforms("get_liveness_result", answer(refused))
    with pytest.raises(contract.BadTransactionId, match=r"Response\.RequestId None"):
        assert_conforms("get_liveness_result", answer({"Response": {**example["Response"], "RequestId": None}}))


# Written from the contract checks and strategies: the shipped suite against a mock made to deviate in

Headers = list[tuple[bytes, bytes]]
Change = Callable[[str, int, Headers, dict[str, Any]], "tuple[int, Headers, bytes] | None"]
PATHS = {
    "/openapi/auth/ticket/v1/generate-token": "token_authentication",
    "/openapi/liveness/v4/h5/get-result": "get_result",
    "/openapi/liveness/v3/detection-result": "liveness_detection",
    "/intl/openapi/liveness/ext/v1/get-video": "get_video",
    "/liveness/ext/v1/get-video": "get_video",
}


class Deviating:
    """Rewrites chosen answers (status, headers, body) and remembers every access token handed out."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.change: Change | None = None
        self.tokens: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/__admin"):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                await self.answer(send, scope["path"], start, b"".join(chunks))

        await self.app(scope, receive, capture)

    async def answer(self, send: Any, path: str, start: dict[str, Any], content: bytes) -> None:
        status, headers = start["status"], [h for h in start.get("headers", []) if h[0].lower() != b"content-length"]
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        if isinstance(body, dict):
            token = (body.get("data") or {}).get("token") if isinstance(body.get("data"), dict) else None
            self.tokens += [token] if token else []
            changed = self.change(path, status, headers, body) if self.change else None
            if changed is not None:
                status, headers, content = changed
        headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


def deviate(path: str, status: int, headers: Headers, body: dict[str, Any]) -> tuple[int, Headers, bytes] | None:
    """One deviation per (endpoint, code): each is a different ContractFailure."""
    endpoint, code = PATHS.get(path), body.get("code")
    if (endpoint, code) == ("get_result", "SIGNATURE_NOT_EXIST"):
        return status, headers, json.dumps(body | {"transactionId": ""}).encode()  # BadTransactionId
    if (endpoint, code) == ("get_video", "LIVENESS_ID_NOT_EXIST"):
        return status, headers, json.dumps(body | {"pricingStrategy": "PAY"}).encode()  # WrongPricing
    if (endpoint, code) == ("liveness_detection", "LIVENESS_ID_NOT_EXISTED"):
        plain = [h for h in headers if h[0].lower() != b"content-type"] + [(b"content-type", b"text/plain")]
        return status, plain, json.dumps(body).encode()  # NotAnEnvelope
    if (endpoint, code) == ("get_result", "SERVICE_BUSY"):
        return status, [h for h in headers if h[0].lower() != b"retry-after"], json.dumps(body).encode()
    if (endpoint, code) == ("get_video", "PARAMETER_ERROR"):
        other = spec.endpoint("get_video").code("LIVENESS_ID_NOT_EXIST").message()
        return status, headers, json.dumps(body | {"code": "LIVENESS_ID_NOT_EXIST", "message": other}).encode()
    if (endpoint, code) == ("token_authentication", "SUCCESS"):
        data = body["data"] | {"expiredTime": str(body["data"]["expiredTime"])}  # SchemaMismatch
        return status, headers, json.dumps(body | {"data": data}).encode()
    return None


@pytest.fixture(scope="module")
def deviating() -> Iterator[tuple[Deviating, str]]:
    app = Deviating(create_app(Settings(port=0)))
    with ThreadedServer(app, Settings(port=0)) as server:
        yield app, server.url


SELECTION = (
    "unknown_ids or (forced and get_result-SERVICE_BUSY) or signed_credentials"
    " or (invalid and get_video and missing_required)"
)
SUITE = [f"pytest_plugin.suite.{m}" for m in ("test_journey", "test_scenarios", "test_auth", "test_endpoints")]


def test_the_suite_catches_each_deviation_readably_and_prints_no_token(
    run: Run, deviating: tuple[Deviating, str]
) -> None:
    """One run of the shipped suite (mock target over HTTP, so mock-only tests run too)."""
    app, url = deviating
    app.change, app.tokens = deviate, []
    try:
        result = run("--pyargs", *SUITE, "-k", SELECTION, f"--liveness-base-url={url}")
    finally:
        app.change = None
    out = result.stdout.str()
    for line in (
        "BadTransactionId: get_result: transactionId '' is not a string of 1 to 64 characters",
        "WrongPricing: get_video: pricingStrategy 'PAY' for LIVENESS_ID_NOT_EXIST, documented 'FREE'",
        "NotAnEnvelope: liveness_detection: not a JSON object envelope (Content-Type text/plain)",
        "MissingRetryAfter: get_result: SERVICE_BUSY without a Retry-After of seconds (got None)",
        "UnexpectedAnswer: get_video: expected PARAMETER_ERROR",
        "SchemaMismatch: token_authentication: SUCCESS answer breaks its schema",
    ):
        assert line in out, f"{line!r} not in the output:\n{out[-3000:]}"
    result.assert_outcomes(failed=6, passed=2)
    assert "reproduce: curl -sS -X POST" in out and '"X-ACCESS-TOKEN: $LIVENESS_ACCESS_TOKEN"' in out
    assert app.tokens, "the run signed in"
    leaked = [t[:12] + "..." for t in app.tokens if t in out + result.stderr.str()]
    assert not leaked, f"live access tokens in the failure output: {leaked}"


def tencent_failure(request: httpx.Request) -> contract.ContractFailure:
    refused = {"Response": {"Error": {"Code": "AuthFailure.Nope", "Message": "x"}, "RequestId": "b8cb2269"}}
    with pytest.raises(contract.ContractFailure) as caught:
        assert_conforms("get_liveness_result", httpx.Response(200, json=refused, request=request))
    return caught.value


def test_a_tencent_failure_can_be_replayed_from_its_curl_line() -> None:
    """Without X-TC-Action (and the other X-TC-* headers) the curl line reaches ADVANCE AI's 404."""
    signed = Signed(params={"SdkToken": "ABC"})
    request = httpx.Request("POST", "http://127.0.0.1:8080/", content=signed.content(), headers=signed.headers())
    message = str(tencent_failure(request))
    for header in ("X-TC-Action: GetLivenessResult", "X-TC-Version: 2018-03-01", "X-TC-Region: ap-singapore"):
        assert header in message, message
    assert signed.signature not in message, "the signature stays out of logs"


QUICK = settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def client(server: ThreadedServer, http: httpx.Client) -> Iterator[LivenessClient]:
    core = ClientCore(Target("mock", server.url), Credentials("sampleaccesskey", "samplesecretkey"))
    with LivenessClient(core) as api:
        yield api


def request_errors(endpoint_id: str) -> set[str]:
    endpoint = spec.endpoint(endpoint_id)
    return {t.code for t in (endpoint.errors.empty, endpoint.errors.invalid, *(t for _, t in endpoint.errors.fields))}


@pytest.mark.parametrize("endpoint", [e for e in spec.advance_endpoints() if e != "token_authentication"])
@QUICK
@given(data=st.data())
def test_valid_requests_are_answered_without_a_request_error(
    client: LivenessClient, endpoint: str, data: st.DataObject
) -> None:
    request = data.draw(valid_requests(endpoint))
    body = assert_conforms(endpoint, request.send(client))
    assert body["code"] == "SUCCESS" or body["code"] not in request_errors(endpoint), (request, body)


@pytest.mark.parametrize(("endpoint", "kind"), [(e, k) for e in spec.advance_endpoints() for k in mutation_kinds(e)])
@QUICK
@given(data=st.data())
def test_each_invalid_kind_gets_its_predicted_code_and_message(
    client: LivenessClient, endpoint: str, kind: str, data: st.DataObject
) -> None:
    signed = st.builds(Credentials("sampleaccesskey", "samplesecretkey").signed_body)
    base = signed if endpoint == "token_authentication" else None
    request = data.draw(invalid_requests(endpoint, kinds=[kind], base=base))
    assert_conforms(endpoint, request.send(client), expect=request.expect, why=request.why)

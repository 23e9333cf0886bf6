"""The suite fails, saying what differed, against a mock made to deviate from the documentation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from .conftest import Run
from .deviating import Deviating, Rewrite

GET_RESULT, GET_TOKEN = "/openapi/liveness/v4/h5/get-result", "/openapi/liveness/v2/h5/token"
GENERATE_URL = "/intl/openapi/identity-risk/idvs-h5/ekyc/v1/generate-liveness-detection-url"


def when(path: str, code: str, change: Any) -> Rewrite:
    """Rewrite answers with ``code`` on ``path``: ``change(status, body)`` returns the new pair."""
    return lambda p, status, body: change(status, body) if (p, body.get("code")) == (path, code) else None


def undocumented_code(status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return status, {**body, "code": "SIGNATURE_GONE"}


def wrong_type(status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return status, {**body, "data": {**body["data"], "signatureId": 12345}}


def missing_field(status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return status, {**body, "data": {k: v for k, v in body["data"].items() if k != "expiredTime"}}


def wrong_status(status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 400, body


def when_tencent(field: str, change: Any) -> Rewrite:
    """Rewrite Tencent answers (``POST /``) whose Response has ``field`` (SdkToken: ApplyLivenessToken,
    Result: GetLivenessResult) or whose error has that code."""

    def rewrite(path: str, status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        answer = body.get("Response")
        if path != "/" or not isinstance(answer, dict):
            return None
        hit = field in answer or (answer.get("Error") or {}).get("Code") == field
        return change(status, answer) if hit else None

    return rewrite


def size_as_text(status: int, answer: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    frame = {**answer["BestFrame"], "Size": str(answer["BestFrame"]["Size"])}
    return status, {"Response": {**answer, "BestFrame": frame}}


def tencent_code(code: str) -> Any:
    def change(status: int, answer: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return status, {"Response": {**answer, "Error": {**answer["Error"], "Code": code}}}

    return change


def score_with_a_point(status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """003 prints "score": 100: a client typed from it cannot decode 84.5 (or 100.0)."""
    return status, {**body, "data": {**body["data"], "score": body["data"]["score"] + 0.5}}


CASES = [
    pytest.param(
        when(GET_RESULT, "SIGNATURE_NOT_EXIST", undocumented_code),
        ("pytest_plugin.suite.test_journey", "-k", "unknown_ids and get_result"),
        ["*UndocumentedCode: get_result: code 'SIGNATURE_GONE' is not documented here (documented: SUCCESS, *"],
        id="undocumented-code",
    ),
    pytest.param(
        when(GET_TOKEN, "SUCCESS", wrong_type),
        ("pytest_plugin.suite.test_journey", "-k", "a_new_session"),
        [
            "*SchemaMismatch: get_token: SUCCESS answer breaks its schema: at data/signatureId: 12345 is not of type 'string'*"
        ],
        id="wrong-type",
    ),
    pytest.param(
        when(GENERATE_URL, "SUCCESS", missing_field),
        ("pytest_plugin.suite.test_journey", "-k", "idvs"),
        [
            "*SchemaMismatch: generate_url: SUCCESS answer breaks its schema: at data: 'expiredTime' is a required property*"
        ],
        id="missing-field",
    ),
    pytest.param(
        when(GET_RESULT, "PARAMETER_ERROR", wrong_status),
        ("pytest_plugin.suite.test_endpoints", "-k", "invalid and get_result and wrong_type"),
        [
            "*WrongStatus: get_result: HTTP 400 with code PARAMETER_ERROR, which is documented with HTTP 200*",
            "*reproduce: curl -sS -X POST 'http://127.0.0.1:*/openapi/liveness/v4/h5/get-result' -H 'Host: api.advance.ai'*",
            "*Draw 1 (request): InvalidRequest(endpoint_id='get_result'*kind='wrong_type'*",
        ],
        id="wrong-http-status",
    ),
    pytest.param(
        when(GET_RESULT, "SUCCESS", score_with_a_point),
        ("pytest_plugin.suite.test_journey", "-k", "whole_journey", "--liveness-target=mock"),
        ["*SchemaMismatch: get_result: SUCCESS answer breaks its schema: at data/score: *.5 is not of type 'integer'*"],
        id="score-not-a-whole-number",
    ),
    pytest.param(
        when_tencent("Result", size_as_text),
        ("pytest_plugin.suite.test_tencent", "-k", "applied_token"),
        [
            "*SchemaMismatch: get_liveness_result: SUCCESS answer breaks its schema: "
            "at Response/BestFrame: *'Size': '*'* is not valid under any of the given schemas*"
        ],
        id="tencent-wrong-type",
    ),
    pytest.param(
        when_tencent("InvalidParameterValue.BizTokenIllegal", tencent_code("InvalidParameterValue.TokenGone")),
        ("pytest_plugin.suite.test_tencent", "-k", "unknown_token"),
        ["*UndocumentedCode: get_liveness_result: code 'InvalidParameterValue.TokenGone' is not documented here*"],
        id="tencent-undocumented-code",
    ),
    pytest.param(
        when_tencent("AuthFailure.SignatureFailure", tencent_code("AuthFailure.SecretIdNotFound")),
        ("pytest_plugin.suite.test_tencent", "-k", "SignatureFailure"),
        [
            "*UnexpectedAnswer: get_liveness_result: expected AuthFailure.SignatureFailure because wrong SecretKey; "
            "got AuthFailure.SecretIdNotFound*",
            "*reproduce: curl -sS -X POST 'http://127.0.0.1:*/' -H 'Host: faceid.tencentcloudapi.com'*",
        ],
        id="tencent-wrong-auth-failure",
    ),
    pytest.param(
        when_tencent("MissingParameter", tencent_code("InvalidParameter")),
        ("pytest_plugin.suite.test_endpoints", "-k", "invalid and get_liveness_result and missing_required"),
        ["*UnexpectedAnswer: get_liveness_result: expected MissingParameter because missing_required: SdkToken*"],
        id="tencent-generated-invalid-request",
    ),
]
SANDBOX = ("--liveness-target=sandbox",)  # unless a case names its target


@pytest.fixture(scope="module")
def deviating() -> Iterator[tuple[Deviating, str]]:
    app = Deviating(create_app(Settings(port=0)))
    with ThreadedServer(app, Settings(port=0)) as server:
        yield app, server.url


@pytest.mark.parametrize(("rewrite", "selection", "lines"), CASES)
def test_the_suite_catches_the_deviation(
    run: Run,
    deviating: tuple[Deviating, str],
    monkeypatch: pytest.MonkeyPatch,
    rewrite: Rewrite,
    selection: tuple[str, ...],
    lines: list[str],
) -> None:
    app, url = deviating
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDmocksampleid")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "mocksamplesecretkey")
    app.rewrite = rewrite
    try:
        target = () if any(a.startswith("--liveness-target") for a in selection) else SANDBOX
        result = run("--pyargs", *selection, *target, f"--liveness-base-url={url}", "--liveness-rate=0")
    finally:
        app.rewrite = None
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) >= 1, result.stdout.str()
    result.stdout.fnmatch_lines(lines)


def test_the_same_selections_pass_when_the_mock_does_not_deviate(
    run: Run, deviating: tuple[Deviating, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """So each failure above is the deviation's doing, not the selection's."""
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDmocksampleid")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "mocksamplesecretkey")
    result = run(
        "--pyargs",
        "pytest_plugin.suite.test_journey",
        "pytest_plugin.suite.test_endpoints",
        "pytest_plugin.suite.test_tencent",
        "-k",
        "unknown_ids or a_new_session or idvs or (invalid and get_result and wrong_type)"
        " or applied_token or unknown_token or SignatureFailure"
        " or (invalid and get_liveness_result and missing_required)",
        "--liveness-target=sandbox",
        f"--liveness-base-url={deviating[1]}",
        "--liveness-rate=0",
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) == 0 and outcomes["passed"] == 12, result.stdout.str()
    on_the_mock = run(
        "--pyargs",
        "pytest_plugin.suite.test_journey",
        "-k",
        "whole_journey",
        "--liveness-target=mock",
        f"--liveness-base-url={deviating[1]}",
    )
    mock_outcomes = on_the_mock.parseoutcomes()
    assert mock_outcomes.get("failed", 0) == 0 and mock_outcomes["passed"] == 1, on_the_mock.stdout.str()

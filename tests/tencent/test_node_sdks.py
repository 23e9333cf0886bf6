"""Tencent's official Node.js SDKs, unchanged, against the real mock server over HTTP.

``tencentcloud-sdk-nodejs-intl-en`` signs with signature v1 (HmacSHA256, a form POST) unless told
otherwise; ``tencentcloud-sdk-nodejs-common`` with TC3. Pointed at ``127.0.0.1:PORT``, both sign
the Host with its port under v1 and without it under TC3, whose credential scope names the
service ``127`` (the endpoint's first label). Every configuration below applies for a token, reads
its result, and meets each authentication failure the SDK can be led into: a wrong SecretKey, an
unknown SecretId, a clock six minutes off either way. The SDKs are installed by
``scripts/test.sh`` (``npm ci`` in tests/tencent/node); one node process runs every
configuration of a package (loading an SDK takes most of a second).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.app import MockParts
from mock_server.server import ThreadedServer

from ..conftest import ROOT

NODE_DIR = Path(__file__).resolve().parent / "node"
PACKAGES = ("tencentcloud-sdk-nodejs-intl-en", "tencentcloud-sdk-nodejs-common")
SIX_MINUTES = 6 * 60

# name -> the client's configuration (run_sdk.js); absent options are the SDK's defaults.
RUNS: dict[str, dict[str, Any]] = {
    "intl-en default: v1 HmacSHA256 POST": {"package": "intl-en"},
    "intl-en v1 HmacSHA1 POST": {"package": "intl-en", "signMethod": "HmacSHA1"},
    "intl-en v1 HmacSHA256 GET": {"package": "intl-en", "reqMethod": "GET"},
    "intl-en v1 HmacSHA1 GET": {"package": "intl-en", "signMethod": "HmacSHA1", "reqMethod": "GET"},
    "intl-en TC3 POST": {"package": "intl-en", "signMethod": "TC3-HMAC-SHA256"},
    "intl-en TC3 GET": {"package": "intl-en", "signMethod": "TC3-HMAC-SHA256", "reqMethod": "GET"},
    "intl-en CommonClient default: v1": {"package": "intl-en-common"},
    "common default: TC3 POST": {"package": "common"},
    "common TC3 GET": {"package": "common", "reqMethod": "GET"},
    "common v1 HmacSHA256 POST": {"package": "common", "signMethod": "HmacSHA256"},
    "common v1 HmacSHA1 GET": {"package": "common", "signMethod": "HmacSHA1", "reqMethod": "GET"},
    "common default, endpoint localhost:PORT: TC3 service 'localhost:PORT'": {"package": "common", "localhost": True},
}
# Proxy mode (the SDK's own endpoint and https://, the mock as http_proxy) is not supported: both
# SDKs only tunnel (CONNECT faceid.intl.tencentcloudapi.com:443) and then speak TLS for Tencent's
# name. The mock refuses the CONNECT with its JSON 400, which the SDK reports at once.
PROXY_RUNS: dict[str, dict[str, Any]] = {
    "intl-en through http_proxy": {"package": "intl-en", "proxy": True},
    "common through httpProfile.proxy": {"package": "common", "proxy": True},
}
# Each run's calls and the code each must meet. Two calls per action get past the guard (the rate
# limit counts those: 20 per second per account and action), so a process of up to ten runs stays
# under it; the mock clock moves a second between processes.
CALLS: list[tuple[dict[str, Any], str]] = [
    ({"action": "ApplyLivenessToken", "params": {"SecureLevel": "4"}}, "SUCCESS"),
    ({"action": "GetLivenessResult", "params": {"SdkToken": "$0.SdkToken"}}, "SUCCESS"),
    ({"action": "GetLivenessResult", "params": {"SdkToken": "NOT-ISSUED"}}, "InvalidParameterValue.BizTokenIllegal"),
    ({"action": "ApplyLivenessToken", "secretKey": "not-the-key"}, "AuthFailure.SignatureFailure"),
    ({"action": "GetLivenessResult", "params": {"SdkToken": "x"}, "secretKey": "x"}, "AuthFailure.SignatureFailure"),
    ({"action": "ApplyLivenessToken", "secretId": "AKIDnobodyhasthisid"}, "AuthFailure.SecretIdNotFound"),
    ({"action": "ApplyLivenessToken", "clockOffsetS": -SIX_MINUTES}, "AuthFailure.SignatureExpire"),
    ({"action": "ApplyLivenessToken", "clockOffsetS": SIX_MINUTES}, "AuthFailure.SignatureExpire"),
    ({"action": "ApplyLivenessToken", "region": "ap-guangzhou"}, "UnsupportedRegion"),
]


def node_command() -> str:
    """The node binary, with both SDKs installed; a clear failure (not a skip) otherwise."""
    node = shutil.which("node")
    missing = [name for name in PACKAGES if not (NODE_DIR / "node_modules" / name / "package.json").is_file()]
    if node is None or missing:
        pytest.fail(
            f"Tencent's Node SDKs are needed: node {'found' if node else 'not found'}, missing {missing or 'nothing'}. "
            "Install Node.js 20 and run `npm ci --prefix tests/tencent/node` (scripts/test.sh does both)."
        )
    return node


def run_plan(base: str, runs: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Run the plan in one node process: each run's list of results."""
    plan = json.dumps({"base": base, "runs": runs})
    done = subprocess.run(
        [node_command(), "run_sdk.js", plan], cwd=NODE_DIR, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, f"run_sdk.js failed ({done.returncode}): {done.stderr[-2000:]}"
    return list(json.loads(done.stdout)["runs"])


def code_of(result: dict[str, Any]) -> str:
    if result["ok"]:
        return "SUCCESS"
    error = result["error"]
    assert error["code"], f"the SDK got no Tencent error code: {error}"  # e.g. an HTTP 404 it cannot read
    return str(error["code"])


@pytest.fixture(scope="module")
def results(server: ThreadedServer, parts: MockParts) -> dict[str, list[dict[str, Any]]]:
    """Every run's results: one node process per package."""
    parts.reset()
    port = server.url.rsplit(":", 1)[1]
    found: dict[str, list[dict[str, Any]]] = {}
    for package in ("intl-en", "common"):
        names = [name for name, run in RUNS.items() if run["package"].startswith(package)]
        runs = []
        for name in names:
            run = {key: value for key, value in RUNS[name].items() if key != "localhost"}
            if RUNS[name].get("localhost"):
                run["endpoint"] = f"localhost:{port}"
            runs.append(run | {"calls": [call for call, _ in CALLS]})
        proxied = [name for name, run in PROXY_RUNS.items() if run["package"] == package]
        names += proxied
        runs += [PROXY_RUNS[name] | {"calls": [{"action": "ApplyLivenessToken"}]} for name in proxied]
        found.update(zip(names, run_plan(server.url, runs), strict=True))
        parts.clock.advance(1_000)  # a fresh rate-limit window for the next process
    assert parts.gateway.violations == [], "strict mode caught responses that break their schema"
    return found


@pytest.mark.parametrize("name", list(RUNS))
def test_each_call_meets_its_code(results: dict[str, list[dict[str, Any]]], name: str) -> None:
    assert [code_of(result) for result in results[name]] == [code for _, code in CALLS]


@pytest.mark.parametrize("name", list(RUNS))
def test_the_result_of_the_applied_token_is_the_issued_outcome(
    results: dict[str, list[dict[str, Any]]], server: ThreadedServer, name: str
) -> None:
    applied, answer = results[name][0]["response"], results[name][1]["response"]
    assert applied["SdkToken"] and applied["RequestId"]
    assert (answer["Result"], answer["Description"]) == ("0", "Success")
    for field, suffix in (("BestFrame", "/face_near.jpg"), ("Video", "/liveness.mp4")):
        assert answer[field]["Url"].startswith(server.url) and answer[field]["Url"].endswith(suffix)
    assert httpx.get(answer["BestFrame"]["Url"], timeout=5).status_code == 200


def test_the_node_sdks_fail_clearly_without_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="npm ci --prefix tests/tencent/node"):
        node_command()


@pytest.mark.parametrize("name", list(PROXY_RUNS))
def test_proxy_mode_is_refused_at_once(results: dict[str, list[dict[str, Any]]], name: str) -> None:
    (result,) = results[name]
    assert not result["ok"] and result["error"]["httpCode"] == 400, result


def page_snippets() -> list[str]:
    """The Node.js examples of the Tencent Cloud FaceID page."""
    section = (ROOT / "docs" / "tencent.md").read_text(encoding="utf-8")
    return [block.split("```", 1)[0] for block in section.split("```js\n")[1:]]


@pytest.mark.parametrize("index", [0, 1], ids=["intl-en, signature v1", "common, TC3"])
def test_the_page_snippets_run_as_written(server: ThreadedServer, index: int) -> None:
    snippets = page_snippets()
    assert len(snippets) == 2
    script = snippets[index].replace("127.0.0.1:8080", server.url.removeprefix("http://"))
    done = subprocess.run(
        [node_command(), "-"], input=script, cwd=NODE_DIR, capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout) == (0, "0 Success\n"), done.stderr[-2000:]

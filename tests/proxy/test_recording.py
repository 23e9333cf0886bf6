"""--record: each distinct real answer (endpoint, code) becomes a scenario file the mock loads and
replays byte for byte, volatile values aside; no secret and no media byte is written."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import yaml

from mock_server.contract.schemas import ContractSchemas
from mock_server.jsonwire import dumps

from ..conftest import ROOT
from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL
from ..processes import MockProcess
from .conftest import Chain

Request = tuple[str, dict[str, Any], dict[str, str]]


def calls(chain: Chain) -> dict[str, tuple[Request, httpx.Response]]:
    """A few requests through the proxy; each answer by the file it must be recorded in."""
    first = chain.token_answer()
    token = first.json()["data"]["token"]
    auth = {"X-ACCESS-TOKEN": token}
    sent: list[Request] = [
        (GET_TOKEN_PATH, {"returnUrl": RETURN_URL, "region": "IDN"}, auth),
        (GET_RESULT_PATH, {"signatureId": "f302f5d2454a85c2"}, auth),
    ]
    found = {"recorded-token_authentication-SUCCESS": (("", {}, {}), first)}
    for path, body, headers in sent:
        answer = httpx.post(chain.proxy.url + path, json=body, headers=headers, timeout=10)
        endpoint = {GET_TOKEN_PATH: "get_token", GET_RESULT_PATH: "get_result"}[path]
        found[f"recorded-{endpoint}-{answer.json()['code']}"] = ((path, body, headers), answer)
    chain.token_answer()  # the same kind again: counted, not a second file
    chain.mutator.mutation = "undocumented_code"
    found["recorded-token_authentication-BRAND_NEW_CODE"] = (("", {}, {}), chain.token_answer())
    return found


def at(body: Any, path: str) -> Any:
    for part in path.split("."):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


def put(body: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = at(body, ".".join(parents)) if parents else body
    target[int(last) if isinstance(target, list) else last] = value


def test_each_distinct_answer_is_one_scenario_the_mock_replays(clean: Chain, contract: ContractSchemas) -> None:
    real = calls(clean)
    folder = clean.record / "scenarios"
    assert {p.stem for p in folder.glob("*.yaml")} >= set(real)
    documents = {name: yaml.safe_load((folder / f"{name}.yaml").read_text(encoding="utf-8")) for name in real}
    assert documents["recorded-token_authentication-SUCCESS"]["recorded"]["count"] >= 2
    new_code = documents["recorded-token_authentication-BRAND_NEW_CODE"]["recorded"]["differences"]
    assert [(d["kind"], d["where"], d["actual"]) for d in new_code] == [
        ("undocumented_code", "/code", "BRAND_NEW_CODE")
    ]
    with MockProcess("--strict", "--fixtures", str(clean.record)) as replay:  # loads: the files are valid scenarios
        for name, ((path, body, headers), answer) in real.items():
            info = documents[name]["recorded"]
            again = httpx.post(
                replay.url + (path or info["path"]),
                json=body or {"accessKey": "x"},
                headers={**headers, "X-Mock-Scenario": name},
                timeout=10,
            )
            assert again.status_code == answer.status_code == info["status"]
            assert answer.content == dumps(answer.json()), "the upstream sends compact JSON: bytes are comparable"
            expected = answer.json()
            replayed = json.loads(again.content)
            for placeholder in info["placeholders"]:
                assert at(replayed, placeholder) != at(expected, placeholder), f"{name}: {placeholder} kept"
                put(expected, placeholder, at(replayed, placeholder))
            assert again.content == dumps(expected), name  # byte for byte, placeholders aside
            if not info["differences"]:
                assert contract.response_problems(info["endpoint"], replayed) == [], name


def test_recordings_hold_no_secret_token_nor_id(clean: Chain) -> None:
    real = calls(clean)
    token = real["recorded-token_authentication-SUCCESS"][1].json()["data"]["token"]
    ids = {answer.json().get("transactionId") for _, answer in real.values()}
    text = "".join(p.read_text(encoding="utf-8") for p in (clean.record / "scenarios").glob("*.yaml"))
    for secret in (token, "samplesecretkey", "mocksamplesecretkey", *ids):
        assert secret not in text
    journal = json.dumps(clean.journal())
    assert token not in journal and "samplesecretkey" not in journal


def test_the_drift_report_reads_the_recordings_and_lists_the_injected_code_once(clean: Chain) -> None:
    calls(clean)
    done = subprocess.run(
        [sys.executable, "-m", "mock_server", "drift", str(clean.record), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    found = [(d["kind"], d["endpoint"], d["where"]) for d in report["differences"]]
    assert found == [("undocumented_code", "token_authentication", "/code")], report

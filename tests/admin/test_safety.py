"""Review of issue 4 (safety and bad scenario files): who may drive the admin API, and what a bad
fixture file looks like to the person who wrote it."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import Headers

from mock_server.admin.safety import UnsafeExposure, check_exposure, presented_token
from mock_server.app import create_app
from mock_server.cli import main
from mock_server.contract.examples import Example
from mock_server.contract.resources import schemas_dir
from mock_server.scenarios.loader import ScenarioContext, load_scenario_files
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..conftest import ROOT
from ..helpers import GET_RESULT_PATH

ADMIN_TOKEN = "review-admin-token-7f3a"


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "", "mock.example.com"])
def test_every_non_loopback_address_is_refused_without_a_token(host: str) -> None:
    with pytest.raises(UnsafeExposure, match="--admin-token"):
        create_app(Settings(host=host, port=0))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_needs_no_token(host: str) -> None:
    check_exposure(Settings(host=host, port=0))  # what create_app checks first


@dataclass
class Served:
    client: httpx.Client
    process: subprocess.Popen[str]


@pytest.fixture
def guarded() -> Iterator[Served]:
    """`liveness-mock serve` with the admin token from the environment, in a real process."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LIVENESS_MOCK_ADMIN_TOKEN": ADMIN_TOKEN}
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            assert ADMIN_TOKEN not in banner
            url = banner.split("serving on ", 1)[1].split()[0]
            with httpx.Client(base_url=url, timeout=5) as client:
                yield Served(client, process)
        finally:
            if process.poll() is None:
                process.terminate()
            process.communicate(timeout=15)


ADMIN_CALLS = [
    ("GET", "/__admin"),
    ("GET", "/__admin/"),
    ("GET", "/__admin/scenarios"),
    ("POST", "/__admin/scenarios/flaky"),
    ("DELETE", "/__admin/scenarios/flaky"),
    ("DELETE", "/__admin/scenarios"),
    ("GET", "/__admin/requests/count"),
    ("DELETE", "/__admin/requests"),
    ("GET", "/__admin/near-misses"),
    ("GET", "/__admin/sessions"),
    ("GET", "/__admin/outcomes"),
    ("POST", "/__admin/clock"),
    ("POST", "/__admin/reset"),
    ("GET", "/__admin/no-such-route"),
]


def test_with_a_token_every_admin_call_needs_it_and_it_is_never_shown(guarded: Served) -> None:
    client = guarded.client
    for method, path in ADMIN_CALLS:
        assert client.request(method, path).status_code == 401, (method, path)
        assert client.request(method, path, headers={"X-Admin-Token": ADMIN_TOKEN[:-1]}).status_code == 401
    good = {"X-Admin-Token": ADMIN_TOKEN}
    assert client.post("/__admin/scenarios/get_result.ERROR", headers=good).status_code == 200
    assert client.post(GET_RESULT_PATH, json={"signatureId": "x"}, headers=good).json()["code"] == "ERROR"
    client.post(
        GET_RESULT_PATH, json={"signatureId": "x", "adminToken": ADMIN_TOKEN}, params={"adminToken": ADMIN_TOKEN}
    )
    client.get("/nowhere", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    shown = client.get("/__admin/requests", headers=good).text + client.get("/__admin/near-misses", headers=good).text
    assert ADMIN_TOKEN not in shown and client.get("/__admin/requests/count", headers=good).json()["count"] == 3
    guarded.process.send_signal(signal.SIGINT)
    out, err = guarded.process.communicate(timeout=15)
    assert ADMIN_TOKEN not in out + err


def test_stopping_while_a_delayed_answer_is_pending_is_quiet() -> None:
    """The CLI means a requested stop to end with status 0, not a traceback; a client gave up on a delay."""
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        assert process.stdout is not None
        url = process.stdout.readline().split("serving on ", 1)[1].split()[0]
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(url + GET_RESULT_PATH, json={"signatureId": "mock-delay-60000"}, timeout=0.2)
        began = time.monotonic()
        process.terminate()
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0 and "Traceback" not in err, err[-600:]
    assert time.monotonic() - began < 10 and "liveness-mock stopped" in out


# --- bad scenario files -------------------------------------------------------------------------

BAD_FILES = [
    ("unknown-key.yaml", "description: x\nrulez:\n  - respond: {}\n", 1, "rules"),
    ("rules-string.yaml", "description: x\nrules: busy\n", 2, "rules"),
    ("missing-colon.json", '{\n  "rules": [\n    {"respond" {}}\n  ]\n}\n', 3, ""),
    ("top-list.yaml", "- respond: {}\n", 1, ""),
    ("bad-delay.yaml", "rules:\n  - name: a\n    respond:\n      delayMs: fast\n", 4, "delayMs"),
    (
        "deep-fault.yaml",
        "rules:\n  - match: {endpoint: get_result}\n    respond:\n      fault:\n        type: melt\n",
        4,
        "melt",
    ),
    ("bad-status.yaml", "rules:\n  - respond:\n      code: ERROR\n      httpStatus: 99\n", 4, "httpStatus"),
]


@pytest.mark.parametrize(("name", "text", "line", "word"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_scenario_file_stops_the_cli_naming_file_and_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    text: str,
    line: int,
    word: str,
) -> None:
    monkeypatch.setattr("mock_server.server.bind", never_serve)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / name).write_text(text)
    assert main(["serve", "--port", "0", "--fixtures", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"liveness-mock: {tmp_path}/scenarios/{name}:{line}: "), err
    assert word in err and "Traceback" not in err and len(err.splitlines()) == 1


def never_serve(*args: object) -> None:
    raise AssertionError("the bad file was accepted: the server would start serving")


def test_an_unreadable_scenario_file_is_named_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("mock_server.server.bind", never_serve)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "latin1.yaml").write_bytes(b"description: caf\xe9\nrules: [{respond: {}}]\n")
    assert main(["serve", "--port", "0", "--fixtures", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}/scenarios/latin1.yaml" in err and "Traceback" not in err


def test_a_tab_indented_json_scenario_is_valid_json(
    tmp_path: Path, catalog: object, contract: object, examples: list[Example]
) -> None:
    """`json.dump(..., indent="\\t")` and many editors write tabs: a .json scenario must load as JSON."""
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "tabs.json").write_text(
        '{\n\t"rules": [\n\t\t{"respond": {"code": "ERROR"}, "match": {"endpoint": "get_result"}}\n\t]\n}\n'
    )
    ctx = ScenarioContext.build(catalog, contract, examples)  # type: ignore[arg-type]
    assert "tabs" in load_scenario_files([tmp_path], schemas_dir(), ctx)


# Admin safety: loopback only without a token; with one, every /__admin call must carry it.

TOKEN = "s3cret-admin-token"


@pytest.mark.parametrize(
    ("headers", "token"),
    [
        ({"X-Admin-Token": TOKEN}, TOKEN),
        ({"Authorization": f"Bearer {TOKEN}"}, TOKEN),
        ({"Authorization": "Basic " + base64.b64encode(f"anyone:{TOKEN}".encode()).decode()}, TOKEN),
        ({"Authorization": "Basic !!!"}, None),
        ({"Authorization": "Digest x"}, None),
        ({}, None),
    ],
)
def test_the_token_forms(headers: dict[str, str], token: str | None) -> None:
    assert presented_token(Headers(headers)) == token


def test_a_non_loopback_address_needs_a_token() -> None:
    with pytest.raises(UnsafeExposure, match=r"refusing to serve on 0\.0\.0\.0"):
        create_app(Settings(host="0.0.0.0"))
    create_app(Settings(host="0.0.0.0", admin_token=TOKEN))
    assert TOKEN not in repr(Settings(admin_token=TOKEN))


def test_with_a_token_every_admin_call_needs_it() -> None:
    app = create_app(Settings(port=0, admin_token=TOKEN))
    with ThreadedServer(app) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        for method, path in (
            ("GET", "/__admin/clock"),
            ("GET", "/__admin/"),
            ("GET", "/__admin/requests"),
            ("POST", "/__admin/reset"),
        ):
            refused = client.request(method, path)
            assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
            assert client.request(method, path, headers={"X-Admin-Token": "wrong"}).status_code == 401
        assert client.get("/__admin/clock", headers={"X-Admin-Token": TOKEN}).status_code == 200
        assert client.get("/__admin/clock", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert client.get("/__admin/clock", auth=("admin", TOKEN)).status_code == 200
        vendor = client.post("/openapi/liveness/v4/h5/get-result", json={"signatureId": "x"})
        assert (vendor.status_code, vendor.json()["code"]) == (200, "IAM_FAILED")  # its own auth, not the admin token
        journal = client.get("/__admin/requests", headers={"X-Admin-Token": TOKEN}).text
        assert TOKEN not in journal


def test_the_cli_refuses_and_explains_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "serve", "--host", "0.0.0.0", "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin", "LIVENESS_MOCK_ADMIN_TOKEN": ""},
    )  # fmt: skip
    assert result.returncode == 2
    assert "refusing to serve on 0.0.0.0" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
    ],
)
@pytest.mark.parametrize(("method", "path"), [("POST", "/__admin/reset"), ("DELETE", "/__admin/clock")])
def test_another_sites_page_cannot_change_the_mock(
    http: httpx.Client, headers: dict[str, str], method: str, path: str
) -> None:
    http.post("/__admin/clock", json={"advanceMs": 60_000})
    refused = http.request(method, path, headers=headers, content=b"{}")
    assert refused.status_code == 403 and "another site" in refused.json()["error"]
    assert http.get("/__admin/clock").json()["offsetMs"] >= 59_000  # nothing happened


def test_the_same_origin_and_clients_without_browser_headers_still_can(http: httpx.Client) -> None:
    origin = str(http.base_url).rstrip("/")
    assert http.post("/__admin/reset", headers={"Sec-Fetch-Site": "same-origin", "Origin": origin}).status_code == 200
    assert http.post("/__admin/reset", headers={"Origin": origin}).status_code == 200  # an older browser
    assert http.post("/__admin/reset").status_code == 200  # curl, SDKs, tests
    assert (
        http.get("/__admin/clock", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200
    )  # reading changes nothing


def test_a_cross_site_call_is_refused_before_the_token_is_even_checked() -> None:
    app = create_app(Settings(port=0, admin_token=ADMIN_TOKEN))
    with ThreadedServer(app) as server, httpx.Client(base_url=server.url) as client:
        headers = {"X-Admin-Token": ADMIN_TOKEN, "Sec-Fetch-Site": "cross-site"}  # remembered credentials
        assert client.post("/__admin/reset", headers=headers).status_code == 403
        assert client.post("/__admin/reset", headers={"X-Admin-Token": ADMIN_TOKEN}).status_code == 200

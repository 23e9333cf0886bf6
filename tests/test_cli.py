"""The command line: routes, openapi, and serve as a real process (URL line, loopback, clean stop)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from mock_server.cli import main
from mock_server.contract.catalog import Catalog
from mock_server.contract.schemas import ContractSchemas

from .conftest import ROOT
from .gateway.test_gateway import answer_every_route, well_formed_requests
from .helpers import access_token


def test_routes_prints_every_catalog_route(catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes"]) == 0
    rows = {tuple(line.split()[:3]) for line in capsys.readouterr().out.splitlines()}
    assert rows == {(r.host, r.method, r.path) for r in catalog.routes()}


def test_openapi_prints_json_and_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    assert main(["openapi"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert main(["openapi", "--format", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == as_json


@pytest.fixture
def serve() -> Iterator[subprocess.Popen[str]]:
    with subprocess.Popen(
        [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--seed", "7"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        yield process
        if process.poll() is None:
            process.kill()


def test_serve_prints_its_url_serves_and_stops_on_sigterm(serve: subprocess.Popen[str]) -> None:
    assert serve.stdout is not None
    line = serve.stdout.readline()
    assert line.startswith("liveness-mock") and "serving on http://127.0.0.1:" in line
    url = line.split("serving on ", 1)[1].split()[0]
    response = httpx.post(f"{url}/openapi/liveness/v4/h5/get-result", json={"signatureId": "x"}, timeout=5)
    assert response.json()["code"] == "IAM_FAILED"  # a real answer: no access token
    began = time.monotonic()
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=10) == 0
    assert time.monotonic() - began < 5
    assert "liveness-mock stopped" in serve.stdout.read()


@contextmanager
def serving(*options: str) -> Iterator[str]:
    """``liveness-mock serve --port 0 <options>`` as a real process; yields the URL it prints."""
    with subprocess.Popen(
        [sys.executable, "-m", "mock_server", "serve", "--port", "0", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    ) as process:
        try:
            assert process.stdout is not None
            yield process.stdout.readline().split("serving on ", 1)[1].split()[0]
        finally:
            process.terminate()


def test_serve_with_the_same_seed_replays_transaction_ids() -> None:
    def first_ids() -> list[str]:
        with serving("--seed", "42") as url:
            return [
                httpx.post(f"{url}/openapi/liveness/v4/h5/get-result", json={}, timeout=5).json()["transactionId"]
                for _ in range(3)
            ]

    assert first_ids() == first_ids()


def test_clock_ms_replays_the_docs_signature_vector() -> None:
    """File 003: sampleaccesskey + samplesecretkey + 1665993522952 -> 02209bbe...f5, accepted when the
    mock clock starts at that moment."""
    body = {
        "accessKey": "sampleaccesskey",
        "signature": "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5",
        "timestamp": 1665993522952,
    }
    with serving("--clock-ms", "1665993522952") as url:
        answer = httpx.post(f"{url}/openapi/auth/ticket/v1/generate-token", json=body, timeout=5).json()
    assert answer["code"] == "SUCCESS"
    assert 1665993522952 + 3_600_000 <= answer["data"]["expiredTime"] < 1665993522952 + 3_660_000


def test_a_serve_process_answers_every_route(catalog: Catalog, contract: ContractSchemas) -> None:
    """Issue 2, done when: over real HTTP against `liveness-mock serve`, every route answers."""
    with serving("--strict") as url, httpx.Client(base_url=url, timeout=10) as http:
        token = access_token(http)
        answer_every_route(http, token, well_formed_requests(http, token), catalog, contract)


def test_an_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["fly"])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--workers", "2"], "--workers 2 needs a shared --state"),
        (["--state", "postgres://db/x"], "use one of memory, sqlite:///path/state.db, redis://host:port/db"),
        (["--state", "sqlite://"], "write sqlite:///absolute/path/state.db"),
        (["--state", "sqlite:///dev/null/state.db"], "cannot open the state file /dev/null/state.db"),
        (["--state", "redis://:secret@127.0.0.1:1/0"], "cannot reach the state redis://:***@127.0.0.1:1/0"),
    ],
)
def test_serve_refuses_a_state_it_cannot_use(options: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", *options]) == 2
    err = capsys.readouterr().err
    assert said in err and "secret" not in err and "Traceback" not in err

"""The command line: routes, openapi, and serve as a real process (URL line, loopback, clean stop)."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from mock_server.cli import _parser, _settings, _worker_app, main
from mock_server.contract.catalog import Catalog
from mock_server.contract.schemas import ContractSchemas
from mock_server.settings import Settings

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


def test_the_link_secret_comes_from_the_environment_or_the_option_and_is_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LIVENESS_MOCK_LINK_SECRET", "from-env-4b1d")
    assert _settings(_parser().parse_args(["serve"])).link_secret == "from-env-4b1d"
    settings = _settings(_parser().parse_args(["serve", "--link-secret", "from-option-9c2e"]))
    assert settings.link_secret == "from-option-9c2e" and "from-option-9c2e" not in repr(settings)


def test_header_timeout_closes_a_slow_client_of_a_serve_process() -> None:
    with serving("--header-timeout", "0.5", "--keep-alive-timeout", "0.5") as url:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(b"POST /openapi/liveness/v2/h5/to")
            assert sock.recv(1) == b""  # closed by the server, well before the 5 s of this socket


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_timeouts_must_be_positive_seconds(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--header-timeout", value])
    assert "positive number of seconds" in capsys.readouterr().err


def test_routes_into_a_pipe_closed_early_ends_quietly() -> None:
    """`liveness-mock routes | head -1`: the reader leaves; no BrokenPipeError traceback. The pipe is
    made one page small (F_SETPIPE_SZ) so the listing (about 6 KB) cannot all fit before it closes."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, 1031, 4096)  # F_SETPIPE_SZ
    command = [sys.executable, "-m", "mock_server", "routes", "--mock-url", "http://127.0.0.1:8080"]
    with subprocess.Popen(command, stdout=write_end, stderr=subprocess.PIPE) as process:
        os.close(write_end)
        with os.fdopen(read_end, "rb") as reader:
            first = reader.readline()
        assert process.wait(timeout=30) == 0
        assert process.stderr is not None and process.stderr.read() == b""
    assert b"http://127.0.0.1:8080/@api/" in first


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


def test_a_serving_process_moves_its_start_up_objects_out_of_the_collectors_way() -> None:
    """Full collections under load walk only what requests made (short pauses: p99)."""
    gc.unfreeze()
    try:
        _worker_app(Settings(port=0))
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


NOT_NEEDED_TO_SERVE = (
    "pytest",
    "hypothesis",
    "httpx",
    "faker",  # imported when a fake value is first drawn
    "yaml",  # fixtures come from the parse cache
    "jsonschema",  # the reference validator: tests only
    "tomllib",  # only with --config
    "websockets",  # imported on the first WebSocket upgrade
    "mock_server.contract.conformance",  # drift and the proxy
)


def test_a_serving_process_imports_only_what_serving_needs() -> None:
    """Start-up is paid on every CI run: what serving does not need stays out of a serving process."""
    code = (
        "import sys\n"
        "from mock_server.cli import _worker_app\n"
        "from mock_server.server import uvicorn_config\n"
        "from mock_server.settings import Settings\n"
        "settings = Settings(port=0)\n"
        "uvicorn_config(_worker_app(settings), settings).load()\n"
        f"print(' '.join(name for name in {NOT_NEEDED_TO_SERVE!r} if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []

"""Running the mock: the health route, the start-up line, logs, one-line errors, configuration
layers (flag > environment > TOML file > default) and ports of their own for regional hosts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mock_server.cli import _parser, _settings, main, options_table, serve_options

from .conftest import ROOT
from .helpers import GET_RESULT_PATH

ADMIN_TOKEN = "ops-admin-token-5e1f"


@contextmanager
def serving(*options: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``liveness-mock serve --port 0 <options>``; yields its start-up line and the process."""
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0", *options]
    environ = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ
    ) as process:
        try:
            assert process.stdout is not None
            yield process.stdout.readline(), process
        finally:
            process.terminate()
            process.wait(timeout=10)


def url_of(banner: str) -> str:
    return banner.split("serving on ", 1)[1].split()[0]


def test_health_answers_without_the_admin_token_and_tells_no_secret() -> None:
    env = {"LIVENESS_MOCK_ADMIN_TOKEN": ADMIN_TOKEN, "LIVENESS_MOCK_LINK_SECRET": "link-secret-77aa"}
    with serving("--state", "memory", env=env) as (banner, _):
        url = url_of(banner)
        health = httpx.get(url + "/__admin/health", timeout=5)
        refused = httpx.get(url + "/__admin/clock", timeout=5)
        posted = httpx.post(url + "/__admin/health", timeout=5)
    body = health.json()
    assert health.status_code == 200 and refused.status_code == 401 and posted.status_code == 405
    assert body["status"] == "ok" and body["state"] == "memory" and body["workers"] == 1
    assert body["version"] and body["uptime_s"] >= 0
    assert ADMIN_TOKEN not in health.text and "link-secret" not in health.text


def test_health_on_a_shared_state_hides_its_url(tmp_path: Path) -> None:
    with serving("--state", f"sqlite:///{tmp_path}/state.db") as (banner, _):
        body = httpx.get(url_of(banner) + "/__admin/health", timeout=5).json()
    assert body["state"] == "sqlite" and str(tmp_path) not in json.dumps(body)


def test_the_start_up_line_gives_the_dashboard_state_and_scenarios() -> None:
    with serving("--scenario", "get_result.SERVICE_BUSY") as (banner, _):
        url = url_of(banner)
        dashboard = httpx.get(f"{url}/__admin/", timeout=5)
    assert f"(dashboard {url}/__admin/; state memory; scenarios: get_result.SERVICE_BUSY;" in banner
    assert dashboard.status_code == 200 and "<html" in dashboard.text.lower()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_access_log_has_one_masked_line_per_request(fmt: str) -> None:
    secret = "0123456789abcdef0123456789abcdef"
    with serving("--access-log", "--log-format", fmt) as (banner, process):
        url = url_of(banner)
        httpx.post(url + GET_RESULT_PATH, json={"signatureId": "s"}, headers={"X-ACCESS-TOKEN": secret}, timeout=5)
        httpx.get(f"{url}/@sg-api/nowhere?accessKey={secret}", timeout=5)
        httpx.get(url + "/__admin/health", timeout=5)  # admin calls are not journaled, so not logged
        process.terminate()
        out, err = process.communicate(timeout=10)
    lines = [line for line in out.splitlines() if "/" in line and "serving on" not in line]
    assert len(lines) == 2, out
    assert secret not in out + err
    if fmt == "json":
        first, second = (json.loads(line) for line in lines)
        assert {k: first[k] for k in ("method", "host", "path", "endpoint", "code", "status")} == {
            "method": "POST", "host": "api.advance.ai", "path": GET_RESULT_PATH,
            "endpoint": "get_result", "code": "IAM_FAILED", "status": 200,
        }  # fmt: skip
        assert first["ms"] >= 0 and second["status"] == 404 and second["host"] == "sg-api.advance.ai"
    else:
        assert lines[0].startswith(f"POST api.advance.ai {GET_RESULT_PATH} get_result IAM_FAILED 200 ")
        assert lines[0].endswith("ms") and " - CLIENT_ERROR 404 " in lines[1]


def test_no_access_log_by_default() -> None:
    with serving() as (banner, process):
        httpx.post(url_of(banner) + GET_RESULT_PATH, json={}, timeout=5)
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert GET_RESULT_PATH not in out


def run_serve(*options: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mock_server", "serve", *options]
    environ = {**os.environ, **(env or {})}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, env=environ)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2 and result.stdout == "", result
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_a_busy_port_is_one_line_with_the_port_0_hint() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        said = one_line_error(run_serve("--port", str(port)))
    assert f"port {port} on 127.0.0.1 is already in use" in said and "--port 0" in said


def test_a_busy_host_port_names_its_option() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        said = one_line_error(run_serve("--port", "0", "--host-ports", f"sg-api={port}"))
    assert "--host-ports sg-api=0" in said


@pytest.mark.parametrize(
    ("options", "env", "said"),
    [
        (["--fixtures", "/nonexistent/fixtures"], {}, "fixture folder /nonexistent/fixtures does not exist"),
        (["--scenario", "get_result.SERVICE_BUSI"], {}, "did you mean 'get_result.SERVICE_BUSY'?"),
        (["--host-ports", "sgapi=0"], {}, "no regional host named 'sgapi'; did you mean 'sg-api'?"),
        ([], {"LIVENESS_MOCK_SEED": "eighty"}, "environment variable LIVENESS_MOCK_SEED='eighty': not an integer"),
        ([], {"LIVENESS_MOCK_STRICT": "maybe"}, "LIVENESS_MOCK_STRICT='maybe': give 1/true/yes/on or 0/false/no/off"),
        ([], {"LIVENESS_MOCK_WORKERS": "0"}, "LIVENESS_MOCK_WORKERS='0': must be at least 1"),
        (
            [],
            {"LIVENESS_MOCK_LOG_LEVEL": "loud"},
            "LIVENESS_MOCK_LOG_LEVEL='loud': give one of debug, info, warning, error",
        ),
        ([], {"LIVENESS_MOCK_CONFIG": "/nonexistent/mock.toml"}, "config file /nonexistent/mock.toml: No such file"),
    ],
)
def test_bad_start_up_input_is_one_clear_line(options: list[str], env: dict[str, str], said: str) -> None:
    assert said in one_line_error(run_serve("--port", "0", *options, env=env))


def settings_of(argv: list[str], monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> object:
    for name in [o.env for o in serve_options()] + ["LIVENESS_MOCK_CONFIG"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return _settings(_parser().parse_args(["serve", *argv]))


def test_a_flag_beats_the_environment_which_beats_the_file_which_beats_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(
        'port = 9001\nseed = 5\njournal-size = 50\nscenario = ["get_result.SERVICE_BUSY"]\nstrict = true\n'
    )
    env = {"LIVENESS_MOCK_PORT": "9002", "LIVENESS_MOCK_SEED": "6"}
    settings = settings_of(["--config", str(config), "--port", "9003"], monkeypatch, env)
    assert (settings.port, settings.seed, settings.journal_size) == (9003, 6, 50)  # type: ignore[attr-defined]
    assert settings.scenarios == ("get_result.SERVICE_BUSY",) and settings.strict  # type: ignore[attr-defined]
    assert settings.body_timeout_s == 30.0  # type: ignore[attr-defined]  # nobody set it: the default
    from_env_file = settings_of([], monkeypatch, {**env, "LIVENESS_MOCK_CONFIG": str(config)})
    assert (from_env_file.port, from_env_file.seed) == (9002, 6)  # type: ignore[attr-defined]


def test_lists_come_from_a_comma_separated_variable_and_a_flag_replaces_them(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"LIVENESS_MOCK_SCENARIO": "a.B, c.D", "LIVENESS_MOCK_HOST_PORTS": "sg-api=8081,my-api=8082"}
    settings = settings_of([], monkeypatch, env)
    assert settings.scenarios == ("a.B", "c.D")  # type: ignore[attr-defined]
    assert settings.host_ports == (("sg-api", 8081), ("my-api", 8082))  # type: ignore[attr-defined]
    assert settings_of(["--scenario", "e.F"], monkeypatch, env).scenarios == ("e.F",)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("port = 'x'\n", "config file {f}: port = 'x': not an integer"),
        ("prot = 1\n", "config file {f}: unknown key 'prot'; did you mean 'port'?"),
        ("strict = 'yes'\n", "config file {f}: strict = 'yes': give true or false"),
        ("port = [1]\n", "config file {f}: port = [1]: give a single number"),
        ("port = \n", "config file {f}: not valid TOML"),
    ],
)
def test_a_bad_file_value_is_one_line_naming_the_file_and_key(tmp_path: Path, text: str, said: str) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(text)
    assert said.format(f=config) in one_line_error(run_serve("--config", str(config)))


def test_the_docs_table_is_the_option_data() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    table = page.split("<!-- options table: start -->\n", 1)[1].split("<!-- options table: end -->", 1)[0]
    assert table == options_table()
    assert len(table.splitlines()) == len(serve_options()) + 2 and "`LIVENESS_MOCK_ADMIN_TOKEN`" in table


def test_host_ports_serve_one_regional_host_each_over_real_http() -> None:
    with serving("--host-ports", "sg-api=0,my-api=0") as (banner, _):
        url = url_of(banner)
        sg = banner.split("sg-api on ", 1)[1].split(";")[0]
        idn = banner.split("my-api on ", 1)[1].split(";")[0]
        headers = {"Host": "api.advance.ai", "X-Admin-Token": "x"}
        answers = [
            httpx.post(f"{base}/intl/openapi/face-identity/v2/h5/token", json={}, headers=headers, timeout=5)
            for base in (sg, idn, url)
        ]
        journal = httpx.get(url + "/__admin/requests", timeout=5).json()["requests"]
    assert len({url, sg, idn}) == 3
    assert [e["host"] for e in reversed(journal)] == ["sg-api.advance.ai", "my-api.advance.ai", "api.advance.ai"]
    assert [a.json()["code"] for a in answers[:2]] == ["IAM_FAILED", "IAM_FAILED"]  # routed: a documented answer
    assert answers[2].json()["code"] == "CLIENT_ERROR"  # api.advance.ai has no /intl/ route


def test_routes_and_openapi_list_the_hosts_ports(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--mock-url", "http://127.0.0.1:8080", "--host-ports", "sg-api=8081"]) == 0
    lines = capsys.readouterr().out.splitlines()
    sg = [line for line in lines if line.startswith("sg-api.advance.ai ")]
    assert sg and all("  http://127.0.0.1:8081/" in line for line in sg)
    assert any("http://127.0.0.1:8080/@ph-api/" in line for line in lines)
    assert main(["openapi", "--mock-url", "http://127.0.0.1:8080", "--host-ports", "sg-api=8081"]) == 0
    servers = json.loads(capsys.readouterr().out)["servers"]
    assert {"url": "http://127.0.0.1:8081", "description": "sg-api.advance.ai"} in servers
    assert main(["routes", "--host-ports", "sg-api=8081"]) == 2
    assert "give its --mock-url too" in capsys.readouterr().err


def test_the_log_level_and_format_apply_to_the_servers_own_lines() -> None:
    with serving("--log-level", "info", "--log-format", "json") as (_, process):
        process.terminate()
        _, err = process.communicate(timeout=10)
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert any(line["message"].startswith("Started server process") for line in lines), err
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    with serving() as (_, quiet):
        quiet.terminate()
        _, err = quiet.communicate(timeout=10)
    assert "Started server process" not in err  # the default level is warning


def test_the_dashboard_address_is_one_a_browser_opens() -> None:
    from mock_server.cli import _banner
    from mock_server.settings import Settings

    secrets = {"admin_token": "admin-secret-31", "link_secret": "link-secret-32", "state": "redis://:pw-33@r:6379/0"}
    everywhere = _banner("http://0.0.0.0:8080", Settings(host="0.0.0.0", **secrets), [])
    assert "serving on http://0.0.0.0:8080 (dashboard http://127.0.0.1:8080/__admin/; state redis;" in everywhere
    assert not any(secret in everywhere for secret in ("admin-secret-31", "link-secret-32", "pw-33"))
    public = _banner("http://0.0.0.0:8080", Settings(host="0.0.0.0", public_url="https://mock.example/"), [])
    assert "(dashboard https://mock.example/__admin/;" in public

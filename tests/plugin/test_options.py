"""Options on the command line and in the ini file, their checks, and how hosts are addressed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pytest_plugin.options import parse_host_map
from pytest_plugin.target import Credentials, Target

from ..conftest import ROOT
from .conftest import Run


def test_help_lists_every_option(run: Run) -> None:
    result = run("--help", quick=False)
    result.stdout.fnmatch_lines(["*liveness-mock contract kit*", "*--liveness-target=*mock|sandbox*"])
    for option in ("base-url", "host-map", "max-calls", "max-billable", "rate"):
        assert f"--liveness-{option}" in result.stdout.str()
    result.stdout.fnmatch_lines(["*liveness_access_key*", "*liveness_secret_key*"])


def test_the_header_names_the_target(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    run(quick=False).stdout.fnmatch_lines(["liveness: target=mock (in-process)"])
    run("--liveness-target=sandbox", "--liveness-base-url=http://127.0.0.1:9/", quick=False).stdout.fnmatch_lines(
        ["liveness: target=sandbox (http://127.0.0.1:9)"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--liveness-target=prod"], "*--liveness-target must be one of mock, sandbox, not 'prod'*"),
        (["--liveness-base-url=localhost:8080"], "*--liveness-base-url: 'localhost:8080' is not an http(s) URL*"),
        (["--liveness-host-map=api.advance.ai"], "*--liveness-host-map: 'api.advance.ai' is not HOST=URL*"),
        (["--liveness-max-calls=lots"], "*--liveness-max-calls: 'lots' is not a int*"),
    ],
)
def test_a_bad_option_is_a_usage_error(run: Run, pytester: pytest.Pytester, args: list[str], message: str) -> None:
    pytester.makepyfile("def test_nothing(): pass")
    result = run(*args, quick=False)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_ini_options_apply_and_the_command_line_wins(run: Run, pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nliveness_target = sandbox\nliveness_max_calls = 7\nliveness_base_url = http://127.0.0.1:9\n"
    )
    pytester.makepyfile(
        """
        def test_options(liveness_options):
            assert (liveness_options.target, liveness_options.max_calls) == ("mock", 7)
            assert liveness_options.base_url == "http://127.0.0.1:9"
            assert (liveness_options.access_key, liveness_options.secret_key) == ("sampleaccesskey", "samplesecretkey")
        """
    )
    run("--liveness-target=mock", quick=False).assert_outcomes(passed=1)


def test_sandbox_defaults_are_careful_and_credentials_come_from_env_then_ini(
    run: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nliveness_access_key = from-ini\nliveness_secret_key = ini-secret\n")
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "from-env")
    pytester.makepyfile(
        """
        def test_options(liveness_options):
            assert (liveness_options.max_calls, liveness_options.max_billable, liveness_options.rate) == (500, 10, 5.0)
            assert (liveness_options.access_key, liveness_options.secret_key) == ("from-env", "ini-secret")
        """
    )
    run("--liveness-target=sandbox", quick=False).assert_outcomes(passed=1)


def test_host_map_lines_and_commas() -> None:
    text = "API.advance.ai=https://a.example/ ,\nsg-api.advance.ai = http://127.0.0.1:81"
    assert parse_host_map(text) == {"api.advance.ai": "https://a.example", "sg-api.advance.ai": "http://127.0.0.1:81"}


def test_a_target_addresses_hosts_by_map_then_base_url_then_themselves() -> None:
    target = Target("sandbox", "http://127.0.0.1:8080", {"sg-api.advance.ai": "https://sg.example"})
    assert target.url("sg-api.advance.ai", "/x") == ("https://sg.example/x", {})
    assert target.url("my-api.advance.ai", "/x") == ("http://127.0.0.1:8080/x", {"Host": "my-api.advance.ai"})
    assert target.url(None, "/x") == ("http://127.0.0.1:8080/x", {"Host": "api.advance.ai"})
    assert Target("sandbox").url("th-api.advance.ai", "/x") == ("https://th-api.advance.ai/x", {})


def test_credentials_sign_as_documented_and_never_print_the_secret() -> None:
    """File 003's test vector."""
    body = Credentials("sampleaccesskey", "samplesecretkey").signed_body(1665993522952)
    assert body["signature"] == "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5"
    assert "samplesecretkey" not in repr(Credentials("sampleaccesskey", "samplesecretkey"))


def test_the_plugin_module_imports_only_pytest_and_the_standard_library() -> None:
    """pytest loads it in every run of a project that installs us: nothing heavy at import."""
    heavy = (
        "mock_server",
        "hypothesis",
        "hypothesis_jsonschema",
        "httpx",
        "starlette",
        "uvicorn",
        "faker",
        "jsonschema",
    )
    code = f"import sys, pytest_plugin.plugin; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == "[]"

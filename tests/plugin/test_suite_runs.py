"""The shipped suite, as a team runs it: against the in-process mock, against a separately started
mock process addressed as a sandbox with non-default credentials, and without credentials."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import ROOT
from .conftest import Run

SUITE = ("--pyargs", "pytest_plugin.suite")
ADMIN = {"X-Admin-Token": "ci-admin-token"}
ACCOUNTS = """
accounts:
  - name: ci-team
    description: The account a team's CI uses against the mock process
    accessKey: citeamaccesskey
    secretKey: citeamsecretkey
    tencent: {secretId: AKIDciteamsecretid, secretKey: citeamtencentsecretkey}
"""


@pytest.fixture
def mock_process(tmp_path: Path) -> Iterator[str]:
    """``liveness-mock serve --port 0 --fixtures DIR --strict --admin-token T`` in its own process; its URL."""
    (tmp_path / "accounts.yaml").write_text(ACCOUNTS, encoding="utf-8")
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--strict", "--fixtures", str(tmp_path)]
    command += ["--admin-token", ADMIN["X-Admin-Token"]]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    ) as process:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, line
        yield line.split("serving on ", 1)[1].split()[0]
        process.terminate()
        process.wait(timeout=10)


def test_the_suite_passes_against_the_in_process_mock(run: Run) -> None:
    result = run(*SUITE)
    outcomes = result.parseoutcomes()
    assert (outcomes.get("failed", 0), outcomes.get("errors", 0), outcomes.get("skipped", 0)) == (0, 0, 0), (
        result.stdout.str()
    )
    assert outcomes["passed"] >= 90
    result.stdout.re_match_lines(
        [r"liveness: mock started in-process in \d\.\d+ s; \d+ API calls, [1-9]\d* priced PAY"]
    )


def test_the_suite_passes_against_a_mock_process_addressed_as_a_sandbox(
    run: Run, mock_process: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "citeamaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "citeamsecretkey")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDciteamsecretid")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "citeamtencentsecretkey")
    result = run(*SUITE, "--liveness-target=sandbox", f"--liveness-base-url={mock_process}", "--liveness-rate=0", "-v")
    outcomes = result.parseoutcomes()
    assert (outcomes.get("failed", 0), outcomes.get("errors", 0)) == (0, 0), result.stdout.str()
    assert outcomes["passed"] >= 80 and outcomes["skipped"] >= 1
    result.stdout.fnmatch_lines(
        ["liveness: target=sandbox (http://127.0.0.1:*)", "SKIPPED*mock-only: needs the mock's admin API*"]
    )
    result.stdout.fnmatch_lines(["*test_tencent.py::test_an_applied_token_has_a_documented_result PASSED*"])
    sessions = httpx.get(f"{mock_process}/__admin/sessions", headers=ADMIN, timeout=10).json()["sessions"]
    assert sessions and {s["account"] for s in sessions} == {"ci-team"}, "the run signed in as ci-team, over HTTP"
    applied = httpx.get(
        f"{mock_process}/__admin/requests/count",
        params={"endpoint": "apply_liveness_token", "code": "SUCCESS"},
        headers=ADMIN,
        timeout=10,
    )
    assert applied.json()["count"] >= 1, "the suite's TC3 signatures verified against ci-team's Tencent key"


def test_the_suite_passes_against_a_mock_process_addressed_as_the_mock(
    run: Run, mock_process: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mock-only tests drive that process's admin API over HTTP (with its admin token)."""
    monkeypatch.setenv("LIVENESS_MOCK_ADMIN_TOKEN", ADMIN["X-Admin-Token"])
    result = run(*SUITE, f"--liveness-base-url={mock_process}")
    outcomes = result.parseoutcomes()
    assert (outcomes.get("failed", 0), outcomes.get("errors", 0), outcomes.get("skipped", 0)) == (0, 0, 0), (
        result.stdout.str()
    )
    result.stdout.re_match_lines([r"liveness: mock reached in \d+\.\d+ s; \d+ API calls"])


def test_the_suite_without_credentials_skips_cleanly(run: Run) -> None:
    result = run(*SUITE, "--liveness-target=sandbox", "--liveness-base-url=http://127.0.0.1:9")
    outcomes = result.parseoutcomes()
    assert set(outcomes) == {"skipped"} and outcomes["skipped"] >= 90, outcomes
    result.stdout.fnmatch_lines(["SKIPPED*liveness sandbox: set LIVENESS_ACCESS_KEY and LIVENESS_SECRET_KEY*"])
    result.stdout.fnmatch_lines(["SKIPPED*Tencent Cloud: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY*"])
    assert "mock started" not in result.stdout.str() and "API calls" not in result.stdout.str()


def test_the_suite_stops_at_the_first_connection_failure_with_one_line(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sandbox that cannot be reached (a closed loopback port): one line, not a spent budget of
    tracebacks. In a subprocess, as a team runs it (an in-process run after others may hold a
    second copy of httpcore, whose errors httpx then no longer recognises)."""
    from ..processes import free_port
    from .conftest import PLUGIN_ARGS

    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "citeamaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "citeamsecretkey")
    closed = f"http://127.0.0.1:{free_port()}"
    args = ["--liveness-target=sandbox", f"--liveness-base-url={closed}", "--liveness-rate=0"]
    result = pytester.runpytest_subprocess(*PLUGIN_ARGS, "-p", "no:cacheprovider", *SUITE, *args, timeout=120)
    out = result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED, out
    result.stdout.fnmatch_lines([f"*liveness: cannot connect to the sandbox at {closed} (ConnectError: *"])
    assert "Traceback" not in out and out.count("ConnectError") == 1, out
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) <= 1, outcomes

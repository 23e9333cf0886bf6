"""The benchmark command, run for real in --quick mode on a subset that keeps this test short:
call (a) on the mock, its ceiling and issue 12's shared-state rows, memory per session, a soak,
start-up, the pytest fixture's time to ready. Every check must pass.

No speed is asserted here: performance targets live in benchmarks/ (RESULTS.md), never in timed
unit tests. This only proves the command works against the real `liveness-mock serve` CLI. (The
other calls and the contract suite run in the full command: `--quick` alone.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CALLS = ["a"]
ONLY = "a,sqlite2,redis,sessions,startup,fixture"
SECRETS = ("samplesecretkey", "mocksamplesecretkey")  # the default account's secret keys


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("bench")
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "run.py"),
        "--quick",
        "--only",
        ONLY,
        "--soak",
        "1",
        "--out",
        str(out),
        "--work-dir",
        str(out / "work"),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode == 2 and "wrk" in proc.stderr:
        pytest.fail(f"the benchmark needs wrk and could not install it:\n{proc.stderr[-2000:]}")
    assert proc.returncode == 0, f"benchmarks/run.py --quick exited {proc.returncode}:\n{proc.stderr[-4000:]}"
    return proc, out


@pytest.mark.timeout(240)
def test_every_call_is_measured_on_the_mock_and_its_ceiling(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = quick_run
    results = json.loads((out / "results.json").read_text())
    assert list(results["calls"]) == CALLS
    for call_id, call in results["calls"].items():
        assert call["functional_check_passed"], (call_id, call["functional_checks"])
        for contender in ("lm", "ceiling"):
            row = call["contenders"][contender]
            assert row["errors"] == [], (call_id, contender, row["errors"])
            assert row["requests"] and all(n > 0 for n in row["requests"]), (call_id, contender)
        ratios = call["ratio_to_ceiling"]["lm"]
        assert isinstance(ratios["rps"], float) and ratios["rps"] > 0, (call_id, ratios)
        assert isinstance(ratios["cpu_us_per_req"], float), (call_id, ratios)
    assert "| a Get Result" in (out / "RESULTS.md").read_text()


@pytest.mark.timeout(240)
def test_the_extras_are_measured(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = quick_run
    results = json.loads((out / "results.json").read_text())
    assert set(results["startup"]["median_ms"]) == {"lm", "ceiling"}
    sessions = results["sessions"]
    assert sessions["sessions_made"] >= sessions["target"] and sessions["rss_after_mib"] > 0, sessions
    soak = results["soak"]
    assert soak["sessions_made"] > 0 and len(soak["samples"]) >= 2, soak
    fixture = results["plugin_fixture"]["median"]
    assert 0 < fixture["fixture_ready_s"] <= fixture["first_setup_s"], fixture


@pytest.mark.timeout(240)
def test_the_shared_state_rows_are_measured_against_one_in_memory_worker(
    quick_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, out = quick_run
    results = json.loads((out / "results.json").read_text())
    call = results["calls"]["a"]
    assert "state_rows_error" not in results, results["state_rows_error"]
    for row in ("w2-sqlite", "redis"):
        assert call["contenders"][row]["errors"] == [], call["contenders"][row]
        assert isinstance(call["ratio_to_lm"][row]["rps"], float), call["ratio_to_lm"]
    assert "| a | w2-sqlite |" in (out / "RESULTS.md").read_text()


@pytest.mark.timeout(240)
def test_no_secret_reaches_the_results_or_the_log(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    proc, out = quick_run
    published = (out / "results.json").read_text() + (out / "RESULTS.md").read_text() + proc.stdout + proc.stderr
    for secret in SECRETS:
        assert secret not in published

"""Figures beyond req/s: start-up to first answer, the pytest fixture's time to ready, and the
contract suite's examples per second. Each runs real processes with hard timeouts."""

from __future__ import annotations

import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .procs import Server, Supervisor

PYTEST_TIMEOUT_S = 300
FIXTURE_TESTS = '''"""Two tests on the plugin's fixture: the first pays for the session's server, the second a reset."""


def test_first(liveness_mock):
    assert liveness_mock.url.startswith("http://127.0.0.1:")


def test_second(liveness_mock):
    assert liveness_mock.url.startswith("http://127.0.0.1:")
'''
FIXTURE_CONFTEST = """import json
import os
import time

import pytest

SETUP = {}
# Each fixture's own set-up in seconds, the first time, and the module that defines it. pytest sets
# up a fixture's declared arguments before it, so they are not counted twice; a fixture fetched
# with request.getfixturevalue inside another would be (the tests below use none).
FIXTURES = {}


def pytest_runtest_logreport(report):
    if report.when == "setup":
        SETUP[report.nodeid.rsplit("::", 1)[-1]] = report.duration


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    began = time.perf_counter()
    yield
    FIXTURES.setdefault(fixturedef.argname, [time.perf_counter() - began, fixturedef.func.__module__])


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_FIXTURE_OUT"], "w") as fh:
        json.dump({"setup": SETUP, "fixtures": FIXTURES}, fh)
"""
STARTUP_LINE = re.compile(r"liveness: mock started in-process in ([0-9.]+) s(?:; (\d+) API calls)?")
PASSED_LINE = re.compile(r"(\d+) passed(?:, [^\n]*)? in ([0-9.]+)s")
EXAMPLES_LINE = re.compile(r"- (\d+) passing, (\d+) failing, and (\d+) invalid test cases")
# --quick: one hypothesis test of the suite (25 examples), enough to smoke-test the counting
SUITE_SUBSET = ["pytest_plugin.suite.test_endpoints", "-k", "test_valid_requests_get_documented_answers and get_result"]


def measure_startup(
    supervisor: Supervisor, makers: dict[str, Callable[[int], Server]], launches: int, pause_s: float = 0.3
) -> dict[str, list[float]]:
    """Launch each contender ``launches`` times, alternating; ms from launch to the first HTTP answer."""
    found: dict[str, list[float]] = {name: [] for name in makers}
    for rep in range(launches):
        names = list(makers) if rep % 2 == 0 else list(reversed(makers))
        for name in names:
            server = supervisor.start_ready(makers[name](rep))
            supervisor.stop(server)
            assert server.ready_ms is not None
            found[name].append(round(server.ready_ms, 1))
            time.sleep(pause_s)
    return found


def measure_fixture(work: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    """Time to ready of the `liveness_mock` fixture, from a tiny test file outside the project."""
    folder = work / "fixture-ready"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test_ready.py").write_text(FIXTURE_TESTS)
    (folder / "conftest.py").write_text(FIXTURE_CONFTEST)
    (folder / "pytest.ini").write_text("[pytest]\n")
    samples = []
    for run in range(runs):
        out_path = folder / f"setup-{run}.json"
        began = time.perf_counter()
        proc = _pytest(
            ["-q", "-p", "no:cacheprovider", "test_ready.py"],
            folder,
            {**env, "BENCH_FIXTURE_OUT": str(out_path)},
            folder / f"pytest-{run}.log",
        )
        wall = time.perf_counter() - began
        if proc.returncode != 0 or not out_path.exists():
            return {"error": f"pytest exited {proc.returncode}; see {folder / f'pytest-{run}.log'}"}
        found = json.loads(out_path.read_text())
        setup, fixtures = found["setup"], found["fixtures"]
        match = STARTUP_LINE.search(proc.stdout)
        samples.append(
            {
                "fixture_ready_s": sum(s for s, module in fixtures.values() if _ours(module)),
                "other_plugins_s": sum(s for s, module in fixtures.values() if _other_plugin(module)),
                "first_setup_s": setup.get("test_first"),
                "second_setup_s": setup.get("test_second"),
                "plugin_reported_startup_s": float(match.group(1)) if match else None,
                "pytest_wall_s": round(wall, 3),
            }
        )
    others = sorted(name for name, (_, module) in fixtures.items() if _other_plugin(module))
    return {"runs": samples, "median": _medians(samples), "other_plugins_fixtures": others}


def _ours(module: str) -> bool:
    return module.split(".", 1)[0] == "pytest_plugin"


def _other_plugin(module: str) -> bool:
    """A fixture of another installed plugin: not ours, not pytest's own, not the timing conftest."""
    return not _ours(module) and module.split(".", 1)[0] not in ("_pytest", "conftest")


def measure_suite(work: Path, subset: bool, env: dict[str, str]) -> dict[str, Any]:
    """Run the shipped contract suite once in a fresh directory (no hypothesis database to replay)."""
    folder = work / "contract-suite"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text("[pytest]\n")
    target = SUITE_SUBSET if subset else ["pytest_plugin.suite"]
    args = ["--pyargs", *target, "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics"]
    began = time.perf_counter()
    proc = _pytest(args, folder, env, folder / "pytest.log")
    wall = time.perf_counter() - began
    passed = PASSED_LINE.search(proc.stdout)
    calls = STARTUP_LINE.search(proc.stdout)
    examples = sum(int(p) + int(f) for p, f, _ in EXAMPLES_LINE.findall(proc.stdout))
    invalid = sum(int(i) for _, _, i in EXAMPLES_LINE.findall(proc.stdout))
    session_s = float(passed.group(2)) if passed else None
    api_calls = int(calls.group(2)) if calls and calls.group(2) else None
    result: dict[str, Any] = {
        "target": " ".join(shlex.quote(t) for t in target),
        "exit_code": proc.returncode,
        "tests_passed": int(passed.group(1)) if passed else None,
        "pytest_session_s": session_s,
        "process_wall_s": round(wall, 2),
        "hypothesis_examples": examples,
        "hypothesis_invalid": invalid,
        "api_calls": api_calls,
    }
    if session_s:
        result["examples_per_s"] = round(examples / session_s, 1)
        result["api_calls_per_s"] = round(api_calls / session_s, 1) if api_calls else None
        result["tests_per_s"] = round(result["tests_passed"] / session_s, 1) if result["tests_passed"] else None
    return result


def _pytest(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.CompletedProcess[str]:
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=PYTEST_TIMEOUT_S,
            check=False,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired:
        log.write_text(f"timed out after {PYTEST_TIMEOUT_S} s\n")
        return subprocess.CompletedProcess(args, 124, "", "timeout")
    log.write_text(proc.stdout + proc.stderr)
    return proc


def _medians(samples: list[dict[str, Any]]) -> dict[str, float | None]:
    keys = samples[0].keys() if samples else []
    out: dict[str, float | None] = {}
    for key in keys:
        values = [s[key] for s in samples if s[key] is not None]
        out[key] = round(statistics.median(values), 4) if values else None
    return out


def child_env() -> dict[str, str]:
    """The environment for the processes we start: loopback never goes through a proxy."""
    env = dict(os.environ)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(name, None)
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


PACKAGES_TO_COMPILE = ("mock_server", "pytest_plugin")


def compile_packages(python: str) -> list[str]:
    """Byte-compile the mock's packages as ``pip install`` does for a wheel, so start-up is measured
    as a user's install starts, also from an editable install under PYTHONDONTWRITEBYTECODE (where
    every start would otherwise compile ~100 modules first). The folders compiled."""
    import importlib.util

    folders = []
    for name in PACKAGES_TO_COMPILE:
        spec = importlib.util.find_spec(name)  # finds the package without importing it
        if spec is not None and spec.submodule_search_locations:
            folders += list(spec.submodule_search_locations)
    if folders:
        subprocess.run([python, "-m", "compileall", "-q", *folders], capture_output=True, timeout=120, check=False)
    return folders

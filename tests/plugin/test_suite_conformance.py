"""No false positives: every answer the mock gives the whole shipped suite (hypothesis draws,
scenarios and forced codes included) differs from the contract in nothing, by
``contract.conformance`` (what the validation proxy and the drift report rely on)."""

from __future__ import annotations

import pytest

from pytest_plugin import spec

from .conftest import Run

SEEN = """
import importlib

from mock_server.contract import conformance
from pytest_plugin import spec

# Through sys.modules, as the plugin imports it: after an earlier in-process run, the package's
# attribute may still name a module object that run imported and pytester has since dropped.
calls = importlib.import_module("pytest_plugin.calls")

ANSWERS, FOUND = [], []
_after = calls.ClientCore.after


def after(self, call, response, attempt):
    if call.endpoint_id is not None:
        ANSWERS.append(call.endpoint_id)
        FOUND.extend(conformance.differences(
            spec.contract(), call.endpoint_id, response.status_code, response.headers, response.content
        ))
    return _after(self, call, response, attempt)


calls.ClientCore.after = after


def pytest_terminal_summary(terminalreporter):
    endpoints = len(set(ANSWERS))
    terminalreporter.write_line(f"conformance: {len(ANSWERS)} answers of {endpoints} endpoints, {len(FOUND)} differences")
    for difference in FOUND[:20]:
        terminalreporter.write_line(f"  {difference.endpoint}: {difference}")
"""


def test_every_answer_of_the_whole_suite_on_the_mock_differs_in_nothing(
    run: Run, pytester: pytest.Pytester, mock_url: str
) -> None:
    pytester.makepyfile(conftest_conformance=SEEN)
    pytester.syspathinsert()
    result = run("-p", "conftest_conformance", "--pyargs", "pytest_plugin.suite", f"--liveness-base-url={mock_url}")
    assert result.ret == 0, result.stdout.str()
    every = len(spec.catalog().endpoints)
    result.stdout.fnmatch_lines([f"conformance: * answers of {every} endpoints, 0 differences"])

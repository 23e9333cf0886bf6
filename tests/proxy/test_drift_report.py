"""The drift report over the validation proxy's real recordings: the whole contract suite through
a faithful upstream records nothing the report calls drift, and each mutation the mutating proxy
injects is listed exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from mock_server.cli import main

from ..conftest import ROOT
from ..helpers import TOKEN_PATH, signed_body
from .conftest import TENCENT_ENV, Chain, start_proxy
from .mutator import MUTATIONS

CALLER = {
    "LIVENESS_ACCESS_KEY": "sampleaccesskey",
    "LIVENESS_SECRET_KEY": "samplesecretkey",
    "TENCENTCLOUD_SECRET_ID": "AKIDcallerofproxy",
    "TENCENTCLOUD_SECRET_KEY": "callerofproxysecretkey",
}


def report(capsys: pytest.CaptureFixture[str], folder: Path) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    status = main(["drift", str(folder), "--format", "json"])
    return status, json.loads(capsys.readouterr().out)


def test_the_whole_suite_through_a_faithful_upstream_records_no_drift(
    clean: Chain, capsys: pytest.CaptureFixture[str]
) -> None:
    command = [sys.executable, "-m", "pytest", "--pyargs", "pytest_plugin.suite", "-p", "no:randomly", "-q"]
    command += ["--liveness-target=sandbox", f"--liveness-base-url={clean.proxy.url}", "--liveness-rate=0"]
    command += ["-k", "not (signing_mistake and (SecretKey or SecretId))"]
    command += ["--liveness-max-calls=100000", "--liveness-max-billable=100000", "-p", "no:cacheprovider"]
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **CALLER}, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:]
    status, found = report(capsys, clean.record)
    assert found["summary"]["recordings"] >= 15
    assert (status, found["differences"]) == (0, [])


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_injected_difference_is_reported_once(
    clean: Chain, tmp_path: Path, capsys: pytest.CaptureFixture[str], mutation: str
) -> None:
    """A proxy of its own, recording into an empty folder, in front of the module's mutator."""
    if mutation == "renamed_header":  # an answer that carries Retry-After (SERVICE_BUSY)
        httpx.post(clean.upstream.url + "/__admin/scenarios/token_authentication.SERVICE_BUSY", timeout=10)
    proxy = start_proxy(f"{clean.mutator_url}/@{{host}}", "--record", str(tmp_path), env=TENCENT_ENV)
    try:
        clean.mutator.mutation = mutation
        answer = httpx.post(proxy.url + TOKEN_PATH, json=signed_body(), timeout=10)
        assert answer.headers["x-liveness-contract"] == MUTATIONS[mutation][1]
    finally:
        proxy.stop()
    status, found = report(capsys, tmp_path)
    kind, where = MUTATIONS[mutation][1].split(" ")
    assert status == 1
    assert [(d["kind"], d["where"], d["count"]) for d in found["differences"]] == [(kind, where, 1)]

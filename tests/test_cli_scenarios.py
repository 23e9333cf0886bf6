"""The serve flags of scenarios and the journal, through a real process."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from .conftest import ROOT


def test_serve_with_a_startup_scenario_no_header_and_a_small_journal() -> None:
    command = [sys.executable, "-m", "mock_server", "serve", "--port", "0", "--scenario", "gateway-html"]
    command += ["--no-scenario-header", "--journal-size", "2"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().split("serving on ", 1)[1].split()[0]
            with httpx.Client(base_url=url, timeout=5) as client:
                for _ in range(3):
                    sent = client.post(
                        "/openapi/liveness/v4/h5/get-result", json={}, headers={"X-Mock-Scenario": "nope"}
                    )
                    assert sent.status_code == 502  # the header is ignored: no 400 for an unknown name
                journal = client.get("/__admin/requests").json()
                assert journal["total"] == 2 and journal["requests"][0]["scenario"] == "gateway-html"
                assert client.post("/__admin/reset").status_code == 200
                assert client.post("/openapi/liveness/v4/h5/get-result", json={}).status_code == 502  # still on
        finally:
            process.terminate()
            process.wait(timeout=10)

"""Parity snapshots: recorded from a run against a "sandbox" (a mock process), then the mock's
answers held to them field by field, volatile values ignored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.drift.snapshots import find
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from .conftest import Run
from .deviating import Deviating

SELECTION = (
    "--pyargs",
    "pytest_plugin.suite.test_journey",
    "pytest_plugin.suite.test_tencent",
    "-k",
    "a_new_session or idvs or unknown_ids or clear_data or unknown_token",
    "--liveness-rate=0",
)
GET_RESULT = "/openapi/liveness/v4/h5/get-result"


@pytest.fixture(scope="module")
def vendor() -> Iterator[tuple[Deviating, str]]:
    """A mock process standing in for the sandbox, made to deviate on demand."""
    app = Deviating(create_app(Settings(port=0, strict=True)))
    with ThreadedServer(app, Settings(port=0)) as server:
        yield app, server.url


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVENESS_ACCESS_KEY", "sampleaccesskey")
    monkeypatch.setenv("LIVENESS_SECRET_KEY", "samplesecretkey")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDmocksampleid")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "mocksamplesecretkey")


def record(run: Run, url: str, folder: Path) -> pytest.RunResult:
    return run(
        *SELECTION,
        "--liveness-target=sandbox",
        f"--liveness-base-url={url}",
        "--liveness-snapshot-update",
        f"--liveness-snapshot-dir={folder}",
    )


def check(run: Run, url: str, folder: Path) -> pytest.RunResult:
    return run(*SELECTION, "--liveness-target=mock", f"--liveness-base-url={url}", f"--liveness-snapshot-dir={folder}")


@pytest.mark.usefixtures("credentials")
def test_update_writes_normalised_snapshots_then_the_faithful_mock_matches_them(
    run: Run, vendor: tuple[Deviating, str], tmp_path: Path
) -> None:
    folder = tmp_path / "snapshots"
    recorded = record(run, vendor[1], folder)
    recorded.assert_outcomes(passed=9)
    written = list(find(folder))
    assert len(written) >= 12, [s.path for s in written]
    assert {s.endpoint for s in written} >= {"get_token", "get_result", "pii_clear_data", "get_liveness_result"}
    assert all(s.checked["target"] == "sandbox" and s.checked["at"].endswith("Z") for s in written)
    token = next(s for s in written if s.endpoint == "get_token")
    assert token.body["transactionId"] == "<request-id:string>"
    assert token.body["data"] == {"signatureId": "<id:string>", "url": "<url:string>"}
    assert token.body["message"] == "OK", "what is not volatile is kept as it was"
    tencent = next(s for s in written if s.endpoint == "get_liveness_result")
    assert tencent.body["Response"]["RequestId"] == "<request-id:string>"
    recorded.stdout.fnmatch_lines([f"*{len(written)} snapshot(s) written to {folder}*"])

    checked = check(run, vendor[1], folder)
    checked.assert_outcomes(passed=9)
    checked.stdout.fnmatch_lines([f"*{len(written)} answer(s) matched their snapshot, 0 without one*"])


def note_in_extra(path: str, status: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    """A change the contract allows (extra is a string, an object or null) but the vendor never made."""
    if path == GET_RESULT and body.get("code") == "LIVENESS_NO_RESULT":
        return status, {**body, "extra": "queued"}
    return None


@pytest.mark.usefixtures("credentials")
def test_a_mock_that_differs_fails_naming_the_field(run: Run, vendor: tuple[Deviating, str], tmp_path: Path) -> None:
    app, url = vendor
    folder = tmp_path / "snapshots"
    record(run, url, folder).assert_outcomes(passed=9)
    app.rewrite = note_in_extra
    try:
        checked = check(run, url, folder)
    finally:
        app.rewrite = None
    checked.assert_outcomes(passed=8, failed=1)
    checked.stdout.fnmatch_lines(
        [
            "*SnapshotMismatch: get_result: answer 1 of this test differs from the snapshot *get_result*",
            '*/extra: snapshot null, now "queued" (string)*',
            "*liveness: * 12 answer(s) matched their snapshot*",
        ]
    )


@pytest.mark.usefixtures("credentials")
def test_a_retyped_volatile_field_still_fails(run: Run, vendor: tuple[Deviating, str], tmp_path: Path) -> None:
    """transactionId's value is ignored, its type is not."""
    url = vendor[1]
    folder = tmp_path / "snapshots"
    record(run, url, folder).assert_outcomes(passed=9)
    for snapshot in find(folder):
        if snapshot.endpoint == "get_result" and "a_new_session" in snapshot.case:
            data = snapshot.to_json()
            data["body"]["transactionId"] = "<request-id:integer>"
            assert snapshot.path is not None
            snapshot.path.write_text(json.dumps(data), encoding="utf-8")
    checked = check(run, url, folder)
    checked.assert_outcomes(passed=8, failed=1)
    checked.stdout.fnmatch_lines(['*/transactionId: snapshot "<request-id:integer>", now "<request-id:string>"*'])


def test_without_snapshots_a_mock_run_checks_nothing(run: Run, mock_url: str, tmp_path: Path) -> None:
    result = run(*SELECTION, f"--liveness-base-url={mock_url}", f"--liveness-snapshot-dir={tmp_path / 'none'}")
    result.assert_outcomes(passed=9)
    assert "matched their snapshot" not in result.stdout.str()


@pytest.mark.usefixtures("credentials")
def test_the_whole_suite_recorded_then_checked_then_reported_shows_no_drift(
    run: Run, vendor: tuple[Deviating, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No false positives anywhere: the shipped suite's answers from a faithful "sandbox" match
    the mock's, and the drift report finds nothing in them."""
    from mock_server.cli import main

    folder, url = tmp_path / "snapshots", vendor[1]
    common = ("--pyargs", "pytest_plugin.suite", "--liveness-rate=0", f"--liveness-snapshot-dir={folder}")
    recorded = run(*common, "--liveness-target=sandbox", f"--liveness-base-url={url}", "--liveness-snapshot-update")
    assert recorded.ret == 0, recorded.stdout.str()
    written = len(list(find(folder)))
    assert written >= 30
    checked = run(*common, "--liveness-target=mock", f"--liveness-base-url={url}")
    assert checked.ret == 0, checked.stdout.str()
    checked.stdout.fnmatch_lines([f"*{written} answer(s) matched their snapshot, * without one*"])
    capsys.readouterr()
    assert main(["drift", str(folder), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["differences"] == [] and report["summary"]["snapshots"] == written

"""``liveness-mock drift``: each injected difference listed once, none on faithful answers."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_server.cli import main
from mock_server.contract.conformance import expected_statuses
from mock_server.contract.examples import Example, load_examples
from mock_server.contract.resources import fixtures_dir
from mock_server.drift import snapshots
from pytest_plugin import spec

from ..helpers import SERVICE_BUSY_BODY

EXAMPLES = {e.file: e for e in load_examples(fixtures_dir() / "examples") if e.kind == "response"}
JSON_TYPE = {"Content-Type": "application/json"}
Body = dict[str, Any]


def faithful_status(example: Example) -> int:
    code = spec.endpoint(example.endpoint).codes[str(example.code)]
    return min(expected_statuses(code, example.body.get("message")))


def faithful_headers(example: Example) -> dict[str, str]:
    retry = spec.endpoint(example.endpoint).codes[str(example.code)].retry_after
    return {**JSON_TYPE, "Retry-After": "10s"} if retry else dict(JSON_TYPE)


def write_recording(
    folder: Path,
    endpoint: str,
    code: str,
    body: Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    differences: list[dict[str, str]] | None = None,
    count: int = 1,
    with_body: bool = True,
) -> Path:
    """A recording as ``liveness-mock proxy --record`` writes it."""
    headers = dict(JSON_TYPE) if headers is None else headers
    route = spec.suite_routes(endpoint)[0]
    recorded = {
        "upstream": f"https://{route.host}",
        "host": route.host,
        "method": route.method,
        "path": route.path,
        "endpoint": endpoint,
        "code": code,
        "status": status,
        "headers": headers,
        "first_seen": "2026-12-01T10:00:00Z",
        "last_seen": "2026-12-02T10:00:00Z",
        "count": count,
        "differences": differences or [],
    }
    respond: Body = {"httpStatus": status, "headers": headers}
    if with_body:
        respond["body"] = body
    scenario = {
        "name": f"recorded-{endpoint}-{code}",
        "recorded": recorded,
        "rules": [{"match": {"endpoint": endpoint}, "respond": respond}],
    }
    path = folder / "scenarios" / f"recorded-{endpoint}-{code}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def mutated(name: str, change: Callable[[Body], Any]) -> Body:
    body = copy.deepcopy(EXAMPLES[name].body)
    change(body)
    return body


def drift(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["drift", *args])
    out, err = capsys.readouterr()
    return status, out, err


def report_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    status, out, _ = drift(capsys, *args, "--format", "json")
    return status, json.loads(out)


BUSY = SERVICE_BUSY_BODY

# endpoint, code, body, status, headers -> the one (kind, where, example) the report must list
INJECTED: list[tuple[str, str, Body, int, dict[str, str], tuple[str, str, str]]] = [
    ("get_result", "SUCCESS", EXAMPLES["get_result.SUCCESS.1.json"].body, 500, JSON_TYPE, ("status", "status", "500")),
    (
        "get_video",
        "SUCCESS",
        mutated("get_video.SUCCESS.1.json", lambda b: b.pop("transactionId")),
        200,
        JSON_TYPE,
        ("envelope", "/transactionId", "(absent)"),
    ),
    (
        "get_result",
        "SIGNATURE_GONE",
        mutated("get_result.SIGNATURE_NOT_EXIST.1.json", lambda b: b.update(code="SIGNATURE_GONE")),
        200,
        JSON_TYPE,
        ("undocumented_code", "/code", "SIGNATURE_GONE"),
    ),
    (
        "liveness_detection",
        "ERROR",
        mutated("liveness_detection.ERROR.1.json", lambda b: b.update(message="Engine overloaded")),
        200,
        JSON_TYPE,
        ("undocumented_message", "/message", '"Engine overloaded"'),
    ),
    (
        "get_token",
        "SUCCESS",
        mutated("get_token.SUCCESS.1.json", lambda b: b["data"].update(expiresIn=3600)),
        200,
        JSON_TYPE,
        ("field_added", "/data/expiresIn", "integer"),
    ),
    (
        "generate_url",
        "SUCCESS",
        mutated("generate_url.SUCCESS.1.json", lambda b: b["data"].pop("expiredTime")),
        200,
        JSON_TYPE,
        ("field_removed", "/data/expiredTime", "(absent)"),
    ),
    (
        "get_liveness_result",
        "SUCCESS",
        mutated("get_liveness_result.SUCCESS.1.json", lambda b: b["Response"]["Video"].update(Size="9430792")),
        200,
        JSON_TYPE,
        ("field_retyped", "/Response/Video/Size", "string"),
    ),
    (
        "get_result",
        "FACE_OCCLUDED",
        mutated("get_result.FACE_OCCLUDED.1.json", lambda b: b["data"].update(cameraType="DRONE_CAMERA")),
        200,
        JSON_TYPE,
        ("field_value", "/data/cameraType", '"DRONE_CAMERA"'),
    ),
    ("get_token", "SERVICE_BUSY", BUSY, 200, JSON_TYPE, ("header", "headers/Retry-After", "(absent)")),
]


def test_each_injected_difference_is_listed_exactly_once(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for endpoint, code, body, status, headers, _ in INJECTED:
        write_recording(tmp_path, endpoint, code, body, status, headers)
    status, report = report_json(capsys, str(tmp_path))
    assert status == 1
    listed = sorted((d["kind"], d["endpoint"], d["where"], d["example"]) for d in report["differences"])
    injected = sorted((kind, endpoint, where, example) for endpoint, _, _, _, _, (kind, where, example) in INJECTED)
    assert listed == injected
    assert report["summary"]["recordings"] == len(INJECTED)
    for finding in report["differences"]:
        assert finding["count"] == 1
        (source,) = finding["sources"]
        assert source.endswith(f"recorded-{finding['endpoint']}-{finding['code']}.yaml")


def test_the_markdown_report_names_each_difference_in_its_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for endpoint, code, body, status, headers, _ in INJECTED:
        write_recording(tmp_path, endpoint, code, body, status, headers)
    status, out, _ = drift(capsys, str(tmp_path))
    assert status == 1
    assert out.startswith("# Drift report\n")
    for title in ("Undocumented codes and messages", "Fields added, removed or retyped", "Status and headers"):
        assert f"\n## {title}\n" in out
    for _, _, _, _, _, (kind, where, _) in INJECTED:
        rows = [line for line in out.splitlines() if line.startswith(f"| {kind} |") and f"`{where}`" in line]
        assert len(rows) == 1, (kind, where, out)


@pytest.mark.parametrize("example", sorted(EXAMPLES.values(), key=lambda e: e.file), ids=lambda e: e.file)
def test_faithful_recordings_are_clean(capsys: pytest.CaptureFixture[str], tmp_path: Path, example: Example) -> None:
    write_recording(
        tmp_path, example.endpoint, str(example.code), example.body, faithful_status(example), faithful_headers(example)
    )
    status, report = report_json(capsys, str(tmp_path))
    assert (status, report["differences"]) == (0, [])


def test_faithful_snapshots_are_clean_despite_their_placeholders(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every example, normalised as a snapshot: its placeholders must not read as drift."""
    for n, example in enumerate(sorted(EXAMPLES.values(), key=lambda e: e.file)):
        seen = snapshots.observed(
            example.endpoint,
            f"tests.test_x::test_{n}",
            1,
            faithful_status(example),
            faithful_headers(example),
            example.text.encode(),
            "sandbox",
        )
        snapshots.write(tmp_path, seen)
    status, out, _ = drift(capsys, str(tmp_path), "--format", "json")
    report = json.loads(out)
    assert (status, report["differences"]) == (0, []), out
    assert report["summary"]["snapshots"] == len(EXAMPLES)


def test_a_retyped_volatile_field_in_a_snapshot_is_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    example = EXAMPLES["get_result.SUCCESS.1.json"]
    body = mutated(example.file, lambda b: b["data"].update(farImageTime=str(b["data"]["farImageTime"])))
    seen = snapshots.observed("get_result", "t::t", 1, 200, JSON_TYPE, json.dumps(body).encode(), "sandbox")
    assert seen.body["data"]["farImageTime"] == "<time:string>"
    snapshots.write(tmp_path, seen)
    status, report = report_json(capsys, str(tmp_path))
    assert status == 1
    assert [(d["kind"], d["where"]) for d in report["differences"]] == [("field_retyped", "/data/farImageTime")]


def test_snapshots_of_the_mock_itself_are_no_evidence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = mutated("get_result.SUCCESS.1.json", lambda b: b["data"].update(score="100"))
    snapshots.write(
        tmp_path, snapshots.observed("get_result", "t::t", 1, 200, JSON_TYPE, json.dumps(body).encode(), "mock")
    )
    status, report = report_json(capsys, str(tmp_path))
    assert (status, report["differences"], report["summary"]["skipped_snapshots_of_the_mock"]) == (0, [], 1)


def test_the_same_difference_in_two_recordings_is_one_finding_with_both_counts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for folder, count in ((tmp_path / "sg", 3), (tmp_path / "ph", 4)):
        body = mutated("get_token.SUCCESS.1.json", lambda b: b["data"].update(expiresIn=3600))
        write_recording(folder, "get_token", "SUCCESS", body, count=count)
    status, report = report_json(capsys, str(tmp_path / "sg"), str(tmp_path / "ph"))
    assert status == 1
    (finding,) = report["differences"]
    assert (finding["kind"], finding["where"], finding["count"], len(finding["sources"])) == (
        "field_added",
        "/data/expiresIn",
        7,
        2,
    )


def test_stored_differences_are_recomputed_not_trusted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A stale list (from an older catalog) is ignored where the body says otherwise."""
    example = EXAMPLES["get_token.SUCCESS.1.json"]
    stale = [{"kind": "field_added", "where": "/data/url", "expected": "(absent)", "actual": "string"}]
    write_recording(tmp_path, "get_token", "SUCCESS", example.body, differences=stale)
    status, report = report_json(capsys, str(tmp_path))
    assert (status, report["differences"], report["summary"]["stale_stored_differences_ignored"]) == (0, [], 1)


def test_a_recording_without_a_body_reports_its_stored_differences(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stored = [{"kind": "field_removed", "where": "/data/url", "expected": "string", "actual": "(absent)"}]
    write_recording(tmp_path, "get_token", "SUCCESS", None, differences=stored, with_body=False)
    status, report = report_json(capsys, str(tmp_path))
    assert status == 1
    assert [(d["kind"], d["where"]) for d in report["differences"]] == [("field_removed", "/data/url")]


def test_fail_on_limits_the_kinds_that_fail(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = mutated("get_token.SUCCESS.1.json", lambda b: b["data"].update(expiresIn=3600))
    write_recording(tmp_path, "get_token", "SUCCESS", body)
    assert drift(capsys, str(tmp_path), "--fail-on", "status,undocumented_code")[0] == 0
    assert drift(capsys, str(tmp_path), "--fail-on", "field_added")[0] == 1
    assert drift(capsys, str(tmp_path), "--fail-on", "none")[0] == 0


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("{missing}",), id="no-such-folder"),
        pytest.param(("{empty}",), id="nothing-to-read"),
        pytest.param(("{broken}",), id="not-a-recording"),
        pytest.param(("{empty}", "--fail-on", "typo"), id="unknown-kind"),
        pytest.param(("{empty}", "--format", "html"), id="unknown-format"),
    ],
)
def test_usage_errors_exit_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: tuple[str, ...]
) -> None:
    (tmp_path / "empty").mkdir()
    broken = tmp_path / "broken" / "scenarios" / "recorded-get_token-SUCCESS.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("rules: [{respond: {}}]\n", encoding="utf-8")
    filled = [
        a.format(missing=tmp_path / "missing", empty=tmp_path / "empty", broken=tmp_path / "broken") for a in args
    ]
    try:
        status = main(["drift", *filled])
    except SystemExit as exc:  # argparse's own usage errors
        status = int(exc.code or 0)
    _, err = capsys.readouterr()
    assert status == 2
    assert "liveness-mock" in err and "Traceback" not in err


def test_a_recorders_placeholders_are_not_read_as_drift(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The proxy's recorder writes a stand-in where no example fits ("recorded-RequestId"), and
    lists the paths it replaced: a value there is not the vendor's, so its pattern is not checked."""
    answer = {
        "Response": {
            "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "x"},
            "RequestId": "recorded-RequestId",
        }
    }
    path = write_recording(tmp_path, "get_liveness_result", "AuthFailure.SignatureFailure", answer)
    status, report = report_json(capsys, str(tmp_path))
    assert status == 1
    assert [(d["kind"], d["where"]) for d in report["differences"]] == [("envelope", "/Response/RequestId")]
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["recorded"]["placeholders"] = ["Response.RequestId"]
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    status, report = report_json(capsys, str(tmp_path))
    assert (status, report["differences"]) == (0, [])


def test_a_stored_difference_of_a_kind_this_version_does_not_know_is_reported_under_other(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stored = [{"kind": "latency", "where": "", "expected": "under 2 s", "actual": "9 s"}]
    write_recording(tmp_path, "get_token", "SUCCESS", None, differences=stored, with_body=False)
    status, out, _ = drift(capsys, str(tmp_path))
    assert status == 1
    assert "\n## Other\n" in out and "| latency | get_token |" in out

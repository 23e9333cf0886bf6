"""Scenario files: the shipped ones load, bad ones fail naming file and line, rules mean what they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mock_server.contract.catalog import Catalog
from mock_server.contract.examples import Example
from mock_server.contract.fixtures import FixtureError
from mock_server.contract.resources import fixtures_dir, schemas_dir
from mock_server.contract.schemas import ContractSchemas
from mock_server.scenarios.faults import FAULT_NAMES
from mock_server.scenarios.loader import ScenarioContext, builtin_scenarios, load_scenario_files
from mock_server.scenarios.model import Match

from ..conftest import ROOT

SHIPPED = {
    "flaky", "slow", "rate-limited", "outage", "attack", "connection-reset", "truncated-body", "gateway-html",
    "quota-exhausted", "magic-values", "apply_liveness_token.SUCCESS",
}  # fmt: skip


@pytest.fixture(scope="module")
def ctx(catalog: Catalog, contract: ContractSchemas, examples: list[Example]) -> ScenarioContext:
    return ScenarioContext.build(catalog, contract, examples)


def load(tmp_path: Path, ctx: ScenarioContext, text: str, name: str = "bad.yaml") -> dict[str, object]:
    (tmp_path / "scenarios").mkdir(exist_ok=True)
    (tmp_path / "scenarios" / name).write_text(text)
    return load_scenario_files([tmp_path], schemas_dir(), ctx)  # type: ignore[return-value]


def test_the_shipped_scenarios_load(ctx: ScenarioContext) -> None:
    shipped = load_scenario_files([fixtures_dir()], schemas_dir(), ctx)
    assert set(shipped) == SHIPPED
    assert [s.name for s in shipped.values() if s.always_on] == ["magic-values"]
    assert all(s.description and s.kind == "file" for s in shipped.values())


def test_one_scenario_per_documented_code(ctx: ScenarioContext, catalog: Catalog) -> None:
    built = builtin_scenarios(ctx)
    every = {f"{e.id}.{code}" for e in catalog.endpoints.values() for code in e.codes}
    files = set(load_scenario_files([fixtures_dir()], schemas_dir(), ctx))
    assert every - set(built) == {"apply_liveness_token.SUCCESS"}  # no documented example of its data
    assert every <= set(built) | files  # ...so a shipped file gives it
    face = built["get_result.FACE_OCCLUDED"].rules[0]
    assert face.match.endpoints == {"get_result"} and face.respond.datas["get_result"]["score"] is None


def test_a_rule_is_only_looked_at_for_the_endpoints_it_can_match(ctx: ScenarioContext) -> None:
    scenario = load_scenario_files([fixtures_dir()], schemas_dir(), ctx)["attack"]
    assert [r.label for r in scenario.rules_for("get_result")] == ["get-result-injection"]
    assert scenario.rules_for("get_token") == ()
    magic = load_scenario_files([fixtures_dir()], schemas_dir(), ctx)["magic-values"]
    assert len(magic.rules_for("configure_ui")) == 3  # titleText is its magic field


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "rules:\n  - match: {endpoint: get_video}\n    respond: {code: RESULT_NOT_FOUND}\n",
            r"bad.yaml:3: rules/0/respond/code: RESULT_NOT_FOUND is not documented for get_video",
        ),
        (
            "rules:\n  - match:\n      endpoint: get_vidoe\n    respond: {}\n",
            r"bad.yaml:3: rules/0/match/endpoint: unknown endpoint 'get_vidoe' \(did you mean 'get_video'\?\)",
        ),
        ("rules:\n  - match: {host: sg.advance.ai}\n    respond: {}\n", r"bad.yaml:2: .*unknown host"),
        ("rules:\n  - match: {signatureID: x}\n    respond: {}\n", r"bad.yaml:2: .*did you mean 'signatureId'"),
        (
            "rules:\n  - match: {livenessId: x}\n    respond: {code: LIVENESS_ID_NOT_EXISTED}\n",
            r"bad.yaml:3: .*LIVENESS_ID_NOT_EXISTED is not documented for get_video",
        ),
        (
            "rules:\n  - match: {protocol: advance}\n    respond:\n      code: ERROR\n      message: nope\n",
            r"bad.yaml:5: rules/0/respond/message: ERROR of .* has no message 'nope'",
        ),
        (
            "rules:\n  - match: {endpoint: get_result}\n    respond:\n      code: SUCCESS\n      data: {score: 7}\n",
            r"bad.yaml:5: rules/0/respond/data: get_result SUCCESS would break its schema",
        ),
        (
            "rules:\n  - match: {userId__regex: '^(?P<c>x)'}\n    respond: {code: '{code}'}\n",
            r"bad.yaml:3: rules/0/respond/code: \{code\} names no named group",
        ),
        ("rules:\n  - match: {userId__regex: '('}\n    respond: {}\n", r"bad.yaml:2: .*bad regular expression"),
        ("rules:\n  - respond: {fault: gateway_html, code: ERROR}\n", r"sends no envelope of a code: drop code"),
        ("rules:\n  - respond: {retryAfter: auto, code: SERVICE_BUSY}\n", r"needs an overRate condition"),
        ("rules:\n  - respond: {message: x}\n", r"message needs a literal code"),
        ("rules:\n  - match: {endpoint: configure_ui}\n    respond: {fault: http_429, code: ERROR}\n", r"drop code"),
        ("rules:\n  - match: {endpoint: get_video, method: POST}\n    respond: {}\n", r"no endpoint can match"),
        (
            "rules:\n  - respond: {code: ERROR}\n",
            r"ERROR is not documented for apply_liveness_token, get_liveness_result: add an",
        ),
        ("rules:\n  - match: {protocol: soap}\n    respond: {}\n", r"unknown protocol 'soap'"),
        ("rules:\n  - respond: {fault: melt}\n", r"bad.yaml:2: rules/0/respond/fault: unknown fault 'melt'"),
        (
            "rules:\n  - match:\n      probability: 1.5\n    respond: {}\n",
            r"bad.yaml:3: .*1.5 is greater than the maximum of 1",
        ),
        ("rules: [\n", r"bad.yaml:2: not valid YAML"),
    ],
)
def test_a_bad_scenario_file_names_file_line_and_field(
    tmp_path: Path, ctx: ScenarioContext, text: str, expected: str
) -> None:
    with pytest.raises(FixtureError, match=expected):
        load(tmp_path, ctx, text)


def test_two_files_with_one_name_are_refused(tmp_path: Path, ctx: ScenarioContext) -> None:
    load(tmp_path, ctx, "name: twin\nrules: [{respond: {}}]\n", "a.yaml")
    with pytest.raises(FixtureError, match="scenario 'twin' is also defined in"):
        load(tmp_path, ctx, '{"name": "twin", "rules": [{"respond": {}}]}', "b.json")


def test_a_fixture_folder_adds_and_replaces_scenarios(tmp_path: Path, ctx: ScenarioContext) -> None:
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "flaky.yaml").write_text(
        "rules: [{match: {probability: 1, protocol: advance}, respond: {code: ERROR}}]\n"
    )
    (tmp_path / "scenarios" / "mine.json").write_text('{"rules": [{"respond": {"delayMs": 5}}]}')
    (tmp_path / "scenarios" / "notes.txt").write_text("not a scenario")
    merged = load_scenario_files([fixtures_dir(), tmp_path], schemas_dir(), ctx)
    assert merged["flaky"].source.startswith(str(tmp_path)) and merged["flaky"].rules[0].respond.code == "ERROR"
    assert "mine" in merged and len(merged) == len(SHIPPED) + 1


@pytest.mark.parametrize(
    ("match", "fires_on"),
    [
        (Match(), [1, 2, 3, 4, 5, 6]),
        (Match(calls=frozenset({2, 5})), [2, 5]),
        (Match(every=3), [3, 6]),
        (Match(first=2), [1, 2]),
        (Match(after=4), [5, 6]),
        (Match(every=2, after=2), [4, 6]),
    ],
)
def test_counting_conditions(match: Match, fires_on: list[int]) -> None:
    assert [n for n in range(1, 7) if match.counted(n)] == fires_on


def test_a_window_is_half_open() -> None:
    match = Match(window=(100, 200))
    assert [match.static("h", "GET", {}, t) is not None for t in (99, 100, 199, 200)] == [False, True, True, False]


def test_the_cli_reports_a_bad_scenario_file_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mock_server.cli import main

    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "ci.yaml").write_text(
        "rules:\n  - match: {endpoint: get_video}\n    respond: {code: NOPE}\n"
    )
    assert main(["serve", "--port", "0", "--fixtures", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path}/scenarios/ci.yaml:3: rules/0/respond/code: NOPE is not documented for get_video" in err
    assert main(["serve", "--port", "0", "--scenario", "flakey"]) == 2
    assert "no scenario named 'flakey' (did you mean 'flaky'?)" in capsys.readouterr().err


SCENARIOS_PAGE = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")


def _first_column(marker: str) -> set[str]:
    """The backticked names in the first column of the first table after ``marker``."""
    lines = SCENARIOS_PAGE.split(marker, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|")) + 2  # past the header and rule
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return {name for row in lines[start:end] for name in re.findall(r"`([^`<]+)`", row.split("|")[1])}


def test_the_scenarios_page_lists_the_shipped_scenarios_and_faults() -> None:
    assert _first_column("**Shipped scenarios**") == SHIPPED - {"apply_liveness_token.SUCCESS"}
    assert _first_column("**Faults**") == set(FAULT_NAMES)


def test_the_scenarios_page_ci_example_loads(tmp_path: Path, ctx: ScenarioContext) -> None:
    example = SCENARIOS_PAGE.split("## 1. A fixture file in CI", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = load(tmp_path, ctx, example, "busy-then-ok.yaml")["busy-then-ok"]
    assert [rule.label for rule in scenario.rules] == ["busy", "ok", "slow-test-users"]  # type: ignore[attr-defined]

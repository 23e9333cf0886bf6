"""deploy/ci/drift.yml: a scheduled, non-blocking job whose command lines the real parsers accept."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_server.cli import _parser
from pytest_plugin.options import _HELP

JOB = Path(__file__).resolve().parents[2] / "deploy" / "ci" / "drift.yml"
PLUGIN_FLAGS = {"--liveness-" + name.replace("_", "-") for name in _HELP} | {"--liveness-snapshot-update"}


def workflow() -> dict[Any, Any]:
    return yaml.safe_load(JOB.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def command_lines(program: str) -> list[list[str]]:
    """Every command line of ``program`` in the job's steps, without shell redirections."""
    found = []
    for step in workflow()["jobs"]["drift"]["steps"]:
        for line in str(step.get("run", "")).replace("\n", " ;\n").split("\n"):
            words = shlex.split(line.split("||")[0].split(">")[0].rstrip(" ;"))
            if words and words[0] == program:
                found.append(words)
    return found


def test_it_runs_on_a_schedule_only_and_never_blocks() -> None:
    flow = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    assert triggers["schedule"][0]["cron"].count(" ") == 4
    assert flow["jobs"]["drift"]["continue-on-error"] is True
    assert flow["permissions"] == {"contents": "read"}


def test_its_liveness_mock_commands_parse() -> None:
    lines = command_lines("liveness-mock")
    assert len(lines) == 2
    for words in lines:
        args = _parser().parse_args(words[1:])
        assert args.command == "drift" and args.dirs


def test_its_pytest_command_uses_only_the_plugins_options() -> None:
    (words,) = command_lines("pytest")
    flags = {word for word in words if word.startswith("--liveness")}
    assert flags <= PLUGIN_FLAGS, flags - PLUGIN_FLAGS
    assert {"--liveness-snapshot-update", "--liveness-target"} <= flags


@pytest.mark.parametrize("name", ["LIVENESS_ACCESS_KEY", "LIVENESS_SECRET_KEY", "TENCENTCLOUD_SECRET_KEY"])
def test_credentials_come_from_secrets_only(name: str) -> None:
    assert workflow()["jobs"]["drift"]["env"][name] == f"${{{{ secrets.{name} }}}}"

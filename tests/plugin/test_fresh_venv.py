"""Done-when: ``pip install`` of our wheel in a fresh venv, in a folder outside the repository, is
all a team needs for the plugin page's five-line quick start (docs/plugin.md) with ``liveness_mock`` and ``liveness_api``
(~15-40 s: it installs the dependencies from the package index)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT

PAGE = (ROOT / "docs" / "plugin.md").read_text(encoding="utf-8")
QUICK_START = PAGE.split("**Quick start**", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]


def sh(*command: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST", "VIRTUAL_ENV", "LIVENESS_"))}
    return subprocess.run(list(map(str, command)), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.mark.timeout(600)
def test_the_wheel_in_a_fresh_venv_runs_a_five_line_test(tmp_path_factory: pytest.TempPathFactory) -> None:
    wheels = tmp_path_factory.mktemp("wheels")
    built = sh(
        sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", ROOT, "-w", wheels, cwd=wheels
    )
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("liveness_mock-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert {"pytest_plugin/plugin.py", "pytest_plugin/suite/test_endpoints.py", "pytest_plugin/py.typed"} <= set(names)
    folder = tmp_path_factory.mktemp("team-project")
    assert sh(sys.executable, "-m", "venv", "venv", cwd=folder).returncode == 0
    installed = sh(folder / "venv/bin/python", "-m", "pip", "install", "-q", "--find-links", wheels, wheel, cwd=folder)
    assert installed.returncode == 0, installed.stderr
    (folder / "test_liveness.py").write_text(QUICK_START, encoding="utf-8")
    result = sh(
        folder / "venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_liveness.py", cwd=folder
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(QUICK_START.strip().splitlines()) == 5
    assert "1 passed" in result.stdout and "liveness: mock started in-process in" in result.stdout

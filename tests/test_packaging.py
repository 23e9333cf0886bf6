"""The wheel carries schemas/ and fixtures/: an installed mock needs no source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(ROOT), "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return next(out.glob("liveness_mock-*.whl"))


def test_the_wheel_carries_the_data_and_the_console_script(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "mock_server/_data/schemas/catalog.yaml" in names
    assert "mock_server/_data/fixtures/examples/index.yaml" in names
    assert "mock_server/_data/schemas/requests/get_token.json" in names
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "liveness-mock = mock_server.cli:main" in entry_points


def test_the_wheel_carries_the_types_marker_of_both_packages_and_the_license(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {"mock_server/py.typed", "pytest_plugin/py.typed"} <= set(names)
    [license_file] = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
    assert zipfile.ZipFile(wheel).read(license_file).decode().startswith("MIT License")


def test_the_metadata_has_classifiers_urls_and_the_mit_license(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT" in metadata and "Classifier: Typing :: Typed" in metadata
    assert "Classifier: Framework :: Pytest" in metadata
    assert {"Homepage", "Documentation", "Changelog", "Issues"} <= {
        line.split(": ", 1)[1].split(",")[0] for line in metadata.splitlines() if line.startswith("Project-URL: ")
    }


def test_the_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in text and "## [Unreleased]" in text
    versions = [line for line in text.splitlines() if line.startswith("## [")]
    from mock_server.version import __version__

    assert f"## [{__version__}] - " in "\n".join(versions)


def test_an_unpacked_wheel_serves_its_routes_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import mock_server.contract.resources as r; print(r.schemas_dir()); from mock_server.cli import main; main(['routes'])",
        ],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    first, *routes = result.stdout.splitlines()
    assert first == str(site / "mock_server" / "_data" / "schemas")
    assert (
        len(routes) == 36 + 8 + 4
    )  # 28 documented + Token Authentication and regional Get Token on 8 more hosts each + Tencent's two actions on 2 hosts

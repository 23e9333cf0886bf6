"""The README and the docs tell the truth: the routes table is the catalog, the test command is CI's."""

from __future__ import annotations

import re

from mock_server.contract.catalog import Catalog

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
ENDPOINTS_PAGE = (ROOT / "docs" / "endpoints-and-hosts.md").read_text(encoding="utf-8")


def test_the_endpoints_table_is_the_catalog(catalog: Catalog) -> None:
    section = ENDPOINTS_PAGE.split("## Routes", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    header = [c.strip() for c in rows[0]]
    labels = header[3:]
    marked: dict[str, set[tuple[str, str, str]]] = {"✓": set(), "+": set()}
    for row in rows[1:]:
        cells = [c.strip() for c in row]
        for label, mark in zip(labels, cells[3:], strict=True):
            if mark:
                marked[mark].add((f"{label}.advance.ai", cells[1], cells[2].strip("`")))
    assert marked["✓"] == {(r.host, r.method, r.path) for r in catalog.routes("advance") if r.documented}
    assert marked["+"] == {(r.host, r.method, r.path) for r in catalog.routes("advance") if not r.documented}


def test_ci_runs_exactly_the_readme_test_command() -> None:
    first_screen = README.split("---", 1)[0]
    assert "bash scripts/test.sh" in first_screen
    assert "exec bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_start_command_uses_the_console_script() -> None:
    assert ".venv/bin/liveness-mock serve" in README.split("---", 1)[0]


def test_the_readme_links_files_that_exist() -> None:
    links = re.findall(r"\]\(([^)#:]+)\)", README)
    assert "docs/endpoints-and-hosts.md" in links
    assert [link for link in links if not (ROOT / link).exists()] == []

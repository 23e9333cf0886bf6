"""Every page's snippets run as written against a fresh ``liveness-mock serve``; the site builds."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import ROOT
from ..processes import MockProcess
from .snippets import blocks, check_only, run_page

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def run(page: Path, text: str | None = None) -> list[str]:
    """The problems of a page: blocks the CLI refuses, then the first block that fails."""
    name = str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name
    found = blocks(page.read_text(encoding="utf-8") if text is None else text)
    problems = check_only(name, found)
    if any(block.run for block in found):
        with MockProcess("--strict") as mock:
            outcome = run_page(found, int(mock.url.rsplit(":", 1)[1]))
        if outcome.failed is not None:
            problems.append(outcome.report(name))
    return problems


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_the_page_runs_as_written(page: Path) -> None:
    problems = run(page)
    assert not problems, "\n\n".join(problems)


def test_a_wrong_command_fails_naming_its_block(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text(
        "# A page\n\n```bash\nTOKEN=abc\n```\n\n"
        '```bash\ncurl -s http://127.0.0.1:8080/__admin/clock > /dev/null\ntest "$TOKEN" = abc\n```\n\n'
        "```bash\nliveness-mock serv --port 0\n```\n\n"
        "```bash\necho never reached\n```\n"
    )
    problems = run(page)
    assert len(problems) == 1, problems
    assert problems[0].startswith("broken.md, block 3 (```bash at line 12) failed (exit status 2)"), problems[0]
    assert "invalid choice: 'serv'" in problems[0] and "never reached" not in problems[0]


def test_a_failing_page_leaves_no_background_process_behind(tmp_path: Path) -> None:
    """A block that starts a server in the background and fails before stopping it: the runner
    ends it (a leftover `liveness-mock serve` once held port 8080 for later runs)."""
    pid_file = tmp_path / "pid"
    page = tmp_path / "leaky.md"
    page.write_text(f"```bash\nsleep 300 &\necho $! > {pid_file}\nfalse\n```\n")
    problems = run(page)
    assert len(problems) == 1 and "failed (exit status 1)" in problems[0], problems
    pid = int(pid_file.read_text())
    for _ in range(50):  # SIGKILL is asynchronous; bounded wait for the process to go
        if not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"the background process {pid} is still running")


def test_python_blocks_run_in_order_with_the_bash_ones_at_the_mock(tmp_path: Path) -> None:
    page = tmp_path / "mixed.md"
    page.write_text(
        "```bash\nexport DEMO_FILE=$(mktemp)\n```\n\n"
        "```python\nimport os, httpx\nclock = httpx.get('http://127.0.0.1:8080/__admin/clock').json()\n"
        "open(os.environ['DEMO_FILE'], 'w').write(str(clock['nowMs']))\n```\n\n"
        '```bash\ntest -s "$DEMO_FILE" && rm "$DEMO_FILE"\n```\n\n'
        "```python\nraise SystemExit('a python block that fails')\n```\n"
    )
    problems = run(page)
    assert len(problems) == 1, problems
    assert problems[0].startswith("mixed.md, block 4 (```python at line 15) failed (exit status 1)"), problems[0]
    assert "a python block that fails" in problems[0]


def test_a_block_not_run_is_checked_by_the_cli_parser(tmp_path: Path) -> None:
    page = tmp_path / "checked.md"
    page.write_text(
        "<!-- not run: a server in the foreground -->\n```bash\nliveness-mock serve --port 8080 --seed 7\n```\n\n"
        "```console\n$ liveness-mock serve --workers 2 \\\n    --state sqlite:///tmp/x.db && echo ok\n"
        "$ liveness-mock serve --no-such-flag\n```\n"
    )
    problems = run(page)
    assert len(problems) == 1, problems
    assert problems[0].startswith("checked.md, block 2 (```console at line 6): `liveness-mock serve --no-such-flag`")
    assert "unrecognized arguments: --no-such-flag" in problems[0]


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # Material's banner about its successor, not a problem
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    assert (tmp_path / "site" / "choices" / "index.html").is_file()

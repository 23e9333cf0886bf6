"""Runs a documentation page's code blocks as a reader would, against a real mock.

A page's ```bash and ```python blocks run in the order they appear, as ONE bash session
(`bash -euo pipefail`, so a variable one block sets is there for the next; a python block runs in
its own interpreter from that session), from the repository root, with the venv's bin first on
PATH and the documented address (`127.0.0.1:8080`, `localhost:8080`) rewritten to the mock's
real port. A marker line before each block says which block is running, so a failure, or a block
that outlives its timeout, is reported with the page, the block's number and line and its output.

Blocks a reader runs elsewhere (```console, or a block after a `<!-- not run: reason -->` line)
are not run; each `liveness-mock ...` command line in them must parse with the CLI's own parser.
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mock_server.cli import _parser

DOCUMENTED_ADDRESSES = ("127.0.0.1:8080", "localhost:8080")
RUN = {"bash", "python"}
CHECK_ONLY = {"console"}
NOT_RUN = re.compile(r"^\s*<!--\s*not run:\s*\S.*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w+-]*)\s*$")
MARKER = "@@snippet-block"
OPERATORS = {"&&", "||", "|", ";", "&", ">", ">>", "2>", "<"}
ENV_WORD = re.compile(r"^[A-Za-z_][A-Za-z_0-9]*=")
BLOCK_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Block:
    """One fenced block of a page: its number among the page's blocks (1-based), line, language."""

    number: int
    line: int
    lang: str
    code: str
    run: bool

    def where(self, page: str) -> str:
        return f"{page}, block {self.number} (```{self.lang} at line {self.line})"


def blocks(text: str) -> list[Block]:
    """Every fenced block of a markdown text, with whether the runner runs it."""
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opened = FENCE.match(lines[i])
        if not opened:
            i += 1
            continue
        indent, lang = opened["indent"], opened["lang"]
        previous = next((line for line in reversed(lines[:i]) if line.strip()), "")
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][len(indent) :] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        number = len(found) + 1
        start = i - len(body)
        found.append(Block(number, start, lang, "\n".join(body) + "\n", lang in RUN and not NOT_RUN.match(previous)))
        i += 1
    return found


def cli_lines(code: str, prompted: bool = False) -> Iterator[list[str]]:
    """The argv of every `liveness-mock ...` command in a block (also after `&&`, `|`, variables);
    ``prompted`` (a console block): only the lines after a `$ ` prompt, the rest being output."""
    joined = re.sub(r"\\\n\s*", " ", code)
    for line in joined.splitlines():
        line = line.strip()
        if prompted and not line.startswith("$ "):
            continue
        line = line.removeprefix("$ ")
        if "liveness-mock " not in line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            words = line.split()
        command_position = True  # the first word, after an operator, or after VAR=value words
        for start, word in enumerate(words):
            if command_position and (word == "liveness-mock" or word.endswith("/liveness-mock")):
                argv: list[str] = []
                for rest in words[start + 1 :]:
                    if rest in OPERATORS or rest.startswith(">"):
                        break
                    argv.append(rest.rstrip(";&"))
                yield argv
            command_position = word in OPERATORS or (command_position and ENV_WORD.match(word) is not None)


def parse_error(argv: list[str]) -> str | None:
    """What the CLI's parser says about ``argv``, or None when it accepts it."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            _parser().parse_args(argv)
    except SystemExit as exc:
        if exc.code == 0:  # --help, --version
            return None
        said = err.getvalue().strip().splitlines()
        return said[-1] if said else f"exit status {exc.code}"
    return None


def check_only(page: str, found: list[Block]) -> list[str]:
    """Problems of the blocks that are not run: a `liveness-mock` line the CLI refuses."""
    problems = []
    for block in found:
        if block.run or not (block.lang in CHECK_ONLY or block.lang in RUN):
            continue
        for argv in cli_lines(block.code, prompted=block.lang in CHECK_ONLY):
            error = parse_error(argv)
            if error:
                problems.append(f"{block.where(page)}: `liveness-mock {shlex.join(argv)}`: {error}")
    return problems


def script(found: list[Block], port: int, python: str) -> str:
    """One bash script of the blocks to run, each after a marker line naming it."""
    parts = []
    for block in found:
        if not block.run:
            continue
        code = block.code
        for address in DOCUMENTED_ADDRESSES:
            code = code.replace(address, f"{address.split(':')[0]}:{port}")
        parts.append(f"printf '\\n{MARKER} {block.number}\\n'")  # on a line of its own after output with no newline
        if block.lang == "python":
            delimiter = "__SNIPPET_PYTHON_EOF__"
            parts.append(f"{shlex.quote(python)} - <<'{delimiter}'\n{code}{delimiter}")
        else:
            parts.append(code)
    parts.append(f"printf '\\n{MARKER} end\\n'")
    return "\n".join(parts) + "\n"


@dataclass
class Outcome:
    """How a page's run ended: the failing block (None: all passed) and its output."""

    failed: Block | None
    reason: str
    output: str

    def report(self, page: str) -> str:
        if self.failed is None:
            return f"{page}: every block ran"
        return f"{self.failed.where(page)} {self.reason}:\n{self.output[-4000:]}"


def run_page(found: list[Block], port: int, timeout_s: float = BLOCK_TIMEOUT_S) -> Outcome:
    """Runs the page's blocks against the mock on ``port``; stops at the first failure."""
    python = sys.executable
    bin_dir = str(Path(python).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "LIVENESS_", "VIRTUAL_ENV"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONUNBUFFERED="1")
    with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as file:
        file.write(script(found, port, python))
    by_number = {block.number: block for block in found}
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        ["bash", "-euo", "pipefail", file.name],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: [*map(lines.put, stdout), lines.put(None)], daemon=True)
    reader.start()
    current: Block | None = None
    output: list[str] = []
    started = time.monotonic()
    finished = False
    try:
        while True:
            left = timeout_s - (time.monotonic() - started)
            try:
                line = lines.get(timeout=min(max(left, 0.01), 0.2))
            except queue.Empty:
                if process.poll() is not None and lines.empty():  # bash ended, its output read; a
                    break  # process it left in the background may hold the pipe open
                if left <= 0:
                    return Outcome(current, f"did not finish within {timeout_s:g} s", "".join(output))
                continue
            if line is None:
                break
            if line.startswith(MARKER):
                label = line.split()[1]
                if label == "end":  # a process a block left in the background may keep the pipe open
                    finished = True
                    break
                current, output, started = by_number[int(label)], [], time.monotonic()
                continue
            output.append(line)
        code = process.wait(timeout=timeout_s)
        if code == 0 and finished:
            return Outcome(None, "", "".join(output))
        return Outcome(current, f"failed (exit status {code})", "".join(output))
    finally:
        # The whole session: also a server a block started in the background and a failure
        # stopped before the block's own `kill` (bash without job control keeps it in the group).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        reader.join(timeout=5)  # the pipe ends when the last process writing to it is gone
        if not reader.is_alive():
            stdout.close()
        os.unlink(file.name)

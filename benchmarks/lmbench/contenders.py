"""Contenders as data: an id, a command line (with ``{port}``), and the calls it serves.

``lm`` is `liveness-mock serve` exactly as a user starts it (plus ``--mock-args`` and the few flags
a call needs, e.g. ``--fixtures`` for the Tencent account pool). ``ceiling`` is the bare Starlette
app replaying the mock's captured answer for the call. More mock rows (``--workers 2``, another
store) are more entries with other arguments: ``--contender ID='ARGS'``.
"""

from __future__ import annotations

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from .procs import HOST

BENCH_DIR = Path(__file__).resolve().parent.parent  # benchmarks/, the --app-dir of the ceiling


@dataclass(frozen=True)
class Contender:
    id: str
    label: str
    kind: str  # "mock" or "ceiling"
    command: tuple[str, ...]  # "{port}" is replaced by the slot's port, "{state}" by its --state URL
    calls: tuple[str, ...]
    state: str = ""  # "sqlite" or "redis": the slot gets a fresh shared state of that kind

    def argv(self, port: int, extra: list[str] | None = None, state: str = "") -> list[str]:
        parts = [part.replace("{port}", str(port)).replace("{state}", state) for part in self.command]
        return parts + list(extra or [])

    def shown(self) -> str:
        """The command line as documentation: venv paths shortened, the ceiling's app dir relative."""
        parts = []
        for part in self.command:
            if part == str(BENCH_DIR):
                part = "benchmarks"
            elif part.startswith("/") and "/bin/" in part:
                part = Path(part).name
            parts.append(part)
        return shlex.join(parts).replace("'{port}'", "N")


def liveness_mock_bin() -> str:
    """`liveness-mock` of the interpreter running the benchmark (its venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "liveness-mock"
    if beside.exists():
        return str(beside)
    import shutil

    found = shutil.which("liveness-mock")
    if not found:
        raise SystemExit("liveness-mock is not installed: pip install -e '.[test]' in this venv first")
    return found


def mock_contender(id_: str, args: str, calls: tuple[str, ...]) -> Contender:
    label = "liveness-mock serve" + (f" {args}" if args else "")
    command = (liveness_mock_bin(), "serve", "--port", "{port}", *shlex.split(args))  # loopback is its default
    return Contender(id_, label, "mock", command, calls)


STATE_ROWS = {  # issue 12: --only id -> (contender id, arguments, state kind), on call (a)
    "sqlite2": ("w2-sqlite", "--workers 2 --state {state}", "sqlite"),
    "redis": ("redis", "--state {state}", "redis"),
}
STATE_CALLS = ("a",)


def state_contender(row: str) -> Contender:
    """A mock row on a shared state, compared with ``lm`` (one in-memory worker)."""
    cid, args, kind = STATE_ROWS[row]
    shown = args.replace("{state}", "sqlite:///<fresh file>" if kind == "sqlite" else "redis://127.0.0.1:<port>/0")
    command = (liveness_mock_bin(), "serve", "--port", "{port}", *shlex.split(args))
    return Contender(cid, f"liveness-mock serve {shown}", "mock", command, STATE_CALLS, kind)


def ceiling_contender(calls: tuple[str, ...]) -> Contender:
    command = (
        sys.executable,
        "-m",
        "uvicorn",
        "lmbench.ceiling_app:app",
        "--app-dir",
        str(BENCH_DIR),
        "--host",
        HOST,
        "--port",
        "{port}",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    )
    return Contender("ceiling", "bare Starlette + uvicorn, same bytes", "ceiling", command, calls)

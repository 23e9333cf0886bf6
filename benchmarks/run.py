#!/usr/bin/env python3
"""Benchmark `liveness-mock serve` against a bare Starlette app answering the same bytes.

    python benchmarks/run.py                 # the full run (~7 min), writes benchmarks/RESULTS.md + results.json
    python benchmarks/run.py --quick         # a smoke run (~40 s)
    python benchmarks/run.py --only a,e,startup --duration 5 --rounds 4
    python benchmarks/run.py --only sqlite2,redis,sessions --soak 600   # issue 12's rows and a 10-minute soak

Run it with the interpreter of the venv the project is installed in (`.venv/bin/python`): the
mock is that venv's `liveness-mock`, the ceiling uses the same Starlette and uvicorn. It installs
wrk with apt-get when missing. Everything listens on and is loaded over 127.0.0.1; every process
it starts is stopped by pid, also on Ctrl-C, errors and the overall timeout.
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lmbench import extras, report, state, wrk
from lmbench.bench import LoadPhase, Settings
from lmbench.calls import CALLS, write_tencent_pool
from lmbench.contenders import BENCH_DIR, STATE_ROWS, Contender, ceiling_contender, mock_contender, state_contender
from lmbench.procs import Server, ServerFailed, Supervisor, free_port

CALL_IDS = [call.id for call in CALLS]
EXTRAS = ["startup", "fixture", "suite", *STATE_ROWS, "sessions"]
STARTUP_SPEC = {
    "method": "POST",
    "path": "/ready",
    "status": 200,
    "content_type": "application/json",
    "body_b64": "eyJvayI6dHJ1ZX0=",
}  # {"ok":true}: start-up does not depend on the body


class TotalTimeout(BaseException):
    """The whole run took longer than --total-timeout (a BaseException: no handler swallows it)."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 1 s runs, no warm-up, 1 round, 1 launch each, one suite module"
    )
    parser.add_argument(
        "--only", default="", help=f"comma-separated subset of {','.join(CALL_IDS + EXTRAS)} (default: all)"
    )
    parser.add_argument("--duration", type=int, help="measured seconds per wrk run (default 10; quick 1)")
    parser.add_argument("--warmup", type=int, help="discarded warm-up seconds before it (default 3; quick 0)")
    parser.add_argument("--rounds", type=int, help="ABBA rounds (default 2; quick 1)")
    parser.add_argument("--connections", type=int, default=32, help="wrk -c (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (default 2)")
    parser.add_argument("--startup-launches", type=int, help="launches per contender for start-up (default 5)")
    parser.add_argument("--fixture-runs", type=int, help="pytest runs for the fixture's time to ready (default 3)")
    parser.add_argument(
        "--sessions",
        type=int,
        help=f"completed sessions for the memory figure (default {state.SESSIONS_FULL:,}; "
        f"quick {state.SESSIONS_QUICK:,})",
    )
    parser.add_argument(
        "--soak",
        type=int,
        default=0,
        metavar="S",
        help="also soak one mock for S seconds with expiry on (default 0: no)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="S",
        help="before each slot, wait up to S seconds for other work on the machine to stop (default 0: no wait)",
    )
    parser.add_argument("--mock-args", default="", help="extra arguments for `liveness-mock serve` (contender lm)")
    parser.add_argument(
        "--contender",
        action="append",
        default=[],
        metavar="ID=ARGS",
        help="another mock row: `liveness-mock serve --port N ARGS` (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="where RESULTS.md and results.json go")
    parser.add_argument(
        "--work-dir", type=Path, help="logs, wrk scripts, specs (default /tmp/liveness-mock-bench/<stamp>)"
    )
    parser.add_argument("--total-timeout", type=int, help="hard limit for the whole run, s (default: 2x estimate)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.duration = args.duration or (1 if quick else 10)
    args.warmup = args.warmup if args.warmup is not None else (0 if quick else 3)
    args.rounds = args.rounds or (1 if quick else 2)
    args.startup_launches = args.startup_launches or (1 if quick else 5)
    args.fixture_runs = args.fixture_runs or (1 if quick else 3)
    args.sessions = args.sessions or (state.SESSIONS_QUICK if quick else state.SESSIONS_FULL)
    selected = [item.strip() for item in args.only.split(",") if item.strip()] or CALL_IDS + EXTRAS
    unknown = sorted(set(selected) - set(CALL_IDS + EXTRAS))
    if unknown:
        parser.error(f"--only: unknown {', '.join(unknown)} (known: {', '.join(CALL_IDS + EXTRAS)})")
    rows = [row for row in STATE_ROWS if row in selected]  # compared with lm on their calls: those run too
    args.calls = [c for c in CALL_IDS if c in selected or (rows and c == "a")]
    args.extras = [e for e in EXTRAS if e in selected]
    if args.duration < 1 or args.rounds < 1 or args.warmup < 0 or args.soak < 0 or args.sessions < 1:
        parser.error("--duration, --rounds and --sessions must be >= 1, --warmup and --soak >= 0")
    return args


def contenders_for(args: argparse.Namespace) -> list[Contender]:
    calls = tuple(args.calls)
    found = [mock_contender("lm", args.mock_args, calls)]
    for item in args.contender:
        cid, _, extra = item.partition("=")
        if not cid or cid in {"lm", "ceiling"}:
            raise SystemExit(f"--contender {item!r}: give ID=ARGS with an id other than lm and ceiling")
        found.append(mock_contender(cid, extra, calls))
    found += [state_contender(row) for row in STATE_ROWS if row in args.extras]
    return [*found, ceiling_contender(calls)]


def estimate_s(args: argparse.Namespace, contenders: list[Contender]) -> int:
    slots = len(args.calls) * len(contenders) * args.rounds
    load = slots * (args.duration + args.warmup + 5 + args.wait_quiet)
    startup = args.startup_launches * len(contenders) * 2 if "startup" in args.extras else 0
    fixture = args.fixture_runs * 10 if "fixture" in args.extras else 0
    suite = (15 if args.quick else 60) if "suite" in args.extras else 0
    sessions = 10 + args.sessions / 1000 if "sessions" in args.extras else 0
    return int(load + startup + fixture + suite + sessions + args.soak + 30)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def install_signal_handlers(total_timeout: int) -> None:
    """SIGTERM and the overall alarm unwind through `finally`, which stops every server we started."""

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise TotalTimeout(f"the run exceeded --total-timeout {total_timeout} s")

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(total_timeout)


def startup_makers(
    contenders: list[Contender], args: argparse.Namespace, work: Path, env: dict[str, str]
) -> dict[str, Callable[[int], Server]]:
    spec = work / "ceiling" / "startup.json"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(json.dumps(STARTUP_SPEC))

    def maker(contender: Contender) -> Callable[[int], Server]:
        def make(rep: int) -> Server:
            port = free_port()
            child_env = {**env, "BENCH_CEILING_SPEC": str(spec)} if contender.kind == "ceiling" else env
            return Server(
                f"startup-{contender.id}-{rep}",
                contender.argv(port),
                port,
                work / "logs" / f"startup-{contender.id}-{rep}.log",
                child_env,
            )

        return make

    return {c.id: maker(c) for c in contenders}


def run(args: argparse.Namespace) -> int:
    began = time.perf_counter()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = args.work_dir or Path("/tmp/liveness-mock-bench") / stamp
    (work / "logs").mkdir(parents=True, exist_ok=True)
    (work / "wrk").mkdir(parents=True, exist_ok=True)
    contenders = contenders_for(args)
    total_timeout = args.total_timeout or 2 * estimate_s(args, contenders) + 120
    install_signal_handlers(total_timeout)
    log(f"work dir {work}; estimate {estimate_s(args, contenders)} s; hard limit {total_timeout} s")
    env = extras.child_env()
    compiled = extras.compile_packages(sys.executable)
    needs_wrk = args.calls or "sessions" in args.extras or args.soak
    wrk_bin = wrk.ensure_wrk() if needs_wrk else "wrk"
    results: dict[str, Any] = {
        "meta": {
            "command": "python benchmarks/run.py" + "".join(f" {shlex.quote(a)}" for a in sys.argv[1:]),
            "date": report.now_iso(),
            "commit": report.git_commit(BENCH_DIR.parent),
            "machine": report.machine(),
            "versions": report.versions(wrk.wrk_version(wrk_bin) if args.calls else "-"),
            "work_dir": str(work),
            "byte_compiled": compiled,
            "loadavg_start": report.loadavg(),
        },
        "settings": {
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "rounds": args.rounds,
            "threads": args.threads,
            "connections": args.connections,
            "quick": args.quick,
            "calls": args.calls,
            "extras": args.extras,
            "startup_launches": args.startup_launches,
            "fixture_runs": args.fixture_runs,
            "sessions": args.sessions if "sessions" in args.extras else None,
            "soak_s": args.soak,
            "wait_quiet_s": args.wait_quiet,
        },
        "contenders": [{"id": c.id, "label": c.label, "kind": c.kind, "command": c.shown()} for c in contenders],
        "calls": {},
    }
    supervisor = Supervisor()
    settings = Settings(
        args.duration,
        args.warmup,
        args.rounds,
        args.threads,
        args.connections,
        pause_s=0.1 if args.quick else 0.5,
        wait_quiet_s=args.wait_quiet,
    )
    phase = LoadPhase(supervisor, wrk_bin, work, settings, env, log)
    status = 0
    try:
        if "e" in args.calls:
            write_tencent_pool(work)
        if "startup" in args.extras:
            log(f"start-up: {args.startup_launches} launch(es) per contender")
            plain = [c for c in contenders if not c.state]  # a shared state's start-up is not the question
            launches = extras.measure_startup(supervisor, startup_makers(plain, args, work, env), args.startup_launches)
            results["startup"] = {
                "launches_ms": launches,
                "median_ms": {k: round(statistics.median(v), 1) for k, v in launches.items() if v},
            }
        if "fixture" in args.extras:
            log(f"pytest fixture time to ready: {args.fixture_runs} run(s)")
            results["plugin_fixture"] = extras.measure_fixture(work, args.fixture_runs, env)
        if "redis" in args.extras:
            try:
                phase.redis = state.RedisServer(supervisor, work)
            except ServerFailed as exc:
                results["state_rows_error"] = str(exc)
                log(f"no redis row: {exc}")
        if args.calls:
            log(
                f"load: calls {','.join(args.calls)}, {args.rounds} round(s), wrk -t{args.threads} "
                f"-c{args.connections}, {args.warmup} s warm-up + {args.duration} s"
            )
            phase.run(contenders, args.calls)
        lm = contenders[0]
        if "sessions" in args.extras:
            log(f"memory: {args.sessions:,} completed sessions in one in-memory mock")
            results["sessions"] = state.measure_sessions(supervisor, lm.argv, wrk_bin, work, args.sessions)
        if args.soak:
            log(f"soak: {args.soak} s of session traffic, --retention {state.SOAK_RETENTION_S}")
            results["soak"] = state.soak(supervisor, lm.argv, wrk_bin, work, args.soak)
        if "suite" in args.extras:
            log("contract suite" + (" (one module)" if args.quick else ""))
            results["contract_suite"] = extras.measure_suite(work, args.quick, env)
    except (TotalTimeout, KeyboardInterrupt, SystemExit) as exc:
        results["meta"]["aborted"] = str(exc) or type(exc).__name__
        status = 130 if isinstance(exc, KeyboardInterrupt) else 1
        if isinstance(exc, SystemExit):
            status = int(exc.code or 1)
        log(f"stopping early: {results['meta']['aborted']}")
    finally:
        signal.alarm(0)
        supervisor.stop_all()
    results["calls"] = report.summarise(phase.slots, args.calls, [c.id for c in contenders])
    results["slots"] = phase.slots
    results["meta"]["wall_s"] = round(time.perf_counter() - began, 1)
    results["meta"]["loadavg_end"] = report.loadavg()
    write_outputs(results, args.out)
    failed = [cid for cid, call in results["calls"].items() if not call["functional_check_passed"]]
    if failed:
        log(f"functional checks failed for call(s) {', '.join(failed)}: see results.json")
        status = status or 1
    log(f"done in {results['meta']['wall_s']:.0f} s: {args.out / 'RESULTS.md'}")
    return status


def write_outputs(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    (out / "RESULTS.md").write_text(report.markdown(results))


def main() -> int:
    args = parse_args()
    try:
        return run(args)
    except wrk.WrkMissing as exc:
        log(f"ERROR: {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())

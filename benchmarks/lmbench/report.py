"""Medians over rounds, ratios to the ceiling, machine facts, and the RESULTS.md text."""

from __future__ import annotations

import platform
import statistics
import subprocess
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from .calls import CALLS_BY_ID, TENCENT_POOL_SIZE

TIMES = "\u00d7"  # the multiplication sign of the ratio columns
PACKAGES = ("liveness-mock", "starlette", "uvicorn", "uvloop", "httptools", "httpx", "pytest", "hypothesis")


# --------------------------------------------------------------------------- aggregation
def summarise(slots: list[dict[str, Any]], call_ids: list[str], contender_ids: list[str]) -> dict[str, Any]:
    calls: dict[str, Any] = {}
    for call_id in call_ids:
        call = CALLS_BY_ID[call_id]
        per: dict[str, Any] = {}
        checks: dict[str, list[dict[str, Any]]] = {}
        for cid in contender_ids:
            mine = [s for s in slots if s["call"] == call_id and s["contender"] == cid]
            if not mine:
                continue
            checks[cid] = [s.get("check", {"passed": False, "detail": s.get("error", "not run")}) for s in mine]
            per[cid] = _contender_summary(mine)
        ceiling, lm = per.get("ceiling", {}), per.get("lm", {})
        ratios = {cid: _ratios(row, ceiling) for cid, row in per.items() if cid != "ceiling"}
        to_lm = {cid: _ratios(row, lm) for cid, row in per.items() if cid not in {"ceiling", "lm"}}
        calls[call_id] = {
            "title": call.title,
            "note": call.note,
            "contenders": per,
            "ratio_to_ceiling": ratios,
            "ratio_to_lm": to_lm,  # other mock rows (a shared state, more workers) against one in-memory worker
            "functional_checks": checks,
            "functional_check_passed": bool(checks) and all(c.get("passed") for cs in checks.values() for c in cs),
        }
    return calls


def _contender_summary(slots: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [s for s in slots if "wrk" in s]
    med = _median
    answers: Counter[str] = Counter()
    for s in ok:
        answers.update((s.get("answers_sample") or {}).get("answers", {}))
    return {
        "rounds_ok": len(ok),
        "errors": [s["error"] for s in slots if "error" in s],
        "requests": [s["wrk"]["requests"] for s in ok],
        "rps_rounds": [s["rps"] for s in ok],
        "rps": med([s["rps"] for s in ok]),
        "p50_ms": med([s["wrk"]["lat_p50_us"] / 1000 for s in ok]),
        "p99_ms": med([s["wrk"]["lat_p99_us"] / 1000 for s in ok]),
        "cpu_us_per_req": med([s["cpu_us_per_req"] for s in ok if s["cpu_us_per_req"] is not None]),
        "server_cores": med([s["server_cores"] for s in ok if s["server_cores"] is not None]),
        "wrk_cores": med([s["wrk_cores"] for s in ok if s.get("wrk_cores") is not None]),
        "other_cores": max((s["other_cores"] for s in ok if s.get("other_cores") is not None), default=None),
        "machine_busy": med([s["machine_busy"] for s in ok if s["machine_busy"] is not None]),
        "rss_mib": max((s["rss_mib"] for s in ok), default=None),
        "ready_ms": med([s["ready_ms"] for s in slots if "ready_ms" in s]),
        "non_2xx_3xx": sum(s["non_2xx_3xx"] for s in ok),
        "socket_errors": sum(s["socket_errors"] for s in ok),
        "answers_sample": dict(answers.most_common()),
        "scenario_state": [s["scenario_state"] for s in ok if "scenario_state" in s],
    }


def _ratios(row: dict[str, Any], ceiling: dict[str, Any]) -> dict[str, float | None]:
    return {
        "rps": _div(row.get("rps"), ceiling.get("rps")),
        "cpu_us_per_req": _div(row.get("cpu_us_per_req"), ceiling.get("cpu_us_per_req")),
        "p50_ms": _div(row.get("p50_ms"), ceiling.get("p50_ms")),
        "p99_ms": _div(row.get("p99_ms"), ceiling.get("p99_ms")),
    }


def _div(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 3) if values else None


# --------------------------------------------------------------------------- machine and versions
def machine() -> dict[str, Any]:
    return {
        "cpu_model": _cpu_model(),
        "cores": _cores(),
        "mem_gib": _mem_gib(),
        "kernel": platform.release(),
        "os": _os_name(),
    }


def versions(wrk_version: str) -> dict[str, str]:
    found = {"python": platform.python_version(), "wrk": wrk_version}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def git_commit(repo: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _mem_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


# --------------------------------------------------------------------------- RESULTS.md
def markdown(results: dict[str, Any]) -> str:
    meta, settings = results["meta"], results["settings"]
    out = [
        "# liveness-mock benchmark results",
        "",
        f"Generated by `{meta['command']}` on {meta['date']} (commit `{meta.get('commit') or '?'}`), "
        f"in {meta['wall_s']:.0f} s. Raw figures: `results.json`. How to read them: `README.md`.",
        "",
        _machine_line(meta),
        "",
        f"Load average (1 min) at start / end: {meta.get('loadavg_start', '?')} / {meta.get('loadavg_end', '?')}.",
        "",
        f"Protocol: wrk `-t{settings['threads']} -c{settings['connections']}` on 127.0.0.1, "
        f"{settings['warmup_s']} s warm-up (discarded) then {settings['duration_s']} s measured, "
        f"{settings['rounds']} round(s) in ABBA order, a fresh server per slot; figures are medians over rounds.",
        "",
    ]
    if meta.get("aborted"):
        out += [f"**The run stopped early: {meta['aborted']}.** The figures below are partial.", ""]
    out += _noise_warning(results)
    out += _load_table(results)
    out += _cores_table(results)
    out += _answers_section(results)
    out += _state_section(results)
    out += _sessions_section(results)
    out += _soak_section(results)
    out += _startup_section(results)
    out += _fixture_section(results)
    out += _suite_section(results)
    out += _method_section(results)
    return "\n".join(out) + "\n"


def _machine_line(meta: dict[str, Any]) -> str:
    m, v = meta["machine"], meta["versions"]
    return (
        f"Machine: {m['cpu_model']}, {m['cores']} cores, {m['mem_gib']} GiB, {m['os']}, kernel {m['kernel']}. "
        f"Python {v['python']}, Starlette {v['starlette']}, uvicorn {v['uvicorn']} (uvloop {v['uvloop']}, "
        f"httptools {v['httptools']}), liveness-mock {v['liveness-mock']}, {v['wrk']}."
    )


def _load_table(results: dict[str, Any]) -> list[str]:
    out = [
        "## The mock against its ceiling, per call",
        "",
        "`ceiling` is a bare Starlette app answering the same status, content type and bytes the mock answered "
        f"for that call. {TIMES} ceiling: the mock's figure divided by the ceiling's (req/s: higher is better; "
        "CPU and latency: lower is better).",
        "",
        f"| call | contender | req/s (median; per round) | req/s {TIMES} ceiling | p50 ms | p99 ms "
        f"| p99 {TIMES} ceiling | server CPU µs/req | CPU {TIMES} ceiling | RSS MiB after load "
        "| non-2xx | socket errors | functional check |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for call_id, call in results["calls"].items():
        for cid, row in call["contenders"].items():
            ratio = call["ratio_to_ceiling"].get(cid, {})
            check = "pass" if all(c.get("passed") for c in call["functional_checks"].get(cid, [])) else "FAIL"
            rounds = " / ".join(f"{r:,.0f}" for r in row["rps_rounds"])
            out.append(
                f"| {call_id} {call['title']} | {cid} | {_num(row['rps'], 0)} ({rounds}) | {_x(ratio.get('rps'))} "
                f"| {_num(row['p50_ms'], 2)} | {_num(row['p99_ms'], 2)} | {_x(ratio.get('p99_ms'))} "
                f"| {_num(row['cpu_us_per_req'], 0)} | {_x(ratio.get('cpu_us_per_req'))} "
                f"| {_num(row['rss_mib'], 0)} | {row['non_2xx_3xx']:,} "
                f"| {row['socket_errors']:,} | {check} |"
            )
            for error in row["errors"]:
                out.append(f"| | | ERROR: {error} | | | | | | | | | | |")
    return [*out, ""]


NOISY_CORES = 0.2  # other load in a measured run above this: its req/s and p99 are unreliable


def _noise_warning(results: dict[str, Any]) -> list[str]:
    """Say plainly when other work shared the machine: req/s and p99 then say little."""
    measured = [s for s in results.get("slots", []) if "wrk" in s]
    noisy = [s for s in measured if (s.get("other_cores") or 0) > NOISY_CORES]
    if not noisy:
        return [f"The machine was otherwise idle during every measured run (other load <= {NOISY_CORES} core).", ""]
    worst = max(s["other_cores"] for s in noisy)
    return [
        f"**Other work shared the machine during {len(noisy)} of {len(measured)} measured runs** (up to "
        f"{worst:.2f} of {results['meta']['machine']['cores']} cores, see 'Where the cores went'): req/s and p99 "
        "of those runs are low and noisy. Server CPU µs/req and its ratio hold much better; compare those.",
        "",
    ]


def _cores_table(results: dict[str, Any]) -> list[str]:
    out = [
        "## Where the cores went during the measured runs",
        "",
        "Cores busy on average: the server's process tree, wrk, and anything else on the machine (machine busy "
        "minus both; the largest value over the rounds). Other load above ~0.1 core makes that row's req/s "
        "less comparable; CPU µs/req is much less affected.",
        "",
        "| call | contender | server cores | wrk cores | other load, cores (max) | machine busy |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for call_id, call in results["calls"].items():
        for cid, row in call["contenders"].items():
            busy = row.get("machine_busy")
            out.append(
                f"| {call_id} | {cid} | {_num(row.get('server_cores'), 2)} | {_num(row.get('wrk_cores'), 2)} "
                f"| {_num(row.get('other_cores'), 2)} | {'-' if busy is None else f'{busy:.0%}'} |"
            )
    return [*out, ""]


def _answers_section(results: dict[str, Any]) -> list[str]:
    out = [
        "## What the mock answered under load",
        "",
        "HTTP status and code of the newest journal entries after each measured run (up to 1,000 per run, "
        "summed over rounds), so an error code inside an HTTP 200 shows too.",
        "",
        "| call | contender | answers (journal sample) |",
        "|---|---|---|",
    ]
    for call_id, call in results["calls"].items():
        for cid, row in call["contenders"].items():
            if cid == "ceiling":
                continue
            answers = ", ".join(f"{k}: {v:,}" for k, v in row["answers_sample"].items()) or "-"
            out.append(f"| {call_id} | {cid} | {answers} |")
            for state in row["scenario_state"]:
                rules = ", ".join(f"{r['rule']} fired {r['fired']:,} of {r['calls']:,}" for r in state.get("rules", []))
                out.append(f"| {call_id} | {cid} | scenario state (whole slot): {rules} |")
    return [*out, ""]


STATE_TARGETS = {"w2-sqlite": 1.3, "redis": 0.6}  # issue 12: req/s x one in-memory worker, at least


def _state_section(results: dict[str, Any]) -> list[str]:
    """Other mock rows (issue 12: a shared state) against ``lm``, one in-memory worker, same rounds."""
    rows = [
        (call_id, cid, row, call["ratio_to_lm"].get(cid, {}))
        for call_id, call in results["calls"].items()
        for cid, row in call["contenders"].items()
        if cid not in {"lm", "ceiling"}
    ]
    error = results.get("state_rows_error")
    if not rows and not error:
        return []
    out = [
        "## Other mock rows against one in-memory worker (`lm`)",
        "",
        f"{TIMES} lm: the row's figure divided by `lm`'s on the same call in the same rounds. Issue 12's targets: "
        f"2 workers on SQLite at least 1.3{TIMES} lm's req/s, one process on Redis at least 0.6{TIMES}.",
        "",
        f"| call | contender | req/s | req/s {TIMES} lm | target | p99 ms | CPU µs/req | CPU {TIMES} lm | RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for call_id, cid, row, ratio in rows:
        target = STATE_TARGETS.get(cid)
        out.append(
            f"| {call_id} | {cid} | {_num(row['rps'], 0)} | {_x(ratio.get('rps'))} "
            f"| {_x(target) if target else '-'} | {_num(row['p99_ms'], 2)} | {_num(row['cpu_us_per_req'], 0)} "
            f"| {_x(ratio.get('cpu_us_per_req'))} | {_num(row['rss_mib'], 0)} |"
        )
    if error:
        out.append(f"| | redis | ERROR: {error} | | | | | | |")
    return [*out, ""]


def _sessions_section(results: dict[str, Any]) -> list[str]:
    found = results.get("sessions")
    if not found:
        return []
    return [
        "## Memory per session",
        "",
        "One in-memory mock (default options): RSS after a warm-up, then after N H5 sessions made with Get Token and "
        "completed as `pass` through `/__admin/sessions/{id}/complete` (wrk's Lua, 8 connections). Issue 12's "
        "target: 100,000 sessions under 150 MiB.",
        "",
        "| sessions made | RSS before MiB | RSS after MiB | bytes per session | seconds |",
        "|---:|---:|---:|---:|---:|",
        f"| {_num(found['sessions_made'], 0)} | {_num(found['rss_before_mib'], 1)} | {_num(found['rss_after_mib'], 1)} "
        f"| {_num(found['bytes_per_session'], 0)} | {_num(found['seconds'], 1)} |",
        "",
    ]


def _soak_section(results: dict[str, Any]) -> list[str]:
    found = results.get("soak")
    if not found:
        return []
    samples = ", ".join(f"{t:.0f} s: {m:.1f}" for t, m in found["samples"])
    return [
        "## Soak",
        "",
        f"One in-memory mock with `--retention {found['retention_s']}`: Get Token + complete for {found['seconds']} s "
        f"({_num(found['sessions_made'], 0)} sessions). With expiry on, RSS must level off: growth over the second "
        f"half {_num(found['growth_second_half_mib'], 1)} MiB, max {_num(found['rss_max_mib'], 1)} MiB.",
        "",
        f"RSS MiB over time: {samples}.",
        "",
    ]


def _startup_section(results: dict[str, Any]) -> list[str]:
    startup = results.get("startup")
    if not startup:
        return []
    out = [
        "## Start-up to first answer",
        "",
        "Launch to the first HTTP answer of any kind to `GET /` (polled every 10 ms), warm page cache.",
        "",
        "| contender | median ms | launches (ms) |",
        "|---|---:|---|",
    ]
    for cid, samples in startup["launches_ms"].items():
        out.append(f"| {cid} | {_num(startup['median_ms'].get(cid), 0)} | {', '.join(f'{s:.0f}' for s in samples)} |")
    return [*out, ""]


FAKER_NOTE = [
    "`_session_faker` is Faker's own pytest plugin (an autouse, session-wide fixture that builds a `Faker`): "
    "it runs in every pytest session of a project where Faker is installed, whether or not a test uses "
    "the mock; `-p no:faker` turns it off.",
    "",
]


def _fixture_section(results: dict[str, Any]) -> list[str]:
    fixture = results.get("plugin_fixture")
    if not fixture:
        return []
    if "error" in fixture:
        return ["## pytest `liveness_mock` fixture", "", f"ERROR: {fixture['error']}", ""]
    med = fixture["median"]
    others = ", ".join(f"`{name}`" for name in fixture.get("other_plugins_fixtures", [])) or "none"
    return [
        "## pytest `liveness_mock` fixture: time to ready",
        "",
        "A two-test file in a temp dir using the plugin's `liveness_mock` fixture (in-process mock); "
        f"{len(fixture['runs'])} pytest run(s), medians. Each fixture's own set-up is timed with a "
        "`pytest_fixture_setup` hook wrapper.",
        "",
        "| figure | ms |",
        "|---|---:|",
        "| **the plugin's fixtures ready** (`liveness_mock` and what it needs: imports the mock, builds the "
        f"app, starts the server, resets) | {_ms(med.get('fixture_ready_s'))} |",
        f"| the plugin's own 'mock started in-process in' figure (build + serve) "
        f"| {_ms(med['plugin_reported_startup_s'])} |",
        f"| other installed plugins' fixtures in the same set-up ({others}) | {_ms(med.get('other_plugins_s'))} |",
        "| set-up of the first test, whole (the plugin's fixtures, other plugins' fixtures and pytest's own "
        f"work) | {_ms(med['first_setup_s'])} |",
        f"| set-up of the second test (a reset of the session's mock) | {_ms(med['second_setup_s'], 2)} |",
        f"| whole pytest process, wall (interpreter, pytest and every installed plugin included) "
        f"| {_ms(med['pytest_wall_s'])} |",
        "",
        *FAKER_NOTE * ("_session_faker" in fixture.get("other_plugins_fixtures", [])),
    ]


def _suite_section(results: dict[str, Any]) -> list[str]:
    suite = results.get("contract_suite")
    if not suite:
        return []
    return [
        "## Contract suite throughput",
        "",
        f"`pytest --pyargs {suite['target']} --hypothesis-show-statistics`, one run in a fresh directory "
        f"(exit code {suite['exit_code']}). Examples = hypothesis test cases run (passing + failing, every "
        "phase, from the statistics); API calls = the plugin's own count of vendor calls. Rates divide by "
        "pytest's session time (collection included, interpreter start-up excluded).",
        "",
        "| tests passed | session s | process wall s | hypothesis examples | examples/s | API calls | API calls/s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {suite['tests_passed']} | {_num(suite['pytest_session_s'], 2)} | {_num(suite['process_wall_s'], 2)} "
        f"| {suite['hypothesis_examples']:,} | {_num(suite.get('examples_per_s'), 1)} | {_num(suite['api_calls'], 0)} "
        f"| {_num(suite.get('api_calls_per_s'), 1)} |",
        "",
    ]


def _method_section(results: dict[str, Any]) -> list[str]:
    contenders = "\n".join(f"- `{c['id']}`: `{c['command']}`" for c in results["contenders"])
    return [
        "## Method and choices",
        "",
        contenders,
        "",
        "- Before anything runs, the mock's packages are byte-compiled (`python -m compileall`), as `pip "
        "install` does for a wheel: an editable install under PYTHONDONTWRITEBYTECODE would otherwise compile "
        "every module at every start (about 50 ms of CPU here).",
        "- Every server runs in its own session (setsid) and is stopped by pid (TERM, then TERM/KILL to its "
        "group); a fresh server per slot, so one call's state never weighs on another's.",
        "- State is prepared through the mock's HTTP API only (Token Authentication, Get Token, "
        "`/__admin/sessions/{id}/complete`, `/__admin/liveness`, `/__admin/tencent/sdk-tokens`, "
        "`/__admin/scenarios/flaky`). Every answer is checked before load; the ceiling must answer the "
        "captured bytes exactly.",
        "- Server CPU µs/req: utime+stime ticks of the server's whole process tree during the measured run, "
        "divided by the requests wrk completed. Server cores: those ticks per second of run.",
        "- (b) Token Authentication: the signature is sha256(accessKey + secretKey + timestamp) and wrk's Lua "
        "has no sha256, but the mock accepts a 13-digit millisecond timestamp within 300 s of the wall clock. "
        "So each slot signs one body at preparation and wrk replays it: a slot lasts far less than 300 s. "
        "Every request still verifies the signature and issues a new token (the store grows with the load).",
        f"- (e) Tencent GetLivenessResult: TC3 requests are signed by the benchmark (its own signer, from "
        f"Tencent's spec) at preparation, inside the 5-minute X-TC-Timestamp window, with "
        f"`Host: faceid.tencentcloudapi.com`. The action allows 20 requests per second per account (a sliding "
        f"window, as documented), so a single account under load measures RequestLimitExceeded. The mock is "
        f"started with `--fixtures` adding {TENCENT_POOL_SIZE} accounts, and wrk rotates over one pre-signed "
        f"request per account (a Lua `request()`; the ceiling gets the same script).",
        "- (f) 404: `GET /openapi/liveness/v4/h5/no-such-endpoint`, recorded as a near miss by the mock; "
        "non-2xx is expected there.",
        "- (g) `flaky`: activated with `POST /__admin/scenarios/flaky` (one activation-wide state, so the "
        "caller does not matter; draws from `random.Random('7:flaky:')` because the mock runs with `--seed 7`). "
        "About a third of answers are SERVICE_BUSY with HTTP 200 and `Retry-After`; the ceiling replays the "
        "SUCCESS answer.",
        "- wrk shares the cores with the server, so req/s are relative to this machine and protocol; server "
        "CPU µs/req is the steadiest figure to compare across runs.",
    ]


def _num(value: float | None, digits: int) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _ms(seconds: float | None, digits: int = 0) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.{digits}f}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}{TIMES}"

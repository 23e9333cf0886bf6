"""The load phase: ABBA rounds of (call, contender) slots, each on a freshly started server.

A slot: start the server in its own session -> (mock) prepare the call's state over HTTP, or
(ceiling) write the captured answer's spec -> functional check -> wrk warm-up (discarded) ->
process-tree CPU/RSS -> measured wrk run -> CPU/RSS again -> (mock) a sample of the journal ->
stop. Round 1 runs the slot list in order, round 2 in reverse, and so on, so drift over the run
hits every contender alike; within a call the mock runs first in round 1, so the ceiling can
replay what the mock answered.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import wrk
from .calls import CALLS_BY_ID, Answer, Call, Load
from .checks import CheckResult, check_ceiling, check_mock
from .contenders import Contender
from .procs import CLK_TCK, ProcStat, Server, ServerFailed, Supervisor, free_port, machine_cpu, session_stat
from .state import RedisServer, slot_state

CORES = os.cpu_count() or 1
QUIET_CORES = 0.15  # machine busy below this between slots counts as quiet
JOURNAL_SAMPLE = 1000  # newest journal entries read after a mock's measured run (the journal's default size)


@dataclass
class Settings:
    duration_s: int
    warmup_s: int
    rounds: int
    threads: int
    connections: int
    pause_s: float = 0.5  # between slots: let the stopped server's sockets and CPU settle
    wait_quiet_s: float = 0.0  # before a slot, wait up to this long for other work on the machine to stop


@dataclass
class LoadPhase:
    """State shared by the slots of one run: loads per call, captured answers, slot results."""

    supervisor: Supervisor
    wrk_bin: str
    work: Path
    settings: Settings
    env: dict[str, str]
    log: Any
    redis: RedisServer | None = None  # the shared state of the ``redis`` row, if it runs
    loads: dict[str, Load] = field(default_factory=dict)
    captured: dict[str, Answer] = field(default_factory=dict)
    slots: list[dict[str, Any]] = field(default_factory=list)

    def schedule(self, contenders: list[Contender], call_ids: list[str]) -> list[list[tuple[Contender, Call]]]:
        """Slots per round: calls in order, mocks before the ceiling; every other round reversed."""
        base = [
            (contender, CALLS_BY_ID[call_id])
            for call_id in call_ids
            for contender in contenders
            if call_id in contender.calls
        ]
        return [base if r % 2 == 0 else list(reversed(base)) for r in range(self.settings.rounds)]

    def run(self, contenders: list[Contender], call_ids: list[str]) -> list[dict[str, Any]]:
        rounds = self.schedule(contenders, call_ids)
        total = sum(len(r) for r in rounds)
        done = 0
        for number, slots in enumerate(rounds, start=1):
            for contender, call in slots:
                done += 1
                self.log(f"[{done}/{total}] round {number}: call {call.id} on {contender.id}")
                waited = self._wait_quiet()
                result = self.slot(contender, call, number)
                result["waited_for_quiet_s"] = waited
                self.slots.append(result)
                self.log(f"    {_brief(result)}")
                time.sleep(self.settings.pause_s)
        return self.slots

    def _wait_quiet(self) -> float | None:
        """Between slots nothing of ours runs: wait (bounded) until the machine is idle too."""
        if self.settings.wait_quiet_s <= 0:
            return None
        began = time.monotonic()
        while True:
            busy = busy_cores(1.0)
            waited = time.monotonic() - began
            if busy < QUIET_CORES or waited >= self.settings.wait_quiet_s:
                if waited >= 1.5:
                    self.log(f"    waited {waited:.0f} s for other work to stop (now {busy:.2f} cores busy)")
                return round(waited, 1)

    # ------------------------------------------------------------------ one slot
    def slot(self, contender: Contender, call: Call, round_no: int) -> dict[str, Any]:
        record: dict[str, Any] = {"call": call.id, "contender": contender.id, "round": round_no}
        if contender.kind == "ceiling" and call.id not in self.captured:
            record["error"] = "no captured answer to replay (the mock's functional check failed or did not run)"
            return record
        port = free_port()
        name = f"{contender.id}-{call.id}-r{round_no}"
        extra = call.serve_args(self.work) if contender.kind == "mock" else []
        env = dict(self.env)
        if contender.kind == "ceiling":
            env["BENCH_CEILING_SPEC"] = str(self._ceiling_spec(call))
        record["command_extra"] = extra
        try:
            state = slot_state(contender.state, self.work, name, self.redis)
            server = Server(name, contender.argv(port, extra, state), port, self.work / "logs" / f"{name}.log", env)
            self.supervisor.start_ready(server)
        except ServerFailed as exc:
            record["error"] = str(exc)
            return record
        try:
            record["ready_ms"] = round(server.ready_ms or 0, 1)
            with httpx.Client(base_url=server.base_url, timeout=10, trust_env=False) as client:
                load, check = self._prepare_and_check(contender, call, client)
                record["check"] = check.to_json()
                record["load_notes"] = load.notes if load else {}
                if load is None or not check.passed:
                    record["error"] = f"functional check failed: {check.detail}"
                    return record
                record.update(self._measure(server, call, load, name))
                if contender.kind == "mock":
                    record["answers_sample"] = _journal_sample(client)
                    if call.id == "g":
                        record["scenario_state"] = _scenario_state(client, "flaky")
        except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            self.supervisor.stop(server)
        return record

    def _prepare_and_check(
        self, contender: Contender, call: Call, client: httpx.Client
    ) -> tuple[Load | None, CheckResult]:
        if contender.kind == "ceiling":
            load = self.loads[call.id]
            return load, check_ceiling(client, load, self.captured[call.id])
        load = call.prepare(client, self.work)
        check, replay = check_mock(call, client, load)
        if check.passed:
            self.loads[call.id] = load  # the ceiling gets the same requests as the latest mock slot
            if replay is not None and call.id not in self.captured:
                self.captured[call.id] = replay  # captured once: the first mock slot of the call
        return load, check

    def _ceiling_spec(self, call: Call) -> Path:
        answer = self.captured[call.id]
        request = self.loads[call.id].requests[0]
        path = None if call.status == 404 else urlsplit(request.path).path
        spec = {
            "method": request.method,
            "path": path,
            "status": answer.status,
            "content_type": answer.content_type,
            "body_b64": base64.b64encode(answer.body).decode(),
        }
        target = self.work / "ceiling" / f"{call.id}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(spec))
        return target

    def _measure(self, server: Server, call: Call, load: Load, name: str) -> dict[str, Any]:
        s = self.settings
        script = wrk.write_script(load, self.work / "wrk" / f"{name}.lua")
        url = server.base_url
        if s.warmup_s > 0:
            wrk.run(
                self.wrk_bin,
                url,
                script,
                duration_s=s.warmup_s,
                threads=s.threads,
                connections=s.connections,
                log=self.work / "logs" / f"wrk-warmup-{name}.txt",
            )
        before, wrk_before = session_stat(server.pid), _children_cpu_s()
        summary = wrk.run(
            self.wrk_bin,
            url,
            script,
            duration_s=s.duration_s,
            threads=s.threads,
            connections=s.connections,
            log=self.work / "logs" / f"wrk-{name}.txt",
        )
        after, wrk_cpu_s = session_stat(server.pid), _children_cpu_s() - wrk_before
        if summary is None:
            raise RuntimeError(f"wrk printed no summary; see {self.work / 'logs' / f'wrk-{name}.txt'}")
        return {"wrk": summary, **_usage(summary, before, after, wrk_cpu_s)}


def busy_cores(seconds: float) -> float:
    """Cores the whole machine kept busy over the next ``seconds``."""
    t0, i0 = machine_cpu()
    time.sleep(seconds)
    t1, i1 = machine_cpu()
    return (1 - (i1 - i0) / (t1 - t0)) * CORES if t1 > t0 else 0.0


def _children_cpu_s() -> float:
    """CPU seconds of our reaped children so far: its change across a wrk run is wrk's own CPU."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _usage(summary: dict[str, Any], before: ProcStat, after: ProcStat, wrk_cpu_s: float) -> dict[str, Any]:
    """rps, server CPU per request and cores used, wrk's cores, what else kept the machine busy, RSS."""
    seconds = summary["duration_us"] / 1e6
    requests = summary["requests"]
    ticks = after.cpu_ticks - before.cpu_ticks
    total = after.machine_total - before.machine_total
    idle = after.machine_idle - before.machine_idle
    seconds = seconds or 1e-9  # wrk always reports its duration; this only avoids a division by zero
    busy_cores = (1 - idle / total) * CORES if total else None
    server_cores = ticks / CLK_TCK / seconds
    wrk_cores = wrk_cpu_s / seconds
    other = None if busy_cores is None else max(busy_cores - server_cores - wrk_cores, 0.0)
    return {
        "rps": round(requests / seconds, 1),
        "cpu_ticks": ticks,
        "cpu_us_per_req": round(ticks / CLK_TCK * 1e6 / requests, 1) if requests else None,
        "server_cores": _round(server_cores, 2),
        "wrk_cores": _round(wrk_cores, 2),
        "other_cores": _round(other, 2),  # anything else on the machine
        "machine_busy": round(1 - idle / total, 3) if total else None,
        "rss_mib": round(after.rss_kib / 1024, 1),
        "processes": len(after.pids),
        "socket_errors": sum(summary[k] for k in ("err_connect", "err_read", "err_write", "err_timeout")),
        "non_2xx_3xx": summary["err_status"],
    }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _journal_sample(client: httpx.Client) -> dict[str, Any]:
    """HTTP status and code of the newest journal entries: what the mock answered under load."""
    response = client.get("/__admin/requests", params={"limit": JOURNAL_SAMPLE})
    if response.status_code != 200:
        return {"error": f"HTTP {response.status_code}"}
    entries = response.json().get("requests", [])
    counts = Counter(f"{e.get('status')} {e.get('code')}" for e in entries)
    return {"entries": len(entries), "answers": dict(counts.most_common())}


def _scenario_state(client: httpx.Client, name: str) -> dict[str, Any]:
    """Calls and fires per rule of an activated scenario (the whole slot: check, warm-up, run)."""
    response = client.get(f"/__admin/scenarios/{name}")
    if response.status_code != 200:
        return {"error": f"HTTP {response.status_code}"}
    state = response.json().get("state") or {}
    return {"rules": state.get("rules", [])}


def _brief(record: dict[str, Any]) -> str:
    if "error" in record:
        return f"ERROR {record['error']}"
    return (
        f"{record['rps']:,.0f} req/s, p50 {record['wrk']['lat_p50_us'] / 1000:.2f} ms, "
        f"p99 {record['wrk']['lat_p99_us'] / 1000:.2f} ms, {record['cpu_us_per_req']} us/req CPU, "
        f"RSS {record['rss_mib']} MiB, non-2xx {record['non_2xx_3xx']}, socket errors {record['socket_errors']}"
    )

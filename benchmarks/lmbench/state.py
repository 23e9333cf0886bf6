"""Issue 12's rows: the mock on a shared state, memory per session, and a soak.

- ``sqlite2`` / ``redis``: more mock rows on call (a): ``--workers 2 --state sqlite:///...`` (a
  fresh file per slot) and ``--state redis://...`` (one process; the benchmark's own redis-server
  on a free loopback port, emptied before each slot). Their req/s are compared with ``lm``, the
  one in-memory worker of the same round.
- ``sessions``: RSS of one in-memory mock before and after N completed H5 sessions (Get Token,
  then ``/__admin/sessions/{id}/complete``, driven by wrk's Lua so 100,000 take seconds, not minutes).
- ``--soak S``: the same session traffic for S seconds with ``--retention`` short, RSS sampled every
  few seconds: with expiry on, memory must level off instead of growing.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from .calls import GET_TOKEN_PATH, JSON, access_token
from .procs import HOST, Server, ServerFailed, Supervisor, free_port, session_stat
from .wrk import DONE, _lua, _lua_table

REDIS_READY_S = 10.0
SESSIONS_FULL, SESSIONS_QUICK = 100_000, 2_000
SESSIONS_TIMEOUT_S = 600  # a bound on the wrk run that makes them
SOAK_RETENTION_S = 10  # finished sessions are forgotten this long after they finished (mock time)
SOAK_SAMPLE_S = 5.0
SESSIONS_MARKER = "SESSIONS "
DONE_HEAD = "function done(summary, latency, requests)"
SESSIONS_LINE = """
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("made") end
  io.write("SESSIONS " .. total .. "\\n")"""


# --------------------------------------------------------------------------- redis-server
class RedisServer:
    """The benchmark's own redis-server: loopback, a free port, no persistence, its own session."""

    def __init__(self, supervisor: Supervisor, work: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServerFailed("redis-server is not installed (Debian: apt-get install redis-server)")
        self.port = free_port()
        argv = [binary, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no"]
        self.server = supervisor.start(Server("redis", argv, self.port, work / "logs" / "redis.log"))
        self.url = f"redis://{HOST}:{self.port}/0"
        deadline = time.monotonic() + REDIS_READY_S
        while not self.command("PING").startswith("PONG"):
            if time.monotonic() > deadline:
                raise ServerFailed(f"redis-server did not answer within {REDIS_READY_S:.0f} s")
            time.sleep(0.05)

    def command(self, *args: str) -> str:
        cli = shutil.which("redis-cli") or "redis-cli"
        try:
            out = subprocess.run(
                [cli, "-h", HOST, "-p", str(self.port), *args], capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return out.stdout.strip()

    def flush(self) -> None:
        """A fresh state for the next slot (the previous slot's server is stopped by then)."""
        self.command("FLUSHALL")


def slot_state(kind: str, work: Path, name: str, redis: RedisServer | None) -> str:
    """The ``--state`` URL of one slot: a new SQLite file, or the emptied Redis."""
    if kind == "sqlite":
        folder = work / "state"
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f"{name}.db*"):
            stale.unlink()
        return f"sqlite://{folder / f'{name}.db'}"
    if kind == "redis":
        if redis is None:
            raise ServerFailed("no redis-server for this row")
        redis.flush()
        return redis.url
    return ""


# --------------------------------------------------------------------------- session traffic
def session_script(token: str, path: Path, target: int | None) -> Path:
    """wrk Lua: Get Token, then complete each new session as `pass` through the admin API; stop
    after ``target`` sessions (None: run for the whole duration)."""
    headers = _lua_table({**JSON, "X-ACCESS-TOKEN": token})
    body = _lua('{"returnUrl":"https://www.example.com","region":"IDN"}')
    finished = _lua(str(path.with_suffix(".done")))
    path.with_suffix(".done").unlink(missing_ok=True)
    stop = (
        f"if made >= {target} and #pending == 0 then io.open({finished}, 'w'):close(); wrk.thread:stop() end"
        if target
        else ""
    )
    cap = f"made < {target}" if target else "true"
    path.write_text(
        f"""
local pending, threads = {{}}, {{}}
made = 0
setup = function(thread) table.insert(threads, thread) end
request = function()
  local id = table.remove(pending)
  if id then
    return wrk.format("POST", "/__admin/sessions/" .. id .. "/complete",
      {{["Content-Type"] = "application/json"}}, '{{"outcome":"pass"}}')
  end
  if {cap} then return wrk.format("POST", {_lua(GET_TOKEN_PATH)}, {headers}, {body}) end
  return wrk.format("GET", "/__admin/clock")
end
response = function(status, headers, body)
  local id = body:match('"data":{{"signatureId":"(%w+)"')
  if id then
    made = made + 1
    table.insert(pending, id)
  end
  {stop}
end
{DONE.replace(DONE_HEAD, DONE_HEAD + SESSIONS_LINE)}"""
    )
    return path


def _drive(wrk_bin: str, url: str, script: Path, seconds: int, log: Path) -> int | None:
    """wrk -t1 -c8 for at most ``seconds``; the sessions it made (None if it printed no count)."""
    argv = [wrk_bin, "-t1", "-c8", f"-d{seconds}s", "-s", str(script), url]
    finished = script.with_suffix(".done")  # the script's mark that its target is reached: wrk sleeps
    with log.open("w") as out:  # -d out otherwise, so it is interrupted (SIGINT: it prints its summary)
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        deadline = time.monotonic() + seconds + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if finished.exists():
                proc.send_signal(signal.SIGINT)
                finished.unlink()
            time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    text = log.read_text()
    found = [line for line in text.splitlines() if line.startswith(SESSIONS_MARKER)]
    return int(found[-1][len(SESSIONS_MARKER) :]) if found else None


def measure_sessions(
    supervisor: Supervisor, mock_argv: Callable[[int, list[str]], list[str]], wrk_bin: str, work: Path, count: int
) -> dict[str, Any]:
    """RSS of one in-memory mock before and after ``count`` completed sessions."""
    port = free_port()
    server = supervisor.start_ready(Server("sessions", mock_argv(port, []), port, work / "logs" / "sessions.log"))
    try:
        with httpx.Client(base_url=server.base_url, timeout=60, trust_env=False) as client:
            token = access_token(client)
            warm = session_script(token, work / "wrk" / "sessions-warm.lua", 50)
            _drive(wrk_bin, server.base_url, warm, 5, work / "logs" / "wrk-sessions-warm.txt")  # code paths warm
            before = session_stat(server.pid).rss_kib
            script = session_script(token, work / "wrk" / "sessions.lua", count)
            began = time.perf_counter()
            made = _drive(wrk_bin, server.base_url, script, SESSIONS_TIMEOUT_S, work / "logs" / "wrk-sessions.txt")
            took = time.perf_counter() - began
            after = session_stat(server.pid).rss_kib
    finally:
        supervisor.stop(server)
    return {
        "target": count,
        "sessions_made": made,
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(after / 1024, 1),
        "bytes_per_session": round((after - before) * 1024 / made) if made else None,
        "seconds": round(took, 1),
    }


def soak(
    supervisor: Supervisor,
    mock_argv: Callable[[int, list[str]], list[str]],
    wrk_bin: str,
    work: Path,
    seconds: int,
) -> dict[str, Any]:
    """Session traffic for ``seconds`` with expiry on; RSS every SOAK_SAMPLE_S (and at the end)."""
    port = free_port()
    argv = mock_argv(port, ["--retention", str(SOAK_RETENTION_S)])
    server = supervisor.start_ready(Server("soak", argv, port, work / "logs" / "soak.log"))
    samples: list[tuple[float, float]] = []
    try:
        with httpx.Client(base_url=server.base_url, timeout=60, trust_env=False) as client:
            script = session_script(access_token(client), work / "wrk" / "soak.lua", None)
            began = time.monotonic()
            done = threading.Event()

            def sample() -> None:
                while not done.wait(min(SOAK_SAMPLE_S, max(seconds / 4, 0.5))):
                    samples.append((round(time.monotonic() - began, 1), session_stat(server.pid).rss_kib / 1024))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            made = _drive(wrk_bin, server.base_url, script, seconds, work / "logs" / "wrk-soak.txt")
            done.set()
            sampler.join()
            samples.append((round(time.monotonic() - began, 1), session_stat(server.pid).rss_kib / 1024))
    finally:
        supervisor.stop(server)
    rss = [round(mib, 1) for _, mib in samples]
    half = rss[len(rss) // 2] if rss else None
    return {
        "seconds": seconds,
        "retention_s": SOAK_RETENTION_S,
        "samples": [[t, round(m, 1)] for t, m in samples],
        "rss_max_mib": max(rss, default=None),
        "growth_second_half_mib": round(rss[-1] - half, 1) if rss and half is not None else None,
        "sessions_made": made,
    }

"""Servers in their own sessions: start, wait for the first answer, measure, stop by pid.

Every process the benchmark starts is a session leader (``setsid``), so its whole tree can be
found (session id = leader pid), measured (CPU ticks, RSS) and stopped without touching anything
else on the machine: TERM to the leader, then TERM and KILL to its process group. Nothing is
ever stopped by name.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # loopback only: every server binds here, every request goes here
READY_TIMEOUT_S = 60.0
POLL_INTERVAL_S = 0.01
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


class ServerFailed(RuntimeError):
    """A server died or never answered; the message says which and where its log is."""


def free_port() -> int:
    """A port nobody listens on right now (the kernel's pick for port 0 on loopback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """One started server: its command, port, log file and process (the session leader)."""

    name: str
    argv: list[str]
    port: int
    log_path: Path
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None
    launched_at: float = 0.0
    ready_ms: float | None = None
    _log: object = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


class Supervisor:
    """Starts servers in new sessions and guarantees they are stopped (also on errors and Ctrl-C)."""

    def __init__(self) -> None:
        self.live: list[Server] = []

    def start(self, server: Server) -> Server:
        log = server.log_path.open("wb")
        server.launched_at = time.perf_counter()
        server.process = subprocess.Popen(
            server.argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server.env,
            start_new_session=True,
        )
        log.close()  # the child keeps its own descriptor
        self.live.append(server)
        return server

    def start_ready(self, server: Server) -> Server:
        """Start, then wait until it answers any HTTP request; ``ready_ms`` is launch to first answer."""
        self.start(server)
        try:
            server.ready_ms = wait_first_answer(server)
        except ServerFailed:
            self.stop(server)
            raise
        return server

    def stop(self, server: Server) -> None:
        if server in self.live:
            self.live.remove(server)
        if server.process is not None:
            stop_session(server.process)

    def stop_all(self) -> None:
        for server in list(self.live):
            self.stop(server)


def wait_first_answer(server: Server, timeout_s: float = READY_TIMEOUT_S) -> float:
    """Poll ``GET /`` every 10 ms until any HTTP status comes back; milliseconds since launch."""
    assert server.process is not None
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(f"{server.name} exited with {server.process.returncode}; see {server.log_path}")
        if _answers(server.port):
            return (time.perf_counter() - server.launched_at) * 1000
        time.sleep(POLL_INTERVAL_S)
    raise ServerFailed(f"{server.name} did not answer within {timeout_s:.0f} s; see {server.log_path}")


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=1)
    try:
        conn.request("GET", "/")
        conn.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        conn.close()


def stop_session(process: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    """TERM to the leader; if its session is not empty after ``grace_s``, TERM then KILL the group."""
    sid = process.pid
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    if _wait_session_empty(process, sid, grace_s):
        return
    for sig, wait_s in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(sid, sig)
        if _wait_session_empty(process, sid, wait_s):
            return


def _wait_session_empty(process: subprocess.Popen[bytes], sid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        process.poll()  # reap the leader, so it does not linger as a zombie of our session
        if not session_pids(sid, include_zombies=False):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


@dataclass(frozen=True)
class ProcStat:
    """CPU ticks and RSS of one session, plus the machine's CPU counters, at one instant."""

    pids: tuple[int, ...]
    cpu_ticks: int
    rss_kib: int
    machine_total: int
    machine_idle: int


def session_pids(sid: int, include_zombies: bool = True) -> list[int]:
    return [pid for pid, fields in _session_stats(sid) if include_zombies or fields[0] != "Z"]


def session_stat(sid: int) -> ProcStat:
    """Sum of utime+stime (ticks) and RSS over every process of the session."""
    pids, ticks, rss_pages = [], 0, 0
    for pid, fields in _session_stats(sid):
        pids.append(pid)
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (threads included)
        rss_pages += int(fields[21])
    total, idle = machine_cpu()
    return ProcStat(tuple(sorted(pids)), ticks, rss_pages * PAGE_KIB, total, idle)


def _session_stats(sid: int) -> list[tuple[int, list[str]]]:
    """(pid, fields from field 3 on) of every process whose session id is ``sid``."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()  # fields[0] is field 3 (state)
        if int(fields[3]) == sid:  # field 6: session id
            found.append((int(name), fields))
    return found


def machine_cpu() -> tuple[int, int]:
    with open("/proc/stat") as fh:
        cpu = [int(x) for x in fh.readline().split()[1:]]
    return sum(cpu[:8]), cpu[3] + cpu[4]

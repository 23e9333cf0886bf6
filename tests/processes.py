"""Real processes the shared-state tests start: ``liveness-mock serve`` replicas and redis-server.

Each runs on a free loopback port; its stderr goes to a file the test can read (a pipe nobody
reads would fill and block it). Every process is stopped by the test that started it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MockProcess:
    """``python -m mock_server serve --port 0 <options>``; ``url`` once it printed where it serves.
    ``command``: another subcommand that serves (``proxy``); ``env``: added to the environment."""

    def __init__(self, *options: str, port: int = 0, command: str = "serve", env: dict[str, str] | None = None) -> None:
        self.options = (*options, "--port", str(port))
        self.command, self.extra_env = command, env or {}
        self.log = Path(tempfile.mkstemp(prefix="liveness-mock-", suffix=".log")[1])
        self.url = ""
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> MockProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.extra_env}
        command = [sys.executable, "-m", "mock_server", self.command, *self.options]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        assert self.process.stdout is not None
        banner = self.process.stdout.readline()
        assert "serving on " in banner, f"{command}: {banner!r} {self.stderr()[-2000:]}"
        self.url = banner.split("serving on ", 1)[1].split()[0]
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def client(self, **options: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, **options)  # type: ignore[arg-type]

    def ready(self, seconds: float = 20) -> MockProcess:
        """Wait until it answers (workers take a moment to start behind the bound socket)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                httpx.get(self.url + "/__admin/clock", timeout=5).raise_for_status()
                return self
            except httpx.HTTPError:
                assert time.monotonic() < deadline, self.stderr()[-2000:]
                time.sleep(0.05)

    def workers(self) -> list[int]:
        """The pids of the worker processes (``--workers``): children that serve, not helpers."""
        found = []
        for child in (Path("/proc") / str(self.pid) / "task" / str(self.pid) / "children").read_text().split():
            command = (Path("/proc") / child / "cmdline").read_bytes()
            if b"spawn_main" in command:
                found.append(int(child))
        return found

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
        code, self.process = self.process.returncode, None
        return code

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.communicate()
        self.process = None

    def __enter__(self) -> MockProcess:
        return self if self.process is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class RedisServer:
    """A throwaway redis-server on loopback: no persistence, its own folder, stopped by ``stop``."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="liveness-mock-redis-")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        if not os.path.exists(REDIS_SERVER):
            raise RuntimeError("redis-server is not installed: scripts/test.sh installs Debian's redis-server")
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self._answers():
            assert self.process.poll() is None, f"redis-server exited with {self.process.returncode}"
            assert time.monotonic() < deadline, "redis-server did not answer within 10 s"
            time.sleep(0.02)
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir, exist_ok=True)

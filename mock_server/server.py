"""Serving the app with uvicorn: in the foreground (the CLI) or in a thread (tests, pytest plugin)."""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from .connections import deadline_protocol, quiet_denied_handshakes, websocket_protocol
from .settings import Settings


def uvicorn_config(app: ASGIApp | Callable[[], ASGIApp], settings: Settings, **overrides: Any) -> uvicorn.Config:
    """uvicorn's options for the mock: quiet, no Server header, and deadlines for slow clients.

    X-Forwarded-For/-Proto are not read (uvicorn's proxy-headers middleware costs every request
    a few microseconds): the mock's own URLs come from ``--public-url`` or the socket called."""
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": "warning",
        "access_log": False,
        "lifespan": "off",
        "server_header": False,
        "proxy_headers": False,
        "timeout_graceful_shutdown": 3,
        "timeout_keep_alive": settings.keep_alive_s,
        "http": deadline_protocol(),
        "ws": websocket_protocol(),
    }
    options.update(overrides)
    quiet_denied_handshakes()
    config = uvicorn.Config(app, **options)
    config.mock_deadlines = (settings.header_timeout_s, settings.body_timeout_s)  # type: ignore[attr-defined]
    return config


class PortUnavailable(RuntimeError):
    """The address cannot be bound (in use, not ours); the message says what to do."""


def bind(config: uvicorn.Config, port: int | None = None, option: str = "--port ") -> socket.socket:
    """Bind and listen at once: a client that connects before the server loop runs then waits in
    the backlog instead of being refused (the URL is printed before the loop starts).

    ``port``: another port on the same address (``--host-ports``, named by ``option``). A port in
    use is one ``PortUnavailable`` line, not uvicorn's log and exit."""
    host, port = config.host, config.port if port is None else port
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortUnavailable(
                f"port {port} on {host} is already in use: choose another with {option}N,"
                f" or {option}0 for any free port"
            ) from None
        raise PortUnavailable(f"cannot listen on {host} port {port}: {exc.strerror}") from None
    sock.set_inheritable(True)
    sock.listen(config.backlog)
    return sock


def base_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class ThreadedServer:
    """A real uvicorn server in a daemon thread, on a socket bound once (port 0: no rebind race)."""

    def __init__(self, app: ASGIApp, settings: Settings | None = None, startup_timeout: float = 10.0) -> None:
        self.settings = settings or Settings(port=0)
        self.config = uvicorn_config(app, self.settings)
        self.startup_timeout = startup_timeout
        self.url = ""
        self.host_urls: dict[str, str] = {}  # settings.host_ports: label -> the URL of its own port
        self.startup_seconds = 0.0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> ThreadedServer:
        began = time.perf_counter()
        sockets = [bind(self.config)]
        try:
            for label, port in self.settings.host_ports:
                sockets.append(bind(self.config, port, f"host_ports {label}="))
        except PortUnavailable:
            for sock in sockets:
                sock.close()
            raise
        self.url = base_url(sockets[0])
        self.host_urls = {
            label: base_url(s) for (label, _), s in zip(self.settings.host_ports, sockets[1:], strict=True)
        }
        self._server = uvicorn.Server(self.config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": sockets}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the mock did not start on {self.url} within {self.startup_timeout} s")
            time.sleep(0.005)
        self.startup_seconds = time.perf_counter() - began
        return self

    def settle(self, timeout: float = 2.0) -> bool:
        """Wait until no request is in progress (what a vanished client left behind has run)."""
        deadline = time.monotonic() + timeout
        while self._server is not None and (self._server.server_state.tasks or self._server.server_state.connections):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        return True

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

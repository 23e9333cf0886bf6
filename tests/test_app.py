"""The composed app over a real socket: what is not HTTP, clients that leave, bodies over the limit
(issue 10, defects 6, 7, 8 and 10)."""

from __future__ import annotations

import asyncio
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from mock_server.app import create_app
from mock_server.server import ThreadedServer

from .conftest import LogRecords
from .helpers import GET_RESULT_PATH, h5_session


def raw_exchange(url: str, data: bytes, read: bool = True, timeout: float = 5.0) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        if not read:
            return b""
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks)


def wait_for_log_quiet(log: LogRecords, seconds: float = 0.3) -> None:
    """The server handles a vanished client after the test's socket is closed: give it a moment."""
    time.sleep(seconds)


def test_a_websocket_upgrade_on_a_vendor_path_is_refused_with_403(
    server: ThreadedServer, http: httpx.Client, server_log: LogRecords
) -> None:
    upgrade = (
        f"GET {GET_RESULT_PATH} HTTP/1.1\r\nHost: api.advance.ai\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    ).encode()
    answer = raw_exchange(server.url, upgrade)
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert server_log.tracebacks() == []
    assert http.get("/__admin/clock").status_code == 200


@pytest.mark.parametrize("path", [GET_RESULT_PATH, "/__admin/scenarios", "/__mock/h5/page-token/complete"])
def test_a_client_that_leaves_mid_body_leaves_no_traceback(
    server: ThreadedServer, http: httpx.Client, server_log: LogRecords, path: str
) -> None:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    raw_exchange(server.url, head.encode() + b'{"signatureId": "ab', read=False)
    wait_for_log_quiet(server_log)
    assert server_log.tracebacks() == []
    assert http.get("/__admin/requests").status_code == 200


def test_an_admin_body_over_the_limit_is_refused_before_it_is_read(http: httpx.Client, server: ThreadedServer) -> None:
    declared = "POST /__admin/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    answer = raw_exchange(server.url, f"{declared}Content-Length: 209715200\r\n\r\n".encode())
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_streamed_admin_body_is_answered_at_the_limit_without_waiting_for_the_rest(
    server: ThreadedServer, http: httpx.Client, token: str
) -> None:
    """2 MB of a body that never ends: the answer comes at 1 MB (a server reading it whole would wait)."""
    page = h5_session(http, token)["url"].replace(server.url, "")
    chunk = b"%x\r\n%s\r\n" % (1 << 20, b" " * (1 << 20))
    for path in ("/__admin/liveness", f"{page}/complete"):
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        answer = raw_exchange(server.url, f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + chunk * 2)
        assert answer.startswith(b"HTTP/1.1 413"), (path, answer[:200])
    assert http.get("/__admin/clock").status_code == 200


def test_the_journal_keeps_a_bounded_record_of_huge_headers(http: httpx.Client) -> None:
    for _ in range(5):
        http.get("/liveness/ext/v1/get-video", headers={"X-Padding": "p" * 2_000_000})
    listing = http.get("/__admin/requests").json()["requests"]
    assert len(listing) == 5
    assert all(len(str(entry["headers"])) < 16_384 for entry in listing)


def test_the_app_answers_the_lifespan_protocol() -> None:
    app = create_app()
    sent: list[str] = []
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    async def receive() -> dict[str, str]:
        return next(messages)

    async def send(message: dict[str, str]) -> None:
        sent.append(message["type"])

    with ThreadPoolExecutor(1) as pool:  # a thread of its own: the browser tests leave a loop running in this one
        pool.submit(asyncio.run, app({"type": "lifespan"}, receive, send)).result(timeout=10)  # type: ignore[arg-type]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_an_unknown_path_under_the_mocks_own_prefix_is_a_vendor_404(http: httpx.Client) -> None:
    response = http.post("/__mock/nothing-here", json={})
    assert (response.status_code, response.json()["code"]) == (404, "CLIENT_ERROR")

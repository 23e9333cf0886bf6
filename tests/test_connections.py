"""Slow and idle clients lose their connection in bounded time; bytes that are not HTTP get JSON.

A real server on 127.0.0.1:0 with short deadlines, real sockets. The bounds are generous (the
checks are "closed within a few seconds", not timings): without the deadlines each socket here
stays open for ever and ``closed_within`` fails.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from mock_server.contract.schemas import ContractSchemas
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from .helpers import GET_RESULT_PATH, TOKEN_PATH, signed_body

HEAD_S, BODY_S, KEEP_ALIVE_S = 0.5, 0.5, 0.5
BOUND_S = 5.0  # far above every deadline, far below "for ever"


@pytest.fixture(scope="module")
def short(app: Starlette) -> Iterator[ThreadedServer]:
    settings = Settings(port=0, header_timeout_s=HEAD_S, body_timeout_s=BODY_S, keep_alive_s=KEEP_ALIVE_S)
    with ThreadedServer(app, settings) as running:
        yield running


def connect(server: ThreadedServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=BOUND_S)
    return sock


def closed_within(sock: socket.socket, seconds: float, drip: bytes = b"", every_s: float = 0.1) -> float:
    """Seconds until the server closed ``sock`` (reading what it sends); sends ``drip`` every
    ``every_s`` meanwhile. Fails if it is still open after ``seconds``."""
    began = time.monotonic()
    sock.settimeout(every_s)
    while time.monotonic() - began < seconds:
        try:
            if not sock.recv(65536):
                return time.monotonic() - began
        except TimeoutError:
            pass
        except ConnectionResetError:
            return time.monotonic() - began
        if drip:
            try:
                sock.sendall(drip)
            except (BrokenPipeError, ConnectionResetError):
                return time.monotonic() - began
    raise AssertionError(f"the connection is still open after {seconds} s")


def test_a_connection_that_sends_nothing_is_closed(short: ThreadedServer) -> None:
    with connect(short) as sock:
        closed_within(sock, BOUND_S)


def test_half_a_request_line_is_closed(short: ThreadedServer) -> None:
    with connect(short) as sock:
        sock.sendall(b"GET /openapi/liv")
        closed_within(sock, BOUND_S)


def test_a_head_sent_one_byte_at_a_time_is_closed(short: ThreadedServer) -> None:
    """Slowloris: each byte would disarm uvicorn's own keep-alive timer."""
    with connect(short) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        closed_within(sock, BOUND_S, drip=b"X")


def test_a_body_that_never_ends_is_closed(short: ThreadedServer) -> None:
    with connect(short) as sock:
        sock.sendall(
            b"POST " + GET_RESULT_PATH.encode() + b" HTTP/1.1\r\nHost: api.advance.ai\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        closed_within(sock, BOUND_S, drip=b" ", every_s=0.2)


def test_an_idle_keep_alive_connection_is_closed_after_its_answer(short: ThreadedServer) -> None:
    with connect(short) as sock:
        sock.sendall(b"GET /__admin/clock HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        closed_within(sock, BOUND_S)


def test_keep_alive_clients_and_slow_answers_are_left_alone(short: ThreadedServer) -> None:
    """A client that reuses its connection within the keep-alive time is served every time, and
    an answer the mock itself takes longer than every deadline to give is not cut."""
    with httpx.Client(base_url=short.url, timeout=BOUND_S) as client:
        for _ in range(3):
            assert client.post(TOKEN_PATH, json=signed_body()).json()["code"] == "SUCCESS"
            time.sleep(KEEP_ALIVE_S / 5)
        delayed = {"signatureId": "mock-delay-1500"}  # the magic value: the normal answer after 1.5 s
        answer = client.post(GET_RESULT_PATH, json=delayed, headers={"X-ACCESS-TOKEN": "x"})
        assert answer.status_code == 200 and answer.json()["code"] == "IAM_FAILED"


@pytest.mark.parametrize(
    "garbage",
    [
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"\x00\xff\r\n\r\n",
    ],
    ids=["tls-client-hello", "header-without-colon", "binary"],
)
def test_bytes_that_are_not_http_get_the_client_error_envelope(
    short: ThreadedServer, contract: ContractSchemas, garbage: bytes
) -> None:
    with connect(short) as sock:
        sock.sendall(garbage)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head, answer
    envelope = json.loads(body)
    assert envelope["code"] == "CLIENT_ERROR" and contract.response_problems("get_token", envelope) == []

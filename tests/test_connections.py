"""Slow and idle clients lose their connection in bounded time; bytes that are not HTTP get JSON;
an answer leaves in one write.

A real server on 127.0.0.1:0 with short deadlines, real sockets. The bounds are generous (the
checks are "closed within a few seconds", not timings): without the deadlines each socket here
stays open for ever and ``closed_within`` fails.
"""

from __future__ import annotations

import asyncio
import functools
import json
import pickle
import socket
import time
from collections.abc import Coroutine, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.server import ServerState

from mock_server.cli import _worker_app
from mock_server.connections import HTTPTOOLS, CoalescingTransport, DeadlineH11Protocol, send_whole
from mock_server.contract.schemas import ContractSchemas
from mock_server.server import ThreadedServer, uvicorn_config
from mock_server.settings import Settings

from .helpers import GET_RESULT_PATH, TOKEN_PATH, h5_session, signed_body

T = TypeVar("T")
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


# A response's head and body leave in one write (uvicorn writes them in two). The real uvicorn
# protocol class of the mock, driven with a transport that records each write call.


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[list[bytes]] = []  # one item per write or writelines call
        self.closing = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append([bytes(data)])

    def writelines(self, chunks: Iterable[bytes | bytearray | memoryview]) -> None:
        self.writes.append([bytes(chunk) for chunk in chunks])

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8080), "peername": ("127.0.0.1", 50000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def run_alone(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: a test before this one may have left a loop running
    in the main thread (Playwright's sync API does)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=BOUND_S)


async def serve_one(
    app: ASGIApp, request: bytes, settle_s: float = 0.0
) -> tuple[RecordingTransport, list[list[bytes]]]:
    """Feed ``request`` to the mock's protocol; the writes made until its answer was complete
    (and ``settle_s`` more), then what was written at each turn of the loop is in ``writes``."""
    config = uvicorn_config(app, Settings(port=0))
    config.load()
    protocol = config.http_protocol_class(config=config, server_state=ServerState(), app_state={})
    transport = RecordingTransport()
    protocol.connection_made(transport)
    protocol.data_received(request)
    for _ in range(500):
        await asyncio.sleep(0.002)
        if protocol.cycle is not None and protocol.cycle.response_complete:
            break
    await asyncio.sleep(settle_s)
    writes = list(transport.writes)
    protocol.connection_lost(None)
    return transport, writes


def http_request(path: str, body: bytes) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: api.advance.ai\r\nContent-Type: application/json\r\n"
    return head.encode() + b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_an_answer_leaves_in_one_write(app: Starlette) -> None:
    request = http_request(TOKEN_PATH, json.dumps(signed_body()).encode())
    _, writes = run_alone(serve_one(app, request))
    assert len(writes) == 1, [len(chunk) for write in writes for chunk in write]
    head, body = writes[0]
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and head.endswith(b"\r\n\r\n")
    assert json.loads(body)["code"] == "SUCCESS"


def test_a_head_whose_body_comes_later_is_not_held_back() -> None:
    """A streamed answer: the head is sent at the end of the loop's turn, not with the body."""
    body_sent = asyncio.Event()

    async def slow_body(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await asyncio.sleep(0.2)
        body_sent.set()
        await send({"type": "http.response.body", "body": b"ok"})

    async def watch() -> list[list[bytes]]:
        config = uvicorn_config(slow_body, Settings(port=0))
        config.load()
        protocol = config.http_protocol_class(config=config, server_state=ServerState(), app_state={})
        transport = RecordingTransport()
        protocol.connection_made(transport)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in range(50):  # bounded: well before the body's 0.2 s
            await asyncio.sleep(0.002)
            if transport.writes:
                break
        assert not body_sent.is_set()
        early = list(transport.writes)
        await body_sent.wait()
        await asyncio.sleep(0.01)
        protocol.connection_lost(None)
        return [*early, [b"--"], *transport.writes[len(early) :]]

    writes = run_alone(watch())
    assert writes[0][0].startswith(b"HTTP/1.1 200 OK") and writes[1] == [b"--"] and writes[2] == [b"ok"], writes


def test_a_held_head_is_sent_before_the_connection_closes() -> None:
    transport = RecordingTransport()

    async def write_and_close() -> None:
        coalescing = CoalescingTransport(transport, asyncio.get_running_loop())
        coalescing.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        coalescing.close()

    run_alone(write_and_close())
    assert transport.writes == [[b"HTTP/1.1 400 Bad Request\r\n\r\n"]] and transport.closing


def test_forwarded_headers_do_not_change_the_links_the_mock_hands_out(server: ThreadedServer, token: str) -> None:
    """X-Forwarded-Proto/-For are not read (even from loopback): links come from --public-url or the socket."""
    forwarded = {"X-ACCESS-TOKEN": token, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with httpx.Client(base_url=server.url, timeout=10, headers=forwarded) as client:
        session = h5_session(client, token)
    assert session["url"].startswith(server.url + "/"), session["url"]


# The whole-answer path (connections.send_whole) writes what uvicorn's send would have written.


def read_answer(sock: socket.socket, buffered: bytes = b"") -> tuple[bytes, bytes, bytes]:
    """One answer off ``sock``: (head, body by its content-length, what came after it)."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed before a whole head: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(
        next(line.split(b":", 1)[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
    )
    return head, rest[:length], rest[length:]


def test_a_head_request_gets_the_head_only_and_the_connection_goes_on(server: ThreadedServer) -> None:
    """A body after a HEAD answer would be read as the next answer's start: the GET after it must parse."""
    with connect(server) as sock:
        sock.sendall(
            b"HEAD " + GET_RESULT_PATH.encode() + b" HTTP/1.1\r\nHost: api.advance.ai\r\n\r\n"
            b"GET " + GET_RESULT_PATH.encode() + b" HTTP/1.1\r\nHost: api.advance.ai\r\n\r\n"
        )
        data = b""
        while data.count(b"\r\n\r\n") < 2:  # the HEAD answer's head, then the GET answer's
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 405 ") and b"content-length: " in head, head
        assert rest.startswith(b"HTTP/1.1 405 "), rest[:80]  # no body came after the HEAD answer's head
        second_head, body, _ = read_answer(sock, rest)
        assert json.loads(body)["code"] == "CLIENT_ERROR", second_head


@pytest.mark.parametrize(
    "request_line, close_header",
    [(b"GET / HTTP/1.1\r\nConnection: close\r\n", b"connection: close"), (b"GET / HTTP/1.0\r\n", b"connection: close")],
    ids=["connection-close", "http-1.0"],
)
def test_a_client_that_does_not_keep_alive_gets_its_answer_then_the_close(
    server: ThreadedServer, request_line: bytes, close_header: bytes
) -> None:
    with connect(server) as sock:
        sock.sendall(request_line + b"Host: api.advance.ai\r\n\r\n")
        head, body, rest = read_answer(sock)
        assert close_header in head.lower() and json.loads(body)["code"] == "CLIENT_ERROR"
        assert rest == b"" and closed_within(sock, BOUND_S) >= 0


def test_send_whole_leaves_other_senders_to_the_asgi_messages() -> None:
    async def plain_send(message: Any) -> None:
        raise AssertionError("not called")

    assert send_whole(plain_send, 200, [(b"content-length", b"2")], b"ok") is False


@pytest.mark.parametrize("protocol", [HTTPTOOLS, DeadlineH11Protocol], ids=["httptools", "h11"])
def test_the_options_a_worker_process_receives_pickle(protocol: type) -> None:
    """``--workers`` starts processes with spawn: uvicorn pickles its whole config to each, the
    HTTP protocol class and the WebSocket factory included (a class made inside a function cannot)."""
    settings = Settings(port=0)
    config = uvicorn_config(functools.partial(_worker_app, settings), settings, factory=True, http=protocol)
    copy = pickle.loads(pickle.dumps(config))
    assert copy.http is protocol and copy.ws is config.ws

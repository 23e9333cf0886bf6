"""IDVS callbacks reach a loopback receiver; other hosts are refused unless allowed."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from ..helpers import complete, idvs_session


class Receiver:
    """A loopback HTTP server that keeps every JSON body POSTed to it."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/liveness"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while len(self.bodies) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.bodies


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_completion_posts_the_result_to_the_callback_url(http: httpx.Client, token: str, receiver: Receiver) -> None:
    session = idvs_session(http, token, callbackUrl=receiver.url, bizId="order-42", userId="user-7")
    complete(http, session["signatureId"], "presentation_attack")
    (payload,) = receiver.wait_for(1)
    assert payload["signatureId"] == session["signatureId"]
    assert (payload["bizId"], payload["userId"], payload["code"], payload["attackType"], payload["success"]) == (
        "order-42",
        "user-7",
        "SUCCESS",
        1,
        False,
    )
    deadline = time.monotonic() + 5
    while (
        http.get(f"/__admin/sessions/{session['signatureId']}").json()["callback"] is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    assert http.get(f"/__admin/sessions/{session['signatureId']}").json()["callback"]["httpStatus"] == 204


def test_a_non_loopback_callback_is_refused_and_recorded(http: httpx.Client, token: str) -> None:
    session = idvs_session(http, token, callbackUrl="https://hooks.example.com/liveness")
    complete(http, session["signatureId"], "pass")
    callback = http.get(f"/__admin/sessions/{session['signatureId']}").json()["callback"]
    assert callback["status"] == "refused" and "hooks.example.com" in callback["detail"]


def test_an_unreachable_callback_is_recorded_as_failed(http: httpx.Client, token: str) -> None:
    session = idvs_session(http, token, callbackUrl="http://127.0.0.1:9/nothing-listens-here")
    complete(http, session["signatureId"], "pass")
    deadline = time.monotonic() + 6
    while (http.get(f"/__admin/sessions/{session['signatureId']}").json()["callback"] or {}).get("status") != "failed":
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_callback_to_the_mocks_own_admin_plane_is_refused(http: httpx.Client, token: str) -> None:
    session = idvs_session(http, token, callbackUrl=f"{str(http.base_url).rstrip('/')}/__admin/reset")
    complete(http, session["signatureId"], "pass")
    callback = http.get(f"/__admin/sessions/{session['signatureId']}").json()["callback"]
    assert callback["status"] == "refused" and "/__admin" in callback["detail"]

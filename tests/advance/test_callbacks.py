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

from mock_server.advance.callbacks import is_admin_path

from ..helpers import complete, idvs_session


class Receiver:
    """A loopback HTTP server that keeps every JSON body POSTed to it; answers 204, or a redirect
    to ``redirect_to`` when that is set."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.redirect_to = ""
        received = self.bodies
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(307 if receiver.redirect_to else 204)
                if receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                    self.send_header("Content-Length", "0")
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


# Spellings of /__admin that reach it on the real server (uvicorn decodes %XX, httpx removes dot
# segments) or on another server that normalises more (backslashes, double slashes, case).
ADMIN_SPELLINGS = [
    "/%5F%5Fadmin/reset",
    "/%5f%5fadmin/reset",
    "/./__admin/reset",
    "/x/../__admin/reset",
    "/__admin%2Freset",
    "/%255F%255Fadmin/reset",
    "/%25255f%25255fadmin/reset",
    "/%2E/__admin/reset",
    "/x/%2e%2e/__admin/reset",
    "//__admin/reset",
    "/x\\..\\__admin/reset",
    "/__ADMIN/reset",
    "/%5F%5FAdmin/reset",
    "/__admin",
    "/%5F%5Fadmin",
]


def settled_callback(http: httpx.Client, signature_id: str) -> dict[str, Any] | None:
    """The session's callback record once delivery ended; None when the session is gone (a reset)."""
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        response = http.get(f"/__admin/sessions/{signature_id}")
        if response.status_code == 404:
            return None
        if response.json()["callback"] is not None:
            return dict(response.json()["callback"])
        time.sleep(0.02)
    raise AssertionError("the callback never settled")


@pytest.mark.parametrize("spelling", ADMIN_SPELLINGS)
def test_no_spelling_of_the_admin_path_lets_a_callback_reset_the_mock(
    http: httpx.Client, token: str, spelling: str
) -> None:
    session = idvs_session(http, token, callbackUrl=f"{str(http.base_url).rstrip('/')}{spelling}")
    complete(http, session["signatureId"], "pass")
    callback = settled_callback(http, session["signatureId"])
    assert callback is not None, f"a callback to {spelling} reset the mock"
    assert callback["status"] == "refused" and "/__admin" in callback["detail"], callback


def test_a_callback_cannot_switch_a_scenario_on(http: httpx.Client, token: str) -> None:
    url = f"{str(http.base_url).rstrip('/')}/%5F%5Fadmin/scenarios/connection-reset"
    session = idvs_session(http, token, callbackUrl=url)
    complete(http, session["signatureId"], "pass")
    assert (settled_callback(http, session["signatureId"]) or {}).get("status") == "refused"
    assert http.get("/__admin/scenarios/connection-reset").json()["active"] is False


def test_a_redirect_to_the_admin_plane_is_not_followed(http: httpx.Client, token: str, receiver: Receiver) -> None:
    receiver.redirect_to = f"{str(http.base_url).rstrip('/')}/__admin/reset"
    session = idvs_session(http, token, callbackUrl=receiver.url)
    complete(http, session["signatureId"], "pass")
    callback = settled_callback(http, session["signatureId"])
    assert callback is not None, "the callback followed a redirect to /__admin/reset"
    assert (callback["status"], callback["httpStatus"]) == ("delivered", 307)


@pytest.mark.parametrize(
    ("path", "admin"),
    [
        ("/hooks/liveness", False),
        ("/__administrator/x", False),
        ("/hooks/__admin", False),
        ("/%2E%2E/%2e%2e/__admin", True),
        ("/%" + "25" * 9 + "5F", True),  # still decoding after MAX_DECODINGS rounds: refused
    ],
)
def test_is_admin_path_reads_the_path_as_the_most_lenient_server(path: str, admin: bool) -> None:
    assert is_admin_path(path) is admin

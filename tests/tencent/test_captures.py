"""Every captured request of Tencent's Node SDKs (``captures/``), replayed byte for byte to a real
mock server that knows the capture's credentials, its clock set to the capture's time: each passes
the guard, and fails it once a signed byte changes."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_server.app import MockParts, create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from .captured import ALL, headers_of, http_request

ACCOUNT = """accounts:
  - name: node-captures
    description: The dummy credentials of tests/tencent/captures
    accessKey: nodecapturesaccesskey
    secretKey: nodecapturessecretkey
    tencent: {secretId: AKIDtest, secretKey: TestSecretKey1234567890abcdefgh}
"""


@pytest.fixture(scope="module")
def replay_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ThreadedServer, MockParts]]:
    folder: Path = tmp_path_factory.mktemp("capture-account")
    (folder / "accounts.yaml").write_text(ACCOUNT, encoding="utf-8")
    app = create_app(Settings(port=0, strict=True, fixtures=(folder,)))
    with ThreadedServer(app, Settings(port=0)) as running:
        yield running, app.state.mock


def replay(server: ThreadedServer, request: dict[str, Any], host: str | None = None) -> str:
    """Send the request as it was captured (optionally to another Host); the Tencent code answered."""
    content = request["body"].encode("utf-8")
    lines = [request["request_line"]]
    for name, value in request["headers"]:
        if name.lower() == "connection":
            value = "close"
        elif name.lower() == "content-length":
            value = str(len(content))
        elif name.lower() == "host" and host is not None:
            value = host
        lines.append(f"{name}: {value}")
    address = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((address[0], int(address[1])), timeout=5) as sock:
        sock.sendall("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + content)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), answer[:300]
    response = json.loads(payload)["Response"]
    return str(response["Error"]["Code"]) if "Error" in response else "SUCCESS"


def expected(request: dict[str, Any]) -> str:
    """What the mock answers once the signature verified: the capture's token was never issued."""
    text = request["query"] or request["body"]
    action = headers_of(request).get("x-tc-action") or ("ApplyLivenessToken" if "ApplyLivenessToken" in text else "")
    if action == "ApplyLivenessToken":
        return "SUCCESS"
    return "UnknownParameter" if "Foo" in text else "InvalidParameterValue.BizTokenIllegal"  # *_nested send Foo, Obj


def at_capture_time(parts: MockParts, request: dict[str, Any]) -> None:
    parts.clock.set(int(request["at"] * 1000))


@pytest.mark.parametrize("name", sorted(ALL))
def test_a_captured_request_passes_the_guard(replay_server: tuple[ThreadedServer, MockParts], name: str) -> None:
    server, parts = replay_server
    request = http_request(ALL[name])
    at_capture_time(parts, request)
    assert replay(server, request) == expected(request)
    assert parts.gateway.violations == []


TAMPER = [
    ("SdkToken=", "SdkToken=X"),
    ('"SdkToken":"', '"SdkToken":"X'),
    ("SecureLevel=4", "SecureLevel=3"),
    ('"SecureLevel":"4"', '"SecureLevel":"3"'),
]


def tampered(request: dict[str, Any]) -> dict[str, Any]:
    """The request with one signed parameter value changed (in the query or the body)."""
    field = "request_line" if request["query"] else "body"
    old, new = next((old, new) for old, new in TAMPER if old in request[field])
    return dict(request, **{field: request[field].replace(old, new, 1)})


@pytest.mark.parametrize("name", sorted(ALL))
def test_a_captured_request_changed_after_signing_fails(
    replay_server: tuple[ThreadedServer, MockParts], name: str
) -> None:
    server, parts = replay_server
    request = http_request(ALL[name])
    at_capture_time(parts, request)
    assert replay(server, tampered(request)) == "AuthFailure.SignatureFailure"
    if "authorization" not in headers_of(request):  # v1 signs the Host, port included
        assert replay(server, request, host="127.0.0.1:1") == "AuthFailure.SignatureFailure"

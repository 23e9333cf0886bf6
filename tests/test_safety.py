"""Admin safety: loopback only without a token; with one, every /__admin call must carry it."""

from __future__ import annotations

import base64
import subprocess
import sys

import httpx
import pytest
from starlette.datastructures import Headers

from mock_server.admin.safety import UnsafeExposure, presented_token
from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from .conftest import ROOT

TOKEN = "s3cret-admin-token"


@pytest.mark.parametrize(
    ("headers", "token"),
    [
        ({"X-Admin-Token": TOKEN}, TOKEN),
        ({"Authorization": f"Bearer {TOKEN}"}, TOKEN),
        ({"Authorization": "Basic " + base64.b64encode(f"anyone:{TOKEN}".encode()).decode()}, TOKEN),
        ({"Authorization": "Basic !!!"}, None),
        ({"Authorization": "Digest x"}, None),
        ({}, None),
    ],
)
def test_the_token_forms(headers: dict[str, str], token: str | None) -> None:
    assert presented_token(Headers(headers)) == token


def test_a_non_loopback_address_needs_a_token() -> None:
    with pytest.raises(UnsafeExposure, match=r"refusing to serve on 0\.0\.0\.0"):
        create_app(Settings(host="0.0.0.0"))
    create_app(Settings(host="0.0.0.0", admin_token=TOKEN))
    assert TOKEN not in repr(Settings(admin_token=TOKEN))


def test_with_a_token_every_admin_call_needs_it() -> None:
    app = create_app(Settings(port=0, admin_token=TOKEN))
    with ThreadedServer(app) as server, httpx.Client(base_url=server.url, timeout=5) as client:
        for method, path in (
            ("GET", "/__admin/clock"),
            ("GET", "/__admin/"),
            ("GET", "/__admin/requests"),
            ("POST", "/__admin/reset"),
        ):
            refused = client.request(method, path)
            assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
            assert client.request(method, path, headers={"X-Admin-Token": "wrong"}).status_code == 401
        assert client.get("/__admin/clock", headers={"X-Admin-Token": TOKEN}).status_code == 200
        assert client.get("/__admin/clock", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert client.get("/__admin/clock", auth=("admin", TOKEN)).status_code == 200
        vendor = client.post("/openapi/liveness/v4/h5/get-result", json={"signatureId": "x"})
        assert (vendor.status_code, vendor.json()["code"]) == (200, "IAM_FAILED")  # its own auth, not the admin token
        journal = client.get("/__admin/requests", headers={"X-Admin-Token": TOKEN}).text
        assert TOKEN not in journal


def test_the_cli_refuses_and_explains_without_a_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mock_server", "serve", "--host", "0.0.0.0", "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin", "LIVENESS_MOCK_ADMIN_TOKEN": ""},
    )  # fmt: skip
    assert result.returncode == 2
    assert "refusing to serve on 0.0.0.0" in result.stderr and "Traceback" not in result.stderr

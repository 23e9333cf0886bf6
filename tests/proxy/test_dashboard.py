"""The dashboard of the proxy shows what differed beside each request (headless Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from mock_server.proxy.app import ProxyOptions, create_proxy_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH


@pytest.fixture
def proxy(server: ThreadedServer) -> Iterator[str]:
    """An in-process proxy in front of the session's mock server."""
    app = create_proxy_app(Settings(port=0), ProxyOptions(upstream=f"{server.url}/@{{host}}", keep_alive=False))
    with ThreadedServer(app, Settings(port=0)) as running:
        yield running.url


def test_a_request_that_breaks_its_schema_is_shown_with_its_finding(page: Page, proxy: str) -> None:
    page.goto(f"{proxy}/__admin/")
    answer = httpx.post(proxy + GET_RESULT_PATH, json={"signatureId": 5}, timeout=10)
    assert answer.headers["x-liveness-contract"] == "request PARAMETER_ERROR"
    row = page.locator("#request-rows tr", has_text=GET_RESULT_PATH)
    expect(row).to_contain_text("contract: request PARAMETER_ERROR")
    expect(row.locator("td.bad", has_text="contract:")).to_have_count(1)

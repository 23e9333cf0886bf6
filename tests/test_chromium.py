"""The browser harness itself works: Chromium renders a page the mock serves."""

from __future__ import annotations

from playwright.sync_api import Page

from mock_server.server import ThreadedServer


def test_chromium_renders_a_mock_answer(page: Page, server: ThreadedServer) -> None:
    page.goto(f"{server.url}/openapi/liveness/v9/none")
    assert '"HTTP 404 - Not Found"' in page.content()

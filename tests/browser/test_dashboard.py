"""The admin dashboard in headless Chromium: toggle a scenario, watch requests arrive, complete a session."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from playwright.sync_api import Browser, Page, expect

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, h5_session


def eventually(check: Callable[[], bool], seconds: float = 5) -> bool:
    """Poll ``check`` until it holds or the deadline passes (the page acts asynchronously)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def active(http: httpx.Client, name: str) -> bool:
    return bool(http.get(f"/__admin/scenarios/{name}").json()["active"])


def test_toggle_a_scenario_and_see_the_request_appear(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    page.goto(f"{server.url}/__admin/")
    expect(page.locator("#clock")).to_contain_text(time.strftime("%Y-", time.gmtime()))
    page.get_by_label("activate gateway-html").check()
    assert eventually(lambda: active(http, "gateway-html"))
    assert http.post(GET_RESULT_PATH, json={"signatureId": "seen-in-the-browser"}).status_code == 502
    row = page.locator("#request-rows tr", has_text="gateway-html / bad-gateway")
    expect(row).to_contain_text("/openapi/liveness/v4/h5/get-result")
    expect(row).to_contain_text("502")
    page.get_by_label("activate gateway-html").uncheck()
    assert eventually(lambda: not active(http, "gateway-html"))


def test_the_per_code_scenarios_are_there_on_demand(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    page.goto(f"{server.url}/__admin/")
    toggle = page.get_by_label("activate get_video.VIDEO_NOT_FOUND")
    expect(page.get_by_label("activate flaky")).to_be_visible()
    expect(toggle).to_have_count(0)
    page.get_by_label("one per code").check()
    page.get_by_placeholder("filter").fill("VIDEO_NOT")
    expect(page.locator("#scenario-rows tr")).to_have_count(1)
    toggle.check()
    assert eventually(lambda: active(http, "get_video.VIDEO_NOT_FOUND"))


def test_complete_a_session_from_the_dashboard(
    page: Page, server: ThreadedServer, http: httpx.Client, token: str
) -> None:
    page.goto(f"{server.url}/__admin/")
    expect(page.locator("#no-sessions")).to_be_visible()
    signature_id = h5_session(http, token)["signatureId"]
    row = page.locator(f'#session-rows tr[data-signature-id="{signature_id}"]')
    expect(row).to_contain_text("pending")
    row.get_by_label(f"outcome for {signature_id}").select_option("injection_attack")
    row.get_by_role("button", name="complete").click()
    expect(row).to_contain_text("completed")
    expect(row).to_contain_text("injection_attack")
    session = http.get(f"/__admin/sessions/{signature_id}").json()
    assert (session["status"], session["outcome"]) == ("completed", "injection_attack")


def test_the_clock_buttons_move_the_mock_clock(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    before = http.get("/__admin/clock").json()["nowMs"]
    page.goto(f"{server.url}/__admin/")
    page.get_by_role("button", name="+1 h").click()
    expect(page.locator("#clock-offset")).to_contain_text("s from wall time")
    assert http.get("/__admin/clock").json()["nowMs"] >= before + 3_600_000


def test_behind_an_admin_token_the_browser_asks_once(browser: Browser) -> None:
    app = create_app(Settings(port=0, admin_token="dashboard-token"))
    with ThreadedServer(app) as server:
        refused = browser.new_context()
        assert refused.request.get(f"{server.url}/__admin/").status == 401
        refused.close()
        context = browser.new_context(http_credentials={"username": "admin", "password": "dashboard-token"})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{server.url}/__admin/")
        expect(page.get_by_label("activate flaky")).to_be_visible()  # the page's own API calls carry it too
        expect(page.locator("#error")).to_be_empty()
        context.close()

"""The admin dashboard in headless Chromium: toggle a scenario, watch requests arrive, complete a session."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import GET_RESULT_PATH, h5_session, idvs_session


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


# Written from issue 4 (the dashboard) in headless Chromium: hostile text, resets, clearing,

HOSTILE = '<img src=x onerror="window.__owned = 1">'


def test_hostile_text_in_requests_and_scenarios_is_shown_as_text(
    page: Page, server: ThreadedServer, http: httpx.Client
) -> None:
    rule = {"match": {"endpoint": "get_result"}, "respond": {}}
    http.post("/__admin/scenarios", json={"name": "hostile", "description": HOSTILE, "rules": [rule]})
    http.get("/openapi/" + HOSTILE, headers={"Host": "api.advance.ai"})
    page.goto(f"{server.url}/__admin/")
    expect(page.locator("#scenario-rows tr[data-scenario=hostile]")).to_contain_text(HOSTILE)
    expect(page.locator("#request-rows tr")).to_have_count(1)
    expect(page.locator("#request-rows")).to_contain_text("onerror")
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__owned") is None


def test_a_reset_connection_shows_in_the_live_journal(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    page.goto(f"{server.url}/__admin/")
    expect(page.locator("#no-requests")).to_be_visible()
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        http.post(GET_RESULT_PATH, json={"signatureId": "mock-fault-connection_reset"})
    row = page.locator("#request-rows tr").first
    expect(row).to_contain_text("connection_reset")
    expect(row).to_contain_text("reset")
    expect(row).to_contain_text("magic-values / mock-fault")


def test_the_clear_button_empties_the_journal(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    page.goto(f"{server.url}/__admin/")
    http.post(GET_RESULT_PATH, json={"signatureId": "first"})
    expect(page.locator("#request-rows tr")).to_have_count(1)
    page.get_by_role("button", name="clear").click()
    expect(page.locator("#request-rows tr")).to_have_count(0)
    expect(page.locator("#no-requests")).to_be_visible()
    assert eventually(lambda: http.get("/__admin/requests/count").json()["count"] == 0)


def test_complete_an_idvs_session_and_watch_its_result_arrive(
    page: Page, server: ThreadedServer, http: httpx.Client, token: str
) -> None:
    signature_id = idvs_session(http, token)["signatureId"]
    page.goto(f"{server.url}/__admin/")
    row = page.locator(f'#session-rows tr[data-signature-id="{signature_id}"]')
    row.get_by_label(f"outcome for {signature_id}").select_option("pass")
    row.get_by_role("button", name="complete").click()
    expect(row).to_contain_text("completed")
    answer = http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token}).json()
    assert answer["code"] == "SUCCESS"
    seen = page.locator("#request-rows tr", has_text="get_result")
    expect(seen).to_contain_text("SUCCESS")
    expect(seen).to_contain_text("/openapi/liveness/v4/h5/get-result")


def test_switching_a_scenario_off_in_the_page_stops_it(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    http.post("/__admin/scenarios/get_result.RETRY_LATER")
    page.goto(f"{server.url}/__admin/")
    toggle = page.get_by_label("activate get_result.RETRY_LATER")
    expect(toggle).to_be_checked()  # a built-in scenario that is on is listed without "one per code"
    toggle.uncheck()
    assert eventually(lambda: not active(http, "get_result.RETRY_LATER"))
    assert http.post(GET_RESULT_PATH, json={"signatureId": "x"}).json()["code"] == "IAM_FAILED"


def test_the_minute_button_moves_the_clock_shown(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    page.goto(f"{server.url}/__admin/")
    expect(page.locator("#clock")).not_to_have_text("…")
    page.get_by_role("button", name="+1 min").click()
    expect(page.locator("#clock-offset")).to_contain_text("+60 s from wall time")
    assert http.get("/__admin/clock").json()["nowMs"] - http.get("/__admin/clock").json()["wallMs"] >= 59_000

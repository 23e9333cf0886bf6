"""Issue 13 item 8 in headless Chromium: session page links, journal rows that open (masked),
reset with a confirmation, back to wall time, what a clock move expires, polls neutral, no favicon 404."""

from __future__ import annotations

import httpx
from playwright.sync_api import Dialog, Page, expect

from mock_server.server import ThreadedServer

from ..helpers import GET_RESULT_PATH, TOKEN_PATH, h5_session, signed_body
from .test_dashboard import eventually


def test_a_session_row_links_to_the_page_the_mock_handed_out(
    page: Page, server: ThreadedServer, http: httpx.Client, token: str
) -> None:
    handed_out = h5_session(http, token)
    page.goto(f"{server.url}/__admin/")
    link = page.get_by_label(f"open the page of {handed_out['signatureId']}")
    expect(link).to_have_attribute("href", handed_out["url"])
    expect(link).to_have_attribute("target", "_blank")
    with page.context.expect_page() as opened:
        link.click()
    h5 = opened.value
    h5.wait_for_load_state()
    assert h5.url == handed_out["url"] and h5.title()


def test_a_journal_row_opens_to_its_headers_and_bodies_masked_as_the_api_shows_them(
    page: Page, server: ThreadedServer, http: httpx.Client
) -> None:
    sent = http.post(TOKEN_PATH, json=signed_body("sampleaccesskey", "samplesecretkey"))
    secret_token = sent.json()["data"]["token"]
    entry = http.get("/__admin/requests").json()["requests"][0]
    page.goto(f"{server.url}/__admin/")
    row = page.locator(f'#request-rows tr[data-request-id="{entry["id"]}"]')
    row.get_by_role("cell", name="token_authentication").click()
    detail = page.locator(f'#request-rows tr[data-detail-of="{entry["id"]}"]')
    expect(row.get_by_label(f"details of request {entry['id']}")).to_have_attribute("aria-expanded", "true")
    for part, value in [
        ("request-headers", entry["headers"]),
        ("request-body", entry["body"]),
        ("response-headers", entry["response"]["headers"]),
        ("response-body", entry["response"]["body"]),
    ]:
        shown = detail.locator(f'pre[data-part="{part}"]').text_content() or ""
        assert httpx.Response(200, content=shown).json() == value, part  # exactly what the API shows
    expect(detail.locator('pre[data-part="response-body"]')).to_contain_text('"token": "***"')
    expect(detail.locator('pre[data-part="request-body"]')).to_contain_text('"signature": "***"')
    html = page.content()
    assert secret_token not in html and "samplesecretkey" not in html
    row.get_by_label(f"details of request {entry['id']}").click()
    expect(detail).to_have_count(0)


def test_reset_asks_first_and_then_resets(page: Page, server: ThreadedServer, http: httpx.Client, token: str) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    page.goto(f"{server.url}/__admin/")
    expect(page.locator(f'#session-rows tr[data-signature-id="{signature_id}"]')).to_be_visible()
    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="reset…").click()
    assert eventually(lambda: bool(asked)) and "Reset the mock" in asked[0]
    assert http.get(f"/__admin/sessions/{signature_id}").status_code == 200  # declined: nothing happened
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="reset…").click()
    expect(page.locator("#notice")).to_have_text("the mock was reset")
    expect(page.locator("#no-sessions")).to_be_visible()
    assert http.get(f"/__admin/sessions/{signature_id}").status_code == 404


def test_back_to_wall_time_after_moving_the_clock(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    page.goto(f"{server.url}/__admin/")
    wall = page.get_by_role("button", name="back to wall time")
    expect(page.locator("#clock")).not_to_have_text("…")
    expect(wall).to_be_hidden()  # nothing to go back from
    page.get_by_role("button", name="+1 h").click()
    expect(wall).to_be_visible()
    wall.click()
    expect(page.locator("#clock-offset")).to_have_text("")
    expect(wall).to_be_hidden()
    assert abs(http.get("/__admin/clock").json()["offsetMs"]) < 1_000


def test_the_hour_button_warns_and_then_says_what_it_expired(
    page: Page, server: ThreadedServer, http: httpx.Client, token: str
) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    page.goto(f"{server.url}/__admin/")
    hour = page.get_by_role("button", name="+1 h")
    expect(hour).to_have_attribute("title", "Move the mock clock +1 h. " + _tip(page))
    hour.hover()
    expect(page.locator("#notice")).to_have_text(
        f"+1 h would expire 1 access token of account default; the page of 1 pending session ({signature_id})"
    )
    expect(hour).to_have_attribute(
        "title",
        f"Move the mock clock +1 h. This expires 1 access token of account default; the page of 1 pending session ({signature_id}). "
        + _tip(page),
    )
    hour.click()
    expect(page.locator("#notice")).to_have_text(
        f"clock moved +1 h: expired 1 access token of account default; the page of 1 pending session ({signature_id})"
    )
    page.get_by_role("button", name="+1 min").click()
    expect(page.locator("#notice")).to_have_text("clock moved +1 min; nothing expired")


def _tip(page: Page) -> str:
    return str(page.evaluate("CLOCK_TIP"))


def test_a_poll_before_the_result_is_neutral_and_an_error_red(
    page: Page, server: ThreadedServer, http: httpx.Client, token: str
) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    page.goto(f"{server.url}/__admin/")
    headers = {"X-ACCESS-TOKEN": token}
    assert http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers=headers).json()["code"] == (
        "LIVENESS_NO_RESULT"
    )
    http.post(GET_RESULT_PATH, json={"signatureId": "no-such-signature"}, headers=headers)
    poll = page.locator("#request-rows td", has_text="LIVENESS_NO_RESULT")
    error = page.locator("#request-rows td", has_text="SIGNATURE_NOT_EXIST")
    expect(poll).to_have_class("poll")
    expect(error).to_have_class("bad")
    red = "rgb(180, 35, 24)"
    assert poll.evaluate("td => getComputedStyle(td).color") != red
    assert error.evaluate("td => getComputedStyle(td).color") == red


def test_the_browser_leaves_no_favicon_404_in_the_journal(
    page: Page, server: ThreadedServer, http: httpx.Client
) -> None:
    page.goto(f"{server.url}/__admin/requests")  # an admin route's JSON: the browser asks for /favicon.ico
    answer = page.request.get(f"{server.url}/favicon.ico")
    assert answer.status == 204
    page.goto(f"{server.url}/__admin/")
    expect(page.locator("#clock")).not_to_have_text("…")
    assert page.locator("link[rel=icon]").get_attribute("href", timeout=1_000)  # the page's own icon
    assert http.get("/__admin/requests/count", params={"path": "/favicon.ico"}).json()["count"] == 0
    expect(page.locator("#no-requests")).to_be_visible()


def test_a_hostile_answer_opens_as_text(page: Page, server: ThreadedServer, http: httpx.Client) -> None:
    http.post("/__admin/scenarios/gateway-html")
    assert http.post(GET_RESULT_PATH, json={"signatureId": "x"}).status_code == 502
    page.goto(f"{server.url}/__admin/")
    row = page.locator("#request-rows tr.entry").first
    row.get_by_role("button").click()
    body = page.locator('#request-rows pre[data-part="response-body"]')
    expect(body).to_contain_text("<html")  # the gateway's HTML page, shown as its text
    assert page.locator("#request-rows tr.detail *:not(td):not(div):not(h3):not(pre)").count() == 0


def test_no_other_page_may_frame_the_dashboard(http: httpx.Client) -> None:
    answer = http.get("/__admin/")
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def test_a_page_of_another_site_cannot_reset_the_mock_through_the_browser(
    page: Page, server: ThreadedServer, http: httpx.Client, token: str
) -> None:
    signature_id = h5_session(http, token)["signatureId"]
    evil = f'<form method="post" action="{server.url}/__admin/reset" enctype="text/plain"><input name="x"></form>'
    page.route("http://evil.test/", lambda route: route.fulfill(content_type="text/html", body=evil))
    page.goto("http://evil.test/")
    with page.expect_response(f"{server.url}/__admin/reset") as answered:
        page.evaluate("document.forms[0].submit()")
    assert answered.value.status == 403
    assert http.get(f"/__admin/sessions/{signature_id}").status_code == 200  # the mock was not reset

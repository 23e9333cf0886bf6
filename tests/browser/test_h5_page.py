"""The simulated H5 page in headless Chromium: outcomes, redirects, postMessage, expiry, ConfigureUI."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from mock_server.server import ThreadedServer

from ..helpers import CONFIGURE_UI_PATH, GET_RESULT_PATH, h5_session, idvs_session

EMBED = """<!doctype html><html><body><h1>Integrator</h1><ul id="messages"></ul>
<iframe id="liveness" allow="autoplay; camera;" width="420" height="640"></iframe>
<script>
window.addEventListener('message', function (event) {
  const data = JSON.parse(event.data);
  const item = document.createElement('li');
  item.textContent = data.info;
  document.getElementById('messages').appendChild(item);
});
document.getElementById('liveness').src = new URLSearchParams(location.search).get('src');
</script></body></html>"""


async def landing(request: Request) -> HTMLResponse:
    return HTMLResponse(f"<h1 id='landed'>{request.url.path}</h1>")


async def embed(request: Request) -> HTMLResponse:
    return HTMLResponse(EMBED)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The integrator's own loopback web site: return pages and a page that embeds the H5 URL."""
    app = Starlette(routes=[Route("/embed", embed), Route("/{page:path}", landing)])
    with ThreadedServer(app) as server:
        yield server.url


def test_pass_lands_on_the_return_url(page: Page, http: httpx.Client, token: str, site: str) -> None:
    session = h5_session(http, token, returnUrl=f"{site}/welcome-back", failedReturnUrl=f"{site}/sorry")
    page.goto(session["url"])
    page.click("#outcome-pass")
    page.wait_for_url(f"{site}/welcome-back")
    assert page.text_content("#landed") == "/welcome-back"
    result = http.post(
        GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token}
    ).json()
    assert result["code"] == "SUCCESS" and result["data"]["score"] >= 50


@pytest.mark.parametrize(("outcome", "code"), [("injection_attack", "SUCCESS"), ("face_occluded", "FACE_OCCLUDED")])
def test_a_failure_lands_on_the_failure_url(
    page: Page, http: httpx.Client, token: str, site: str, outcome: str, code: str
) -> None:
    session = h5_session(http, token, returnUrl=f"{site}/welcome-back", failedReturnUrl=f"{site}/sorry")
    page.goto(session["url"])
    page.click(f"#outcome-{outcome}")
    page.wait_for_url(f"{site}/sorry")
    result = http.post(
        GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token}
    ).json()
    assert result["code"] == code


def test_in_an_iframe_the_parent_receives_success_next(page: Page, http: httpx.Client, token: str, site: str) -> None:
    session = h5_session(
        http,
        token,
        returnUrl=f"{site}/ok?id=123&isLivenessIframe=true",
        failedReturnUrl=f"{site}/ko?id=123&isLivenessIframe=true",
    )
    page.goto(f"{site}/embed?src={quote(session['url'], safe='')}")
    page.frame_locator("#liveness").locator("#outcome-pass").click()
    page.wait_for_selector("#messages li")
    assert page.locator("#messages li").all_text_contents() == ["successNext"]
    assert page.url.startswith(f"{site}/embed")  # no redirect of the parent


def test_an_idvs_iframe_session_posts_failed_next(page: Page, http: httpx.Client, token: str, site: str) -> None:
    session = idvs_session(http, token, returnUrl=f"{site}/ok", failReturnUrl=f"{site}/ko", iframeEnabled=True)
    page.goto(f"{site}/embed?src={quote(session['url'], safe='')}")
    page.frame_locator("#liveness").locator("#outcome-presentation_attack").click()
    page.wait_for_selector("#messages li")
    assert page.locator("#messages li").all_text_contents() == ["failedNext"]


def test_an_expired_url_shows_the_expiry_page(page: Page, http: httpx.Client, token: str) -> None:
    session = h5_session(http, token)
    http.post("/__admin/clock", json={"advanceMs": 3_600_000})
    response = page.goto(session["url"])
    assert response is not None and response.status == 410
    assert "expired" in (page.text_content("#notice") or "")


def test_configure_ui_texts_and_colours_are_rendered(page: Page, http: httpx.Client, token: str, site: str) -> None:
    config = {
        "titleText": "Verifikasi Wajah",
        "mobileResultPage": {
            "successDesc": "Berhasil!",
            "nextStepButtonText": "Lanjut",
            "nextStepButtonBackgroundColor": "#ff0000",
        },
    }
    assert http.post(CONFIGURE_UI_PATH, json=config, headers={"X-ACCESS-TOKEN": token}).json()["code"] == "SUCCESS"
    session = h5_session(http, token, returnUrl=f"{site}/done")
    page.goto(session["url"])
    assert page.text_content("#title") == "Verifikasi Wajah"
    assert page.eval_on_selector("#outcome-pass", "b => getComputedStyle(b).backgroundColor") == "rgb(255, 0, 0)"
    page.click("#outcome-pass")
    page.wait_for_selector("#result.shown")
    assert page.text_content("#result-text") == "Berhasil!"
    assert page.text_content("#next-step") == "Lanjut"
    page.wait_for_url(f"{site}/done")


def test_abandon_leaves_the_session_without_a_result(page: Page, http: httpx.Client, token: str) -> None:
    session = h5_session(http, token)
    page.goto(session["url"])
    page.click("#abandon")
    page.wait_for_selector("#result.shown")
    assert http.get(f"/__admin/sessions/{session['signatureId']}").json()["status"] == "abandoned"
    result = http.post(
        GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token}
    ).json()
    assert result["code"] == "LIVENESS_NO_RESULT"

"""The simulated H5 page in headless Chromium: outcomes, redirects, postMessage, expiry, ConfigureUI."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
import yaml
from playwright.sync_api import Page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from mock_server.contract.resources import fixtures_dir
from mock_server.server import ThreadedServer

from ..helpers import CONFIGURE_UI_PATH, GET_RESULT_PATH, h5_session, idvs_session
from ..vendor_client import DEPRECATED, OUTCOMES

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


# Written from issue 3, the simulated H5 page in headless Chromium (issue point 5; 003 lines 84-108).

# The docs' ConfigureUI defaults (003 lines 388-389), shown when nothing was configured.
SUCCESS_DESC, FAILED_DESC = "Liveness Detection succeed", "Liveness Detection failed"


def result_code(http: httpx.Client, token: str, signature_id: str) -> str:
    answer = http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    return str(answer.json()["code"])


def test_every_outcome_button_reports_its_code_and_goes_to_its_page(
    page: Page,
    http: httpx.Client,
    token: str,
    site: str,
) -> None:
    for outcome in OUTCOMES:
        session = h5_session(http, token, returnUrl=f"{site}/ok/{outcome}", failedReturnUrl=f"{site}/ko/{outcome}")
        page.goto(session["url"])
        page.click(f"#outcome-{outcome}")
        page.wait_for_selector("#result.shown")
        passed = outcome == "pass"
        assert page.text_content("#result-text") == (SUCCESS_DESC if passed else FAILED_DESC), outcome
        page.click("#next-step")
        page.wait_for_url(f"{site}/{'ok' if passed else 'ko'}/{outcome}")
        expected = DEPRECATED[outcome][0] if outcome in DEPRECATED else "SUCCESS"
        assert result_code(http, token, session["signatureId"]) == expected, outcome


def test_an_iframe_gets_failed_next_once_and_is_not_navigated(
    page: Page,
    http: httpx.Client,
    token: str,
    site: str,
) -> None:
    session = h5_session(
        http,
        token,
        returnUrl=f"{site}/ok?id=123&isLivenessIframe=true",
        failedReturnUrl=f"{site}/ko?id=123&isLivenessIframe=true",
    )
    page.goto(f"{site}/embed?src={quote(session['url'], safe='')}")
    frame = page.frame_locator("#liveness")
    frame.locator("#outcome-face_quality_too_poor").click()
    frame.locator("#result.shown").wait_for()
    frame.locator("#next-step").click()  # now, and the page's own timer fires a moment later
    page.wait_for_selector("#messages li")
    page.wait_for_timeout(1_600)
    assert page.locator("#messages li").all_text_contents() == ["failedNext"]
    assert page.url.startswith(f"{site}/embed") and len(page.frames) == 2
    assert result_code(http, token, session["signatureId"]) == "FACE_QUALITY_TOO_POOR"


def test_configured_texts_are_shown_as_text_never_run(
    page: Page,
    http: httpx.Client,
    token: str,
    site: str,
) -> None:
    config = {
        "titleText": '<img src=x onerror="window.__pwned=1">',
        "mobileResultPage": {
            "successDesc": "</script><script>window.__pwned=2</script>",
            "nextStepButtonText": '<b id="bold">Go</b>',
            "backgroundColor": "#00ff00",
        },
    }
    assert http.post(CONFIGURE_UI_PATH, json=config, headers={"X-ACCESS-TOKEN": token}).json()["code"] == "SUCCESS"
    session = h5_session(http, token, returnUrl=f"{site}/done")
    page.goto(session["url"])
    assert page.text_content("#title") == config["titleText"]
    assert page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor") == "rgb(0, 255, 0)"
    page.click("#outcome-pass")
    page.wait_for_selector("#result.shown")
    assert page.text_content("#result-text") == config["mobileResultPage"]["successDesc"]  # type: ignore[index]
    assert page.text_content("#next-step") == '<b id="bold">Go</b>'
    assert page.evaluate("window.__pwned") is None and page.locator("#bold").count() == 0


def test_the_page_is_self_contained(
    page: Page,
    http: httpx.Client,
    token: str,
    site: str,
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    session = h5_session(http, token, returnUrl=f"{site}/done")
    page.goto(session["url"])
    page.click("#outcome-pass")
    page.wait_for_selector("#result.shown")
    mock = str(http.base_url).rstrip("/")
    assert requested and all(url.startswith(mock + "/") for url in requested), requested


# Issue 15, item 7: the IDVS page's language (001), showScore (003 ConfigureUI), the cross-device finish.
LANGUAGES = yaml.safe_load((fixtures_dir() / "h5_languages.yaml").read_text(encoding="utf-8"))["languages"]


@pytest.mark.parametrize(
    ("asked", "lang", "language"),
    [
        ("en-US", "en-US", "en"),
        ("th-TH", "th-TH", "th"),
        ("vi", "vi", "vi"),
        ("fil", "fil", "tl"),
        ("xx-YY", "en", "en"),
    ],
)
def test_the_idvs_page_speaks_the_sessions_language(
    page: Page, http: httpx.Client, token: str, site: str, asked: str, lang: str, language: str
) -> None:
    """001: "language: Specifies the display language for the frontend interface using ISO 639-1"."""
    texts = LANGUAGES[language]
    session = idvs_session(http, token, returnUrl=f"{site}/done", language=asked)
    page.goto(session["url"])
    assert page.get_attribute("html", "lang") == lang
    assert page.text_content("#title") == texts["title"] and page.title() == texts["title"]
    page.click("#outcome-pass")
    page.wait_for_selector("#result.shown")
    assert page.text_content("#result-text") == texts["successDesc"]
    assert page.text_content("#next-step") == texts["nextStep"]


def test_the_docs_example_language_shows_the_docs_english_texts(page: Page, http: httpx.Client, token: str) -> None:
    session = idvs_session(http, token, language="en-US")  # 001's request example
    page.goto(session["url"])
    page.click("#outcome-fail")
    page.wait_for_selector("#result.shown")
    assert page.text_content("#result-text") == FAILED_DESC  # 003's ConfigureUI default, "Liveness Detection failed"


def test_configured_texts_win_over_the_language(page: Page, http: httpx.Client, token: str) -> None:
    config = {"titleText": "Verifikasi Wajah", "mobileResultPage": {"successDesc": "Berhasil!"}}
    assert http.post(CONFIGURE_UI_PATH, json=config, headers={"X-ACCESS-TOKEN": token}).json()["code"] == "SUCCESS"
    page.goto(idvs_session(http, token, language="th")["url"])
    assert page.get_attribute("html", "lang") == "th" and page.text_content("#title") == "Verifikasi Wajah"
    page.click("#outcome-pass")
    page.wait_for_selector("#result.shown")
    assert page.text_content("#result-text") == "Berhasil!"
    assert page.text_content("#next-step") == LANGUAGES["th"]["nextStep"]  # not configured: the language's


@pytest.mark.parametrize(("show", "language"), [(True, "en"), (True, "th"), (False, "en")])
def test_the_page_shows_the_score_when_show_score_is_true(
    page: Page, http: httpx.Client, token: str, show: bool, language: str
) -> None:
    """003 ConfigureUI mobileResultPage.showScore; "the result score will be shown to the user after completion"."""
    config = {"mobileResultPage": {"showScore": show}}
    assert http.post(CONFIGURE_UI_PATH, json=config, headers={"X-ACCESS-TOKEN": token}).json()["code"] == "SUCCESS"
    session = idvs_session(http, token, language=language)
    page.goto(session["url"])
    page.click("#outcome-fail")
    page.wait_for_selector("#result.shown")
    score = http.post(
        GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token}
    ).json()["data"]["score"]
    if show:
        assert page.is_visible("#result-score")
        assert page.text_content("#result-score") == f"{LANGUAGES[language]['score']}: {score}"
    else:
        assert not page.is_visible("#result-score")


def test_the_cross_device_finish_reports_multi_device(page: Page, http: httpx.Client, token: str, site: str) -> None:
    """003: the cross-device flow; Get Result's multiDevice and useSlaveUrl."""
    session = h5_session(http, token, returnUrl=f"{site}/done")
    page.goto(session["url"])
    page.click("#outcome-cross_device")
    page.wait_for_url(f"{site}/done")
    data = http.post(
        GET_RESULT_PATH, json={"signatureId": session["signatureId"]}, headers={"X-ACCESS-TOKEN": token}
    ).json()["data"]
    assert (data["multiDevice"], data["useSlaveUrl"]) == (True, True)

"""Review of issue 3, the simulated H5 page in headless Chromium (issue point 5; 003 lines 84-108)."""

from __future__ import annotations

from urllib.parse import quote

import httpx
from playwright.sync_api import Page

from ..helpers import CONFIGURE_UI_PATH, GET_RESULT_PATH, h5_session
from ..http.review_support import DEPRECATED, OUTCOMES
from .test_h5_page import site  # noqa: F401  (the integrator's loopback site fixture)

# The docs' ConfigureUI defaults (003 lines 388-389), shown when nothing was configured.
SUCCESS_DESC, FAILED_DESC = "Liveness Detection succeed", "Liveness Detection failed"


def result_code(http: httpx.Client, token: str, signature_id: str) -> str:
    answer = http.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
    return str(answer.json()["code"])


def test_every_outcome_button_reports_its_code_and_goes_to_its_page(
    page: Page,
    http: httpx.Client,
    token: str,
    site: str,  # noqa: F811
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
    site: str,  # noqa: F811
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
    site: str,  # noqa: F811
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
    site: str,  # noqa: F811
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    session = h5_session(http, token, returnUrl=f"{site}/done")
    page.goto(session["url"])
    page.click("#outcome-pass")
    page.wait_for_selector("#result.shown")
    mock = str(http.base_url).rstrip("/")
    assert requested and all(url.startswith(mock + "/") for url in requested), requested

"""The simulated H5 liveness page behind a session's ``url``: a self-contained HTML page where a
person or a browser test chooses the outcome. It speaks the IDVS session's ``language``, shows
the texts and colours set through ConfigureUI (and the score when ``showScore`` is true), then
redirects to the return URL (pass) or the failure URL, or posts ``successNext`` /
``failedNext`` to the parent frame when the session asked for an iframe.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..admin.endpoint import AdminError, json_object
from ..clock import MockClock
from ..store import Session, Store
from .journey import H5_PREFIX, Journey, SessionError
from .languages import PageLanguages

TEMPLATES = Path(__file__).parent / "templates"
AUTO_NEXT_MS = 1200
DEFAULT_COLOURS = {"background": "#f3f4f6", "accent": "#2563eb"}


def next_step(session: Session, success: bool) -> dict[str, Any]:
    """Where the page goes after the check: a redirect, or a postMessage to the parent frame."""
    request = session.request
    failure_url = request.get("failedReturnUrl") if session.kind == "h5" else request.get("failReturnUrl")
    if session.kind == "idvs" and request.get("ignoreFailWhenJump"):
        failure_url = None
    url = request["returnUrl"] if success or not failure_url else failure_url
    if session.kind == "idvs":
        iframe = bool(request.get("iframeEnabled"))
    else:
        iframe = parse_qs(urlsplit(url).query).get("isLivenessIframe", [""])[0] == "true"
    message = "successNext" if success else "failedNext"
    score = session.result.score if session.result else None
    mode = "postMessage" if iframe else "redirect"
    return {"mode": mode, "url": url, "message": message, "success": success, "score": score}


class H5Page:
    def __init__(self, journey: Journey, store: Store, clock: MockClock, languages: PageLanguages) -> None:
        self.journey = journey
        self.store = store
        self.clock = clock
        self.languages = languages
        self.page = Template((TEMPLATES / "h5.html").read_text(encoding="utf-8"))
        self.notice = Template((TEMPLATES / "h5_notice.html").read_text(encoding="utf-8"))

    def routes(self) -> list[BaseRoute]:
        return [
            Route(H5_PREFIX + "/{token}", self.show, methods=["GET"]),
            Route(H5_PREFIX + "/{token}/complete", self.complete, methods=["POST"]),
            Route(H5_PREFIX + "/{token}/abandon", self.abandon, methods=["POST"]),
        ]

    async def show(self, request: Request) -> Response:
        session = self.store.session_by_page(request.path_params["token"])
        if session is None or session.status == "cleared":
            return self._notice("This liveness link is not valid", "Ask the service that sent you for a new one.", 404)
        if session.status == "pending" and session.page_expired(self.clock.now_ms()):
            return self._notice("This liveness link has expired", "Links are valid for one hour.", 410)
        if session.status == "completed":
            return self._notice("This liveness check is already completed", "You can close this page.", 200)
        if session.status == "abandoned":
            return self._notice("You left this liveness check", "Ask the service that sent you for a new link.", 200)
        return HTMLResponse(self._render(session, request.url.path))

    async def complete(self, request: Request) -> Response:
        session = self.store.session_by_page(request.path_params["token"])
        if session is None:
            return JSONResponse({"error": "this liveness link is not valid"}, status_code=404)
        try:
            outcome = (await json_object(request)).get("outcome")
            session = self.journey.complete(session, str(outcome))
        except AdminError as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        except SessionError as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        return JSONResponse(next_step(session, self.journey.outcomes[str(outcome)].success))

    async def abandon(self, request: Request) -> Response:
        session = self.store.session_by_page(request.path_params["token"])
        try:
            if session is None:
                raise SessionError("nothing to abandon")
            self.journey.abandon(session)
        except SessionError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        return JSONResponse({"status": "abandoned"})

    def _render(self, session: Session, path: str) -> str:
        language = self.languages.pick(session.request.get("language") if session.kind == "idvs" else None)
        config = self.store.ui_config(session.account) or {}
        texts = _texts(config, language.texts)
        page = {
            "completeUrl": f"{path}/complete",
            "abandonUrl": f"{path}/abandon",
            "successDesc": texts["successDesc"],
            "failedDesc": texts["failedDesc"],
            "scoreLabel": texts["score"],
            "left": texts["left"],
            "showScore": (config.get("mobileResultPage") or {}).get("showScore") is True,
            "autoNextMs": AUTO_NEXT_MS,
        }
        dark = session.kind == "idvs" and session.request.get("prefersColorScheme") == "dark"
        return self.page.substitute(
            lang=html.escape(language.tag),
            title=html.escape(texts["title"]),
            next_step=html.escape(texts["nextStep"]),
            background=html.escape(texts["background"]),
            accent=html.escape(texts["accent"]),
            theme="dark" if dark else "light",
            page_json=json.dumps(page).replace("<", "\\u003c"),
        )

    def _notice(self, title: str, detail: str, status: int) -> HTMLResponse:
        return HTMLResponse(
            self.notice.substitute(title=html.escape(title), detail=html.escape(detail)), status_code=status
        )


def _texts(config: dict[str, Any], language: Mapping[str, str]) -> dict[str, str]:
    """ConfigureUI settings over the page language's texts (null or absent keeps the default)."""
    result = config.get("mobileResultPage") or {}
    camera = config.get("mobileCameraPage") or {}
    chosen = {
        "title": config.get("titleText"),
        "successDesc": result.get("successDesc"),
        "failedDesc": result.get("failedDesc"),
        "nextStep": result.get("nextStepButtonText"),
        "background": result.get("backgroundColor") or camera.get("backgroundColor"),
        "accent": result.get("nextStepButtonBackgroundColor"),
    }
    defaults = {**language, **DEFAULT_COLOURS}
    return {**defaults, **{key: value for key, value in chosen.items() if value}}

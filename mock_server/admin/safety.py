"""Who may drive the mock: the admin API is open on loopback only, or behind ``--admin-token``.

With a token every ``/__admin`` call must carry it: ``X-Admin-Token: T``, ``Authorization:
Bearer T``, or HTTP Basic with T as the password (so a browser can open the dashboard: it asks
once, then sends it with every call the page makes). Compared in constant time, never logged.

Whatever the token, a call that changes something (any method but GET, HEAD, OPTIONS) made by
*another* site's page in a browser is refused (403): a form or ``fetch`` aimed at
``http://127.0.0.1:8080/__admin/reset`` from a page the user happens to visit would otherwise be
sent, with the Basic credentials the browser remembers. Browsers say where a call comes from
(``Sec-Fetch-Site``, else ``Origin``); other clients (curl, SDKs, tests) send neither and are not
affected. The dashboard itself is same-origin and may not be framed by another page.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..settings import Settings
from .endpoint import ADMIN_PREFIX


class UnsafeExposure(RuntimeError):
    """Serving the admin API beyond loopback without a token would let anyone drive the mock."""


def check_exposure(settings: Settings) -> None:
    if not settings.is_loopback and not settings.admin_token:
        raise UnsafeExposure(
            f"refusing to serve on {settings.host}: the admin API (/__admin) would be open to the network; "
            "give --admin-token (or LIVENESS_MOCK_ADMIN_TOKEN) or bind to 127.0.0.1"
        )


def presented_token(headers: Headers) -> str | None:
    """The token an admin call carries, in any of the accepted forms."""
    if "x-admin-token" in headers:
        return headers["x-admin-token"]
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))
CROSS_SITE_REFUSAL = {
    "error": "this admin call came from another site's page in a browser and was refused; "
    "use the dashboard at /__admin/ or call the admin API from a script"
}


def cross_site(method: str, headers: Headers) -> bool:
    """A browser call that changes something, made by a page of another origin."""
    if method in SAFE_METHODS:
        return False
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")  # "none": typed in the address bar, a bookmark
    origin = headers.get("origin")
    if origin is None:
        return False  # not a browser's cross-origin call (those always carry Origin)
    return origin == "null" or urlsplit(origin).netloc.lower() != headers.get("host", "").lower()


def admin_guard(app: ASGIApp, token: str | None) -> ASGIApp:
    """Outer wrapper: a cross-site browser call that changes something is a 403; with a token,
    every /__admin call without it is a 401 (with a Basic challenge)."""
    expected = token.encode("utf-8") if token else None

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(ADMIN_PREFIX):
            headers = Headers(scope=scope)
            if cross_site(scope["method"], headers):
                await JSONResponse(CROSS_SITE_REFUSAL, status_code=403)(scope, receive, send)
                return
            given = presented_token(headers) if expected is not None else None
            if expected is not None and (given is None or not hmac.compare_digest(given.encode("utf-8"), expected)):
                refused = JSONResponse(
                    {"error": "this admin call needs the admin token (X-Admin-Token or Authorization: Bearer)"},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="liveness-mock admin", charset="UTF-8"'},
                )
                await refused(scope, receive, send)
                return
        await app(scope, receive, send)

    return guard

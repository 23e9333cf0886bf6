"""Who may drive the mock: the admin API is open on loopback only, or behind ``--admin-token``.

With a token every ``/__admin`` call must carry it: ``X-Admin-Token: T``, ``Authorization:
Bearer T``, or HTTP Basic with T as the password (so a browser can open the dashboard: it asks
once, then sends it with every call the page makes). Compared in constant time, never logged.
"""

from __future__ import annotations

import base64
import binascii
import hmac

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


def admin_guard(app: ASGIApp, token: str | None) -> ASGIApp:
    """Outer wrapper: without the token, every /__admin call is a 401 (with a Basic challenge)."""
    if not token:
        return app
    expected = token.encode("utf-8")

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(ADMIN_PREFIX):
            given = presented_token(Headers(scope=scope))
            if given is None or not hmac.compare_digest(given.encode("utf-8"), expected):
                refused = JSONResponse(
                    {"error": "this admin call needs the admin token (X-Admin-Token or Authorization: Bearer)"},
                    status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="liveness-mock admin", charset="UTF-8"'},
                )
                await refused(scope, receive, send)
                return
        await app(scope, receive, send)

    return guard

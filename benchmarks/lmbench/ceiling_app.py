"""The ceiling: a bare Starlette app that replays one captured answer of the mock.

Served by uvicorn with uvloop and httptools, one worker, like the mock. Everything is built once
at start-up from the spec named by $BENCH_CEILING_SPEC (method, route path, status, content type,
body bytes); per request it only reads the body and parses it as JSON when there is one, as any
JSON API must. A spec without a path answers every request through Starlette's 404 handler (the
404 call). What the mock spends beyond this app is the cost of being a mock.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _spec() -> dict[str, Any]:
    return dict(json.loads(Path(os.environ["BENCH_CEILING_SPEC"]).read_text()))


SPEC = _spec()
BODY = base64.b64decode(SPEC["body_b64"])
STATUS = int(SPEC["status"])
HEADERS = {"content-type": SPEC["content_type"]}


async def answer(request: Request, exc: Exception | None = None) -> Response:
    raw = await request.body()
    if raw:
        json.loads(raw)
    return Response(BODY, status_code=STATUS, headers=HEADERS)


if SPEC.get("path"):
    app = Starlette(routes=[Route(SPEC["path"], answer, methods=[SPEC["method"]])])
else:
    app = Starlette(routes=[], exception_handlers={404: answer})

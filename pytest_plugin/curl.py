"""A request as a curl command line, to reproduce a failing example by hand.

The access token is replaced by ``$LIVENESS_ACCESS_TOKEN`` (CI logs are widely readable, and the
token would have expired anyway); only the headers that change the answer are kept.
"""

from __future__ import annotations

import httpx

TOKEN_HEADER = "x-access-token"
_KEPT = ("host", "content-type", TOKEN_HEADER, "x-mock-scenario")


def curl(request: httpx.Request) -> str:
    parts = ["curl", "-sS", "-X", request.method, _quote(str(request.url))]
    for name in _KEPT:
        value = request.headers.get(name)
        if value is None or (name == "host" and value == request.url.netloc.decode()):
            continue
        if name == TOKEN_HEADER:
            parts += ["-H", '"X-ACCESS-TOKEN: $LIVENESS_ACCESS_TOKEN"']
        else:
            parts += ["-H", _quote(f"{_title(name)}: {value}")]
    body = _body(request)
    if body:
        parts += ["--data-raw", _quote(body)]
    return " ".join(parts)


def _body(request: httpx.Request) -> str:
    try:
        content = request.content
    except httpx.RequestNotRead:
        return "<streamed body>"
    return content.decode("utf-8", errors="replace")


def _quote(text: str) -> str:
    """Always single-quoted (a URL reads the same whether or not it has a ``&``)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _title(name: str) -> str:
    return "X-ACCESS-TOKEN" if name == TOKEN_HEADER else "-".join(p.capitalize() for p in name.split("-"))

"""A request as a curl command line, to reproduce a failing example by hand.

The access token is replaced by ``$LIVENESS_ACCESS_TOKEN`` and a TC3 Authorization by
``$TC3_AUTHORIZATION`` (CI logs are widely readable, and both would have expired anyway); secret
body fields (accessKey, signature, ...) read ``***``. Only the headers that change the answer are
kept: for Tencent, the X-TC-* headers that select the action, version and region.
"""

from __future__ import annotations

import httpx

TOKEN_HEADER = "x-access-token"
_KEPT = (
    "host",
    "content-type",
    TOKEN_HEADER,
    "authorization",
    "x-tc-action",
    "x-tc-version",
    "x-tc-region",
    "x-tc-timestamp",
    "x-tc-language",
    "x-mock-scenario",
)
_PLACEHOLDERS = {TOKEN_HEADER: "$LIVENESS_ACCESS_TOKEN", "authorization": "$TC3_AUTHORIZATION"}


def curl(request: httpx.Request) -> str:
    parts = ["curl", "-sS", "-X", request.method, _quote(str(request.url))]
    for name in _KEPT:
        value = request.headers.get(name)
        if value is None or (name == "host" and value == request.url.netloc.decode()):
            continue
        if name in _PLACEHOLDERS:
            parts += ["-H", f'"{_title(name)}: {_PLACEHOLDERS[name]}"']
        else:
            parts += ["-H", _quote(f"{_title(name)}: {value}")]
    body = _body(request)
    if body:
        parts += ["--data-raw", _quote(body)]
    return " ".join(parts)


def _body(request: httpx.Request) -> str:
    from mock_server.masking import mask_text

    try:
        content = request.content
    except httpx.RequestNotRead:
        return "<streamed body>"
    return mask_text(content.decode("utf-8", errors="replace"))


def _quote(text: str) -> str:
    """Always single-quoted (a URL reads the same whether or not it has a ``&``)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _title(name: str) -> str:
    if name == TOKEN_HEADER:
        return "X-ACCESS-TOKEN"
    if name.startswith("x-tc-"):
        return "X-TC-" + name[len("x-tc-") :].capitalize()
    return "-".join(p.capitalize() for p in name.split("-"))

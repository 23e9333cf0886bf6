"""The captured requests of Tencent's Node SDKs (``captures/*.json``, see its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parent / "captures"
ALL: dict[str, dict[str, Any]] = {
    path.stem: json.loads(path.read_text("utf-8")) for path in sorted(FOLDER.glob("*.json"))
}


def http_request(capture: dict[str, Any]) -> dict[str, Any]:
    """The request the server answered: the one inside a CONNECT tunnel, else the only one."""
    (request,) = [r for r in capture["requests"] if r["method"] != "CONNECT"]
    return dict(request)


def headers_of(request: dict[str, Any]) -> dict[str, str]:
    return {name.lower(): value for name, value in request["headers"]}


def is_v1(capture: dict[str, Any]) -> bool:
    return "authorization" not in headers_of(http_request(capture))


V1 = sorted(name for name, capture in ALL.items() if is_v1(capture))
TC3 = sorted(name for name, capture in ALL.items() if not is_v1(capture))

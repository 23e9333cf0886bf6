"""Client-side helpers of the review tests: one integrator's calls, answered as (code, message, data)."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from .helpers import (
    CLEAR_PATH,
    CONFIGURE_UI_PATH,
    DETECTION_PATH,
    GENERATE_URL_PATH,
    GET_RESULT_PATH,
    GET_TOKEN_PATH,
    RETURN_URL,
    VIDEO_PATH,
)

OUTCOMES = [
    "pass",
    "fail",
    "presentation_attack",
    "injection_attack",
    "unsure_attack",
    "too_many_faces",
    "no_face",
    "invalid_face",
    "face_occluded",
    "face_quality_too_poor",
]
# File 003, Get Result examples: the deprecated face-quality codes and their exact messages.
DEPRECATED = {
    "too_many_faces": (
        "TOO_MANY_FACES_DETECTED",
        "Multiple faces detected from the image,please only keep one face in the image.",
    ),
    "no_face": ("NO_FACE_DETECTED", "No face detected from the image."),
    "invalid_face": (
        "INVALID_FACE_DETECTED",
        "The face is too big,small,incomplete,please show your front-view face.",
    ),
    "face_occluded": ("FACE_OCCLUDED", "Face should not be occluded,please try again."),
    "face_quality_too_poor": ("FACE_QUALITY_TOO_POOR", "Face quality is too low,please try again."),
}
NOT_FOUND_TEXT = "The requested resource was not found or has been deleted"
ILLEGAL_TEXT = "Parameter error, please check your request whether has illegal parameters"
EMPTY_TEXT = "Parameter should not be empty"
GENERIC_TEXT = "Parameter error,please check you input."


def is_jpeg(raw: bytes) -> bool:
    """A whole JPEG: start-of-image marker first, end-of-image marker last."""
    return raw[:3] == b"\xff\xd8\xff" and raw.rstrip(b"\x00")[-2:] == b"\xff\xd9"


def b64_jpeg(text: str) -> bool:
    return is_jpeg(base64.b64decode(text, validate=True))


def is_ms_timestamp(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 10**12 <= value < 10**13


class Vendor:
    """The vendor API as one account sees it; every answer is an envelope with HTTP 200."""

    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.token = token

    def _check(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 200, (response.status_code, response.text[:300])
        body = dict(response.json())
        assert list(body) == ["code", "message", "data", "extra", "transactionId", "pricingStrategy"], body
        return body

    def post(self, path: str, body: Any, host: str = "api.advance.ai") -> dict[str, Any]:
        headers = {"X-ACCESS-TOKEN": self.token, "Host": host}
        return self._check(self.http.post(path, json=body, headers=headers))

    def get(self, path: str, params: dict[str, str], host: str = "api.advance.ai") -> dict[str, Any]:
        headers = {"X-ACCESS-TOKEN": self.token, "Host": host}
        return self._check(self.http.get(path, params=params, headers=headers))

    def get_token(self, **fields: Any) -> dict[str, Any]:
        return self.post(GET_TOKEN_PATH, {"returnUrl": RETURN_URL, "region": "IDN", **fields})

    def generate_url(self, host: str = "sg-api.advance.ai", **fields: Any) -> dict[str, Any]:
        return self.post(GENERATE_URL_PATH, {"returnUrl": RETURN_URL, "region": "PHL", **fields}, host)

    def session(self, kind: str = "h5", **fields: Any) -> dict[str, Any]:
        answer = self.get_token(**fields) if kind == "h5" else self.generate_url(**fields)
        assert answer["code"] == "SUCCESS", answer
        return dict(answer["data"])

    def result(self, signature_id: str) -> dict[str, Any]:
        return self.post(GET_RESULT_PATH, {"signatureId": signature_id})

    def detection(
        self, body: dict[str, Any], host: str = "api.advance.ai", path: str = DETECTION_PATH
    ) -> dict[str, Any]:
        return self.post(path, body, host)

    def video(self, params: dict[str, str], host: str = "api.advance.ai", path: str = VIDEO_PATH) -> dict[str, Any]:
        return self.get(path, params, host)

    def clear(self, params: dict[str, str]) -> dict[str, Any]:
        return self.get(CLEAR_PATH, params)

    def configure_ui(self, body: Any) -> dict[str, Any]:
        return self.post(CONFIGURE_UI_PATH, body)


def code_message(answer: dict[str, Any]) -> tuple[str, str]:
    return answer["code"], answer["message"]


def sessions(http: httpx.Client) -> list[dict[str, Any]]:
    return list(http.get("/__admin/sessions").json()["sessions"])


def sdk_record(http: httpx.Client, outcome: str, video: bool = True, account: str = "default") -> str:
    response = http.post("/__admin/liveness", json={"outcome": outcome, "video": video, "account": account})
    assert response.status_code == 200, response.text
    return str(response.json()["livenessId"])


def set_clock(http: httpx.Client, now_ms: int) -> None:
    assert http.post("/__admin/clock", json={"nowMs": now_ms}).status_code == 200


def advance(http: httpx.Client, ms: int) -> None:
    assert http.post("/__admin/clock", json={"advanceMs": ms}).status_code == 200


def page_token(url: str) -> str:
    return url.split("/__mock/h5/", 1)[1].split("?", 1)[0]

"""A hand-written TC3-HMAC-SHA256 signer, independent of the mock's ``tc3`` module.

Written from Tencent Cloud's "Signature v3" page: canonical headers are ``name:value\\n`` with
name and value lower-cased and trimmed, SignedHeaders the names joined by ``;``, the payload hash
is that of the body (or of the literal ``UNSIGNED-PAYLOAD`` when X-TC-Content-SHA256 says so),
the signing key HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

SECRET_ID, SECRET_KEY = "AKIDmocksampleid", "mocksamplesecretkey"
HOST = "faceid.tencentcloudapi.com"
UNSIGNED = "UNSIGNED-PAYLOAD"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def utc_date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


@dataclass
class Signed:
    """One API 3.0 request: headers (as sent), body, and how it was signed."""

    action: str = "GetLivenessResult"
    params: Any = field(default_factory=dict)
    region: str | None = "ap-singapore"
    version: str | None = "2018-03-01"
    timestamp: int | None = None  # None: now (wall clock)
    secret_id: str = SECRET_ID
    secret_key: str = SECRET_KEY
    service: str = "faceid"
    date: str | None = None  # None: the UTC date of the timestamp
    signed: tuple[str, ...] = ("content-type", "host")
    extra: dict[str, str] = field(default_factory=dict)  # sent as they are (after signing)
    sign_values: dict[str, str] = field(default_factory=dict)  # what the signer thinks a header is
    unsigned_payload: bool = False
    lower_values: bool = True  # False: a naive signer that hashes values as they are
    body: bytes | None = None  # None: json.dumps(params)
    signature: str = field(default="", init=False)  # of the last headers() call

    def headers(self) -> dict[str, str]:
        ts = self.timestamp if self.timestamp is not None else int(time.time())
        body = self.content()
        sent = {"Host": HOST, "Content-Type": "application/json", "X-TC-Action": self.action}
        if self.version is not None:
            sent["X-TC-Version"] = self.version
        if self.region is not None:
            sent["X-TC-Region"] = self.region
        sent["X-TC-Timestamp"] = str(ts)
        if self.unsigned_payload:
            sent["X-TC-Content-SHA256"] = UNSIGNED
        lower = {k.lower(): v for k, v in sent.items()} | {k.lower(): v for k, v in self.sign_values.items()}
        canonical_headers = "".join(f"{n}:{self._canonical(lower.get(n, ''))}\n" for n in self.signed)
        payload = UNSIGNED.encode() if self.unsigned_payload else body
        canonical = "\n".join(
            ["POST", "/", "", canonical_headers, ";".join(self.signed), hashlib.sha256(payload).hexdigest()]
        )
        date = self.date or utc_date(ts)
        scope = f"{date}/{self.service}/tc3_request"
        to_sign = f"TC3-HMAC-SHA256\n{ts}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key = _hmac(_hmac(_hmac(("TC3" + self.secret_key).encode(), date), self.service), "tc3_request")
        self.signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        sent["Authorization"] = (
            f"TC3-HMAC-SHA256 Credential={self.secret_id}/{scope}, "
            f"SignedHeaders={';'.join(self.signed)}, Signature={self.signature}"
        )
        return sent | self.extra

    def _canonical(self, value: str) -> str:
        return value.strip().lower() if self.lower_values else value.strip()

    def content(self) -> bytes:
        return self.body if self.body is not None else json.dumps(self.params).encode()

    def send(self, http: httpx.Client, body: bytes | None = None) -> httpx.Response:
        """POST it; ``body``: what is sent instead of the signed body (tampering)."""
        headers = self.headers()
        return http.post("/", content=body if body is not None else self.content(), headers=headers)


def response_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    return dict(response.json()["Response"])


def code_of(response: httpx.Response) -> str:
    answer = response_of(response)
    return str(answer["Error"]["Code"]) if "Error" in answer else "SUCCESS"

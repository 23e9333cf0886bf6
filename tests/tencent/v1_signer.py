"""A client-side signer for Tencent Cloud API 3.0 "signature v1", written from Tencent's public page
alone (it shares no code with the mock's ``tc_v1``), and a v1 request sent over HTTP.

The page's steps: sort every request parameter by name in ASCII order; join ``name=value`` with
``&``, the value "the original value, not URL-encoded"; the string to sign is the request method
(upper case) + the request host + the request path (``/``) + ``?`` + that string; the Signature
is Base64(HMAC-SHA1(SecretKey, string to sign)), or HMAC-SHA256 when SignatureMethod is
HmacSHA256; on the wire every value is URL-encoded (RFC 3986, ``%XY`` in upper case, UTF-8 first).

The page's example (``tests/gateway/test_tc_v1.py`` checks it): SecretKey
``Gu5t9xGARNpq86cd98joQYCN3EXAMPLE`` and
``GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12``
give ``EliP9YW3pW28FpsEdkXt/+WcGeI=``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

SECRET_ID, SECRET_KEY = "AKIDmocksampleid", "mocksamplesecretkey"
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def rfc3986(text: str) -> str:
    """Every byte of the UTF-8 text percent-encoded but RFC 3986's unreserved characters."""
    return "".join(chr(byte) if byte in _UNRESERVED else f"%{byte:02X}" for byte in text.encode("utf-8"))


def original_signature_string(method: str, host: str, params: dict[str, str], path: str = "/") -> str:
    pairs = [
        f"{name}={params[name]}" for name in sorted(params, key=lambda n: n.encode("ascii")) if name != "Signature"
    ]
    return method.upper() + host + path + "?" + "&".join(pairs)


def signature(secret_key: str, method: str, host: str, params: dict[str, str]) -> str:
    digest = hashlib.sha256 if params.get("SignatureMethod") == "HmacSHA256" else hashlib.sha1
    text = original_signature_string(method, host, params).encode("utf-8")
    return base64.b64encode(hmac.new(secret_key.encode("utf-8"), text, digest).digest()).decode("ascii")


@dataclass
class V1:
    """One v1 request: the action's (flat) parameters, the common ones, how it is signed and sent."""

    action: str | None = "GetLivenessResult"
    params: dict[str, Any] = field(default_factory=dict)
    method: str = "POST"
    signature_method: str | None = "HmacSHA256"
    host: str | None = None  # what is signed; None: the Host header the client sends
    secret_id: str | None = SECRET_ID
    secret_key: str = SECRET_KEY
    timestamp: int | None = None  # None: now
    nonce: int | None = 1234
    version: str | None = "2018-03-01"
    region: str | None = "ap-singapore"
    extra: dict[str, str] = field(default_factory=dict)  # more common parameters (Language, Token...)
    after: dict[str, str | None] = field(default_factory=dict)  # changed after signing (None: removed)

    def signed(self, host: str) -> dict[str, str]:
        params = {name: str(value) for name, value in self.params.items()}
        common = {
            "Action": self.action,
            "Version": self.version,
            "Region": self.region,
            "SecretId": self.secret_id,
            "Timestamp": str(self.timestamp if self.timestamp is not None else int(time.time())),
            "Nonce": None if self.nonce is None else str(self.nonce),
            "SignatureMethod": self.signature_method,
        }
        params.update({name: value for name, value in common.items() if value is not None})
        params.update(self.extra)
        params["Signature"] = signature(self.secret_key, self.method, self.host or host, params)
        for name, value in self.after.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        return params

    def encoded(self, host: str) -> str:
        return "&".join(f"{rfc3986(name)}={rfc3986(value)}" for name, value in self.signed(host).items())

    def send(self, http: httpx.Client, headers: dict[str, str] | None = None) -> httpx.Response:
        """Send it to ``http``'s server: a GET with the query, or a POST with the form body."""
        sent_host = (headers or {}).get("Host") or http.base_url.netloc.decode("ascii")
        encoded = self.encoded(sent_host)
        if self.method == "GET":
            return http.get(f"/?{encoded}", headers=headers)
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        return http.request(self.method, "/", content=encoded.encode("ascii"), headers=form | (headers or {}))

"""Signing Tencent Cloud API 3.0 requests with TC3-HMAC-SHA256 ("Signature v3").

Written from Tencent Cloud's public description of the algorithm, not from the mock's verifier
(``mock_server.gateway.tc3``), so the suite checks the mock against the algorithm:

    canonical request = POST \\n / \\n (empty query) \\n canonical headers \\n signed headers \\n hex(sha256(body))
    canonical headers = "content-type:<value>\\nhost:<value>\\n" (values trimmed and lower-cased)
    string to sign    = TC3-HMAC-SHA256 \\n timestamp \\n date/service/tc3_request \\n hex(sha256(canonical request))
    signing key       = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request"); date = UTC date of timestamp
    signature         = hex(HMAC(signing key, string to sign))
    Authorization     = TC3-HMAC-SHA256 Credential=SecretId/date/service/tc3_request,
                        SignedHeaders=content-type;host, Signature=signature

Standard library only. The SecretKey never appears in a repr or a header.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

ALGORITHM = "TC3-HMAC-SHA256"
SIGNED_HEADERS = ("content-type", "host")
CONTENT_TYPE = "application/json"  # what Tencent's SDKs send
DEFAULT_REGION = "ap-singapore"  # one of file 004's regions, the one the SDK example of docs/tencent.md uses


@dataclass(frozen=True)
class TencentCredentials:
    secret_id: str
    secret_key: str = field(repr=False)

    def __repr__(self) -> str:  # never print the secret
        return f"TencentCredentials({self.secret_id!r}, ***)"


@dataclass(frozen=True)
class Tc3Signer:
    """Signs as one SecretId/SecretKey pair, for one region. ``skew_s`` signs as if the client's
    clock were that far off (how a test provokes AuthFailure.SignatureExpire)."""

    credentials: TencentCredentials
    region: str = DEFAULT_REGION
    skew_s: int = 0

    def headers(self, *, host: str, service: str, content_type: str, payload: bytes) -> dict[str, str]:
        """X-TC-Timestamp and Authorization for a ``POST /`` with this Host, Content-Type and body."""
        timestamp = int(time.time()) + self.skew_s
        return {
            "X-TC-Timestamp": str(timestamp),
            "Authorization": authorization(self.credentials, service, host, content_type, payload, timestamp),
        }


def authorization(
    credentials: TencentCredentials, service: str, host: str, content_type: str, payload: bytes, timestamp: int
) -> str:
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    headers = {"content-type": content_type, "host": host}
    canonical_headers = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in SIGNED_HEADERS)
    canonical = "\n".join(
        ["POST", "/", "", canonical_headers, ";".join(SIGNED_HEADERS), hashlib.sha256(payload).hexdigest()]
    )
    to_sign = "\n".join([ALGORITHM, str(timestamp), scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = _hmac(("TC3" + credentials.secret_key).encode("utf-8"), date)
    key = _hmac(_hmac(key, service), "tc3_request")
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return (
        f"{ALGORITHM} Credential={credentials.secret_id}/{scope}, "
        f"SignedHeaders={';'.join(SIGNED_HEADERS)}, Signature={signature}"
    )


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()

"""A client-side TC3-HMAC-SHA256 signer (Tencent Cloud API 3.0), written from Tencent's spec.

The benchmark signs its own requests rather than importing the mock's verifier, so it keeps
working whatever the server's modules become, and it checks the mock the way an SDK would.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json"


def signed_headers(
    secret_id: str,
    secret_key: str,
    *,
    host: str,
    service: str,
    action: str,
    version: str,
    region: str,
    payload: bytes,
    timestamp: int,
) -> dict[str, str]:
    """Every header of a signed ``POST /`` with a JSON payload (signed headers: content-type;host)."""
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{CONTENT_TYPE}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = _hmac(("TC3" + secret_key).encode(), date)
    key = _hmac(_hmac(key, service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "Host": host,
        "Content-Type": CONTENT_TYPE,
        "X-TC-Action": action,
        "X-TC-Version": version,
        "X-TC-Timestamp": str(timestamp),
        "X-TC-Region": region,
        "Authorization": f"{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders=content-type;host, "
        f"Signature={signature}",
    }


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()

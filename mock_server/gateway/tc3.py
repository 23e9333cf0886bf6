"""TC3-HMAC-SHA256, Tencent Cloud API 3.0's request signature ("Signature v3").

    canonical request = method \\n uri \\n query \\n canonical headers \\n signed headers \\n hex(sha256(payload))
    string to sign    = TC3-HMAC-SHA256 \\n timestamp \\n date/service/tc3_request \\n hex(sha256(canonical request))
    signing key       = HMAC(HMAC(HMAC("TC3" + SecretKey, date), service), "tc3_request")
    signature         = hex(HMAC(signing key, string to sign))

Canonical headers: each signed header as ``name:value\\n``, name and value lower-cased and trimmed;
``date`` is the UTC date of the timestamp. The mock verifies what the client says it signed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from _hashlib import HASH

ALGORITHM = "TC3-HMAC-SHA256"
SCOPE_TERMINATOR = "tc3_request"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_AUTHORIZATION = re.compile(
    r"^TC3-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-fA-F]{64})\s*$"
)


class MalformedAuthorization(ValueError):
    """The Authorization header is not ``TC3-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...``."""


class Authorization(NamedTuple):
    """What an Authorization header claims. ``repr`` leaves the signature out."""

    secret_id: str
    date: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str

    def __repr__(self) -> str:
        return f"Authorization({self.secret_id!r}, {self.date!r}, {self.service!r})"


def parse_authorization(header: str) -> Authorization:
    match = _AUTHORIZATION.match(header.strip())
    if match is None:
        raise MalformedAuthorization("not a TC3-HMAC-SHA256 Authorization header")
    parts = match["credential"].split("/")
    listed = match["signed"]
    signed = tuple(listed.split(";"))
    if len(parts) != 4 or parts[3] != SCOPE_TERMINATOR or "" in parts or "" in signed:
        raise MalformedAuthorization("Credential must be SecretId/date/service/tc3_request")
    if "content-type" not in signed or "host" not in signed or listed != listed.lower():
        raise MalformedAuthorization("SignedHeaders must list content-type and host, in lower case")
    return Authorization(parts[0], parts[1], parts[2], signed, match["signature"].lower())


def utc_date(timestamp: int) -> str:
    return _utc_day(timestamp // 86_400)


@lru_cache(maxsize=64)
def _utc_day(day: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(day * 86_400))


def canonical_request(
    method: str, uri: str, query: str, headers: Mapping[str, str], signed: Sequence[str], payload: bytes
) -> str:
    """``headers`` maps lower-case names to values; a signed header the request lacks counts as empty."""
    return hashed_canonical_request(method, uri, query, headers, signed, hashlib.sha256(payload).hexdigest())


def hashed_canonical_request(
    method: str, uri: str, query: str, headers: Mapping[str, str], signed: Sequence[str], payload_digest: str
) -> str:
    """``canonical_request`` of a payload already hashed (a verifier trying several spellings hashes it once)."""
    lines = "".join([f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed])  # a list: no generator
    return f"{method}\n{uri}\n{query}\n{lines}\n{';'.join(signed)}\n{payload_digest}"


def string_to_sign(timestamp: int, date: str, service: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{timestamp}\n{date}/{service}/{SCOPE_TERMINATOR}\n{digest}"


def signature(secret_key: str, date: str, service: str, to_sign: str) -> str:
    """HMAC-SHA256 of ``to_sign`` under the day's derived key, from the key's inner and outer hash
    states (RFC 2104), computed once per key: two hash copies per request instead of an HMAC object."""
    inner_state, outer_state = _signer(secret_key, date, service)
    inner = inner_state.copy()
    inner.update(to_sign.encode("utf-8"))
    outer = outer_state.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


@lru_cache(maxsize=4096)  # an account a day and service: many accounts signing at once all hit
def _signer(secret_key: str, date: str, service: str) -> tuple[HASH, HASH]:
    """SHA-256 states that have absorbed the key derived for one day and service, XOR the inner
    and outer pads (the key is 32 bytes: under SHA-256's 64-byte block, so it is padded, not hashed)."""
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), date), service), SCOPE_TERMINATOR).ljust(64, b"\0")
    return hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))


def authorization_header(secret_id: str, secret_key: str, timestamp: int, service: str, canonical: str) -> str:
    """The header a client sends for ``canonical`` (signed headers content-type;host)."""
    date = utc_date(timestamp)
    signed = signature(secret_key, date, service, string_to_sign(timestamp, date, service, canonical))
    scope = f"{secret_id}/{date}/{service}/{SCOPE_TERMINATOR}"
    return f"{ALGORITHM} Credential={scope}, SignedHeaders=content-type;host, Signature={signed}"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.digest(key, message.encode("utf-8"), "sha256")  # the one-shot C path

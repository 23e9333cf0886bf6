"""Tencent Cloud API 3.0 "signature v1" (HmacSHA256 / HmacSHA1), as Tencent's public page defines it.

    request string = the parameters but Signature, sorted by name (ASCII), ``name=value`` joined by ``&``,
                     the values raw (decoded), not URL-encoded
    string to sign = METHOD + host + "/" + "?" + request string     e.g. ``POST127.0.0.1:8080/?Action=...``
    Signature      = base64(HMAC(SecretKey, string to sign)): HMAC-SHA256 when SignatureMethod is
                     exactly ``HmacSHA256``, HMAC-SHA1 in every other case

The host is what the client signed: Tencent's SDKs sign their configured endpoint, the ``Host``
header they send, port included (``127.0.0.1:8080``); the guard tries that, then the header
without its port (``hosts.host_spellings``). Secrets stay out of errors and reprs.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable, Mapping

PATH = "/"  # "the request path of the current API version is always /"
HMAC_SHA256 = "HmacSHA256"
HMAC_SHA1 = "HmacSHA1"
SIGNATURE = "Signature"


def algorithm_of(params: Mapping[str, str]) -> str:
    """HmacSHA256 only when SignatureMethod says exactly so; HmacSHA1 otherwise (absent included)."""
    return HMAC_SHA256 if params.get("SignatureMethod") == HMAC_SHA256 else HMAC_SHA1


def request_string(params: Mapping[str, str]) -> str:
    """Sorted ``name=value`` pairs, raw values, Signature left out.

    Names are sorted by their UTF-16 code units, as the Node SDKs' ``Array.prototype.sort`` does;
    for the ASCII names Tencent's parameters have that is the ASCII order the page prescribes.
    """
    names = sorted((name for name in params if name != SIGNATURE), key=_utf16)
    return "&".join(f"{name}={params[name]}" for name in names)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-be")


def string_to_sign(method: str, host: str, params: Mapping[str, str]) -> str:
    return f"{method.upper()}{host}{PATH}?{request_string(params)}"


def signature(secret_key: str, method: str, host: str, params: Mapping[str, str]) -> str:
    """The base64 Signature a client holding ``secret_key`` sends with these parameters."""
    digest = "sha256" if algorithm_of(params) == HMAC_SHA256 else "sha1"
    message = string_to_sign(method, host, params).encode("utf-8")
    return base64.b64encode(hmac.digest(secret_key.encode("utf-8"), message, digest)).decode("ascii")


def signed_host(secret_key: str, method: str, hosts: Iterable[str], params: Mapping[str, str]) -> str | None:
    """The host (of ``hosts``) under which ``params["Signature"]`` verifies, or None."""
    claimed = params.get(SIGNATURE, "").encode("utf-8")
    for host in hosts:
        if hmac.compare_digest(signature(secret_key, method, host, params).encode("ascii"), claimed):
            return host
    return None

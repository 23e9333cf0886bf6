"""Where a request goes upstream, with which headers, and the TC3 signature Tencent needs for it.

``--upstream`` is a URL template: ``{host}`` stands for the documented host the request is for
(``https://{host}``, the default, is the real vendor; ``http://127.0.0.1:9000/@{host}`` a second
mock). ``--host-map LABEL=URL`` sends one host (its first label or its whole name) elsewhere.
ADVANCE AI requests keep the caller's headers (its access token included); a Tencent API 3.0
request (TC3 or signature v1) was signed by the caller for the proxy's host, so it is signed
again, with the credentials the proxy was given, for the upstream's.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urlsplit

from ..gateway import tc3, tc_v1

DEFAULT_UPSTREAM = "https://{host}"
SECRET_ID_ENV = "LIVENESS_PROXY_TENCENT_SECRET_ID"
SECRET_KEY_ENV = "LIVENESS_PROXY_TENCENT_SECRET_KEY"
TOKEN_ENV = "LIVENESS_PROXY_TENCENT_TOKEN"
# Not passed on: hop-by-hop headers, what httpx sets for the upstream, and the mock's own controls.
DROPPED_REQUEST = frozenset(
    (
        "host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "upgrade",
        "proxy-connection", "accept-encoding", "x-mock-scenario", "x-mock-caller",
    )
)  # fmt: skip
DROPPED_RESPONSE = frozenset(
    ("content-length", "connection", "keep-alive", "transfer-encoding", "content-encoding", "date", "server")
)  # the proxy's server sends its own date


class BadHostMap(ValueError):
    """A ``--host-map`` entry that is not LABEL=URL for a documented host."""


@dataclass(frozen=True)
class Upstreams:
    template: str = DEFAULT_UPSTREAM
    by_host: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, template: str, host_map: Sequence[str], hosts: Sequence[str]) -> Upstreams:
        by_label = {h.split(".", 1)[0]: h for h in reversed(hosts)} | {h: h for h in hosts}
        mapped = {}
        for entry in host_map:
            label, sep, url = entry.partition("=")
            if not sep or not url or label.lower() not in by_label:
                raise BadHostMap(f"--host-map {entry!r}: expected LABEL=URL with a documented host or its first label")
            mapped[by_label[label.lower()]] = url
        return cls(template, mapped)

    def url(self, host: str, path: str, query: str) -> str:
        base = self.by_host.get(host, self.template).replace("{host}", host).rstrip("/")
        return f"{base}{path}" + (f"?{query}" if query else "")


def request_headers(sent: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in sent.items() if name not in DROPPED_REQUEST}


def response_headers(raw: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in raw if name.lower() not in DROPPED_RESPONSE]


@dataclass(frozen=True)
class TencentSigner:
    """Signs API 3.0 requests as the proxy's own SecretId (from the environment). ``repr`` hides the key."""

    secret_id: str
    secret_key: str = field(repr=False)
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> TencentSigner | None:
        secret_id, secret_key = env.get(SECRET_ID_ENV), env.get(SECRET_KEY_ENV)
        if not secret_id or not secret_key:
            return None
        return cls(secret_id, secret_key, env.get(TOKEN_ENV) or None)

    def sign(self, headers: dict[str, str], url: str, request: Sent, service: str) -> dict[str, str]:
        """``headers`` for ``url`` with the proxy's Authorization (the caller's dropped), at the caller's
        X-TC-Timestamp (so a request signed too early or late is still refused upstream as expired).

        The canonical URI and query are the ones the caller sent (``/``): what the vendor's API 3.0
        signs, also when the upstream URL names the host in its path (``/@faceid...``, a second mock)."""
        sent_at = headers.get("x-tc-timestamp", "")
        signed = {k: v for k, v in headers.items() if k not in ("authorization", "x-tc-timestamp", "x-tc-token")}
        content_type = signed.get("content-type", "")
        timestamp = int(sent_at) if sent_at.isdigit() else int(time.time())  # a skewed caller stays skewed
        host = urlsplit(url).netloc
        canonical = tc3.canonical_request(
            request.method,
            request.path,
            request.query,
            {"content-type": content_type, "host": host},
            ("content-type", "host"),
            request.body,
        )
        signed["x-tc-timestamp"] = str(timestamp)
        signed["authorization"] = tc3.authorization_header(
            self.secret_id, self.secret_key, timestamp, service, canonical
        )
        if self.token:
            signed["x-tc-token"] = self.token
        return signed

    def sign_v1(self, method: str, url: str, sent: Mapping[str, str]) -> str:
        """Signature v1 parameters (``sent``, decoded) as the proxy's SecretId for ``url``'s host,
        URL-encoded for a query or a form body; the caller's Timestamp, Nonce and method kept."""
        params = {k: v for k, v in sent.items() if k not in (tc_v1.SIGNATURE, "Token")}
        params["SecretId"] = self.secret_id
        if self.token:
            params["Token"] = self.token
        params[tc_v1.SIGNATURE] = tc_v1.signature(self.secret_key, method, urlsplit(url).netloc, params)
        return urlencode(params, quote_via=quote)


@dataclass(frozen=True)
class Sent:
    """What the caller's signature covered: method, path, query string and body, as received."""

    method: str
    path: str
    query: str
    body: bytes

"""What the sync and async clients share: building a call, the access-token cache, and the policy
that decides after each answer whether to wait and retry.

The clients only do I/O and sleeping, so both follow one policy: tokens from the real Token
Authentication flow, renewed before they expire or when an answer says the token is gone;
SERVICE_BUSY / RETRY_LATER (and HTTP 429) retried after their Retry-After; a request rate; budgets.
Tencent Cloud's actions (``auth: tc3``) are signed with TC3-HMAC-SHA256 just before each send.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from mock_server.contract.catalog import Endpoint, Route

from . import spec
from .envelope import Envelope
from .guard import Budget, Pacer, WindowPacer, retry_after_seconds
from .options import LivenessOptions
from .target import DEFAULT_HOST, Credentials, Target, now_ms
from .tc3 import CONTENT_TYPE, Tc3Signer, TencentCredentials

TOKEN_HEADER = "X-ACCESS-TOKEN"
SANDBOX_RETRIES = 3
RENEW_MARGIN_MS = 60_000
DEFAULT_TOKEN_LIFETIME_MS = 3_600_000  # periodSecond's documented default


class AuthenticationFailed(AssertionError):
    """Token Authentication did not give a token: the credentials or the target are wrong."""


@dataclass
class Call:
    """One request to send: where, what, and whether it needs (and had) our access token."""

    method: str
    url: str
    headers: dict[str, str]
    params: dict[str, Any] | None = None
    json: Any = None
    content: bytes | None = None
    endpoint_id: str | None = None
    uses_token: bool = False
    signer: Tc3Signer | None = None  # a Tencent Cloud action, signed at each send
    service: str = ""
    snapshot: bool = True  # a parity snapshot may hold its answer (not the client's own token requests)

    def sign(self) -> None:
        """Fresh X-TC-Timestamp and Authorization over the Host and body as they will be sent."""
        if self.signer is None:
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host") or urlsplit(self.url).netloc
        content_type = headers.get("content-type", CONTENT_TYPE)
        self.headers.update(
            self.signer.headers(host=host, service=self.service, content_type=content_type, payload=self.content or b"")
        )

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        body: dict[str, Any] = {"content": self.content} if self.content is not None else {"json": self.json}
        if self.method == "GET" or (self.json is None and self.content is None):
            body = {}
        return http.build_request(self.method, self.url, params=self.params, headers=self.headers, **body)


@dataclass
class ClientCore:
    target: Target
    credentials: Credentials | None
    budget: Budget = field(default_factory=Budget)
    pacer: Pacer = field(default_factory=Pacer)
    retries: int = 0
    token: str | None = field(default=None, repr=False)
    token_expires_ms: int = 0
    tencent: Tc3Signer | None = None
    windows: dict[str, WindowPacer] = field(default_factory=dict)  # documented per-endpoint rate limits
    observer: Callable[[Call, httpx.Response], None] | None = None  # sees each final answer (snapshots)

    @classmethod
    def for_options(cls, options: LivenessOptions, budget: Budget, pacer: Pacer, mock_url: str | None) -> ClientCore:
        """The run's target: ``mock_url`` is the in-process mock's; a sandbox retries busy answers."""
        key, secret = options.access_key, options.secret_key
        credentials = Credentials(key, secret) if key and secret else None
        target = Target(options.target, mock_url or options.base_url, options.host_map)
        tencent_id, tencent_key = options.tencent_secret_id, options.tencent_secret_key
        signer = Tc3Signer(TencentCredentials(tencent_id, tencent_key)) if tencent_id and tencent_key else None
        retries = SANDBOX_RETRIES if options.target == "sandbox" else 0
        return cls(target, credentials, budget, pacer, retries, tencent=signer)

    def call(self, method: str, path: str, host: str | None = None, *, auth: bool = True, **parts: Any) -> Call:
        """``parts``: params, json, content, headers (ours win over the addressing ones); for a
        Tencent Cloud action, ``signer`` (another Tc3Signer) and its X-TC-Action header."""
        url, addressing = self.target.url(host, path)
        merged = {**addressing, **(parts.pop("headers", None) or {})}
        action = next((v for k, v in merged.items() if k.lower() == "x-tc-action"), None)
        route = spec.route_at((host or DEFAULT_HOST).lower(), path, action)
        endpoint = spec.endpoint(route.endpoint_id) if route else None
        if endpoint is not None and route is not None and endpoint.auth == "tc3":
            return self._tencent_call(method, url, merged, endpoint, route, auth, parts)
        wants_token = auth and endpoint is not None and endpoint.auth == "access_token"
        uses_token = wants_token and not any(k.lower() == TOKEN_HEADER.lower() for k in merged)
        eid = endpoint.id if endpoint else None
        return Call(method, url, merged, **parts, endpoint_id=eid, uses_token=uses_token)

    def endpoint_call(self, endpoint_id: str, params: Any, host: str | None, **parts: Any) -> Call:
        """A call of an endpoint on its route at ``host`` (default: its first route the suite calls)."""
        endpoint = spec.endpoint(endpoint_id)
        routes = [r for r in endpoint.routes if r.host == host] if host else spec.suite_routes(endpoint_id)
        if not routes:
            raise KeyError(f"{endpoint_id} has no route on {host}")
        where = "params" if endpoint.request_in == "query" else "json"
        if routes[0].action:
            parts["headers"] = {"X-TC-Action": routes[0].action, **(parts.get("headers") or {})}
        return self.call(endpoint.method, routes[0].path, routes[0].host, **{where: params}, **parts)

    def _tencent_call(
        self, method: str, url: str, headers: dict[str, str], endpoint: Endpoint, route: Route, auth: bool, parts: Any
    ) -> Call:
        """API 3.0: the action, version and region as X-TC-* headers, the JSON body as exact bytes
        (what is signed is what is sent); given headers win, ``auth=False`` sends it unsigned."""
        signer = parts.pop("signer", None) or self.tencent
        if auth and signer is None:
            raise AuthenticationFailed(
                "no Tencent Cloud credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY"
            )
        if "json" in parts:
            parts["content"] = json.dumps(parts.pop("json"), separators=(",", ":")).encode("utf-8")
        given = {k.lower() for k in headers}
        defaults = {
            "Content-Type": CONTENT_TYPE,
            "X-TC-Action": route.action,
            "X-TC-Version": endpoint.version,
            "X-TC-Region": signer.region if signer else "",
        }
        headers.update({k: v for k, v in defaults.items() if k.lower() not in given and v})
        signs = auth and "authorization" not in given
        return Call(
            method,
            url,
            headers,
            **parts,
            endpoint_id=endpoint.id,
            signer=signer if signs else None,
            service=endpoint.service,
        )

    def token_call(self) -> Call:
        if self.credentials is None:
            raise AuthenticationFailed("no credentials: set LIVENESS_ACCESS_KEY and LIVENESS_SECRET_KEY")
        path = spec.documented_routes("token_authentication")[0].path
        call = self.call("POST", path, DEFAULT_HOST, auth=False, json=self.credentials.signed_body())
        call.snapshot = False
        return call

    def token_fresh(self) -> bool:
        return self.token is not None and now_ms() < self.token_expires_ms - RENEW_MARGIN_MS

    def accept_token(self, response: httpx.Response) -> str:
        answer = Envelope.of(response)
        if answer.code != "SUCCESS" or not isinstance(answer.data, dict):
            key = self.credentials.access_key if self.credentials else None
            raise AuthenticationFailed(f"Token Authentication for access key {key!r} answered {answer}")
        self.token, self.token_expires_ms = str(answer.data["token"]), _local_expiry(int(answer.data["expiredTime"]))
        return self.token

    def forget_token(self) -> None:
        self.token, self.token_expires_ms = None, 0

    def before(self, call: Call) -> float:
        """Spend the budget and return how long to wait for the rate limit."""
        self.budget.spend(bool(call.endpoint_id) and spec.may_charge(call.endpoint_id or ""))
        if call.uses_token:
            call.headers[TOKEN_HEADER] = self.token or ""
        delay = max(self.pacer.delay(), self._window_delay(call.endpoint_id))
        call.sign()  # after the rate limit's wait is known: Tencent allows five minutes of skew
        return delay

    def _window_delay(self, endpoint_id: str | None) -> float:
        """Keep within the catalog's ``rate_limit`` of the endpoint, if it has one."""
        limit = spec.endpoint(endpoint_id).rate_limit if endpoint_id else None
        if endpoint_id is None or limit is None:
            return 0.0
        window = self.windows.setdefault(endpoint_id, WindowPacer(limit.per_second))
        return window.delay()

    def after(self, call: Call, response: httpx.Response, attempt: int) -> tuple[str, float]:
        """("done", 0), ("renew", 0): get a new token and resend, or ("wait", seconds) then resend."""
        answer = Envelope.of(response)
        self.budget.record(answer.body)
        if call.uses_token and attempt == 0 and _token_refused(call, answer):
            return "renew", 0.0
        if attempt < self.retries and _rate_limited(call, answer):
            self.budget.usage.retries += 1
            return "wait", 1.0  # the documented window is a second: by then the window has room again
        if attempt < self.retries and _busy(call, answer):
            self.budget.usage.retries += 1
            return "wait", retry_after_seconds(response.headers.get("retry-after"))
        if self.observer is not None:
            self.observer(call, response)
        return "done", 0.0


def _local_expiry(expired_time_ms: int) -> int:
    """When to renew, on our own clock: expiredTime is on the server's clock, which a mock may have
    moved anywhere; trust it only when it falls within a token's lifetime from now."""
    now = now_ms()
    if 0 < expired_time_ms - now <= DEFAULT_TOKEN_LIFETIME_MS:
        return expired_time_ms
    return now + DEFAULT_TOKEN_LIFETIME_MS


def _token_refused(call: Call, answer: Envelope) -> bool:
    """IAM_FAILED with a text about the token, or the endpoint's own text for it (Get Video's)."""
    if answer.code != "IAM_FAILED":
        return False
    own = spec.token_refusals(call.endpoint_id) if call.endpoint_id else ()
    return answer.message in own or "token" in str(answer.message).lower()


def _rate_limited(call: Call, answer: Envelope) -> bool:
    """The endpoint's documented rate-limit code (Tencent's RequestLimitExceeded): the client paces
    below the limit, but the server counts arrivals, and a slow network can bunch them up."""
    limit = spec.endpoint(call.endpoint_id).rate_limit if call.endpoint_id else None
    return limit is not None and answer.code == limit.error.code


def _busy(call: Call, answer: Envelope) -> bool:
    if answer.status == 429:
        return True
    if call.endpoint_id is None or not isinstance(answer.code, str):
        return False
    codes = spec.endpoint(call.endpoint_id).codes
    return answer.code in codes and codes[answer.code].retry_after

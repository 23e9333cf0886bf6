"""What the sync and async clients share: building a call, the access-token cache, and the policy
that decides after each answer whether to wait and retry.

The clients only do I/O and sleeping, so both follow one policy: tokens from the real Token
Authentication flow, renewed before they expire or when an answer says the token is gone;
SERVICE_BUSY / RETRY_LATER (and HTTP 429) retried after their Retry-After; a request rate; budgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from . import spec
from .envelope import Envelope
from .guard import Budget, Pacer, retry_after_seconds
from .options import LivenessOptions
from .target import DEFAULT_HOST, Credentials, Target, now_ms

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

    @classmethod
    def for_options(cls, options: LivenessOptions, budget: Budget, pacer: Pacer, mock_url: str | None) -> ClientCore:
        """The run's target: ``mock_url`` is the in-process mock's; a sandbox retries busy answers."""
        key, secret = options.access_key, options.secret_key
        credentials = Credentials(key, secret) if key and secret else None
        target = Target(options.target, mock_url or options.base_url, options.host_map)
        return cls(target, credentials, budget, pacer, SANDBOX_RETRIES if options.target == "sandbox" else 0)

    def call(self, method: str, path: str, host: str | None = None, *, auth: bool = True, **parts: Any) -> Call:
        """``parts``: params, json, content, headers (ours win over the addressing ones)."""
        url, addressing = self.target.url(host, path)
        route = spec.route_at((host or DEFAULT_HOST).lower(), path)
        endpoint = spec.endpoint(route.endpoint_id) if route else None
        wants_token = auth and endpoint is not None and endpoint.auth == "access_token"
        merged = {**addressing, **(parts.pop("headers", None) or {})}
        uses_token = wants_token and not any(k.lower() == TOKEN_HEADER.lower() for k in merged)
        eid = endpoint.id if endpoint else None
        return Call(method, url, merged, **parts, endpoint_id=eid, uses_token=uses_token)

    def endpoint_call(self, endpoint_id: str, params: Any, host: str | None, **parts: Any) -> Call:
        """A call of an endpoint on its route at ``host`` (default: its first documented route)."""
        endpoint = spec.endpoint(endpoint_id)
        routes = [r for r in endpoint.routes if r.host == host] if host else spec.documented_routes(endpoint_id)
        if not routes:
            raise KeyError(f"{endpoint_id} has no route on {host}")
        where = "params" if endpoint.request_in == "query" else "json"
        return self.call(endpoint.method, routes[0].path, routes[0].host, **{where: params}, **parts)

    def token_call(self) -> Call:
        if self.credentials is None:
            raise AuthenticationFailed("no credentials: set LIVENESS_ACCESS_KEY and LIVENESS_SECRET_KEY")
        path = spec.documented_routes("token_authentication")[0].path
        return self.call("POST", path, DEFAULT_HOST, auth=False, json=self.credentials.signed_body())

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
        return self.pacer.delay()

    def after(self, call: Call, response: httpx.Response, attempt: int) -> tuple[str, float]:
        """("done", 0), ("renew", 0): get a new token and resend, or ("wait", seconds) then resend."""
        answer = Envelope.of(response)
        self.budget.record(answer.body)
        if call.uses_token and attempt == 0 and _token_refused(call, answer):
            return "renew", 0.0
        if attempt < self.retries and _busy(call, answer):
            self.budget.usage.retries += 1
            return "wait", retry_after_seconds(response.headers.get("retry-after"))
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


def _busy(call: Call, answer: Envelope) -> bool:
    if answer.status == 429:
        return True
    if call.endpoint_id is None or not isinstance(answer.code, str):
        return False
    codes = spec.endpoint(call.endpoint_id).codes
    return answer.code in codes and codes[answer.code].retry_after

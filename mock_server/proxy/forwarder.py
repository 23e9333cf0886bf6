"""The proxy's gateway interceptor: forward the request, check both sides against the contract.

It runs after the scenario engine (a scenario may still answer instead, or damage the real
answer: ``ProxyEngine``) and before any guard (the real service authenticates). The request is
checked against its schema, the real answer against the contract (``contract.conformance``);
what differs goes to the journal (``contract`` in the request's entry), to the answer's
``X-Liveness-Contract`` header, and to the recording. The answer itself passes unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.responses import Response

from ..contract.catalog import Catalog
from ..contract.conformance import Difference, differences
from ..contract.outcome import ApiError
from ..contract.schemas import ContractSchemas
from ..contract.validation import RequestChecker
from ..gateway import tc3
from ..gateway.call import Call
from ..gateway.tencent_front import V1Route
from ..gateway.wire import BodyTooLarge, WireRequest
from ..jsonwire import JSONError, loads
from .recorder import Recorder
from .upstream import Sent, TencentSigner, Upstreams, request_headers, response_headers
from .volatile import MEDIA_PLACEHOLDER, is_media_or_url

CONTRACT_HEADER = "X-Liveness-Contract"
HEADER_LIMIT = 1024  # of the header's value: the journal has every difference
UNREACHABLE = 502


@dataclass(frozen=True)
class RealAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def response(self, extra: Mapping[str, str]) -> Response:
        response = Response(self.body, status_code=self.status)
        response.raw_headers = [
            *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in [*self.headers, *extra.items()]),
            (b"content-length", str(len(self.body)).encode()),
        ]
        return response


class Forwarder:
    def __init__(
        self,
        catalog: Catalog,
        contract: ContractSchemas,
        upstreams: Upstreams,
        client: httpx.AsyncClient,
        signer: TencentSigner | None = None,
        recorder: Recorder | None = None,
        max_body_bytes: int = 1 << 20,
    ) -> None:
        self.catalog, self.contract, self.upstreams, self.client = catalog, contract, upstreams, client
        self.signer, self.recorder, self.max_body_bytes = signer, recorder, max_body_bytes
        self.checker = RequestChecker(contract)

    async def __call__(self, call: Call) -> Response:
        return await self.answer(call)

    async def answer(self, call: Call, problems: list[str] | None = None) -> Response:
        """The real answer, checked and noted, with its X-Liveness-Contract header."""
        problems = self.request_problems(call) if problems is None else problems
        try:
            real = await self.fetch(call)
        except httpx.HTTPError as exc:
            return unreachable(call.notes, problems, exc)
        found = differences(self.contract, call.endpoint.id, real.status, dict(real.headers), real.body)
        parsed = _json(real.body)
        code = self.contract.code_of(call.endpoint.id, parsed) if parsed is not None else None
        call.notes["code"] = code or f"HTTP {real.status}"
        call.notes["contract"] = [*problems, *(describe(d) for d in found)]
        if call.params:
            call.notes["params"] = without_media(call.params)  # the journal keeps no image bytes
        if self.recorder is not None and parsed is not None and code is not None:
            self.recorder.record(self.where(call), real.status, real.headers, parsed, code, found)
        return real.response({CONTRACT_HEADER: header_value(call.notes["contract"])})

    async def unrouted(self, request: WireRequest, host: str, notes: dict[str, Any]) -> Response | None:
        """A request no documented route matches goes upstream as well (TC3 signed again for the
        service the caller named), flagged ``undocumented route``; its answer is not checked."""
        try:
            body = request.raw_body or await request.body(self.max_body_bytes)
        except BodyTooLarge:
            return None
        url = self.upstreams.url(host, request.path, request.query)
        headers = request_headers(request.headers)
        service = _tc3_service(headers.get("authorization", ""))
        if self.signer is not None and service:
            headers = self.signer.sign(headers, url, Sent(request.method, request.path, request.query, body), service)
        problems = ["undocumented route"]
        try:
            real = await self.send(request.method, url, headers, body, notes)
        except httpx.HTTPError as exc:
            return unreachable(notes, problems, exc)
        notes["code"], notes["contract"] = f"HTTP {real.status}", problems
        return real.response({CONTRACT_HEADER: header_value(problems)})

    async def unreadable(self, call: Call, error: ApiError) -> Response | None:
        """A request the mock's front refuses (wrong Content-Type, not JSON...) goes upstream too,
        flagged with the code the front gave; one over the size limit is answered here."""
        try:
            call.body = call.request.raw_body or await call.request.body(self.max_body_bytes)
        except BodyTooLarge:
            return None
        return await self.answer(call, [f"request {error.outcome.code}"])

    def where(self, call: Call) -> dict[str, str]:
        """What a recording says of the request: which upstream, host, method, path and endpoint."""
        return {
            "upstream": self.upstreams.url(call.host, "", ""),
            "host": call.host,
            "method": call.request.method,
            "path": call.request.path,
            "endpoint": call.endpoint.id,
        }

    def request_problems(self, call: Call) -> list[str]:
        """The code the request schema check gives (the request is forwarded anyway)."""
        try:
            self.checker.check(call.endpoint, call.route, call.params)
        except ApiError as err:
            return [f"request {err.outcome.code}"]
        return []

    async def fetch(self, call: Call) -> RealAnswer:
        request = call.request
        url = self.upstreams.url(call.host, request.path, request.query)
        headers, body = request_headers(request.headers), call.body or request.raw_body
        if call.endpoint.protocol == "tencent" and self.signer is not None:
            if type(call.route) is V1Route:  # signature v1: the signature is a parameter
                params = self.signer.sign_v1(request.method, url, call.route.sent)
                if request.method == "GET":
                    url = self.upstreams.url(call.host, request.path, params)
                else:
                    body = params.encode("ascii")
            elif "authorization" in headers:
                sent = Sent(request.method, request.path, request.query, call.body)
                headers = self.signer.sign(headers, url, sent, call.endpoint.service)
        return await self.send(request.method, url, headers, body, call.notes)

    async def send(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, notes: dict[str, Any]
    ) -> RealAnswer:
        notes["upstream"] = {"url": url.split("?", 1)[0]}  # a query may carry a v1 Signature
        real = await self.client.request(method, url, headers=headers, content=body)
        notes["upstream"]["status"] = real.status_code
        sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in real.headers.raw]  # bytes kept as they came
        return RealAnswer(real.status_code, response_headers(sent), real.content)


def unreachable(notes: dict[str, Any], problems: list[str], exc: Exception) -> Response:
    notes["upstream"] = {"error": type(exc).__name__}
    notes["contract"] = [*problems, "upstream unreachable"]
    body = b'{"proxyError":"the upstream could not be reached"}'
    headers = {CONTRACT_HEADER: "upstream unreachable", "content-type": "application/json"}
    return RealAnswer(UNREACHABLE, [], body).response(headers)


def _tc3_service(authorization: str) -> str | None:
    """The service a TC3 Authorization names (None when it is no TC3 header)."""
    try:
        return tc3.parse_authorization(authorization).service
    except tc3.MalformedAuthorization:
        return None


def describe(difference: Difference) -> str:
    """``kind where`` (what the header and the journal list)."""
    return f"{difference.kind} {difference.where}".strip()


def header_value(problems: Sequence[str]) -> str:
    """``ok``, or the problems, in ASCII (a vendor's field name may be any text; a header may not)."""
    if not problems:
        return "ok"
    value = ", ".join(problems).encode("ascii", "backslashreplace").decode("ascii")
    value = "".join(c if " " <= c <= "~" else "?" for c in value)
    if len(value) <= HEADER_LIMIT:
        return value
    kept = value[:HEADER_LIMIT].rsplit(", ", 1)[0]
    return f"{kept}, ... ({len(problems)} in all: see /__admin/requests)"


def without_media(params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters with base64 media replaced (the journal would keep their first 2 KB)."""
    return {k: _no_media(v) for k, v in params.items()}


def _no_media(value: Any) -> Any:
    if isinstance(value, str) and is_media_or_url(value) and not value.startswith(("http://", "https://")):
        return MEDIA_PLACEHOLDER
    if isinstance(value, dict):
        return without_media(value)
    if isinstance(value, list):
        return [_no_media(v) for v in value]
    return value


def _json(body: bytes) -> Any:
    try:
        return loads(body) if body else None
    except JSONError:
        return None

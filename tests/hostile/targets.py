"""Every route a hostile client can reach, each with a plausible request that bad input is laid over.

The vendor routes come from the catalog (host, method, path; X-TC-Action for Tencent), with a
valid access token or a real TC3 signature of whatever body is sent, so bad input reaches past
authentication. Beside them: the admin API, the H5 page and the media links, on ids made in
``World.build``. ``STATEFUL`` routes act on any request at all (reset, clear the journal,
deactivate every scenario): they are probed last, once the state check has run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from mock_server.contract.catalog import Catalog, Route

from ..helpers import RETURN_URL, access_token, complete, h5_session, signed_body
from ..tencent.signer import Signed

PROBE_SCENARIO = "catalogue-probe"  # the inline scenario the catalogue may define (it never fires)


@dataclass
class Target:
    """One route and the request that bad input is laid over."""

    family: str  # vendor, admin, page, media, stateful
    method: str
    path: str
    host: str = "127.0.0.1"
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None  # None: no body (GET, HEAD, body-less admin calls)
    focus: str = "probe"  # the field hostile values go into
    endpoint_id: str = ""
    action: str = ""  # Tencent: X-TC-Action; the TC3 signature is made for each body sent

    @property
    def name(self) -> str:
        selector = f" [{self.action}]" if self.action else ""
        return f"{self.method} {self.host}{self.path}{selector}"

    def auth_headers(self, body: bytes) -> dict[str, str]:
        if not self.action:
            return dict(self.headers)
        signed = Signed(action=self.action, body=body)
        return {k: v for k, v in signed.headers().items() if k not in ("Host", "Content-Type")}


@dataclass
class World:
    """The ids the targets use: made over HTTP before the catalogue runs."""

    token: str
    witness: str  # a completed (pass) H5 session: must stay readable and unchanged
    sacrificial: str  # the signatureId clear-data requests name
    page_token: str  # a pending session's H5 page
    liveness_id: str
    media_path: str  # a live video link
    sdk_token: str

    @classmethod
    def build(cls, http: httpx.Client) -> World:
        token = access_token(http)
        witness = str(h5_session(http, token)["signatureId"])
        complete(http, witness, "pass")
        sacrificial = str(h5_session(http, token)["signatureId"])
        complete(http, sacrificial, "pass")
        page = urlsplit(str(h5_session(http, token)["url"])).path
        liveness_id = _liveness(http)
        video = http.get(
            "/liveness/ext/v1/get-video", params={"livenessId": _liveness(http)}, headers={"X-ACCESS-TOKEN": token}
        ).json()["data"]["videoUrl"]
        sdk = http.post("/__admin/tencent/sdk-tokens", json={}).json()["SdkToken"]
        return cls(token, witness, sacrificial, page.rsplit("/", 1)[1], liveness_id, urlsplit(video).path, sdk)


def _liveness(http: httpx.Client) -> str:
    return str(http.post("/__admin/liveness", json={"outcome": "pass", "video": True}).json()["livenessId"])


def vendor_targets(catalog: Catalog, world: World) -> list[Target]:
    return [_vendor(route, world) for route in catalog.routes()]


def _vendor(route: Route, world: World) -> Target:
    requests: dict[str, tuple[dict[str, Any], str]] = {
        "token_authentication": (signed_body(), "signature"),
        "configure_ui": ({"titleText": "Probe title"}, "titleText"),
        "get_token": ({"returnUrl": RETURN_URL, "region": "IDN"}, "returnUrl"),
        "get_result": ({"signatureId": world.witness}, "signatureId"),
        "pii_clear_data": ({"signatureId": world.sacrificial}, "signatureId"),
        "generate_url": ({"returnUrl": RETURN_URL, "region": "PHL"}, "returnUrl"),
        "liveness_detection": ({"signatureId": world.witness, "region": "SGP"}, "signatureId"),
        "get_video": ({"livenessId": world.liveness_id}, "livenessId"),
        "apply_liveness_token": ({"SecureLevel": "4"}, "SecureLevel"),
        "get_liveness_result": ({"SdkToken": world.sdk_token}, "SdkToken"),
    }
    params, focus = requests[route.endpoint_id]
    target = Target("vendor", route.method, route.path, route.host, focus=focus, endpoint_id=route.endpoint_id)
    if route.action:
        target.action = route.action
    else:
        target.headers = {"X-ACCESS-TOKEN": world.token}
    if route.method == "GET":
        target.query = {k: str(v) for k, v in params.items()}
    else:
        target.body = dict(params)
    return target


def own_targets(world: World) -> list[Target]:
    """The admin API, the H5 page and the media links (the routes that act on any request aside)."""
    probe_scenario = {
        "name": PROBE_SCENARIO,
        "description": "defined by the bad-input catalogue; never fires",
        "rules": [{"match": {"endpoint": "get_video", "livenessId": "never-sent"}, "respond": {}}],
    }
    admin: list[tuple[str, str, dict[str, Any] | None, str]] = [
        ("GET", "/__admin/", None, "probe"),
        ("GET", "/__admin/outcomes", None, "probe"),
        ("GET", "/__admin/clock", None, "probe"),
        ("POST", "/__admin/clock", {"advanceMs": 0}, "advanceMs"),
        ("GET", "/__admin/requests", None, "limit"),  # unfiltered: every entry is rendered
        ("GET", "/__admin/requests/count", None, "endpoint"),
        ("GET", "/__admin/near-misses", None, "limit"),
        ("GET", "/__admin/scenarios", None, "active"),
        ("POST", "/__admin/scenarios", probe_scenario, "description"),
        ("GET", "/__admin/scenarios/flaky", None, "probe"),
        ("POST", "/__admin/scenarios/no-such-scenario", {}, "probe"),
        ("DELETE", "/__admin/scenarios/no-such-scenario", None, "probe"),
        ("GET", "/__admin/sessions", None, "probe"),
        ("GET", f"/__admin/sessions/{world.witness}", None, "probe"),
        ("POST", f"/__admin/sessions/{world.witness}/complete", {"outcome": "pass"}, "outcome"),
        ("POST", "/__admin/liveness", {"outcome": "pass", "video": True}, "outcome"),
        ("POST", "/__admin/tencent/sdk-tokens", {"Result": "0"}, "Description"),
        ("POST", f"/__admin/tencent/sdk-tokens/{world.sdk_token}", {"Result": "0"}, "Description"),
    ]
    page = f"/__mock/h5/{world.page_token}"
    return [
        *(Target("admin", m, p, body=b, focus=f, query=_query(m, b, f)) for m, p, b, f in admin),
        Target("page", "GET", page, query={"lang": "en"}, focus="lang"),
        Target("page", "POST", f"{page}/complete", body={"outcome": "pass"}, focus="outcome"),
        Target("page", "POST", f"{page}/abandon", body={}, focus="probe"),
        Target("media", "GET", world.media_path, query={"v": "1"}, focus="v"),
        Target("media", "HEAD", world.media_path, query={"v": "1"}, focus="v"),
    ]


QUERY_VALUES = {"limit": "1000", "active": "true", "endpoint": "get_result"}


def _query(method: str, body: dict[str, Any] | None, focus: str) -> dict[str, str]:
    """A valid query of a body-less admin call, with its focus parameter."""
    return {focus: QUERY_VALUES.get(focus, "x")} if body is None else {}


STATEFUL: list[Target] = [
    Target("stateful", "POST", "/__admin/reset", body={}),
    Target("stateful", "DELETE", "/__admin/scenarios"),
    Target("stateful", "DELETE", "/__admin/requests"),
]

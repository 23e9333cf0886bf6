"""Bad and hostile input on every endpoint: a documented envelope, never a 500, and no state change."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.contract.catalog import Catalog, Route
from mock_server.contract.schemas import ContractSchemas

from ..helpers import complete, h5_session

HOSTILE = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../../../etc/passwd",
    "\u0000\u0001\u001f",
    "😀" * 500,
    "x" * 100_000,
    10**30,
    -1,
    1.5e308,
    True,
    [],
    {"$ne": None},
    {"__proto__": {"polluted": True}},
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
ALLOWED_STATUS = {200, 400, 404, 405, 413}


def snapshot(http: httpx.Client) -> Any:
    return http.get("/__admin/sessions").json()


def send(http: httpx.Client, route: Route, token: str, params: dict[str, Any]) -> httpx.Response:
    headers = {"Host": route.host, "X-ACCESS-TOKEN": token}
    if route.method == "GET":
        query = {k: v if isinstance(v, str) else repr(v) for k, v in params.items()}
        return http.get(route.path, params=query, headers=headers)
    return http.post(route.path, json=params, headers=headers)


def check(http: httpx.Client, contract: ContractSchemas, route: Route, token: str, params: dict[str, Any]) -> None:
    response = send(http, route, token, params)
    assert response.status_code in ALLOWED_STATUS, (route, params, response.text[:200])
    assert contract.response_problems(route.endpoint_id, response.json()) == []


@pytest.fixture
def signature_id(http: httpx.Client, token: str) -> str:
    """A completed session: the state that bad input must leave alone."""
    created = str(h5_session(http, token)["signatureId"])
    complete(http, created, "pass")
    return created


def test_hostile_values_in_every_field_of_every_endpoint(
    http: httpx.Client, token: str, signature_id: str, catalog: Catalog, contract: ContractSchemas
) -> None:
    before = snapshot(http)
    for endpoint in catalog.endpoints.values():
        if endpoint.id in ("pii_clear_data", "get_token", "generate_url", "configure_ui"):
            continue  # these change state when the input is valid; see the next test
        fields = list(contract.requests[endpoint.id].get("properties", {}))
        for value in HOSTILE:
            if endpoint.method == "GET" and len(repr(value)) > 8_000:
                continue  # no client sends a 100 kB query string; bodies get it
            for field in fields:
                check(http, contract, endpoint.routes[0], token, {field: value})
    assert snapshot(http) == before


def test_invalid_requests_to_state_changing_endpoints_change_nothing(
    http: httpx.Client, token: str, signature_id: str, catalog: Catalog
) -> None:
    before = snapshot(http)
    invalid = {
        "get_token": [
            {"returnUrl": "javascript:alert(1)", "region": "IDN"},
            {"returnUrl": "https://a.b", "region": "../"},
        ],
        "generate_url": [{"returnUrl": "https://a.b", "region": "PHL", "iframeEnabled": "<b>"}, {"region": 10**30}],
        "pii_clear_data": [{"signatureId": ""}, {}],
        "configure_ui": [{"mobileTipsPage": {"tips": [{}] * 5}}, {"titleText": "x" * 1000}],
    }
    for endpoint_id, bodies in invalid.items():
        for body in bodies:
            response = send(http, catalog.endpoints[endpoint_id].routes[0], token, body)
            assert response.json()["code"] in ("PARAMETER_ERROR", "REGION_WRONG"), (endpoint_id, body, response.json())
    assert snapshot(http) == before
    assert (
        http.post(
            "/openapi/liveness/v4/h5/get-result", json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token}
        ).json()["code"]
        == "SUCCESS"
    )


def test_arbitrary_json_bodies_get_documented_answers(
    http: httpx.Client, token: str, catalog: Catalog, contract: ContractSchemas
) -> None:
    routes = [
        r
        for r in catalog.routes()
        if r.method == "POST" and r.endpoint_id not in ("get_token", "generate_url", "configure_ui")
    ]

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(
        route=st.sampled_from(routes),
        body=st.dictionaries(
            st.sampled_from(
                [
                    "signatureId",
                    "livenessId",
                    "resultType",
                    "region",
                    "accessKey",
                    "timestamp",
                    "signature",
                    "periodSecond",
                ]
            )
            | st.text(max_size=8),
            JSON,
            max_size=5,
        ),
    )
    def probe(route: Route, body: dict[str, Any]) -> None:
        check(http, contract, route, token, body)

    before = snapshot(http)
    probe()
    assert snapshot(http) == before

"""Sending any endpoint a request, for tests where a scenario answers before authentication."""

from __future__ import annotations

from typing import Any

import httpx

from mock_server.contract.catalog import Endpoint

# Shapes only: a scenario answers before authentication and validation look at them.
REQUESTS: dict[str, dict[str, Any]] = {
    "token_authentication": {"accessKey": "sampleaccesskey", "signature": "0" * 64, "timestamp": 1665993522952},
    "configure_ui": {"titleText": "Liveness Detection"},
    "get_token": {"returnUrl": "https://www.example.com/back", "region": "IDN"},
    "get_result": {"signatureId": "f302f5d2454a85c2"},
    "pii_clear_data": {"signatureId": "ac66706068e737b5"},
    "generate_url": {"returnUrl": "https://www.example.com/back", "region": "PHL"},
    "liveness_detection": {"livenessId": "ddsd-9e6-dcc9-4ca1-bdfe-9f001c05f1b1", "resultType": "IMAGE_URL"},
    "get_video": {"livenessId": "ddsd-9e6-dcc9-4ca1-bdfe-9f001c05f1b1"},
    "apply_liveness_token": {"SecureLevel": "4"},
    "get_liveness_result": {"SdkToken": "a9b2c1d0-0000-4000-8000-000000000000"},
}


def send(
    client: httpx.Client, endpoint: Endpoint, params: dict[str, Any] | None = None, **headers: str
) -> httpx.Response:
    """The endpoint's first route, in its protocol (Tencent: ``POST /`` with ``X-TC-Action``)."""
    route = endpoint.routes[0]
    params = REQUESTS[endpoint.id] if params is None else params
    sent = {"Host": route.host, **{k.replace("_", "-"): v for k, v in headers.items()}}
    if endpoint.protocol == "tencent":
        sent |= {"X-TC-Action": route.action, "X-TC-Version": "2018-03-01", "X-TC-Region": "ap-singapore"}
    if route.method == "GET":
        return client.get(route.path, params=params, headers=sent)
    return client.post(route.path, json=params, headers=sent)

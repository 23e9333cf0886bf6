"""Every endpoint, generated requests: valid ones get a documented answer that is not a request
error; each kind of invalid one gets exactly the documented code and message (Tencent Cloud's
actions: the code; their docs describe codes, not the messages sent)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_plugin import spec
from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms, reproduce
from pytest_plugin.envelope import Envelope
from pytest_plugin.strategies import invalid_requests, mutation_kinds, valid_requests

pytestmark = pytest.mark.liveness_contract

ENDPOINTS = spec.advance_endpoints() + spec.tencent_endpoints()
# liveness_api resets the mock once per test, not per example: each example makes its own sessions.
PER_TEST_RESET = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
BROKEN = [(e, kind) for e in ENDPOINTS for kind in mutation_kinds(e)]


def request_errors(endpoint_id: str) -> set[tuple[str, str]]:
    """The (code, message) answers the catalog gives to requests that break the schema."""
    endpoint = spec.endpoint(endpoint_id)
    errors = [endpoint.errors.empty, endpoint.errors.invalid, *(t for _, t in endpoint.errors.fields)]
    return {(t.code, endpoint.code(t.code).message(t.message)) for t in errors}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@PER_TEST_RESET
@given(data=st.data())
def test_valid_requests_get_documented_answers(
    api_for: Callable[[str], LivenessClient], endpoint: str, data: st.DataObject
) -> None:
    api = api_for(endpoint)
    request = data.draw(valid_requests(endpoint), label="request")
    response = request.send(api)
    assert_conforms(endpoint, response)
    answer = Envelope.of(response)
    refused = request_errors(endpoint)
    if spec.endpoint(endpoint).protocol == "tencent":  # codes only: their messages are not documented
        refused = {(code, answer.message) for code, _ in refused}
    assert (answer.code, answer.message) not in refused, f"a valid request was refused\n{reproduce(response)}"


@pytest.mark.parametrize(("endpoint", "kind"), BROKEN)
@PER_TEST_RESET
@given(data=st.data())
def test_invalid_requests_get_their_documented_error(
    api_for: Callable[[str], LivenessClient],
    request: pytest.FixtureRequest,
    endpoint: str,
    kind: str,
    data: st.DataObject,
) -> None:
    api = api_for(endpoint)
    signed = None
    if endpoint == "token_authentication":  # broken from a correctly signed body
        signed = st.builds(request.getfixturevalue("liveness_credentials").signed_body)
    broken = data.draw(invalid_requests(endpoint, kinds=[kind], base=signed), label="request")
    assert_conforms(endpoint, broken.send(api), expect=broken.expect, why=broken.why)

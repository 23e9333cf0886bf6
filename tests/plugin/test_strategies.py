"""Strategies: valid requests validate and look real; each invalid one carries the answer the mock
(whose validator the strategies never call) indeed gives."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server.contract.catalog import Catalog
from mock_server.contract.outcome import ApiError
from mock_server.contract.schemas import ContractSchemas
from mock_server.contract.validation import RequestChecker
from pytest_plugin import fakes, spec
from pytest_plugin.strategies import KINDS, invalid_requests, mutation_kinds, valid_requests

ENDPOINTS = spec.advance_endpoints()
QUICK = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@QUICK
@given(data=st.data())
def test_valid_requests_validate_and_send_only_declared_fields(
    contract: ContractSchemas, endpoint: str, data: st.DataObject
) -> None:
    request = data.draw(valid_requests(endpoint))
    schema = contract.request_schema(endpoint, request.route.require)
    assert contract.request_validator(endpoint, request.route.require).is_valid(request.params)
    assert set(request.params) <= set(schema["properties"])
    assert request.route.documented


@pytest.mark.parametrize(("endpoint", "kind"), [(e, k) for e in ENDPOINTS for k in mutation_kinds(e)])
@QUICK
@given(data=st.data())
def test_invalid_requests_predict_what_the_mock_answers(
    catalog: Catalog, contract: ContractSchemas, endpoint: str, kind: str, data: st.DataObject
) -> None:
    request = data.draw(invalid_requests(endpoint, kinds=[kind]))
    assert request.kind == kind
    with pytest.raises(ApiError) as refused:
        RequestChecker(contract).check(catalog.endpoints[endpoint], request.route, request.params)
    outcome = refused.value.outcome
    got = (outcome.code, catalog.endpoints[endpoint].code(outcome.code).message(outcome.message))
    assert got == request.expect, request.why


def test_the_issue_s_kinds_of_problem_are_all_generated() -> None:
    kinds = {k for e in ENDPOINTS for k in mutation_kinds(e)}
    assert kinds == set(KINDS)
    assert "out_of_range" in mutation_kinds("token_authentication")  # periodSecond
    assert "bad_region" in mutation_kinds("get_token") and "malformed_url" in mutation_kinds("generate_url")


@QUICK
@given(data=st.data())
def test_realistic_values_replace_schema_noise_where_the_schema_allows(
    contract: ContractSchemas, data: st.DataObject
) -> None:
    noise = {"returnUrl": "http://0", "region": "IDN", "userId": "\x00\U0010ffff", "failedReturnUrl": None}
    real = data.draw(fakes.realistic(st.just(noise), contract.request_validator("get_token")))
    assert real["returnUrl"] in fakes.values("url") and real["userId"] in fakes.values("user")
    assert (real["region"], real["failedReturnUrl"]) == ("IDN", None), "enums and nulls stay as drawn"
    nested = {"titleText": "x", "mobileTipsPage": {"title": "y"}}
    real = data.draw(fakes.realistic(st.just(nested), contract.request_validator("configure_ui")))
    assert real["titleText"] in fakes.values("title") and real["mobileTipsPage"]["title"] in fakes.values("title")


def test_an_unknown_kind_or_host_is_refused() -> None:
    with pytest.raises(ValueError, match="no mutation of kinds"):
        invalid_requests("get_result", kinds=["bad_enum"])
    with pytest.raises(ValueError, match=r"no documented route on nga-api\.advance\.ai"):
        valid_requests("get_token", host="nga-api.advance.ai")

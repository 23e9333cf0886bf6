"""Request problems -> the documented code and message, one per answer, as the vendor does."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.contract.catalog import Catalog
from mock_server.contract.outcome import ApiError
from mock_server.contract.schemas import ContractSchemas
from mock_server.contract.validation import RequestChecker

URL = "https://www.example.com/back"


def problem(
    catalog: Catalog, contract: ContractSchemas, endpoint: str, params: dict[str, Any], host: str = "api.advance.ai"
) -> tuple[str, str] | None:
    ep = catalog.endpoints[endpoint]
    route = next(r for r in ep.routes if r.host == host)
    try:
        RequestChecker(contract).check(ep, route, params)
    except ApiError as err:
        spec = ep.code(err.outcome.code)
        return err.outcome.code, spec.message(err.outcome.message)
    return None


CASES = [
    ("get_token", {"returnUrl": URL, "region": "IDN"}, None),
    ("get_token", {"region": "IDN"}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    ("get_token", {"returnUrl": "", "region": "IDN"}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    ("get_token", {"returnUrl": None, "region": "IDN"}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    ("get_token", {"returnUrl": URL, "region": "ID"}, ("REGION_WRONG", "Region is wrong")),
    ("get_token", {"returnUrl": URL, "region": "idn"}, ("REGION_WRONG", "Region is wrong")),
    (
        "get_token",
        {"returnUrl": "www.example.com", "region": "IDN"},
        ("PARAMETER_ERROR", "Invalid returnUrl,please check your returnUrl"),
    ),
    (
        "get_token",
        {"returnUrl": "javascript:alert(1)", "region": "IDN"},
        ("PARAMETER_ERROR", "Invalid returnUrl,please check your returnUrl"),
    ),
    (
        "get_token",
        {"returnUrl": URL, "region": "IDN", "failedReturnUrl": "nope"},
        ("PARAMETER_ERROR", "Invalid failedReturnUrl, please check your failedReturnUrl"),
    ),
    ("get_token", {"returnUrl": URL, "region": "IDN", "tryCount": 0}, ("PARAMETER_ERROR", "try count must > 0")),
    ("get_token", {"returnUrl": URL, "region": "IDN", "tryCount": "-3"}, ("PARAMETER_ERROR", "try count must > 0")),
    ("get_token", {"returnUrl": URL, "region": "IDN", "tryCount": "5"}, None),
    (
        "get_token",
        {"returnUrl": URL, "region": "IDN", "productLevel": "GOLD"},
        ("PARAMETER_ERROR", "Parameter error,please check you input."),
    ),
    # an empty required field wins over any other problem
    ("get_token", {"returnUrl": "bad", "region": ""}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    # the catalog order decides between two named problems: region before returnUrl
    ("get_token", {"returnUrl": "bad", "region": "XXX"}, ("REGION_WRONG", "Region is wrong")),
    (
        "generate_url",
        {"returnUrl": URL, "region": "PHL", "prefersColorScheme": "blue"},
        ("PARAMETER_ERROR", "Prefers color scheme is wrong"),
    ),
    (
        "generate_url",
        {"returnUrl": URL, "region": "PHL", "productLevel": "GOLD"},
        ("PARAMETER_ERROR", "Product level is wrong"),
    ),
    ("generate_url", {"returnUrl": URL, "region": "PH"}, ("REGION_WRONG", "Region is wrong")),
    (
        "generate_url",
        {"returnUrl": URL, "region": "PHL", "iframeEnabled": "yes"},
        ("PARAMETER_ERROR", "Parameter error,please check you input."),
    ),
    ("liveness_detection", {}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    (
        "liveness_detection",
        {"signatureId": None, "livenessId": None},
        ("PARAMETER_ERROR", "Parameter should not be empty"),
    ),
    ("liveness_detection", {"signatureId": ""}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    (
        "liveness_detection",
        {"livenessId": "x", "resultType": "IMAGE_PNG"},
        ("PARAMETER_ERROR", "Parameter error, please check your request whether has illegal parameters"),
    ),
    ("liveness_detection", {"livenessId": "x", "region": "SG"}, None),
    ("get_result", {}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    ("get_result", {"signatureId": 12}, ("PARAMETER_ERROR", "Parameter should not be empty")),
    ("get_video", {}, ("PARAMETER_ERROR", "Parameter error, please check your request whether has illegal parameters")),
    (
        "pii_clear_data",
        {"signatureId": ""},
        ("PARAMETER_ERROR", "Parameter error, please check your request whether has illegal parameters"),
    ),
    ("token_authentication", {"accessKey": "a", "signature": "b", "timestamp": 1665993522952}, None),
    ("token_authentication", {"accessKey": "a", "signature": "b", "timestamp": "1665993522952"}, None),
    (
        "token_authentication",
        {"accessKey": "a", "signature": "b", "timestamp": 166599352295},
        ("PARAMETER_ERROR", "Timestamp error"),
    ),
    (
        "token_authentication",
        {"accessKey": "a", "signature": "b", "timestamp": "soon"},
        ("PARAMETER_ERROR", "Timestamp error"),
    ),
    (
        "token_authentication",
        {"accessKey": "a", "signature": "", "timestamp": 1665993522952},
        ("PARAMETER_ERROR", "Parameter should not be empty"),
    ),
    (
        "token_authentication",
        {"accessKey": "a", "signature": "b", "timestamp": 1665993522952, "periodSecond": 59},
        ("PARAMETER_ERROR", "Parameter error,please check you input."),
    ),
    (
        "token_authentication",
        {"accessKey": "a", "signature": "b", "timestamp": 1665993522952, "periodSecond": "86400"},
        None,
    ),
    (
        "token_authentication",
        {"accessKey": "a", "signature": "b", "timestamp": 1665993522952, "periodSecond": "86401"},
        ("PARAMETER_ERROR", "Parameter error,please check you input."),
    ),
    (
        "configure_ui",
        {"mobileTipsPage": {"tips": [{"text": "t"}] * 5}},
        ("PARAMETER_ERROR", "The number of prompts exceeds the limit, supporting up to four."),
    ),
    (
        "configure_ui",
        {"pcTipsPage": {"tips": [{"iconLink": "ftp://x"}]}},
        ("PARAMETER_ERROR", "Wrong format of the icon link at PC tips page."),
    ),
    (
        "configure_ui",
        {"mobileLoadingPage": {"progressColor": "red"}},
        ("PARAMETER_ERROR", "Wrong format of the loading page progress color."),
    ),
    (
        "configure_ui",
        {"mobileResultPage": {"successDesc": "x" * 101}},
        ("PARAMETER_ERROR", "The success description text is too long of result page."),
    ),
    (
        "configure_ui",
        {"mobileCameraPage": {"backgroundColor": "#12345"}},
        ("PARAMETER_ERROR", "Parameter error,please check you input."),
    ),
]


@pytest.mark.parametrize(("endpoint", "params", "expected"), CASES)
def test_the_first_problem_gets_its_documented_message(
    catalog: Catalog, contract: ContractSchemas, endpoint: str, params: dict[str, Any], expected: tuple[str, str] | None
) -> None:
    assert problem(catalog, contract, endpoint, params) == expected


def test_region_is_required_on_the_singapore_host_only(catalog: Catalog, contract: ContractSchemas) -> None:
    params = {"livenessId": "x"}
    assert problem(catalog, contract, "liveness_detection", params, host="my-api.advance.ai") is None
    assert problem(catalog, contract, "liveness_detection", params, host="sg-api.advance.ai") == (
        "PARAMETER_ERROR",
        "Parameter should not be empty",
    )
    assert (
        problem(catalog, contract, "liveness_detection", {**params, "region": "SGP"}, host="sg-api.advance.ai") is None
    )

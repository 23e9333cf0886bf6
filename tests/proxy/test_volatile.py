"""Placeholders: volatile values of a real answer replaced by values of their type that still
validate (the documented example's where there is one); media bytes never kept."""

from __future__ import annotations

import copy

from mock_server.contract.examples import Example
from mock_server.contract.schemas import ContractSchemas
from mock_server.proxy.forwarder import without_media
from mock_server.proxy.volatile import MEDIA_PLACEHOLDER, with_placeholders

IMAGE = "/9j/" + "A" * 4000


def example_body(examples: list[Example], endpoint: str, code: str) -> dict[str, object]:
    return next(e.body for e in examples if (e.endpoint, e.code, e.kind) == (endpoint, code, "response"))


def test_a_liveness_result_keeps_its_score_and_loses_its_media_ids_and_times(
    examples: list[Example], contract: ContractSchemas
) -> None:
    documented = example_body(examples, "get_result", "SUCCESS")
    real = copy.deepcopy(documented)
    real["data"] |= {"image": IMAGE, "imageFar": IMAGE, "farImageTime": 1796217986524, "score": 87}  # type: ignore[operator]
    real["transactionId"] = "a1b2c3d4e5f60718"
    replaced, paths = with_placeholders(real, documented)
    assert {"data.image", "data.imageFar", "data.farImageTime", "transactionId"} <= set(paths)
    assert "score" not in " ".join(paths) and replaced["data"]["score"] == 87
    assert IMAGE not in str(replaced) and "a1b2c3d4e5f60718" not in str(replaced)
    assert contract.response_problems("get_result", replaced) == []


def test_without_an_example_a_placeholder_keeps_the_values_type() -> None:
    real = {"Response": {"RequestId": "7d1d...", "Video": {"Url": "https://cos.example/v.mp4?sign=s3cr3t", "Size": 9}}}
    replaced, paths = with_placeholders(real, None)
    assert paths == ["Response.RequestId", "Response.Video.Url", "Response.Video.Size"]
    assert replaced == {
        "Response": {"RequestId": "recorded-RequestId", "Video": {"Url": "https://recorded.invalid/Url", "Size": 0}}
    }


def test_the_journal_gets_request_parameters_without_media() -> None:
    params = {
        "image": IMAGE,
        "nested": {"frames": [IMAGE]},
        "returnUrl": "https://www.example.com/back",
        "region": "IDN",
    }
    assert without_media(params) == {
        "image": MEDIA_PLACEHOLDER,
        "nested": {"frames": [MEDIA_PLACEHOLDER]},
        "returnUrl": "https://www.example.com/back",
        "region": "IDN",
    }

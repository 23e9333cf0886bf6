"""Secrets out of text and values, under any of their usual spellings, at any depth."""

from __future__ import annotations

import pytest

from mock_server.masking import MASK, is_secret, mask_headers, mask_text, mask_value


@pytest.mark.parametrize(
    "name", ["token", "accessToken", "access_token", "X-ACCESS-TOKEN", "Signature", "secretKey", "SecretKey"]
)
def test_secret_names_in_any_spelling(name: str) -> None:
    assert is_secret(name)


@pytest.mark.parametrize("name", ["SdkToken", "signatureId", "livenessId", "code", "tokens_used"])
def test_ids_are_not_secrets(name: str) -> None:
    assert not is_secret(name)


def test_a_token_nested_in_an_answer_is_masked() -> None:
    text = '{"code": "SUCCESS", "data": {"token": "eyJ.a.b", "expiredTime": 1}, "extra": null}'
    assert mask_text(text) == '{"code": "SUCCESS", "data": {"token": "***", "expiredTime": 1}, "extra": null}'


def test_query_strings_and_numbers() -> None:
    assert mask_text("a=1&access_token=zzz&signature=42") == f"a=1&access_token={MASK}&signature={MASK}"
    assert mask_text('{"signature": 42, "n": 3}') == '{"signature": "***", "n": 3}'


def test_values_and_headers() -> None:
    assert mask_value({"a": [{"accessKey": "k", "ok": 1}]}) == {"a": [{"accessKey": MASK, "ok": 1}]}
    assert mask_headers([(b"X-Access-Token", b"t"), (b"Host", b"h")]) == {"x-access-token": MASK, "host": "h"}

"""TC3-HMAC-SHA256 against Tencent's published example (Signature v3, CVM DescribeInstances) and the SDK."""

from __future__ import annotations

import pytest
from tencentcloud.common.sign import Sign

from mock_server.gateway import tc3

# The example of Tencent's "Signature v3" page (the key as printed there, masked with asterisks).
SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******"
SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3*******"
TIMESTAMP = 1551113065
PAYLOAD = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
HEADERS = {"content-type": "application/json; charset=utf-8", "host": "cvm.tencentcloudapi.com"}
CANONICAL = (
    "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n"
    "content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
)
STRING_TO_SIGN = (
    "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
    "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
)
SIGNATURE = "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"


def test_the_published_example_step_by_step() -> None:
    canonical = tc3.canonical_request("POST", "/", "", HEADERS, ("content-type", "host"), PAYLOAD)
    assert canonical == CANONICAL
    assert tc3.utc_date(TIMESTAMP) == "2019-02-25"
    assert tc3.string_to_sign(TIMESTAMP, "2019-02-25", "cvm", canonical) == STRING_TO_SIGN
    assert tc3.signature(SECRET_KEY, "2019-02-25", "cvm", STRING_TO_SIGN) == SIGNATURE


def test_the_authorization_header_of_the_example() -> None:
    header = tc3.authorization_header(SECRET_ID, SECRET_KEY, TIMESTAMP, "cvm", CANONICAL)
    assert header == (
        f"TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cvm/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={SIGNATURE}"
    )
    parsed = tc3.parse_authorization(header)
    assert (parsed.secret_id, parsed.date, parsed.service, parsed.signed_headers, parsed.signature) == (
        SECRET_ID,
        "2019-02-25",
        "cvm",
        ("content-type", "host"),
        SIGNATURE,
    )
    assert SIGNATURE not in repr(parsed)


@pytest.mark.parametrize("key", ["mocksamplesecretkey", "Gu5t9xGARNpq86cd98joQYCN3*******", "ключ"])
def test_the_signature_equals_the_sdks_own_signer(key: str) -> None:
    assert tc3.signature(key, "2026-11-22", "faceid", STRING_TO_SIGN) == Sign.sign_tc3(
        key, "2026-11-22", "faceid", STRING_TO_SIGN
    )


def test_header_names_and_values_are_lowercased_and_trimmed() -> None:
    shouting = {"content-type": "  Application/JSON ", "host": "CVM.TencentCloudAPI.com"}
    assert tc3.canonical_request("POST", "/", "", shouting, ("content-type", "host"), b"") == tc3.canonical_request(
        "POST",
        "/",
        "",
        {"content-type": "application/json", "host": "cvm.tencentcloudapi.com"},
        ("content-type", "host"),
        b"",
    )


@pytest.mark.parametrize(
    "header",
    [
        "",
        "TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/other, SignedHeaders=content-type;host, Signature=" + "0" * 64,
        "TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=abc",
        "TC3-HMAC-SHA256 Credential=a/2019-02-25/cvm/tc3_request, SignedHeaders=Content-Type;host, Signature="
        + "0" * 64,
        "TC3-HMAC-SHA256 Credential=/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature="
        + "0" * 64,
    ],
)
def test_malformed_headers_are_refused(header: str) -> None:
    with pytest.raises(tc3.MalformedAuthorization):
        tc3.parse_authorization(header)

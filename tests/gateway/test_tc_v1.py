"""Signature v1 against Tencent's published example, an independent signer, and real SDK requests.

The captured requests (``tests/tencent/captures``) are what Tencent's Node SDKs sent: every
Signature is recomputed from the bytes that arrived, under the Host header as sent.
"""

from __future__ import annotations

import pytest

from mock_server.contract.catalog import Catalog
from mock_server.gateway import tc_v1
from mock_server.gateway.flat_params import parse_form
from mock_server.gateway.hosts import host_spellings
from mock_server.gateway.tencent_front import ROUTE_FIELDS, V1Route

from ..tencent import v1_signer
from ..tencent.captured import ALL, V1, headers_of, http_request

# Tencent's page: "Signature" (API 3.0, signature v1), its example in full.
DOC_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
DOC_HOST = "cvm.tencentcloudapi.com"
DOC_PARAMS = {
    "Action": "DescribeInstances",
    "InstanceIds.0": "ins-09dx96dg",
    "Limit": "20",
    "Nonce": "11886",
    "Offset": "0",
    "Region": "ap-guangzhou",
    "SecretId": "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
    "Timestamp": "1465185768",
    "Version": "2017-03-12",
}
DOC_STRING = (
    "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886"
    "&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12"
)
DOC_SIGNATURE = "EliP9YW3pW28FpsEdkXt/+WcGeI="
TRICKY = "a b+c/d=e&f~g*h'i(j)k!l %41 测试"


def test_the_published_example() -> None:
    assert tc_v1.string_to_sign("GET", DOC_HOST, DOC_PARAMS) == DOC_STRING
    assert tc_v1.signature(DOC_KEY, "GET", DOC_HOST, DOC_PARAMS) == DOC_SIGNATURE
    assert v1_signer.original_signature_string("GET", DOC_HOST, DOC_PARAMS) == DOC_STRING
    assert v1_signer.signature(DOC_KEY, "GET", DOC_HOST, DOC_PARAMS) == DOC_SIGNATURE


def test_the_published_url_verifies_as_sent() -> None:
    """The page's final URL: the Signature URL-encoded among the other parameters."""
    query = "&".join(f"{k}={v}" for k, v in DOC_PARAMS.items()) + "&Signature=EliP9YW3pW28FpsEdkXt%2F%2BWcGeI%3D"
    params = parse_form(query.encode())
    assert tc_v1.signed_host(DOC_KEY, "GET", [DOC_HOST], params) == DOC_HOST
    assert tc_v1.signed_host("another key", "GET", [DOC_HOST], params) is None


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("signature_method", ["HmacSHA256", "HmacSHA1", None, "hmacsha256", "MD5"])
def test_the_mock_and_the_independent_signer_agree(method: str, signature_method: str | None) -> None:
    values = ["", " ", "+", "%", "%2B", "=", "&", "é", "测试", "😀", "a.b", "0", "-1", "true", TRICKY]
    params = {f"P{i}": value for i, value in enumerate(values)}
    if signature_method is not None:
        params["SignatureMethod"] = signature_method
    assert tc_v1.signature("k", method, "127.0.0.1:8080", params) == v1_signer.signature(
        "k", method, "127.0.0.1:8080", params
    )


def test_hmac_sha256_only_when_the_signature_method_says_exactly_so() -> None:
    """ "Only when this parameter is HmacSHA256 is HmacSHA256 used; in every other case HmacSHA1"."""
    assert tc_v1.algorithm_of({"SignatureMethod": "HmacSHA256"}) == "HmacSHA256"
    for other in ({}, {"SignatureMethod": "HmacSHA1"}, {"SignatureMethod": "hmacsha256"}, {"SignatureMethod": ""}):
        assert tc_v1.algorithm_of(other) == "HmacSHA1"
    assert len(tc_v1.signature("k", "GET", "h", {"SignatureMethod": "HmacSHA256"})) == 44  # 32 bytes
    assert len(tc_v1.signature("k", "GET", "h", {"SignatureMethod": "HmacSHA1"})) == 28  # 20 bytes


def test_the_request_string_sorts_by_name_and_keeps_values_raw() -> None:
    params = {"b": "x y", "B": "1", "a.10": "p", "a.2": "q", "Signature": "left out"}
    assert tc_v1.request_string(params) == "B=1&a.10=p&a.2=q&b=x y"  # "InstanceIds.2 after InstanceIds.12"


def test_each_signed_part_counts() -> None:
    params = {"Action": "A", "Nonce": "1", "SignatureMethod": "HmacSHA256"}
    params["Signature"] = tc_v1.signature("key", "POST", "127.0.0.1:8080", params)
    hosts = ["127.0.0.1:8080", "127.0.0.1"]
    assert tc_v1.signed_host("key", "POST", hosts, params) == "127.0.0.1:8080"
    assert tc_v1.signed_host("key", "POST", ["127.0.0.1"], params) is None  # the port is signed
    assert tc_v1.signed_host("key", "GET", hosts, params) is None
    assert tc_v1.signed_host("other", "POST", hosts, params) is None
    for changed in ({"Nonce": "2"}, {"Action": "B"}, {"Extra": ""}, {"SignatureMethod": "HmacSHA1"}):
        assert tc_v1.signed_host("key", "POST", hosts, params | changed) is None


def test_the_host_spellings_a_client_may_have_signed() -> None:
    assert host_spellings("127.0.0.1:8080") == ["127.0.0.1:8080", "127.0.0.1"]
    assert host_spellings("faceid.tencentcloudapi.com") == ["faceid.tencentcloudapi.com"]
    assert host_spellings("[::1]:8080") == ["[::1]:8080", "[::1]"]
    assert host_spellings(None) == [] and host_spellings(" ") == []


def test_the_captures_cover_both_packages_methods_and_algorithms() -> None:
    seen = set()
    for name in V1:
        request = http_request(ALL[name])
        params = parse_form((request["query"] or request["body"]).encode())
        package = "common" if params["RequestClient"].startswith("SDK_NODEJS_4") else "intl-en"
        seen.add((package, request["method"], params["SignatureMethod"]))
    assert seen == {
        (p, m, a) for p in ("intl-en", "common") for m in ("GET", "POST") for a in ("HmacSHA256", "HmacSHA1")
    }


@pytest.mark.parametrize("name", V1)
def test_a_captured_sdk_request_verifies_under_the_host_it_sent(name: str) -> None:
    capture = ALL[name]
    request = http_request(capture)
    host = headers_of(request)["host"]
    params = parse_form((request["query"] or request["body"]).encode())
    assert "Signature=" not in tc_v1.request_string(params)
    key = capture["secret_key"]
    assert tc_v1.signed_host(key, request["method"], host_spellings(host), params) == host
    assert v1_signer.signature(key, request["method"], host, params) == params["Signature"]
    assert tc_v1.signed_host("x" + key, request["method"], host_spellings(host), params) is None
    if ":" in host:  # endpoint mode: the SDK signed its endpoint with the port
        assert tc_v1.signed_host(key, request["method"], [host.rsplit(":", 1)[0]], params) is None


def test_captured_values_are_signed_decoded() -> None:
    """Node's querystring encodes ``'`` ``(`` ``)`` ``!`` ``*`` its own way: the signature covers the decoded text."""
    for name in ("intl_hmacsha256_post_tricky", "intl_hmacsha256_get_tricky", "common_hmacsha256_get"):
        request = http_request(ALL[name])
        assert parse_form((request["query"] or request["body"]).encode())["SdkToken"] == TRICKY


def test_a_v1_route_keeps_what_was_sent_out_of_its_repr(catalog: Catalog) -> None:
    route = next(r for r in catalog.routes("tencent") if r.action == "GetLivenessResult")
    sent = {"Action": "GetLivenessResult", "Signature": "c2VjcmV0LXNpZ25hdHVyZQ=="}
    v1 = V1Route(**{name: getattr(route, name) for name in ROUTE_FIELDS}, sent=sent)
    assert (v1.endpoint_id, v1.host, v1.action, v1.sent) == (route.endpoint_id, route.host, route.action, sent)
    assert "c2VjcmV0" not in repr(v1) and "c2VjcmV0" not in str(v1)

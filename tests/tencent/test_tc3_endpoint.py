"""TC3 from a client whose endpoint is the mock's own address: what it signed is what is verified.

Tencent's Node SDKs take the credential scope's service from the endpoint's first label (``127``
for ``127.0.0.1:8080``) and sign the Host without its port; the Python SDK signs ``faceid`` and
the Host with it. Off Tencent's host names the mock accepts the endpoint's service or the Host's
first label, and the Host with or without its port; a wrong key, another service or a body
changed after signing stay AuthFailure.SignatureFailure.
"""

from __future__ import annotations

import httpx
import pytest

from .signer import Signed, code_of


def sent_host(http: httpx.Client) -> str:
    return http.base_url.netloc.decode("ascii")  # 127.0.0.1:PORT


@pytest.mark.parametrize("with_port", [False, True])
@pytest.mark.parametrize("service", ["127", "faceid"])
def test_the_mocks_address_signed_as_node_or_python_does(http: httpx.Client, service: str, with_port: bool) -> None:
    host = sent_host(http)
    signed = host if with_port else host.rsplit(":", 1)[0]
    request = Signed(action="ApplyLivenessToken", service=service, sign_values={"host": signed}, extra={"Host": host})
    assert code_of(request.send(http)) == "SUCCESS"


@pytest.mark.parametrize(
    ("host", "service"),
    [("faceid.localhost:8080", "faceid"), ("localhost:8080", "localhost:8080"), ("localhost", "localhost")],
)
def test_other_local_names_sign_their_first_label(http: httpx.Client, host: str, service: str) -> None:
    signed = {"host": host.split(":")[0]}  # Node signs the name without the port
    request = Signed(action="ApplyLivenessToken", service=service, sign_values=signed, extra={"Host": host})
    assert code_of(request.send(http)) == "SUCCESS"


@pytest.mark.parametrize("service", ["cvm", "128", "", "localhost"])
def test_another_service_is_signature_failure(http: httpx.Client, service: str) -> None:
    request = Signed(action="ApplyLivenessToken", service=service or "x", extra={"Host": sent_host(http)})
    assert code_of(request.send(http)) == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize("host", ["faceid.tencentcloudapi.com", "faceid.intl.tencentcloudapi.com"])
def test_tencents_own_names_keep_the_apis_service(http: httpx.Client, host: str) -> None:
    assert (
        code_of(Signed(action="ApplyLivenessToken", extra={"Host": host}, sign_values={"host": host}).send(http))
        == "SUCCESS"
    )
    node_style = Signed(action="ApplyLivenessToken", service="127", extra={"Host": host}, sign_values={"host": host})
    assert code_of(node_style.send(http)) == "AuthFailure.SignatureFailure"


def test_a_host_the_client_did_not_send_is_signature_failure(http: httpx.Client) -> None:
    for signed in ("127.0.0.2", "faceid.tencentcloudapi.com", sent_host(http) + "0"):
        request = Signed(
            action="ApplyLivenessToken", service="127", sign_values={"host": signed}, extra={"Host": sent_host(http)}
        )
        assert code_of(request.send(http)) == "AuthFailure.SignatureFailure", signed


def test_a_wrong_key_or_a_body_changed_after_signing_is_signature_failure(http: httpx.Client) -> None:
    node = {"service": "127", "sign_values": {"host": "127.0.0.1"}, "extra": {"Host": sent_host(http)}}
    wrong_key = Signed(action="ApplyLivenessToken", secret_key="not-the-key", **node)  # type: ignore[arg-type]
    assert code_of(wrong_key.send(http)) == "AuthFailure.SignatureFailure"
    tampered = Signed(action="ApplyLivenessToken", params={"SecureLevel": "3"}, **node)  # type: ignore[arg-type]
    assert code_of(tampered.send(http, body=b'{"SecureLevel": "4"}')) == "AuthFailure.SignatureFailure"
    assert code_of(tampered.send(http)) == "SUCCESS"

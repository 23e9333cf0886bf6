from __future__ import annotations

from mock_server.advance.auth import expected_signature


def test_the_docs_signature_vector() -> None:
    """File 003: accessKey sampleaccesskey, secretKey samplesecretkey, timestamp 1665993522952."""
    assert (
        expected_signature("sampleaccesskey", "samplesecretkey", "1665993522952")
        == "02209bbeaf0d0a3dd587f6a1ba22f84c98d142e3b545e77db7e4906ca56349f5"
    )

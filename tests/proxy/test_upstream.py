"""Where a request goes (--upstream, --host-map) and what the proxy refuses to start with."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mock_server.proxy.upstream import BadHostMap, TencentSigner, Upstreams

from ..conftest import ROOT

HOSTS = ["api.advance.ai", "sg-api.advance.ai", "faceid.tencentcloudapi.com"]


def test_the_template_names_the_host_and_a_map_sends_one_host_elsewhere() -> None:
    upstreams = Upstreams.parse("https://{host}", ["faceid=http://127.0.0.1:9/@{host}"], HOSTS)
    assert upstreams.url("sg-api.advance.ai", "/intl/x", "a=1") == "https://sg-api.advance.ai/intl/x?a=1"
    assert upstreams.url("faceid.tencentcloudapi.com", "/", "") == "http://127.0.0.1:9/@faceid.tencentcloudapi.com/"


@pytest.mark.parametrize("entry", ["nowhere=http://x", "sg-api", "sg-api="])
def test_a_host_map_entry_for_no_documented_host_is_refused(entry: str) -> None:
    with pytest.raises(BadHostMap, match="LABEL=URL"):
        Upstreams.parse("https://{host}", [entry], HOSTS)


def test_the_signer_needs_both_variables_and_never_shows_its_key() -> None:
    assert TencentSigner.from_env({"LIVENESS_PROXY_TENCENT_SECRET_ID": "AKIDx"}) is None
    signer = TencentSigner.from_env(
        {"LIVENESS_PROXY_TENCENT_SECRET_ID": "AKIDx", "LIVENESS_PROXY_TENCENT_SECRET_KEY": "k3y-never-shown"}
    )
    assert signer is not None and "k3y-never-shown" not in repr(signer)


def test_the_cli_refuses_a_bad_host_map_with_a_clear_message() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mock_server", "proxy", "--port", "0", "--host-map", "nowhere=http://x"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "liveness-mock proxy: --host-map 'nowhere=http://x'" in done.stderr
    assert "Traceback" not in done.stderr

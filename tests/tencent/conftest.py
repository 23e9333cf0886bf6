"""Tencent's official SDK (tencentcloud-sdk-python-intl-en) as the client of the real mock server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from tencentcloud.common import credential
from tencentcloud.common.common_client import CommonClient
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.faceid.v20180301 import faceid_client, models

from mock_server.server import ThreadedServer

SECRET_ID = "AKIDmocksampleid"
SECRET_KEY = "mocksamplesecretkey"
REGION = "ap-singapore"
VERSION = "2018-03-01"


@dataclass
class Tencent:
    """Builds SDK clients pointed at the mock, the way docs/tencent.md tells users to."""

    server: ThreadedServer
    clients: list[Any] = field(default_factory=list)

    @property
    def profile(self) -> ClientProfile:
        return ClientProfile(httpProfile=HttpProfile(endpoint=self.server.url.removeprefix("http://"), protocol="http"))

    def faceid(
        self, secret_id: str = SECRET_ID, secret_key: str = SECRET_KEY, region: str = REGION
    ) -> faceid_client.FaceidClient:
        return self._keep(
            faceid_client.FaceidClient(credential.Credential(secret_id, secret_key), region, self.profile)
        )

    def common(self, version: str = VERSION, region: str = REGION) -> CommonClient:
        """Any action, version and parameters, still signed by the SDK."""
        return self._keep(
            CommonClient("faceid", version, credential.Credential(SECRET_ID, SECRET_KEY), region, self.profile)
        )

    def apply(self, client: faceid_client.FaceidClient | None = None) -> str:
        return str((client or self.faceid()).ApplyLivenessToken(models.ApplyLivenessTokenRequest()).SdkToken)

    def result(self, token: str, client: faceid_client.FaceidClient | None = None) -> models.GetLivenessResultResponse:
        request = models.GetLivenessResultRequest()
        request.SdkToken = token
        return (client or self.faceid()).GetLivenessResult(request)

    def _keep(self, client: Any) -> Any:
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.request.conn._session.close()  # the SDK never closes its requests.Session


@pytest.fixture
def tencent(server: ThreadedServer, http: httpx.Client) -> Iterator[Tencent]:
    """SDK clients of the session's server; afterwards a reset (clock, tokens, rate limits)."""
    helper = Tencent(server)
    yield helper
    helper.close()
    http.post("/__admin/reset")


def error_code(call: Any) -> str:
    """The code of the TencentCloudSDKException ``call()`` raises."""
    with pytest.raises(TencentCloudSDKException) as raised:
        call()
    return str(raised.value.get_code())

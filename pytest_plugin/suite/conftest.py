"""The suite's hypothesis profile follows the target, unless ``--hypothesis-profile`` names one;
``api_for(endpoint)`` is the client of that endpoint's protocol."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pytest_plugin import spec
from pytest_plugin.client import LivenessClient
from pytest_plugin.plugin import STATE
from pytest_plugin.profiles import load_for


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        load_for(config.stash[STATE].options.target)


@pytest.fixture
def api_for(request: pytest.FixtureRequest) -> Callable[[str], LivenessClient]:
    """``api_for("get_liveness_result")``: ``liveness_tencent_api`` for Tencent Cloud's actions,
    ``liveness_api`` for ADVANCE AI's endpoints (each skips without its own credentials)."""

    def client(endpoint_id: str) -> LivenessClient:
        tencent = spec.endpoint(endpoint_id).protocol == "tencent"
        found: LivenessClient = request.getfixturevalue("liveness_tencent_api" if tencent else "liveness_api")
        return found

    return client

"""Running pytest inside pytest (pytester) with the liveness plugin, quickly and in isolation."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings

INSTALLED = any(ep.value == "pytest_plugin.plugin" for ep in importlib.metadata.entry_points(group="pytest11"))
PLUGIN_ARGS = [] if INSTALLED else ["-p", "pytest_plugin.plugin"]
# Registered in the inner run's root conftest, so hypothesis' own plugin can load it by name.
QUICK = """
from hypothesis import HealthCheck, settings

settings.register_profile(
    "quick", max_examples=3, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""

Run = Callable[..., pytest.RunResult]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No credentials from the outer environment; the outer hypothesis profile comes back after."""
    for name in ("LIVENESS_ACCESS_KEY", "LIVENESS_SECRET_KEY", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    profile = settings.get_current_profile_name()
    yield
    settings.load_profile(profile)


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    """A mock served apart from the inner runs (as ``liveness-mock serve`` would be)."""
    from mock_server.app import create_app
    from mock_server.server import ThreadedServer
    from mock_server.settings import Settings

    settings = Settings(port=0, strict=True)
    with ThreadedServer(create_app(settings), settings) as server:
        yield server.url


@pytest.fixture
def run(pytester: pytest.Pytester) -> Run:
    """``run(*args, quick=True)``: the plugin loaded, skip reasons shown, hypothesis kept brief."""

    def run(*args: str, quick: bool = True) -> pytest.RunResult:
        profile = []
        if quick:
            pytester.makeconftest(QUICK)
            profile = ["--hypothesis-profile=quick"]
        return pytester.runpytest(*PLUGIN_ARGS, "-p", "no:cacheprovider", "-rs", *profile, *args)

    return run

"""The pytest11 entry point: options, markers, fixtures, and the run's report line.

Loaded in every pytest run of a project that installs liveness-mock, so only pytest and the
standard library are imported here; the mock, httpx and hypothesis load when a fixture needs them.
Fixtures are layered as pytest-httpserver's: one server per session (per xdist worker), handed to
each test after a reset, so tests never see each other's tokens, sessions or clock.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from .options import LivenessOptions, add_options, read_options

if TYPE_CHECKING:
    from mock_server.settings import Settings

    from .aclient import AsyncLivenessClient
    from .calls import ClientCore
    from .client import LivenessClient
    from .guard import Budget, Pacer
    from .mock import LivenessMock, ScenarioControl
    from .snapshots import SnapshotBook
    from .target import Credentials

MOCK_ONLY = "mock-only: needs the mock's admin API, and the target is a sandbox"


@dataclass
class RunState:
    """What the plugin learnt during the run, for the terminal summary."""

    options: LivenessOptions
    mock: LivenessMock | None = None
    budget: Budget | None = None
    pacer: Pacer | None = None
    case: str | None = None  # the running test, as parity snapshots name it
    snapshots: SnapshotBook | None = None

    def summary(self) -> str | None:
        """One line: the mock's time to ready, the calls made, those priced PAY, the retries."""
        parts = []
        if self.mock is not None:
            how = "started in-process" if self.mock.server else "reached"
            parts.append(f"mock {how} in {self.mock.startup_seconds:.3f} s")
        if self.budget is not None:
            used = self.budget.usage
            parts.append(f"{used.calls} API calls, {used.billable} priced PAY, {used.retries} retried")
        if self.snapshots is not None:
            parts.append(self.snapshots.summary())
        return "liveness: " + "; ".join(parts) if parts else None


STATE = pytest.StashKey[RunState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    profile = config.getoption("hypothesis_profile", None)
    if profile in ("mock", "sandbox"):
        from .profiles import register  # before hypothesis' own plugin loads the named profile

        register()
    elif profile is None and read_options(config).target == "sandbox":
        from .profiles import load_for  # a paid sandbox: small example budget for every @given test

        load_for("sandbox")
    config.addinivalue_line(
        "markers", "liveness_contract: a contract test that runs unchanged on the mock and a sandbox"
    )
    config.addinivalue_line("markers", "mock_only: needs the mock (admin API, clock, scenarios); skipped on a sandbox")
    config.stash[STATE] = RunState(read_options(config))


def pytest_report_header(config: pytest.Config) -> str:
    return config.stash[STATE].options.describe()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Name the running test for parity snapshots: its module and its id within it (stable
    wherever the suite is installed, unlike a node id relative to the rootdir)."""
    state = item.config.stash.get(STATE, None)
    if state is None:
        return (yield)
    module = getattr(getattr(item, "module", None), "__name__", None) or item.nodeid.split("::", 1)[0]
    state.case = f"{module}::{item.nodeid.split('::', 1)[-1]}"
    try:
        return (yield)
    finally:
        state.case = None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.stash[STATE].options.target == "mock":
        return
    for item in items:
        if item.get_closest_marker("mock_only"):
            item.add_marker(pytest.mark.skip(reason=MOCK_ONLY))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    line = state.summary() if state is not None else None
    if line:
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def liveness_options(pytestconfig: pytest.Config) -> LivenessOptions:
    """This run's target, addressing, credentials and limits."""
    return pytestconfig.stash[STATE].options


@pytest.fixture(scope="session")
def liveness_credentials(liveness_options: LivenessOptions) -> Credentials:
    """The account the run signs in with (the mock's default account unless told otherwise)."""
    from .target import Credentials

    if liveness_options.missing_credentials or not (liveness_options.access_key and liveness_options.secret_key):
        pytest.skip(liveness_options.missing_credentials or "no liveness credentials")
    return Credentials(liveness_options.access_key, liveness_options.secret_key)


@pytest.fixture(scope="session")
def liveness_mock_settings() -> Settings:
    """How the in-process mock is started; override in a conftest for a seed, fixtures, a clock."""
    from mock_server.settings import Settings

    return Settings(port=0, strict=True)


@pytest.fixture(scope="session")
def liveness_mock_server(pytestconfig: pytest.Config, liveness_mock_settings: Settings) -> Iterator[LivenessMock]:
    """The session's mock: started here (target mock, no URL) or a mock process at the base URL."""
    from .mock import LivenessMock

    state = pytestconfig.stash[STATE]
    if state.options.target != "mock":
        pytest.skip(MOCK_ONLY)
    if state.options.in_process:
        mock = LivenessMock.start(liveness_mock_settings)
    else:
        mock = LivenessMock.connect(state.options.base_url or next(iter(state.options.host_map.values())))
    state.mock = mock
    yield mock
    mock.stop()


@pytest.fixture
def liveness_mock(liveness_mock_server: LivenessMock) -> Iterator[LivenessMock]:
    """The mock, reset for this test; the test errors if strict mode refused an answer meanwhile."""
    liveness_mock_server.reset()
    yield liveness_mock_server
    refused = liveness_mock_server.violations()
    assert not refused, f"strict mode: the mock refused to send answers that break its schemas: {refused}"


@pytest.fixture(scope="session")
def liveness_client(request: pytest.FixtureRequest) -> Iterator[LivenessClient]:
    """One client for the session (token cache, rate, budgets); tests use ``liveness_api``."""
    from .client import LivenessClient

    client = LivenessClient(_core(request))
    yield client
    client.close()


@pytest.fixture
def liveness_api(request: pytest.FixtureRequest, liveness_options: LivenessOptions) -> LivenessClient:
    """A client of the target; on the mock, the mock is reset for this test first."""
    _reset_for_test(request, liveness_options)
    client: LivenessClient = request.getfixturevalue("liveness_client")
    if liveness_options.target == "mock":
        client.core.forget_token()  # the reset dropped it
    return client


@pytest.fixture(scope="session")
def liveness_tencent_client(request: pytest.FixtureRequest) -> Iterator[LivenessClient]:
    """One client for Tencent Cloud's actions (TC3-signed; same rate and budgets as the others)."""
    from .client import LivenessClient

    client = LivenessClient(_core(request, need=lambda o: o.missing_tencent_credentials))
    yield client
    client.close()


@pytest.fixture
def liveness_tencent_api(request: pytest.FixtureRequest, liveness_options: LivenessOptions) -> LivenessClient:
    """A client of the target's Tencent Cloud actions (``.call("get_liveness_result", {...})``),
    signing with TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY; on the mock, reset for this test."""
    _skip_if(liveness_options.missing_tencent_credentials)
    if liveness_options.target == "mock":
        request.getfixturevalue("liveness_mock")
    client: LivenessClient = request.getfixturevalue("liveness_tencent_client")
    return client


@pytest.fixture
def liveness_async_api(
    request: pytest.FixtureRequest, liveness_options: LivenessOptions
) -> Iterator[AsyncLivenessClient]:
    """``liveness_api`` on httpx.AsyncClient (same target, rate and budgets; its own token cache)."""
    from .aclient import AsyncLivenessClient

    _reset_for_test(request, liveness_options)
    client = AsyncLivenessClient(_core(request))
    yield client
    client.close_in_thread()


@pytest.fixture
def liveness_scenario(liveness_mock: LivenessMock) -> Iterator[ScenarioControl]:
    """``liveness_scenario("get_result.SERVICE_BUSY")`` activates a scenario for this test (mock only)."""
    from .mock import ScenarioControl

    control = ScenarioControl(liveness_mock)
    yield control
    control.clear()


def _skip_without_credentials(options: LivenessOptions) -> None:
    _skip_if(options.missing_credentials)


def _skip_if(reason: str | None) -> None:
    if reason:
        pytest.skip(reason)


def _reset_for_test(request: pytest.FixtureRequest, options: LivenessOptions) -> None:
    _skip_without_credentials(options)
    if options.target == "mock":
        request.getfixturevalue("liveness_mock")


def _core(
    request: pytest.FixtureRequest, need: Callable[[LivenessOptions], str | None] = lambda o: o.missing_credentials
) -> ClientCore:
    """A ClientCore for the target; rate and budgets are shared by every client of the run.
    ``need`` says why the credentials it needs are missing (ADVANCE AI's, by default)."""
    from .calls import ClientCore
    from .guard import Budget, Pacer

    state = request.config.stash[STATE]
    options = state.options
    _skip_if(need(options))
    state.budget = state.budget or Budget(options.max_calls, options.max_billable)
    state.pacer = state.pacer or Pacer(options.rate)
    mock_url = request.getfixturevalue("liveness_mock_server").url if options.in_process else None
    core = ClientCore.for_options(options, state.budget, state.pacer, mock_url)
    core.observer = _snapshot_book(request.config, state)
    return core


def _snapshot_book(config: pytest.Config, state: RunState) -> Callable[..., None] | None:
    """The run's parity snapshots: written with --liveness-snapshot-update (any target), else
    checked on the mock when the folder exists; None when neither applies."""
    options = state.options
    folder = config.rootpath / options.snapshot_dir
    if state.snapshots is None:
        if not options.snapshot_update and (options.target != "mock" or not folder.is_dir()):
            return None
        from .snapshots import SnapshotBook

        state.snapshots = SnapshotBook(folder, options.snapshot_update, options.target, lambda: state.case)
    return state.snapshots.observe

"""``LivenessMock``: the ``liveness_mock`` fixture, one mock server and its admin API.

Either started in-process (``mock_server.LivenessMock``: a real uvicorn server in a thread on a
free port) or a mock process already running at a URL. Everything a test drives goes over HTTP
to ``/__admin``, so both behave the same; only resetting and strict-mode bookkeeping take the in-process shortcut.
"""

from __future__ import annotations

import os
import time
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mock_server.app import MockParts
from mock_server.embedded import LivenessMock as EmbeddedMock
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

if TYPE_CHECKING:
    import httpx

SCENARIO_HEADER = "X-Mock-Scenario"
ADMIN_TOKEN_ENV = "LIVENESS_MOCK_ADMIN_TOKEN"  # what ``liveness-mock serve`` reads too


class MockAdminError(AssertionError):
    """An admin call was refused (the message carries the mock's own explanation)."""


class LivenessMock:
    def __init__(
        self,
        url: str,
        server: ThreadedServer | None = None,
        parts: MockParts | None = None,
        admin_token: str | None = None,
    ) -> None:
        self.url = url
        self.server = server
        self.parts = parts
        self.embedded: EmbeddedMock | None = None
        self.create_seconds = 0.0
        self.startup_seconds = 0.0
        self._admin_token = admin_token

    @cached_property
    def admin(self) -> httpx.Client:
        """The admin API's client, made on first use: an in-process mock is ready (and reset)
        without it, so a test that never calls the admin API never imports httpx for it."""
        import httpx

        headers = {"X-Admin-Token": self._admin_token} if self._admin_token else {}
        return httpx.Client(base_url=f"{self.url}/__admin", timeout=10, headers=headers)

    @classmethod
    def start(cls, settings: Settings | None = None) -> LivenessMock:
        """Build the app and serve it; ``startup_seconds`` is the time until it answers requests."""
        settings = settings or Settings(port=0, strict=True)
        embedded = EmbeddedMock(settings=settings).start()
        mock = cls(embedded.url, embedded.server, embedded.parts, settings.admin_token)
        mock.embedded = embedded
        mock.create_seconds = embedded.create_seconds
        mock.startup_seconds = embedded.startup_seconds
        return mock

    @classmethod
    def connect(cls, url: str) -> LivenessMock:
        """A mock process at ``url`` (its ``--admin-token`` from $LIVENESS_MOCK_ADMIN_TOKEN); fails
        early if nothing there speaks the admin API."""
        began = time.perf_counter()
        mock = cls(url.rstrip("/"), admin_token=os.environ.get(ADMIN_TOKEN_ENV))
        mock.clock()
        mock.startup_seconds = time.perf_counter() - began
        return mock

    def reset(self) -> None:
        """Back to a fresh start: no tokens, sessions, records, scenarios; the clock on wall time."""
        if self.parts is not None:
            self.parts.reset()
            self.parts.gateway.violations.clear()
        else:
            self._admin("POST", "/reset")

    def violations(self) -> list[str]:
        """Answers strict mode refused to send since the last reset (in-process only)."""
        return list(self.parts.gateway.violations) if self.parts is not None else []

    def complete(self, signature_id: str, outcome: str = "pass") -> dict[str, Any]:
        """Finish a session as the person in front of the camera would (see fixtures/outcomes.yaml)."""
        return dict(self._admin("POST", f"/sessions/{signature_id}/complete", {"outcome": outcome}))

    def session(self, signature_id: str) -> dict[str, Any]:
        return dict(self._admin("GET", f"/sessions/{signature_id}"))

    def sessions(self) -> list[dict[str, Any]]:
        return list(self._admin("GET", "/sessions")["sessions"])

    def liveness_record(self, outcome: str = "pass", video: bool = True, account: str | None = None) -> str:
        """A native-SDK liveness check; its livenessId, for Liveness Detection and Get Video."""
        body: dict[str, Any] = {"outcome": outcome, "video": video, **({"account": account} if account else {})}
        return str(self._admin("POST", "/liveness", body)["livenessId"])

    def clock(self) -> dict[str, int]:
        return dict(self._admin("GET", "/clock"))

    def advance_clock(self, ms: int) -> int:
        """Move the mock clock forward (tokens, pages and links expire); the new now in ms."""
        return int(self._admin("POST", "/clock", {"advanceMs": ms})["nowMs"])

    def activate_scenario(self, name: str) -> None:
        self._admin("POST", f"/scenarios/{name}")

    def deactivate_scenario(self, name: str | None = None) -> None:
        self._admin("DELETE", f"/scenarios/{name}" if name else "/scenarios")

    def stop(self) -> None:
        if "admin" in self.__dict__:  # made
            self.admin.close()
        if self.embedded is not None:
            self.embedded.stop()
        elif self.server is not None:
            self.server.stop()

    def _admin(self, method: str, path: str, body: Any = None) -> Any:
        import httpx

        try:
            response = self.admin.request(method, path, json=body)
        except httpx.HTTPError as exc:
            raise MockAdminError(
                f"{method} {self.url}/__admin{path}: {exc!r}; is a liveness-mock running there?"
            ) from None
        if response.status_code >= 400:
            raise MockAdminError(f"{method} /__admin{path} answered HTTP {response.status_code}: {response.text}")
        return response.json()

    def __repr__(self) -> str:
        return f"LivenessMock({self.url!r}, {'in-process' if self.server else 'external'})"


class ScenarioControl:
    """The ``liveness_scenario`` fixture: activate scenarios for one test (all cleared after it)."""

    def __init__(self, mock: LivenessMock) -> None:
        self.mock = mock
        self.active: list[str] = []

    def __call__(self, name: str) -> None:
        """Activate scenario ``name`` (e.g. ``get_result.SERVICE_BUSY``) until the test ends."""
        try:
            self.mock.activate_scenario(name)
        except MockAdminError as exc:
            raise MockAdminError(f"cannot activate scenario {name!r}: {exc}") from None
        self.active.append(name)

    @staticmethod
    def header(name: str) -> dict[str, str]:
        """The header that applies scenario ``name`` to one request only."""
        return {SCENARIO_HEADER: name}

    def clear(self) -> None:
        if self.active:
            self.mock.deactivate_scenario()
            self.active.clear()

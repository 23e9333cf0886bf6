"""``LivenessMock``: the mock served from inside a Python program, for tests that are not pytest's
or that want a mock of their own (as moto's ``ThreadedMotoServer`` or pytest-httpserver).

A real uvicorn server in a daemon thread on 127.0.0.1, port 0 (no port clash), with the same
app ``liveness-mock serve`` runs, so clients talk HTTP to it exactly as to the process::

    with LivenessMock(seed=7, scenarios=["get_result.SERVICE_BUSY"]) as mock:
        requests.post(mock.url_for("sg-api") + "/intl/openapi/...", ...)
        mock.clock.advance(3_600_000)
        assert mock.requests(endpoint="get_result")[-1].code == "SERVICE_BUSY"

Control goes through the objects of the app itself (the same ones the ``/__admin`` routes
drive); nothing here is on the request path.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .app import MockParts, create_app
from .journal.admin import entry_filter
from .journal.record import Entry
from .server import ThreadedServer
from .settings import Settings


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the journal kept it; secrets in headers and bodies masked (``***``)."""

    id: int
    time_ms: int
    method: str
    host: str | None
    path: str
    query: str
    endpoint: str | None
    code: str | None
    status: int | None
    ms: float
    headers: dict[str, str]
    request_body: Any
    response_body: Any
    scenario: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> RecordedRequest:
        notes = entry.notes
        return cls(
            entry.id, entry.time_ms, entry.method, notes.get("host"), entry.path, entry.query,
            notes.get("endpoint"), notes.get("code"), entry.status, round(entry.latency_ms, 3),
            dict(entry.headers), entry.body, entry.response_body, notes.get("scenario"),
        )  # fmt: skip


class Clock:
    """The mock clock (every expiry reads it): ``advance`` it, ``set`` it, or back to wall time."""

    def __init__(self, parts: MockParts) -> None:
        self._clock = parts.clock

    def now_ms(self) -> int:
        return self._clock.now_ms()

    def advance(self, ms: int) -> int:
        """Move forward ``ms`` milliseconds (tokens, pages and links expire); the new now."""
        self._clock.advance(ms)
        return self._clock.now_ms()

    def set(self, now_ms: int) -> int:
        self._clock.set(now_ms)
        return self._clock.now_ms()

    def reset(self) -> None:
        """Back to the wall clock (as ``DELETE /__admin/clock``), whatever the mock started at."""
        self._clock.follow_wall()


class Scenarios:
    """Scenarios by name (``fixtures/scenarios/``, or the built-in ``<endpoint>.<CODE>``)."""

    def __init__(self, parts: MockParts) -> None:
        assert parts.scenarios is not None
        self._book = parts.scenarios

    def activate(self, name: str) -> None:
        """(Re)start ``name``; an unknown name raises LookupError naming the closest one."""
        self._book.activate(name, via="python")

    def deactivate(self, name: str | None = None) -> None:
        """Stop ``name``, or every active scenario."""
        if name is None:
            self._book.deactivate_all()
        else:
            self._book.deactivate(name)

    @property
    def active(self) -> list[str]:
        return sorted(self._book.active)

    @property
    def names(self) -> list[str]:
        return sorted(self._book.defined)


class LivenessMock:
    """A mock served in this process. Use as a context manager, or ``start()`` / ``stop()``.

    Keywords are ``liveness-mock serve``'s options (``seed``, ``scenarios``, ``fixtures``,
    ``strict``, ``clock_ms``, ``host_ports=(("sg-api", 0),)``...); ``settings`` gives them all at once.
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        scenarios: Iterable[str] = (),
        fixtures: Iterable[str | Path] = (),
        strict: bool = True,
        settings: Settings | None = None,
        **options: Any,
    ) -> None:
        base = settings or Settings(host="127.0.0.1", port=0)
        self.settings = dataclasses.replace(
            base,
            seed=seed if seed is not None else base.seed,
            scenarios=tuple(scenarios) or base.scenarios,
            fixtures=tuple(Path(f) for f in fixtures) or base.fixtures,
            strict=strict if settings is None else base.strict,
            **options,
        )
        self.url = ""
        self.startup_seconds = self.create_seconds = 0.0
        self._server: ThreadedServer | None = None
        self._parts: MockParts | None = None

    def start(self) -> LivenessMock:
        """Build the app and serve it; returns once it answers (``startup_seconds`` says how soon)."""
        began = time.perf_counter()
        app = create_app(self.settings)
        self.create_seconds = time.perf_counter() - began
        self._server = ThreadedServer(app, self.settings).start()
        for label, url in self._server.host_urls.items():
            app.pin_port(label, int(url.rsplit(":", 1)[1]))  # host_ports: a port of its own per host
        self._parts = app.state.mock
        self.url = self._server.url
        self.startup_seconds = time.perf_counter() - began
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self.parts.store.close()
        self._server = None

    def __enter__(self) -> LivenessMock:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def parts(self) -> MockParts:
        """The app's parts (its store, journal, scenario book...), for what this API does not cover."""
        if self._parts is None:
            raise RuntimeError("the mock is not started: use `with LivenessMock() as mock:` or mock.start()")
        return self._parts

    @property
    def server(self) -> ThreadedServer | None:
        return self._server

    @property
    def clock(self) -> Clock:
        return Clock(self.parts)

    @property
    def scenarios(self) -> Scenarios:
        return Scenarios(self.parts)

    def url_for(self, host: str) -> str:
        """The base URL that reaches regional ``host`` (``sg-api`` or ``sg-api.advance.ai``) without a
        Host header: ``<url>/@sg-api``."""
        hosts = self.parts.gateway.hosts
        named = hosts.named(host) or hosts.pin(0, host)  # an unknown name: LookupError, naming the closest
        for label, url in self.server.host_urls.items() if self.server else ():
            if hosts.named(label) == named:
                return url  # host_ports gave it a port of its own
        return f"{self.url}/@{host}"

    def complete(self, signature_id: str, outcome: str = "pass") -> dict[str, Any]:
        """Finish an H5 session as the person in front of the camera would (fixtures/outcomes.yaml)."""
        import httpx

        answer = httpx.post(
            f"{self.url}/__admin/sessions/{signature_id}/complete",
            json={"outcome": outcome},
            headers={"X-Admin-Token": self.settings.admin_token} if self.settings.admin_token else {},
            timeout=10,
        )
        if answer.status_code >= 400:
            raise LookupError(f"cannot complete {signature_id}: {answer.json().get('error', answer.text)}")
        result: dict[str, Any] = answer.json()
        return result

    def requests(self, limit: int | None = None, **filters: str | int) -> list[RecordedRequest]:
        """Journaled requests, oldest first, that match every filter: ``endpoint``, ``host``, ``code``,
        ``method``, ``path``, ``status``, ``scenario``... as ``GET /__admin/requests`` takes them
        (``param.signatureId="..."`` too, passed as ``**{"param.signatureId": "..."}``)."""
        journal = self.parts.journal
        assert journal is not None
        if hasattr(journal, "flush"):
            journal.flush()  # a shared state batches its journal writes
        keep = entry_filter({key: str(value) for key, value in filters.items()})
        return [RecordedRequest.of(entry) for entry in reversed(journal.select(keep, limit))]

    def reset(self) -> None:
        """Back to a fresh start: no tokens, sessions, records, journal; start-up scenarios; the
        clock on wall time."""
        self.parts.reset()
        self.parts.gateway.violations.clear()

    def violations(self) -> list[str]:
        """Answers strict mode refused to send (HTTP 500 instead) since the last reset."""
        return list(self.parts.gateway.violations)

    def __repr__(self) -> str:
        return f"LivenessMock({self.url or 'not started'!r})"

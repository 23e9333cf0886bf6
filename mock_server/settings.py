"""Everything a mock instance is started with; one frozen object, no globals."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path


def is_loopback_host(host: str) -> bool:
    """An address on this machine only: ``localhost`` or a loopback IP (not "127.example.com")."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Settings:
    """Options of ``liveness-mock serve`` (and of the pytest plugin's in-process server).

    host/port: where to listen (loopback unless told otherwise). seed: replays ids and random
    draws. fixtures: extra fixture folders, read after the shipped one. strict: answer 500
    instead of sending a response that breaks its schema. clock_ms: start the mock clock there
    (it then ticks with the wall clock). public_url: the base URL clients reach the mock at, for
    the links it hands out (default: the address of the socket each request came in on).
    callback_hosts: hosts besides loopback that IDVS callbacks may be sent to.
    header_timeout_s/body_timeout_s: a connection that has not sent a complete request head (or
    then its body) in that many seconds is closed (slowloris); keep_alive_s: an idle keep-alive
    connection is closed after that many seconds. state: where the state lives (``memory``,
    ``sqlite:///path``, ``redis://host:port/db``); workers: processes
    serving the port (more than one needs a shared state); retention_ms: how long finished
    sessions, SDK records and expired SdkTokens are kept.
    """

    host: str = "127.0.0.1"
    port: int = 8080
    seed: int | None = None
    fixtures: tuple[Path, ...] = field(default_factory=tuple)
    strict: bool = False
    clock_ms: int | None = None
    public_url: str | None = None
    callback_hosts: tuple[str, ...] = ()
    max_body_bytes: int = 1 << 20
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    keep_alive_s: float = 5.0
    # Scenarios, journal, admin safety (issue 4): scenarios active from the start (--scenario),
    # whether X-Mock-Scenario is honoured, the journal's length, the token every /__admin call
    # needs (required off loopback; never printed: repr=False).
    scenarios: tuple[str, ...] = ()
    scenario_header: bool = True
    journal_size: int = 1000
    admin_token: str | None = field(default=None, repr=False)
    # The key of the media links' HMAC (never printed): processes with the same secret (or the
    # same seed) accept each other's links; without either, a random key per instance.
    link_secret: str | None = field(default=None, repr=False)
    # Shared state (issue 12)
    state: str = field(default="memory", repr=False)  # a Redis URL may carry a password
    workers: int = 1
    retention_ms: int = 7 * 24 * 3600 * 1000
    # Operations (issue 13): a log line per request; extra ports, each serving one regional host
    # whatever the Host header says ((label or host, port); port 0: any free one).
    access_log: bool = False
    host_ports: tuple[tuple[str, int], ...] = ()

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

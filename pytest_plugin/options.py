"""The plugin's options: command line, ini file and environment, read into one frozen object.

Every option exists on the command line and in the ini file (the command line wins), as
pytest-xdist does. Credentials (ADVANCE AI's access key pair, Tencent Cloud's SecretId/SecretKey)
are read from the environment first (where CI keeps secrets), then from the ini file, never from
the command line (which ``ps`` shows to everyone). Imports only
pytest and the standard library: pytest loads this module in every run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlsplit

import pytest

TARGETS = ("mock", "sandbox")
DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY = "sampleaccesskey", "samplesecretkey"  # the mock's default account
T = TypeVar("T", int, float)
ENV_ACCESS_KEY, ENV_SECRET_KEY = "LIVENESS_ACCESS_KEY", "LIVENESS_SECRET_KEY"
# Tencent Cloud's own variable names (its SDKs and CLI read them); the mock's default pair otherwise.
ENV_TENCENT_ID, ENV_TENCENT_KEY = "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"
DEFAULT_TENCENT_ID, DEFAULT_TENCENT_KEY = "AKIDmocksampleid", "mocksamplesecretkey"
# A real sandbox is paid and rate limited: without limits given, stay well inside them.
SANDBOX_DEFAULTS = {"max_calls": 500.0, "max_billable": 10.0, "rate": 5.0}
DEFAULT_SNAPSHOT_DIR = "tests/snapshots"

_HELP = {  # name: (metavar, help)
    "target": ("mock|sandbox", "Where the liveness API is: the in-process mock (default) or a sandbox"),
    "base_url": ("URL", "Reach every regional host at this URL, with the Host header set (a mock process)"),
    "host_map": ("HOST=URL,...", "Regional hosts at their own base URLs (a real sandbox)"),
    "max_calls": ("N", "Stop calling the API after N requests (sandbox default 500)"),
    "max_billable": ("N", "Stop calling endpoints that may charge after N answers priced PAY (sandbox default 10)"),
    "rate": ("N", "At most N requests per second, 0 for no limit (sandbox default 5; the mock: no limit)"),
    "snapshot_dir": ("DIR", f"Parity snapshots' folder, relative to the rootdir (default {DEFAULT_SNAPSHOT_DIR})"),
}
UPDATE_HELP = (
    "Write a parity snapshot of every answer the tests get (run against the sandbox); without it, on the"
    " mock, answers must match the snapshots in --liveness-snapshot-dir"
)


@dataclass(frozen=True)
class LivenessOptions:
    """What a run targets and how carefully it may call it."""

    target: str = "mock"
    base_url: str | None = None
    host_map: Mapping[str, str] = field(default_factory=dict)
    access_key: str | None = None
    secret_key: str | None = field(default=None, repr=False)  # pytest prints fixture values on failure
    tencent_secret_id: str | None = None
    tencent_secret_key: str | None = field(default=None, repr=False)
    max_calls: int | None = None
    max_billable: int | None = None
    rate: float | None = None
    snapshot_dir: str = DEFAULT_SNAPSHOT_DIR
    snapshot_update: bool = False

    @property
    def in_process(self) -> bool:
        """The plugin starts the mock itself (no URL was given for it)."""
        return self.target == "mock" and self.base_url is None and not self.host_map

    @property
    def missing_credentials(self) -> str | None:
        """Why a sandbox run cannot authenticate, in one line; None when it can."""
        if self.target != "sandbox" or (self.access_key and self.secret_key):
            return None
        return (
            f"liveness sandbox: set {ENV_ACCESS_KEY} and {ENV_SECRET_KEY} "
            "(or liveness_access_key / liveness_secret_key in the ini file)"
        )

    @property
    def missing_tencent_credentials(self) -> str | None:
        """Why the Tencent Cloud actions cannot be signed, in one line; None when they can."""
        if self.tencent_secret_id and self.tencent_secret_key:
            return None
        return (
            f"liveness {self.target}: Tencent Cloud: set {ENV_TENCENT_ID} and {ENV_TENCENT_KEY} "
            "(or liveness_tencent_secret_id / liveness_tencent_secret_key in the ini file)"
        )

    def describe(self) -> str:
        where = "in-process" if self.in_process else (self.base_url or "each host at https://<host>")
        if self.host_map:
            where += f", {len(self.host_map)} host(s) mapped"
        return f"liveness: target={self.target} ({where})"


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("liveness", "liveness-mock contract kit")
    for name, (metavar, help_text) in _HELP.items():
        flag = "--liveness-" + name.replace("_", "-")
        group.addoption(flag, dest=f"liveness_{name}", default=None, metavar=metavar, help=help_text)
        parser.addini(f"liveness_{name}", help_text, default="")
    group.addoption(
        "--liveness-snapshot-update", dest="liveness_snapshot_update", action="store_true", help=UPDATE_HELP
    )
    parser.addini("liveness_access_key", f"Access key of the sandbox account (env {ENV_ACCESS_KEY} wins)", default="")
    parser.addini("liveness_secret_key", f"Secret key of the sandbox account (env {ENV_SECRET_KEY} wins)", default="")
    parser.addini(
        "liveness_tencent_secret_id",
        f"Tencent Cloud SecretId of the sandbox account (env {ENV_TENCENT_ID} wins)",
        default="",
    )
    parser.addini(
        "liveness_tencent_secret_key",
        f"Tencent Cloud SecretKey of the sandbox account (env {ENV_TENCENT_KEY} wins)",
        default="",
    )


def read_options(config: pytest.Config) -> LivenessOptions:
    """The options of this run, checked: a mistake is a usage error before any test runs."""
    target = _text(config, "target") or "mock"
    if target not in TARGETS:
        raise pytest.UsageError(f"--liveness-target must be one of {', '.join(TARGETS)}, not {target!r}")
    sandbox = target == "sandbox"
    key, secret = (
        _credential(config, ENV_ACCESS_KEY, "liveness_access_key"),
        _credential(config, ENV_SECRET_KEY, "liveness_secret_key"),
    )
    if not sandbox and not (key or secret):
        key, secret = DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY
    tencent_id, tencent_key = _tencent_credentials(config, sandbox)
    base_url = _text(config, "base_url")
    max_calls, max_billable = _number(config, "max_calls", int), _number(config, "max_billable", int)
    rate = _number(config, "rate", float)
    return LivenessOptions(
        target=target,
        base_url=_url(base_url, "--liveness-base-url") if base_url else None,
        host_map=parse_host_map(_text(config, "host_map")),
        access_key=key,
        secret_key=secret,
        tencent_secret_id=tencent_id,
        tencent_secret_key=tencent_key,
        max_calls=int(SANDBOX_DEFAULTS["max_calls"]) if max_calls is None and sandbox else max_calls,
        max_billable=int(SANDBOX_DEFAULTS["max_billable"]) if max_billable is None and sandbox else max_billable,
        rate=SANDBOX_DEFAULTS["rate"] if rate is None and sandbox else rate,
        snapshot_dir=_text(config, "snapshot_dir") or DEFAULT_SNAPSHOT_DIR,
        snapshot_update=bool(config.getoption("liveness_snapshot_update")),
    )


def parse_host_map(text: str) -> dict[str, str]:
    """``api.advance.ai=https://a.example, sg-api.advance.ai=https://b.example`` (commas or lines)."""
    pairs = [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]
    mapping = {}
    for pair in pairs:
        host, sep, url = pair.partition("=")
        if not sep or not host.strip():
            raise pytest.UsageError(f"--liveness-host-map: {pair!r} is not HOST=URL")
        mapping[host.strip().lower()] = _url(url.strip(), f"--liveness-host-map {host.strip()}")
    return mapping


def _text(config: pytest.Config, name: str) -> str:
    """The command line value, else the ini value, else empty."""
    given = config.getoption(f"liveness_{name}")
    return str(given if given is not None else config.getini(f"liveness_{name}") or "").strip()


def _number(config: pytest.Config, name: str, kind: type[T]) -> T | None:
    text = _text(config, name)
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise pytest.UsageError(f"--liveness-{name.replace('_', '-')}: {text!r} is not a {kind.__name__}") from None


def _tencent_credentials(config: pytest.Config, sandbox: bool) -> tuple[str | None, str | None]:
    """A sandbox: the environment, else the ini file. The mock: the ini file, else the mock's own
    pair; never TENCENTCLOUD_*, Tencent's global variables, which may hold a real key."""
    if sandbox:
        return (
            _credential(config, ENV_TENCENT_ID, "liveness_tencent_secret_id"),
            _credential(config, ENV_TENCENT_KEY, "liveness_tencent_secret_key"),
        )
    secret_id = _credential(config, None, "liveness_tencent_secret_id")
    secret_key = _credential(config, None, "liveness_tencent_secret_key")
    return (secret_id, secret_key) if secret_id or secret_key else (DEFAULT_TENCENT_ID, DEFAULT_TENCENT_KEY)


def _credential(config: pytest.Config, env: str | None, ini: str) -> str | None:
    return (os.environ.get(env) if env else None) or str(config.getini(ini) or "").strip() or None


def _url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise pytest.UsageError(f"{what}: {url!r} is not an http(s) URL")
    return url.rstrip("/")

"""Vendor accounts from ``fixtures/accounts.yaml`` (and ``--fixtures`` folders), looked up by key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .contract.fixtures import FixtureError, fixture_files, load_checked, schema_file


@dataclass(frozen=True)
class Account:
    """One account's credentials and traits. What it consumes (balance, quota) lives in the store."""

    name: str
    access_key: str
    secret_key: str
    description: str = ""
    status: str = "active"
    countries: frozenset[str] | None = None
    hosts: frozenset[str] | None = None
    balance: int | None = None
    free_quota: int | None = None
    video_recording: bool = True
    audit_image: bool = False
    rate_per_second: float | None = None
    rate_burst: int | None = None
    tencent_secret_id: str | None = None
    tencent_secret_key: str | None = None
    progression: Mapping[str, Any] | None = None

    def __repr__(self) -> str:  # never print secrets
        return f"Account({self.name!r})"


class Accounts:
    def __init__(self, accounts: Iterable[Account]) -> None:
        self._by_name = {a.name: a for a in accounts}
        self._by_access_key = {a.access_key: a for a in self._by_name.values()}
        self._by_secret_id = {a.tencent_secret_id: a for a in self._by_name.values() if a.tencent_secret_id}

    def by_access_key(self, access_key: str) -> Account | None:
        return self._by_access_key.get(access_key)

    def by_tencent_secret_id(self, secret_id: str) -> Account | None:
        return self._by_secret_id.get(secret_id)

    def by_name(self, name: str) -> Account | None:
        return self._by_name.get(name)

    def __iter__(self) -> Iterator[Account]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)


def load_accounts(fixture_folders: Iterable[Path], schemas: Path) -> Accounts:
    """Every folder's accounts file, later folders replacing same-named accounts."""
    schema = schema_file(schemas, "accounts.schema.json")
    merged: dict[str, Account] = {}
    for path in fixture_files(fixture_folders, "accounts"):
        for entry in load_checked(path, schema)["accounts"]:
            merged[entry["name"]] = _account(entry)
    keys = [a.access_key for a in merged.values()]
    if len(keys) != len(set(keys)):
        raise FixtureError(
            f"two accounts share an accessKey in {', '.join(map(str, fixture_files(fixture_folders, 'accounts')))}"
        )
    return Accounts(merged.values())


def _account(entry: Mapping[str, Any]) -> Account:
    rate = entry.get("rateLimit") or {}
    tencent = entry.get("tencent") or {}
    return Account(
        name=entry["name"],
        access_key=entry["accessKey"],
        secret_key=entry["secretKey"],
        description=entry.get("description", ""),
        status=entry.get("status", "active"),
        countries=frozenset(entry["countries"]) if "countries" in entry else None,
        hosts=frozenset(entry["hosts"]) if "hosts" in entry else None,
        balance=entry.get("balance"),
        free_quota=entry.get("freeQuota"),
        video_recording=entry.get("videoRecording", True),
        audit_image=entry.get("auditImage", False),
        rate_per_second=rate.get("perSecond"),
        rate_burst=rate.get("burst"),
        tencent_secret_id=tencent.get("secretId"),
        tencent_secret_key=tencent.get("secretKey"),
        progression=entry.get("progression"),
    )

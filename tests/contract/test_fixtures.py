"""Fixture files fail loudly, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_server.accounts import load_accounts
from mock_server.contract.fixtures import FixtureError, line_of
from mock_server.contract.resources import fixtures_dir, schemas_dir


def test_the_shipped_accounts_load_with_their_traits() -> None:
    accounts = load_accounts([fixtures_dir()], schemas_dir())
    default = accounts.by_access_key("sampleaccesskey")
    assert default is not None and default.secret_key == "samplesecretkey" and default.video_recording
    assert accounts.by_tencent_secret_id("AKIDmocksampleid") is default
    assert {a.name for a in accounts} >= {
        "default",
        "disabled",
        "expired",
        "indonesia-only",
        "no-balance",
        "quota-used",
        "no-video",
    }
    assert "samplesecretkey" not in repr(default)


def test_an_extra_folder_adds_and_replaces_accounts(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n  - {name: default, accessKey: sampleaccesskey, secretKey: rotated}\n"
        "  - {name: ci, accessKey: ciaccesskey, secretKey: cisecret}\n"
    )
    accounts = load_accounts([fixtures_dir(), tmp_path], schemas_dir())
    assert accounts.by_name("default").secret_key == "rotated"  # type: ignore[union-attr]
    assert accounts.by_access_key("ciaccesskey") is not None
    assert accounts.by_name("no-video") is not None


def test_a_bad_account_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text(
        "accounts:\n  - name: ok\n    accessKey: a\n    secretKey: b\n  - name: bad\n    accessKey: c\n    secretKey: d\n    balance: -1\n"
    )
    with pytest.raises(FixtureError, match=r"accounts.yaml:8: accounts/1/balance: -1 is less than the minimum of 0"):
        load_accounts([tmp_path], schemas_dir())


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text("accounts:\n  - name: [unclosed\n")
    with pytest.raises(FixtureError, match=r"accounts.yaml:3: not valid YAML"):
        load_accounts([tmp_path], schemas_dir())


def test_two_accounts_with_one_access_key_are_refused(tmp_path: Path) -> None:
    (tmp_path / "accounts.yaml").write_text("accounts:\n  - {name: twin, accessKey: sampleaccesskey, secretKey: x}\n")
    with pytest.raises(FixtureError, match="two accounts share an accessKey"):
        load_accounts([fixtures_dir(), tmp_path], schemas_dir())


def test_line_of_falls_back_to_the_nearest_parent() -> None:
    assert line_of("a:\n  b:\n    c: 1\n", ["a", "b", "missing"]) == 2

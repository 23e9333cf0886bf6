"""The parse cache: a warm start reads what a cold one checked, and never trusts a changed file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mock_server.contract import filecache
from mock_server.contract.filecache import ParseCache
from mock_server.contract.fixtures import FixtureError, cache_key, load_checked

SCHEMA = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 0}}}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ParseCache:
    fresh = ParseCache(tmp_path / "cache" / filecache.FILE_NAME)
    monkeypatch.setattr("mock_server.contract.fixtures.CACHE", fresh)
    return fresh


def test_a_checked_file_is_read_from_the_cache_the_next_time(tmp_path: Path, cache: ParseCache) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("n: 1\n")
    assert load_checked(path, SCHEMA) == {"n": 1}
    cache.save()
    warm = ParseCache(cache.path)
    assert warm.get(cache_key(path, path.read_bytes(), SCHEMA)) == {"n": 1}


def test_what_the_cache_hands_out_is_a_copy(tmp_path: Path, cache: ParseCache) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("n: 1\n")
    load_checked(path, SCHEMA)["n"] = 99
    assert load_checked(path, SCHEMA) == {"n": 1}


def test_an_edited_file_is_checked_again(tmp_path: Path, cache: ParseCache) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("n: 1\n")
    load_checked(path, SCHEMA)
    path.write_text("n: -1\n")
    with pytest.raises(FixtureError, match=r"f.yaml:1: n: -1 is less than the minimum of 0"):
        load_checked(path, SCHEMA)


def test_another_schema_is_another_entry(tmp_path: Path, cache: ParseCache) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("n: 1\n")
    load_checked(path, SCHEMA)
    stricter = {**SCHEMA, "properties": {"n": {"type": "integer", "minimum": 5}}}
    with pytest.raises(FixtureError, match="less than the minimum of 5"):
        load_checked(path, stricter)


def test_a_broken_or_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_bytes(b"\x00not marshal")
    assert ParseCache(broken).entries == {}
    blocked = ParseCache(tmp_path / "a-file" / "cache")  # its folder is a file: cannot be created
    (tmp_path / "a-file").write_text("")
    blocked.put("k", {"x": 1})
    blocked.save()  # no exception
    assert blocked.get("k") == {"x": 1}


def test_a_value_marshal_cannot_write_is_not_cached(cache: ParseCache) -> None:
    cache.put("k", {"when": object()})
    assert cache.get("k") is None


def test_the_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIVENESS_MOCK_CACHE_DIR", "off")
    assert ParseCache.from_environment().path is None


def test_a_warm_start_imports_neither_yaml_nor_jsonschema(tmp_path: Path) -> None:
    code = (
        "import sys; from mock_server.app import create_app; create_app();"
        "print(sorted(m for m in ('yaml', 'jsonschema', 'faker', 'httpx') if m in sys.modules))"
    )
    env = {"LIVENESS_MOCK_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert cold.stdout.strip() == "['jsonschema', 'yaml']"  # the first start parses and checks
    assert warm.stdout.strip() == "[]"

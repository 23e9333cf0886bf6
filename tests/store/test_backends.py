"""The Store contract, the same for every backend: memory, SQLite (a file in tmp_path) and Redis
(the session's real redis-server). Shared backends also hold under two stores at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import pytest

from mock_server.clock import MockClock
from mock_server.store import (
    AccessToken,
    Activation,
    LivenessOutcome,
    LivenessRecord,
    MemoryStore,
    Result,
    SdkToken,
    Session,
    Store,
)
from mock_server.store.base import JournalStore
from mock_server.store.redis_store import RedisStore
from mock_server.store.sqlite_store import SqliteStore

from ..processes import RedisServer

NOW = 1_800_000_000_000
DONE = Result("pass", "SUCCESS", 99.5, None, NOW, NOW - 4000, NOW - 1000, True)
Opener = Callable[[], Store]


def session(signature_id: str, account: str = "default", created_ms: int = NOW) -> Session:
    request = {"returnUrl": "https://www.example.com", "region": "IDN"}
    return Session(signature_id, account, "h5", created_ms, created_ms + 3_600_000, f"page-{signature_id}", request)


def openers(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens stores of ``kind`` (the same state each time, for shared backends); closes them after."""
    opened: list[Store] = []
    clock = MockClock(NOW)
    if kind == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        cleaner = RedisStore(server.url.replace("/0", "/1"), 3_600_000, clock)
        cleaner.reset()
        cleaner.close()

    def open_one() -> Store:
        if kind == "memory":
            store: Store = MemoryStore(3_600_000)
        elif kind == "sqlite":
            store = SqliteStore(str(tmp_path / "state.db"), 3_600_000)
        else:
            store = RedisStore(request.getfixturevalue("redis_server").url.replace("/0", "/1"), 3_600_000, clock)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    yield from (opener() for opener in openers(request.param, request, tmp_path))


@pytest.fixture(params=["sqlite", "redis"])
def twins(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two stores on one state, as two processes have (the shared backends)."""
    for opener in openers(request.param, request, tmp_path):
        yield opener(), opener()


def test_a_token_answers_until_it_expires_and_is_gone_once_seen_expired(store: Store) -> None:
    store.put_token(AccessToken("t", "default", NOW + 1000))
    assert store.token("t", NOW) == AccessToken("t", "default", NOW + 1000)
    assert store.token("t", NOW + 1000) is None
    assert store.token("t", NOW) is None and store.token("nope", NOW) is None


def test_sessions_are_found_by_id_and_page_and_listed_in_creation_order(store: Store) -> None:
    for n, name in enumerate(("b", "a", "c")):
        store.save_session(session(name, created_ms=NOW + n))
    found = store.session("a")
    assert found == session("a", created_ms=NOW + 1) and store.session_by_page("page-c") == session(
        "c", created_ms=NOW + 2
    )
    assert [s.signature_id for s in store.sessions()] == ["b", "a", "c"]
    assert store.session("x") is None and store.session_by_page("page-x") is None


def test_polls_are_counted_for_the_owner_while_the_session_is_pending(store: Store) -> None:
    store.save_session(session("s"))
    assert store.poll_session("s", "someone-else") is None and store.poll_session("x", "default") is None
    assert [store.poll_session("s", "default").polls for _ in range(3)] == [1, 2, 3]  # type: ignore[union-attr]

    def complete(s: Session) -> bool:
        s.status, s.result, s.finished_ms = "completed", DONE, NOW
        return True

    store.change_session("s", complete)
    polled = store.poll_session("s", "default")
    assert polled is not None and (polled.polls, polled.result) == (3, DONE)  # read, not counted
    assert store.session("s").polls == 3  # type: ignore[union-attr]


def test_a_change_is_written_only_when_it_says_so(store: Store) -> None:
    """A change that says False or raises leaves the session as it found it (the memory store
    hands out the stored object itself); the shared stores then write nothing either."""
    store.save_session(session("s"))

    def complete(s: Session) -> bool:
        s.status, s.result, s.finished_ms = "completed", DONE, NOW
        return True

    def peek(s: Session) -> bool:
        if store.shared:
            s.status = "looked"  # not written: the change says nothing changed
        return False

    def refuse(s: Session) -> bool:
        raise ValueError("no")

    assert store.change_session("x", complete) is None
    assert store.change_session("s", complete).result == DONE  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        store.change_session("s", refuse)
    store.change_session("s", peek)
    kept = store.session("s")
    assert kept is not None and (kept.status, kept.result, kept.finished_ms) == ("completed", DONE, NOW)


def test_sdk_records_sdk_tokens_ui_settings_and_usage(store: Store) -> None:
    record = LivenessRecord("l-1", "default", DONE, NOW)
    entry = SdkToken("K", None, NOW + 7_200_000, LivenessOutcome("1001", "x", False, True), {"Video": "/v"})
    store.save_liveness(record)
    store.save_sdk_token(entry)
    store.save_ui_config("default", {"titleText": "Hi", "mobileResultPage": {"successDesc": "ok"}})
    assert store.liveness("l-1") == record and store.sdk_token("K") == entry
    assert store.ui_config("default") == {"titleText": "Hi", "mobileResultPage": {"successDesc": "ok"}}
    assert (store.used("default"), store.charge("default"), store.charge("default"), store.used("default")) == (
        0,
        1,
        2,
        2,
    )
    assert store.liveness("x") is None and store.sdk_token("x") is None and store.ui_config("x") is None


def test_counters_buckets_and_windows_by_scope(store: Store) -> None:
    assert [store.count("a", "calls.0") for _ in range(3)] == [1, 2, 3]
    store.count("a", "fired.0")
    assert store.counts("a") == {"calls.0": 3, "fired.0": 1} and store.counts("b") == {}
    assert [store.take("a", "k", 2, 2, NOW) for _ in range(2)] == [0, 0]
    assert store.take("a", "k", 2, 2, NOW) == pytest.approx(500)
    assert store.take("a", "k", 2, 2, NOW + 500) == 0
    assert [store.admit("a", "w", 2, 1000, NOW + t) for t in (0, 10, 20, 999, 1000)] == [True, True, False, False, True]
    store.drop("a")
    assert store.counts("a") == {} and store.take("a", "k", 2, 2, NOW) == 0 and store.admit("a", "w", 2, 1000, NOW)


def test_the_clock_offset_and_the_members(store: Store) -> None:
    assert store.set_clock_offset(5, keep_existing=True) == 5
    assert store.set_clock_offset(7, keep_existing=True) == 5  # a second replica takes the fleet's
    assert store.set_clock_offset(9) == 9 and store.control().clock_offset == 9
    first, seed = store.join(11)
    assert seed == 11 and first == 0
    if store.shared:
        assert store.join(12) == (1, 11)  # the next process: its own id stream, the fleet's seed


def test_activations_keep_their_order_and_bump_the_scenarios_version(store: Store) -> None:
    version = store.control().scenarios
    for name in ("a", "b", "c"):
        store.save_activation(Activation(name, f"id-{name}", NOW, "admin"))
    store.save_activation(Activation("a", "id-a2", NOW + 1, "admin"))  # switched on again: answers last
    assert list(store.activations()) == ["b", "c", "a"] and store.activations()["a"].id == "id-a2"
    assert store.drop_activations(["b", "x"]) == ["b"]
    assert list(store.activations()) == ["c", "a"] and store.control().scenarios > version


def test_inline_scenarios_get_a_new_revision_each_time(store: Store) -> None:
    body = {"name": "x", "rules": [{"respond": {"code": "ERROR"}}]}
    first = store.define_inline("x", body)
    second = store.define_inline("x", {**body, "description": "again"})
    assert second > first and store.inline_scenarios() == {"x": (second, {**body, "description": "again"})}


def test_a_caller_starts_at_its_first_use(store: Store) -> None:
    assert store.caller_since("caller:flaky@0", "c1", NOW) == NOW
    assert store.caller_since("caller:flaky@0", "c1", NOW + 50) == NOW
    assert store.callers("caller:flaky@0") == {"c1": NOW} and store.callers("caller:slow@0") == {}


def test_reset_forgets_everything_and_starts_a_new_generation(store: Store) -> None:
    store.put_token(AccessToken("t", "default", NOW + 1000))
    store.save_session(session("s"))
    store.count("a", "x")
    store.save_activation(Activation("a", "i", NOW, "admin"))
    store.set_clock_offset(3)
    generation = store.control().generation
    assert store.reset() == generation + 1 == store.control().generation
    assert store.token("t", NOW) is None and store.session("s") is None and store.sessions() == []
    assert store.counts("a") == {} and store.activations() == {} and store.control().clock_offset is None


def test_a_reset_through_one_process_reaches_the_other(twins: tuple[Store, Store]) -> None:
    one, two = twins
    one.put_token(AccessToken("t", "default", NOW + 1000))
    assert two.token("t", NOW) is not None  # now cached by the second process
    one.reset()
    two.control()  # what the second process reads before its next request
    assert two.token("t", NOW) is None


def test_two_processes_never_lose_each_others_updates(twins: tuple[Store, Store]) -> None:
    one, two = twins
    one.save_session(session("s"))

    def note(n: int) -> Callable[[Session], bool]:
        def change(s: Session) -> bool:
            s.request = {**s.request, f"n{n}": n}
            return True

        return change

    def work(store: Store, base: int) -> None:
        for n in range(base, base + 40):
            store.count("race", "calls")
            store.poll_session("s", "default")
            store.change_session("s", note(n))

    threads = [threading.Thread(target=work, args=(s, b)) for s, b in ((one, 0), (two, 100))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    final = two.session("s")
    assert final is not None and final.polls == 80 and one.counts("race") == {"calls": 80}
    assert {k for k in final.request if k.startswith("n")} == {f"n{n}" for n in [*range(40), *range(100, 140)]}


def test_the_fleets_journal_keeps_the_newest_of_each_list(twins: tuple[Store, Store]) -> None:
    one, two = (cast(JournalStore, s) for s in twins)
    generation = cast(Store, one).control().generation
    for n in range(0, 200, 4):
        batch = [(f"e{m}".encode(), m % 3 == 0) for m in range(n, n + 4)]
        (one if n % 8 else two).journal_append(batch, 50, generation)
    kept = one.journal(50)
    assert [entry for _, entry in kept] == [f"e{n}".encode() for n in range(199, 149, -1)]
    assert [i for i, _ in kept] == sorted((i for i, _ in kept), reverse=True)  # ids count up across processes
    assert [entry for _, entry in two.journal(50, misses=True)] == [f"e{n}".encode() for n in range(198, 48, -3)]
    two.journal_clear()
    assert one.journal(50) == [] and one.journal(50, misses=True) == []
    cast(Store, two).reset()
    one.journal_append([(b"answered before the reset", False)], 50, generation)
    assert one.journal(50) == []


def test_every_backend_lists_the_access_tokens_it_keeps_by_account_and_expiry(store: Store) -> None:
    """What a clock move would expire is counted from this list (``admin.expiry``)."""
    assert store.token_expiries() == []
    store.put_token(AccessToken("t-one", "default", NOW + 60_000))
    store.put_token(AccessToken("t-two", "other", NOW + 7_200_000))
    assert sorted(store.token_expiries()) == [("default", NOW + 60_000), ("other", NOW + 7_200_000)]

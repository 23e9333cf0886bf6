"""The in-memory store: records themselves, forgotten by expiry (never by count)."""

from __future__ import annotations

import gc

from mock_server.clock import DAY_MS
from mock_server.store import AccessToken, LivenessOutcome, LivenessRecord, MemoryStore, Result, SdkToken, Session
from mock_server.store.memory import MAX_CALLERS

DONE = Result("pass", "SUCCESS", 99.0, None, 0, 0, 0, True)


def session(signature_id: str, expires_ms: int = 1_000, result: Result | None = None) -> Session:
    return Session(signature_id, "default", "h5", 0, expires_ms, f"page-{signature_id}", {}, result=result)


def finish(store: MemoryStore, signature_id: str, at_ms: int) -> None:
    def done(s: Session) -> bool:
        s.result, s.status, s.finished_ms = DONE, "completed", at_ms
        return True

    store.change_session(signature_id, done)


def test_expired_tokens_are_refused_then_forgotten() -> None:
    store = MemoryStore()
    store.put_token(AccessToken("t", "default", 100))
    assert store.token("t", 99) is not None
    assert store.token("t", 100) is None
    store.housekeep(100)
    assert store.token("t", 0) is None


def test_tokens_are_kept_where_the_garbage_collector_does_not_walk() -> None:
    """A load test mints a token per call: hundreds of thousands of objects every full collection
    would walk (Token Authentication's p99 under load tripled). Plain tuples of str and int are not
    tracked once a collection has seen them."""
    store = MemoryStore()
    for i in range(100):
        store.put_token(AccessToken(f"t{i}", "default", 10_000 + i))
    gc.collect()
    kept = list(store._tokens.values())  # the table itself: what the collector would walk
    assert kept and not any(gc.is_tracked(entry) for entry in kept)
    found = store.token("t7", 0)
    assert found == AccessToken("t7", "default", 10_007)


def test_no_session_is_dropped_by_count() -> None:
    """Issue 12: the old store forgot the oldest sessions beyond 10,000, completed or not."""
    store = MemoryStore()
    for n in range(12_000):
        store.save_session(session(f"s{n}"))
    store.housekeep(1_000)
    assert store.session("s0") is not None and len(store.sessions()) == 12_000


def test_unfinished_sessions_go_a_retention_after_their_page_expired() -> None:
    store = MemoryStore(retention_ms=DAY_MS)
    store.save_session(session("pending"))
    store.housekeep(1_000 + DAY_MS - 1)
    assert store.session("pending") is not None and store.session_by_page("page-pending") is not None
    store.housekeep(1_000 + DAY_MS)
    assert store.session("pending") is None and store.session_by_page("page-pending") is None


def test_a_finished_session_is_kept_a_retention_after_it_finished() -> None:
    store = MemoryStore(retention_ms=DAY_MS)
    store.save_session(session("done"))
    finish(store, "done", at_ms=5 * DAY_MS)  # finished long after its page expired: a late poll progressed it
    store.housekeep(1_000 + DAY_MS)  # the first expiry in the heap is stale now
    assert store.session("done") is not None
    store.housekeep(6 * DAY_MS)
    assert store.session("done") is None


def test_sdk_records_and_tokens_expire_too() -> None:
    store = MemoryStore(retention_ms=1_000)
    store.save_liveness(LivenessRecord("l", "default", DONE, created_ms=0))
    store.save_sdk_token(SdkToken("k", None, 500, LivenessOutcome()))
    store.housekeep(999)
    assert store.liveness("l") is not None and store.sdk_token("k") is not None  # expired, still answered
    store.housekeep(1_000)
    assert store.liveness("l") is None and store.sdk_token("k") is not None
    store.housekeep(1_500)
    assert store.sdk_token("k") is None


def test_polls_count_only_for_the_owner() -> None:
    store = MemoryStore()
    store.save_session(session("s"))
    assert store.poll_session("s", "someone-else") is None
    polled = store.poll_session("s", "default")
    assert polled is not None and polled.polls == 1 and store.poll_session("x", "default") is None


def test_callers_are_bounded_least_recently_used_first_with_their_tallies() -> None:
    store = MemoryStore()
    for n in range(MAX_CALLERS + 1):
        store.caller_since("caller:flaky@0", f"c{n}", n)
        store.count(f"caller:flaky@0|c{n}", "calls.0")
    callers = store.callers("caller:flaky@0")
    assert "c0" not in callers and len(callers) == MAX_CALLERS
    assert store.counts("caller:flaky@0|c0") == {} and store.counts("caller:flaky@0|c1") == {"calls.0": 1}


def test_reset_forgets_everything_and_moves_to_a_new_generation() -> None:
    store = MemoryStore()
    store.save_session(session("a"))
    store.save_ui_config("default", {"titleText": "x"})
    store.charge("default")
    before = store.control().generation
    assert store.reset() == before + 1
    assert store.sessions() == [] and store.ui_config("default") is None and store.used("default") == 0

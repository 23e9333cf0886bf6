from __future__ import annotations

from mock_server.store import DAY_MS, AccessToken, MemoryStore, Result, Session


def session(signature_id: str, expires_ms: int = 1_000, result: Result | None = None) -> Session:
    return Session(signature_id, "default", "h5", 0, expires_ms, f"page-{signature_id}", {}, result=result)


def test_expired_tokens_are_forgotten() -> None:
    store = MemoryStore()
    store.put_token(AccessToken("t", "default", 100))
    assert store.token("t", 99) is not None
    assert store.token("t", 100) is None and store.token("t", 0) is None


def test_sessions_are_bounded_oldest_first() -> None:
    store = MemoryStore(max_sessions=2)
    for name in "abc":
        store.save_session(session(name))
    assert store.session("a") is None and store.session_by_page("page-a") is None
    assert [s.signature_id for s in store.sessions()] == ["b", "c"]


def test_evict_drops_abandoned_sessions_a_day_after_expiry_but_keeps_results() -> None:
    store = MemoryStore()
    done = Result("pass", "SUCCESS", 99.0, None, 0, 0, 0, True)
    store.save_session(session("pending"))
    store.save_session(session("done", result=done))
    store.put_token(AccessToken("t", "default", 5))
    store.evict(1_000 + DAY_MS - 1)
    assert store.session("pending") is not None
    store.evict(1_000 + DAY_MS)
    assert store.session("pending") is None and store.session("done") is not None
    assert store.token("t", 0) is None


def test_reset() -> None:
    store = MemoryStore()
    store.save_session(session("a"))
    store.save_ui_config("default", {"titleText": "x"})
    store.reset()
    assert list(store.sessions()) == [] and store.ui_config("default") is None

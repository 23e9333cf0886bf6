"""A shared state outlives its processes: ``--workers 2`` on SQLite (a worker killed with SIGKILL
under load is replaced by uvicorn's supervisor), and a Redis server that goes away and comes back.
(Replicas killed and restarted: test_fleet.py.)"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ..helpers import GET_RESULT_PATH, TOKEN_PATH, signed_body
from ..processes import MockProcess, RedisServer
from .load import CLOSE, Load, everything_served

LOAD_SECONDS = 1.0


def both_workers_serve(url: str) -> set[int]:
    """The member numbers of the workers answering, once both answer (a new one takes a moment)."""
    deadline = time.monotonic() + 30
    with httpx.Client(base_url=url, headers=CLOSE, timeout=10) as client:
        while True:
            seen = {client.get("/__admin/state").json()["member"] for _ in range(40)}
            if len(seen) == 2:
                return seen
            assert time.monotonic() < deadline, f"only members {seen} answer"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MockProcess, Path]]:
    db = tmp_path_factory.mktemp("workers") / "state.db"
    with MockProcess("--state", f"sqlite://{db}", "--workers", "2") as served:
        both_workers_serve(served.url)
        yield served, db
        assert "Traceback" not in served.stderr(), served.stderr()[-3000:]


def test_two_workers_share_one_port_and_one_state(workers: tuple[MockProcess, Path]) -> None:
    served, _ = workers
    assert len(served.workers()) == 2 and both_workers_serve(served.url) == {1, 2}  # 0: the parent's check
    with Load([served.url]) as load:
        time.sleep(0.5)
    everything_served(served.url, load)


def test_a_worker_killed_under_load_loses_nothing_and_its_replacement_serves(workers: tuple[MockProcess, Path]) -> None:
    served, db = workers
    victim = served.workers()[0]
    with Load([served.url]) as load:
        time.sleep(LOAD_SECONDS / 2)
        os.kill(victim, signal.SIGKILL)
        time.sleep(LOAD_SECONDS / 2)
    deadline = time.monotonic() + 20
    while victim in served.workers() or len(served.workers()) < 2:
        assert time.monotonic() < deadline, "uvicorn did not replace the killed worker"
        time.sleep(0.1)
    assert 3 in both_workers_serve(served.url)  # the replacement joined as a new member
    everything_served(served.url, load)
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_redis_that_goes_away_answers_503_then_service_resumes() -> None:
    server = RedisServer().start()
    try:
        with MockProcess("--state", server.url) as served, served.client() as client:
            token = client.post(TOKEN_PATH, json=signed_body()).json()["data"]["token"]
            server.stop()
            calls = [
                lambda: client.post(TOKEN_PATH, json=signed_body()),
                lambda: client.post(GET_RESULT_PATH, json={"signatureId": "x"}, headers={"X-ACCESS-TOKEN": token}),
                lambda: client.get("/__admin/sessions"),
                lambda: client.post("/__admin/reset"),
            ]
            for call in calls:
                began = time.monotonic()
                answer = call()
                assert time.monotonic() - began < 5
                assert answer.status_code == 503 and answer.headers["content-type"] == "application/json"
                assert answer.json()["mockError"] == "state unavailable" and server.url in answer.json()["detail"]
            server.start()
            assert client.post(TOKEN_PATH, json=signed_body()).json()["code"] == "SUCCESS"
            magic = client.post(GET_RESULT_PATH, json={"signatureId": "mock-code-ERROR"}).json()["code"]
            assert magic == "ERROR"  # the empty state was started afresh: always-on scenarios again
        log = served.stderr()
        assert log.count("is unavailable") == 1 and log.count("reachable again") == 1, log[-3000:]
        assert "Traceback" not in log
    finally:
        server.stop()


def _open_state(path: str, barrier: Any) -> None:  # a process of its own: module level, picklable
    from mock_server.store.sqlite_db import SqliteDb

    barrier.wait()
    SqliteDb(path).close()


def test_processes_starting_together_on_one_new_state_file_all_open_it(tmp_path: Path) -> None:
    """A new file's switch to WAL takes an exclusive lock that SQLite refuses at once ("database is
    locked") rather than waiting for: replicas started together used to fail on it."""
    context = multiprocessing.get_context("spawn")
    for attempt in range(3):  # fresh files: the race is in the first open
        path = str(tmp_path / f"state-{attempt}.db")
        barrier = context.Barrier(6)
        openers = [context.Process(target=_open_state, args=(path, barrier)) for _ in range(6)]
        for opener in openers:
            opener.start()
        for opener in openers:
            opener.join(60)
        assert [opener.exitcode for opener in openers] == [0] * 6

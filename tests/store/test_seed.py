"""``--seed`` replays the same ids on a fresh shared state as in memory: the first process to
join a state draws the seed's own sequence."""

from __future__ import annotations

from pathlib import Path

import httpx

from mock_server.app import create_app
from mock_server.server import ThreadedServer
from mock_server.settings import Settings

from ..helpers import access_token, h5_session


def first_ids(client: httpx.Client) -> list[str]:
    token = access_token(client)
    answers = [client.post("/openapi/liveness/v4/h5/get-result", json={}).json()["transactionId"] for _ in range(3)]
    return [*answers, h5_session(client, token)["signatureId"], h5_session(client, token)["signatureId"]]


def test_a_fresh_sqlite_state_replays_the_seed_of_memory(http: httpx.Client, tmp_path: Path) -> None:
    in_memory = first_ids(http)  # the suite's server: memory, --seed 20261122, just reset
    app = create_app(Settings(port=0, seed=20261122, state=f"sqlite://{tmp_path / 'fresh.db'}"))
    with ThreadedServer(app) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        assert first_ids(client) == in_memory
    app.state.mock.store.close()

"""Load for the kill tests: clients minting tokens and completing sessions on new connections,
and the check that everything the mock confirmed is still served."""

from __future__ import annotations

import threading
import time

import httpx

from ..helpers import GET_RESULT_PATH, GET_TOKEN_PATH, RETURN_URL, TOKEN_PATH, signed_body

CLOSE = {"Connection": "close"}  # a new connection per call: the kernel hands each to either worker


class Load:
    """Clients minting tokens, creating and completing sessions and reading results, on new
    connections, remembering only what the mock confirmed."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        self.tokens: list[str] = []
        self.completed: list[tuple[str, str]] = []  # (token, signatureId) of sessions completed
        self.failures = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(4)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, n: int) -> None:
        with httpx.Client(base_url=self.urls[n % len(self.urls)], timeout=10, headers=CLOSE) as client:
            while not self._stop.is_set():
                try:
                    self._one(client)
                except (httpx.HTTPError, KeyError, ValueError):
                    self.failures += 1  # a connection the kill cut: nothing was confirmed
                    time.sleep(0.01)

    def _one(self, client: httpx.Client) -> None:
        token = client.post(TOKEN_PATH, json=signed_body()).json()["data"]["token"]
        self.tokens.append(token)
        body = {"returnUrl": RETURN_URL, "region": "IDN"}
        created = client.post(GET_TOKEN_PATH, json=body, headers={"X-ACCESS-TOKEN": token}).json()
        signature_id = created["data"]["signatureId"]
        done = client.post(f"/__admin/sessions/{signature_id}/complete", json={"outcome": "pass"})
        if done.status_code == 200:
            self.completed.append((token, signature_id))
        client.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})


def everything_served(url: str, load: Load) -> None:
    """Every confirmed token still answers, every completed session still has its result."""
    assert len(load.completed) >= 5, f"too little load got through ({load.failures} failures)"
    with httpx.Client(base_url=url, timeout=10, headers=CLOSE) as client:
        for token, signature_id in load.completed:
            answer = client.post(GET_RESULT_PATH, json={"signatureId": signature_id}, headers={"X-ACCESS-TOKEN": token})
            assert answer.json()["code"] == "SUCCESS", answer.text
        for token in load.tokens[-20:]:
            answer = client.post(GET_RESULT_PATH, json={"signatureId": "0" * 16}, headers={"X-ACCESS-TOKEN": token})
            assert answer.json()["code"] == "SIGNATURE_NOT_EXIST", answer.text

"""The session lifecycle as a hypothesis state machine, on the mock: create, poll, complete, read,
clear and expire in any order, every answer checked against the contract and against a model.

Each example starts from a reset mock; the clock only moves forward, by a minute or by more than a
page's lifetime, so a session is clearly pending or clearly expired whatever the wall clock does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from hypothesis import note, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from mock_server.advance.journey import PAGE_LIFETIME_MS
from pytest_plugin.client import LivenessClient
from pytest_plugin.contract import assert_conforms
from pytest_plugin.curl import curl
from pytest_plugin.mock import LivenessMock, MockAdminError

pytestmark = [pytest.mark.liveness_contract, pytest.mark.mock_only]

OUTCOMES = {"pass": "SUCCESS", "fail": "SUCCESS", "injection_attack": "SUCCESS", "no_face": "NO_FACE_DETECTED"}
MINUTE_MS, PAST_LIFETIME_MS = 60_000, PAGE_LIFETIME_MS + 60_000
CREATE = {"get_token": {"returnUrl": "https://www.example.com/back", "region": "IDN"}}
CREATE["generate_url"] = {"returnUrl": "https://www.example.com/back", "region": "PHL"}


@dataclass
class Model:
    created_at_ms: int  # mock-clock offset when created
    state: str = "pending"  # pending | completed | cleared
    code: str | None = None  # Get Result's code once completed


class SessionLifecycle(RuleBasedStateMachine):
    api: ClassVar[LivenessClient]
    mock: ClassVar[LivenessMock]
    sessions = Bundle("sessions")

    def __init__(self) -> None:
        super().__init__()
        self.mock.reset()
        self.api.core.forget_token()
        self.moved_ms = 0
        self.model: dict[str, Model] = {}

    def answer(self, endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        """Call, check against the contract, and note the request: a failure prints it as curl."""
        response = self.api.call(endpoint, params).response
        note(curl(response.request))
        return dict(assert_conforms(endpoint, response))

    def expired(self, session: Model) -> bool:
        return self.moved_ms - session.created_at_ms >= PAGE_LIFETIME_MS

    @rule(target=sessions, endpoint=st.sampled_from(sorted(CREATE)))
    def create(self, endpoint: str) -> str:
        body = self.answer(endpoint, CREATE[endpoint])
        assert body["code"] == "SUCCESS", body
        signature_id = str(body["data"]["signatureId"])
        self.model[signature_id] = Model(self.moved_ms)
        return signature_id

    @rule(signature_id=sessions)
    def poll(self, signature_id: str) -> None:
        session = self.model[signature_id]
        wanted = {"pending": "LIVENESS_NO_RESULT", "cleared": "RESULT_NOT_FOUND"}.get(session.state, session.code)
        assert self.answer("get_result", {"signatureId": signature_id})["code"] == wanted

    @rule(signature_id=sessions, outcome=st.sampled_from(sorted(OUTCOMES)))
    def complete(self, signature_id: str, outcome: str) -> None:
        session = self.model[signature_id]
        if session.state != "pending" or self.expired(session):
            with pytest.raises(MockAdminError, match="409"):
                self.mock.complete(signature_id, outcome)
            return
        self.mock.complete(signature_id, outcome)
        session.state, session.code = "completed", OUTCOMES[outcome]

    @rule(signature_id=sessions)
    def read(self, signature_id: str) -> None:
        session = self.model[signature_id]
        found = session.state == "completed"
        detection = self.answer("liveness_detection", {"signatureId": signature_id})["code"]
        assert detection == ("SUCCESS" if found else "RESULT_NOT_FOUND")
        video = self.answer("get_video", {"signatureId": signature_id})["code"]
        assert video == ("SUCCESS" if found and session.code == "SUCCESS" else "VIDEO_NOT_FOUND")

    @rule(signature_id=sessions)
    def clear(self, signature_id: str) -> None:
        assert self.answer("pii_clear_data", {"signatureId": signature_id})["code"] == "SUCCESS"
        self.model[signature_id].state = "cleared"

    @rule(step=st.sampled_from([MINUTE_MS, PAST_LIFETIME_MS]))
    def move_clock(self, step: int) -> None:
        self.mock.advance_clock(step)
        self.moved_ms += step

    @invariant()
    def the_admin_view_matches_the_model(self) -> None:
        seen = {s["signatureId"]: s["status"] for s in self.mock.sessions()}
        for signature_id, session in self.model.items():
            wanted = "expired" if session.state == "pending" and self.expired(session) else session.state
            assert seen.get(signature_id) == wanted, (signature_id, seen.get(signature_id), session)


def test_the_session_lifecycle(liveness_api: LivenessClient, liveness_mock: LivenessMock) -> None:
    machine = type("SessionLifecycleHere", (SessionLifecycle,), {"api": liveness_api, "mock": liveness_mock})
    run_state_machine_as_test(machine, settings=settings(settings.default, stateful_step_count=15))

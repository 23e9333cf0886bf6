"""Liveness sessions: created by Get Token (H5) or Generate URL (IDVS), completed by the H5 page,
the admin API or on their own (progression), cleared by PII clear-data.

A session can progress on its own, as moto's state progression does: an account trait or a
magic ``userId``/``bizId`` (``mock-outcome-<outcome>`` or ``mock-outcome-<outcome>-after-<n>``)
completes it after N Get Result polls or T ms of mock time, so an unattended CI run sees the
realistic "no result yet, then a result" sequence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from ..accounts import Account, Accounts
from ..clock import MockClock
from ..contract.outcome import ApiError, Outcome
from ..gateway.call import Call
from ..ids import IdFactory
from ..media import HasScope, MediaLinks, public_base_url
from ..store import Session, Store
from ..store.base import PipelinedPolls
from .billing import Billing
from .outcomes import Outcomes

PAGE_LIFETIME_MS = 3600 * 1000
H5_PREFIX = "/__mock/h5"
MAGIC = re.compile(r"^mock-outcome-(?P<outcome>[a-z_]+?)(?:-after-(?P<polls>\d{1,4}))?$")


class SessionError(ValueError):
    """A completion that cannot happen: an unknown outcome (400), or a session finished, expired
    or cleared (409)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


class Journey:
    def __init__(
        self,
        store: Store,
        clock: MockClock,
        ids: IdFactory,
        outcomes: Outcomes,
        accounts: Accounts,
        media: MediaLinks,
        billing: Billing,
        fields: Mapping[str, frozenset[str]],
        public_url: str | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ids = ids
        self.outcomes = outcomes
        self.accounts = accounts
        self.media = media
        self.billing = billing
        self.fields = fields  # the documented request fields a session keeps (not unknown extras)
        self.public_url = public_url
        self.on_complete: list[Callable[[Session], Any]] = []

    def create_h5(self, call: Call) -> Outcome:
        """Get Token (H5 v2): a signatureId and the URL of the simulated H5 page."""
        session = self._open(call, "h5")
        return Outcome("SUCCESS", {"signatureId": session.signature_id, "url": self._url(call, session)})

    def create_idvs(self, call: Call) -> Outcome:
        """Generate URL (IDVS): the same, plus when the URL expires."""
        session = self._open(call, "idvs")
        url = f"{self._url(call, session)}?signatureId={session.signature_id}"
        return Outcome("SUCCESS", {"signatureId": session.signature_id, "url": url, "expiredTime": session.expires_ms})

    def clear_data(self, call: Call) -> Outcome:
        """PII clear-data: every image, video and result of the signatureId goes; idempotent."""
        signature_id = call.params["signatureId"]
        now = self.clock.now_ms()
        owned = [False]

        def clear(session: Session) -> bool:
            owned[0] = _owned(session.account, call)
            if owned[0]:
                session.result, session.status, session.finished_ms = None, "cleared", now
            return owned[0]

        self.store.change_session(signature_id, clear)
        if owned[0]:
            self.media.revoke(signature_id)
        return Outcome("SUCCESS")

    def session_for(self, call: Call, signature_id: str, *, poll: bool) -> Session | None:
        """The caller's session (None if unknown or another account's), progressed to now."""
        if call.account is None:
            return None
        owner = call.account.name
        session = self.store.poll_session(signature_id, owner) if poll else self.store.session(signature_id)
        return self._owned_progressed(session, owner)

    async def polled(self, store: PipelinedPolls, call: Call, signature_id: str) -> Session | None:
        """``session_for(poll=True)`` through a store that pipelines the polls of concurrent requests."""
        if call.account is None:
            return None
        owner = call.account.name
        return self._owned_progressed(await store.poll_session_async(signature_id, owner), owner)

    def _owned_progressed(self, session: Session | None, owner: str) -> Session | None:
        if session is None or session.account != owner:
            return None
        return self.progressed(session)

    def progressed(self, session: Session) -> Session:
        """The session, completed first if its progression is due."""
        if not self._due(session):
            return session
        finished = [False]

        def finish_if_due(current: Session) -> bool:
            finished[0] = self._due(current)
            if finished[0]:
                assert current.auto_outcome is not None
                self._finish(current, current.auto_outcome)
            return finished[0]

        current = self.store.change_session(session.signature_id, finish_if_due)
        if current is None:
            return session
        if finished[0]:
            self._completed(current)
        return current

    def _due(self, session: Session) -> bool:
        """Whether a session's progression completes it now."""
        if session.status != "pending" or session.auto_outcome is None:
            return False
        now = self.clock.now_ms()
        due_by_polls = session.auto_after_polls is not None and session.polls > session.auto_after_polls
        due_by_time = session.auto_at_ms is not None and now >= session.auto_at_ms
        # a user finishes on the page, so only while it is valid: at the due time, or at the poll
        due_at = session.auto_at_ms if due_by_time and session.auto_at_ms is not None else now
        return (due_by_polls or due_by_time) and not session.page_expired(due_at)

    def complete(self, session: Session, outcome: str) -> Session:
        """A person (the H5 page) or a test (the admin API) finishes the liveness check."""
        if outcome not in self.outcomes:
            raise SessionError(f"outcome must be one of: {', '.join(self.outcomes)}", status=400)

        def finish(current: Session) -> bool:
            if current.status != "pending":
                raise SessionError(f"session {current.signature_id} is {current.status}")
            if current.page_expired(self.clock.now_ms()):
                raise SessionError(f"session {current.signature_id} expired")
            self._finish(current, outcome)
            return True

        current = self.store.change_session(session.signature_id, finish)
        if current is None:
            raise SessionError(f"session {session.signature_id} is gone", status=404)
        self._completed(current)
        return current

    def abandon(self, session: Session) -> Session:
        """The person left the H5 page without finishing."""
        now = self.clock.now_ms()

        def leave(current: Session) -> bool:
            if current.status != "pending":
                raise SessionError("nothing to abandon")
            current.status, current.finished_ms = "abandoned", now
            return True

        current = self.store.change_session(session.signature_id, leave)
        if current is None:
            raise SessionError("nothing to abandon")
        return current

    def _finish(self, session: Session, outcome: str) -> None:
        account = self.accounts.by_name(session.account)
        video = account.video_recording if account else False
        now = self.clock.now_ms()
        session.result = self.outcomes.draw(outcome, now, video)
        session.status, session.finished_ms = "completed", now

    def _completed(self, session: Session) -> None:
        for listener in self.on_complete:
            listener(session)

    def _open(self, call: Call, kind: str) -> Session:
        account = _account(call)
        region = call.params["region"]
        if account.countries is not None and region not in account.countries:
            raise ApiError("IAM_FAILED", "country")
        now = self.clock.now_ms()
        request = {k: v for k, v in call.params.items() if k in self.fields[call.endpoint.id]}
        session = Session(
            signature_id=self.ids.hex16(),
            account=account.name,
            kind=kind,
            created_ms=now,
            expires_ms=now + PAGE_LIFETIME_MS,
            page_token=self.ids.secret(24),
            request_json=orjson.dumps(request).decode(),
        )
        self._plan_progression(session, account, request)
        self.store.save_session(session)
        self.store.housekeep(now)
        self.billing.charge(call)
        call.notes["signatureId"] = session.signature_id
        return session

    def _plan_progression(self, session: Session, account: Account, request: dict[str, Any]) -> None:
        for field in ("userId", "bizId"):
            match = MAGIC.match(str(request.get(field) or ""))
            if match and match["outcome"] in self.outcomes:
                session.auto_outcome = match["outcome"]
                session.auto_after_polls = int(match["polls"] or 1)
                return
        plan = account.progression
        if plan is not None:
            session.auto_outcome = plan["outcome"]
            session.auto_after_polls = plan.get("afterPolls")
            after_ms = plan.get("afterMs")
            session.auto_at_ms = None if after_ms is None else session.created_ms + after_ms

    def _url(self, call: Call, session: Session) -> str:
        return self.page_url(call.request, session)

    def page_url(self, request: HasScope, session: Session) -> str:
        """Where the session's simulated H5 page is, as seen by whoever asks."""
        return f"{public_base_url(request, self.public_url)}{H5_PREFIX}/{session.page_token}"


def _account(call: Call) -> Account:
    if call.account is None:  # the access_token guard always sets it
        raise ApiError("IAM_FAILED", "access_denied_token")
    return call.account


def _owned(owner: str, call: Call) -> bool:
    return call.account is not None and call.account.name == owner

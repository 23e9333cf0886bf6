"""Admin routes of the journey: list and complete sessions, create SDK liveness records."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ..accounts import Accounts
from ..admin.endpoint import AdminError, admin_endpoint, json_object
from ..clock import MockClock
from ..ids import IdFactory
from ..store import LivenessRecord, Session, Store
from .journey import Journey, SessionError


class SessionAdmin:
    def __init__(self, journey: Journey, store: Store, clock: MockClock, ids: IdFactory, accounts: Accounts) -> None:
        self.journey = journey
        self.store = store
        self.clock = clock
        self.ids = ids
        self.accounts = accounts

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/sessions", admin_endpoint(self.list), methods=["GET"]),
            Route("/sessions/{signature_id}", admin_endpoint(self.one), methods=["GET"]),
            Route("/sessions/{signature_id}/complete", admin_endpoint(self.complete), methods=["POST"]),
            Route("/liveness", admin_endpoint(self.create_liveness), methods=["POST"]),
        ]

    async def list(self, request: Request) -> dict[str, Any]:
        sessions = [self.journey.progressed(s) for s in self.store.sessions()]
        return {"sessions": [self.view(s, request) for s in sessions]}

    async def one(self, request: Request) -> Any:
        session = self.store.session(request.path_params["signature_id"])
        if session is None:
            return JSONResponse({"error": "no such signatureId"}, status_code=404)
        return self.view(self.journey.progressed(session), request)

    async def complete(self, request: Request) -> Any:
        session = self.store.session(request.path_params["signature_id"])
        if session is None:
            return JSONResponse({"error": "no such signatureId"}, status_code=404)
        outcome = self._outcome(await json_object(request))
        try:
            session = self.journey.complete(session, outcome)
        except SessionError as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        return self.view(session, request)

    async def create_liveness(self, request: Request) -> dict[str, str]:
        """An SDK-made liveness record (livenessId), for Liveness Detection and Get Video."""
        body = await json_object(request)
        outcome, account = self._outcome(body), self.accounts.by_name(str(body.get("account", "default")))
        if account is None:
            raise AdminError(f"no account named {body.get('account')!r}")
        if not isinstance(body.get("video", True), bool):
            raise AdminError("video must be true or false")
        now = self.clock.now_ms()
        result = self.journey.outcomes.draw(outcome, now, bool(body.get("video", True)))
        record = LivenessRecord(self.ids.uuid(), account.name, result, now)
        self.store.save_liveness(record)
        self.store.housekeep(now)
        return {"livenessId": record.liveness_id}

    def _outcome(self, body: dict[str, Any]) -> str:
        outcome = body.get("outcome")
        if not isinstance(outcome, str) or outcome not in self.journey.outcomes:
            raise AdminError(f"outcome must be one of: {', '.join(self.journey.outcomes)}")
        return outcome

    def view(self, session: Session, request: Request) -> dict[str, Any]:
        status = session.status
        if status == "pending" and session.page_expired(self.clock.now_ms()):
            status = "expired"
        result = session.result
        return {
            "signatureId": session.signature_id,
            "kind": session.kind,
            "account": session.account,
            "status": status,
            "outcome": result.outcome if result else None,
            "code": result.code if result else None,
            "createdMs": session.created_ms,
            "expiresMs": session.expires_ms,
            "url": self.journey.page_url(request, session),
            "polls": session.polls,
            "callback": session.callback,
        }

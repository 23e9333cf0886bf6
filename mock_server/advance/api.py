"""``AdvanceApi``: the ADVANCE AI parts ``create_app`` wires in: the actions of every endpoint,
the access-token guard, billing, the journey's admin routes, the H5 page and the state they
share (store, outcomes, callbacks), with their resets. Mirrors ``tencent.api.TencentApi``.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.routing import BaseRoute

from ..accounts import Accounts
from ..clock import MockClock
from ..contract.resources import fixtures_dir, schemas_dir
from ..contract.schemas import ContractSchemas
from ..gateway.call import Action, Guard
from ..ids import IdFactory
from ..media import MediaLibrary, MediaLinks
from ..settings import Settings
from ..store import Store
from .admin import SessionAdmin
from .auth import Authenticator
from .billing import Billing
from .callbacks import CallbackSender
from .h5page import H5Page
from .journey import Journey
from .languages import load_languages
from .outcomes import Outcomes
from .results import Results
from .ui import configure_ui_action

SESSION_ENDPOINTS = ("get_token", "generate_url")


class AdvanceApi:
    def __init__(
        self,
        settings: Settings,
        contract: ContractSchemas,
        ids: IdFactory,
        clock: MockClock,
        accounts: Accounts,
        outcomes: Outcomes,
        library: MediaLibrary,
        media: MediaLinks,
        store: Store,
    ) -> None:
        self.store = store
        self.billing = Billing(self.store)
        auth = Authenticator(accounts, self.store, clock, ids)
        fields = {eid: frozenset(contract.requests[eid].get("properties", {})) for eid in SESSION_ENDPOINTS}
        self.journey = Journey(
            self.store, clock, ids, outcomes, accounts, media, self.billing, fields, settings.public_url
        )
        self.callbacks = CallbackSender(self.store, settings.callback_hosts)
        self.journey.on_complete.append(self.callbacks.on_complete)
        results = Results(self.journey, self.store, library, media, self.billing)
        self.actions: dict[str, Action] = {
            "token_authentication": auth.generate_token,
            "configure_ui": configure_ui_action(self.store),
            "get_token": self.journey.create_h5,
            "generate_url": self.journey.create_idvs,
            "get_result": results.get_result,
            "liveness_detection": results.liveness_detection,
            "get_video": results.get_video,
            "pii_clear_data": self.journey.clear_data,
        }
        self.guards: dict[str, Guard] = {"access_token": auth.require_token}
        self.admin_routes: list[BaseRoute] = SessionAdmin(self.journey, self.store, clock, ids, accounts).routes()
        languages = load_languages(fixtures_dir() / "h5_languages.yaml", schemas_dir())
        self.page_routes: list[BaseRoute] = H5Page(self.journey, self.store, clock, languages).routes()
        self.local_resets: list[Callable[[], None]] = [outcomes.reseed]  # the store is reset by its owner

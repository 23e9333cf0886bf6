"""``TencentApi``: the Tencent parts ``create_app`` wires in (actions, the ``tc3`` guard, admin routes).

The front and the envelope are found by protocol name (``contract.envelopes``, ``gateway.app``).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from ..accounts import Accounts
from ..clock import MockClock
from ..contract.catalog import Catalog
from ..gateway.call import Action, Guard
from ..media import MediaLinks
from ..store import Store
from .actions import LivenessActions
from .admin import sdk_token_routes
from .auth import SignatureGuard
from .tokens import SdkTokens

RESULTS_ENDPOINT = "get_liveness_result"


class TencentApi:
    def __init__(
        self,
        catalog: Catalog,
        accounts: Accounts,
        store: Store,
        clock: MockClock,
        media: MediaLinks,
        public_url: str | None,
    ) -> None:
        results = catalog.endpoints[RESULTS_ENDPOINT].result_codes
        self.tokens = SdkTokens(store, clock, media)
        self.actions: dict[str, Action] = LivenessActions(self.tokens, media, results, public_url).table()
        self.guards: dict[str, Guard] = {"tc3": SignatureGuard(accounts, clock)}
        self.admin_routes: list[BaseRoute] = sdk_token_routes(self.tokens, results, accounts)

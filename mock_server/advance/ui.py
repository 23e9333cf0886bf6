"""ConfigureUI: the account's page texts and colours (the request schema already enforced the
documented M_* rules), stored for the simulated H5 page to render."""

from __future__ import annotations

from ..contract.outcome import Outcome
from ..gateway.call import Action, Call
from ..store import Store


def configure_ui_action(store: Store) -> Action:
    def configure_ui(call: Call) -> Outcome:
        if call.account is not None:
            store.save_ui_config(call.account.name, dict(call.params))
        return Outcome("SUCCESS")

    return configure_ui

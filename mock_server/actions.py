"""Actions: what each endpoint does once a request has passed routing, guards and validation.

Until the stateful journey exists, every endpoint answers SUCCESS with the data of its first
documented SUCCESS example.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .envelope import Outcome
from .examples import Example
from .gateway import Action, Call


def example_actions(examples: Iterable[Example]) -> dict[str, Action]:
    datas: dict[str, Any] = {}
    for example in examples:
        # ADVANCE AI envelopes only: Tencent's actions are stateful from the start (tencent/actions.py)
        if example.kind == "response" and example.code == "SUCCESS" and "data" in example.body:
            datas.setdefault(example.endpoint, example.body["data"])

    def action_for(data: Any) -> Action:
        def answer(call: Call) -> Outcome:
            return Outcome("SUCCESS", copy.deepcopy(data))

        return answer

    return {endpoint: action_for(data) for endpoint, data in datas.items()}

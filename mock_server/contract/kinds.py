"""The kinds of difference between an observed answer and the contract (``conformance``), in a
module of their own: the command line lists them in ``drift --help`` without importing the
checks themselves at every start of ``serve``."""

from __future__ import annotations

KINDS = (
    "status",
    "envelope",
    "undocumented_code",
    "undocumented_message",
    "field_added",
    "field_removed",
    "field_retyped",
    "field_value",
    "header",
)

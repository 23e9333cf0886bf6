"""Answers checked as they go on the wire: a client typed from the docs' examples decodes
``"score": 100`` as an int and ``"livenessScore": 100.0`` as a double, so the form is the contract.
Requests keep draft 7's leniency (a client may send 1665993522952.0 for a timestamp).

Imported when strict mode or a test first checks an answer: serving never needs jsonschema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema


def _strict_integer(checker: Any, instance: Any) -> bool:
    """An integer as JSON prints it: ``100``, not ``100.0`` (draft 7 lets 100.0 pass as an integer)."""
    return isinstance(instance, int) and not isinstance(instance, bool)


def _double(instance: Any) -> bool:
    """``format: double`` (OpenAPI's): a number printed with a point, ``100.0`` as file 002 shows."""
    return isinstance(instance, bool) or not isinstance(instance, int)  # only an int breaks it


WIRE_FORMATS = jsonschema.FormatChecker(formats=())
WIRE_FORMATS.checks("double")(_double)


WireValidator = jsonschema.validators.extend(
    jsonschema.Draft7Validator,
    type_checker=jsonschema.Draft7Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


def wire_validator(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    return WireValidator(schema, format_checker=WIRE_FORMATS)

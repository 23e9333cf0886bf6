"""Scenario files, inline scenario bodies and the built-in scenarios, checked against the catalog.

Everything a request could trip over is refused at load time, naming file, line and field: an
unknown endpoint, host or request field, a code the endpoint does not document, a message key it
does not have, data that breaks the code's schema, a template naming no regex group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from ..contract.catalog import Catalog
from ..contract.envelopes import ENVELOPES
from ..contract.examples import Example
from ..contract.fixtures import FixtureError, line_of, load_checked, schema_file
from ..contract.schemas import ContractSchemas
from .checks import ScenarioError
from .model import Scenario, gates_of, index_rules
from .rules import RuleBuilder

SCHEMA_FILE = "scenario.schema.json"


@dataclass(frozen=True)
class ScenarioContext:
    """What checking a scenario needs: the catalog, the response schemas and the examples' data."""

    catalog: Catalog
    contract: ContractSchemas
    example_data: Mapping[tuple[str, str], Any]

    @classmethod
    def build(cls, catalog: Catalog, contract: ContractSchemas, examples: Iterable[Example]) -> ScenarioContext:
        data: dict[tuple[str, str], Any] = {}
        for example in examples:
            if example.kind == "response" and example.code is not None:
                envelope = ENVELOPES[catalog.endpoints[example.endpoint].protocol]
                data.setdefault((example.endpoint, example.code), envelope.data_of(example.body))
        return cls(catalog, contract, data)


def build_scenario(raw: Mapping[str, Any], name: str, source: str, kind: str, ctx: ScenarioContext) -> Scenario:
    """A checked Scenario from its (schema-valid) dict; ScenarioError carries the JSON path of a problem."""
    builder = RuleBuilder(ctx.catalog, ctx.contract, ctx.example_data)
    rules = tuple(builder.rule(i, r) for i, r in enumerate(raw["rules"]))
    by_endpoint = index_rules(rules, list(ctx.catalog.endpoints))
    return Scenario(
        name=raw.get("name", name),
        description=raw.get("description", ""),
        rules=rules,
        source=source,
        kind=kind,
        always_on=raw.get("alwaysOn", False),
        expires_after_ms=raw.get("expiresAfterMs"),
        by_endpoint=by_endpoint,
        gates=gates_of(by_endpoint),
    )


def load_scenario_files(folders: Iterable[Path], schemas: Path, ctx: ScenarioContext) -> dict[str, Scenario]:
    """``scenarios/*.yaml|yml|json`` of every folder; a later folder replaces a same-named scenario."""
    schema = schema_file(schemas, SCHEMA_FILE)
    found: dict[str, Scenario] = {}
    for folder in folders:
        names: dict[str, Path] = {}
        for path in sorted((folder / "scenarios").glob("*")):
            if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
                continue
            scenario = load_scenario_file(path, schema, ctx)
            if scenario.name in names:
                raise FixtureError(f"{path}: scenario {scenario.name!r} is also defined in {names[scenario.name]}")
            names[scenario.name] = path
            found[scenario.name] = scenario
    return found


def load_scenario_file(path: Path, schema: dict[str, Any], ctx: ScenarioContext) -> Scenario:
    raw = load_checked(path, schema)
    try:
        return build_scenario(raw, path.stem, str(path), "file", ctx)
    except ScenarioError as exc:
        where = "/".join(map(str, exc.pointer))
        line = line_of(path.read_text(encoding="utf-8"), exc.pointer)
        raise FixtureError(f"{path}:{line}: {where}: {exc.message}") from None


@cache
def _validator(schemas: Path) -> jsonschema.protocols.Validator:
    """The scenario schema's validator, built once (inline scenarios arrive at runtime)."""
    return jsonschema.Draft7Validator(schema_file(schemas, SCHEMA_FILE))


def parse_inline(body: Any, schemas: Path, ctx: ScenarioContext) -> Scenario:
    """A scenario posted to the admin API; ScenarioError (with a JSON path) if it is not valid."""
    error = jsonschema.exceptions.best_match(_validator(schemas).iter_errors(body))
    if error is not None:
        raise ScenarioError(list(error.absolute_path), error.message)
    if "name" not in body:
        raise ScenarioError([], "an inline scenario needs a name")
    return build_scenario(body, body["name"], "POST /__admin/scenarios", "inline", ctx)


def builtin_scenarios(ctx: ScenarioContext) -> dict[str, Scenario]:
    """``<endpoint>.<CODE>`` for every documented code of every endpoint: the catalog, as scenarios.

    A code whose data no documented example shows is left out: a file scenario of that name in
    ``fixtures/scenarios`` supplies the data (the tests check every code has its scenario).
    """
    found = {}
    for endpoint in ctx.catalog.endpoints.values():
        for code, spec in endpoint.codes.items():
            if spec.data and (endpoint.id, code) not in ctx.example_data:
                continue
            name = f"{endpoint.id}.{code}"
            raw = {
                "description": f"{endpoint.title} answers {code}",
                "rules": [{"name": code, "match": {"endpoint": endpoint.id}, "respond": {"code": code}}],
            }
            found[name] = build_scenario(raw, name, "catalog", "built-in", ctx)
    return found

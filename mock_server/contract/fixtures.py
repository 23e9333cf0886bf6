"""Fixture files (YAML or JSON) checked against a schema, with errors that name file and line.

A bad fixture must fail at start-up with ``accounts.yaml:12: accounts/3/balance: -1 is less than
the minimum of 0``, not with a traceback or, worse, a mock that silently ignores it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ..masking import is_secret
from .filecache import CACHE

if TYPE_CHECKING:
    import jsonschema


class FixtureError(ValueError):
    """A fixture file cannot be read or breaks its schema; the message says where."""


def load_checked(path: Path, schema: dict[str, Any] | None) -> Any:
    """Parse ``path`` and validate it (``schema`` None: parse only); raise FixtureError naming the
    file and line of the problem. A file parsed and checked in an earlier run comes from the cache."""
    try:
        content = path.read_bytes()
        text = content.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FixtureError(f"{path}: cannot be read: {exc}") from None
    key = cache_key(path, content, schema)
    data = CACHE.get(key)
    if data is not None:
        return data
    data = parse(path, text)
    error = first_error(schema, data) if schema is not None else None
    if error is not None:
        pointer = "/".join(str(p) for p in error.absolute_path)
        raise FixtureError(f"{path}:{line_of(text, error.absolute_path)}: {pointer or '(top)'}: {_message(error)}")
    CACHE.put(key, data)
    return data


def cache_key(path: Path, content: bytes, schema: dict[str, Any] | None) -> str:
    """What a parse depends on: the bytes, the schema they were checked against, JSON or YAML."""
    return CACHE.key(content, orjson.dumps(schema, option=orjson.OPT_SORT_KEYS) + path.suffix.encode())


def first_error(schema: dict[str, Any], data: Any) -> jsonschema.ValidationError | None:
    """The most relevant problem of ``data``, as jsonschema ranks them (imported here: a warm start,
    which reads every file from the cache, does not pay for it)."""
    import jsonschema

    return jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(data))


def parse(path: Path, text: str) -> Any:
    """JSON files as JSON (tabs allowed, trailing commas not), anything else as YAML."""
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FixtureError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    import yaml

    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise FixtureError(f"{path}{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def load_yaml(text: str) -> Any:
    """Safe YAML through libyaml when PyYAML was built with it (ten times faster at start-up)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _message(error: jsonschema.ValidationError) -> str:
    """The validator's message, without the offending value when it sits in a secret field."""
    if any(is_secret(str(step)) for step in error.absolute_path):
        return f"the value breaks the {error.validator!r} rule (not shown: a secret)"
    return str(error.message)


def line_of(text: str, path: Iterable[Any]) -> int:
    """The 1-based line where the value at ``path`` starts (the nearest existing parent's line)."""
    import yaml

    node = yaml.compose(text.replace("\t", " "))  # JSON may indent with tabs; YAML may not
    line = node.start_mark.line + 1 if node is not None else 1
    for step in path:
        found = _child(node, step)
        if found is None:
            break
        node, line = found[1], found[0].start_mark.line + 1
    return line


def _child(node: Any, step: Any) -> tuple[Any, Any] | None:
    """(the node that names the child: its key or itself, the child's value node)."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        return next(((k, v) for k, v in node.value if k.value == str(step)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step], node.value[step]
    return None


def fixture_files(folders: Iterable[Path], name: str) -> list[Path]:
    """``name`` (.yaml, .yml or .json) in each folder that has it, in folder order."""
    found = []
    for folder in folders:
        for suffix in (".yaml", ".yml", ".json"):
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                found.append(candidate)
                break
    return found


def schema_file(schemas: Path, name: str) -> dict[str, Any]:
    return json.loads((schemas / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]

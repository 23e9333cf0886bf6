"""Where each ``serve`` option's value comes from: the command line, else ``LIVENESS_MOCK_<FLAG>``,
else the TOML file of ``--config``, else the default.

The options stay argparse's (``cli._serve_options`` is the one list); this module only reads
them: ``Option.of`` turns an argparse action into its environment variable and file key, and
``resolve`` picks each value from the first layer that has it. A bad value in the environment
or the file is one ``ConfigError`` that names where it came from.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "LIVENESS_MOCK_"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off", ""})


class ConfigError(ValueError):
    """A value from the environment or the config file that the option does not take."""


@dataclass(frozen=True)
class Option:
    """One ``serve`` option as the layers see it. kind: ``value`` (one), ``switch`` (store_true),
    ``list`` (repeatable: a TOML array, a comma-separated variable)."""

    flag: str
    dest: str
    kind: str
    convert: Callable[[str], Any]
    default: Any
    flatten: bool = False  # each item is itself a list (``--host-ports a=1,b=2``)
    choices: tuple[str, ...] = ()
    help: str = ""

    @classmethod
    def of(cls, action: argparse.Action, default: Any) -> Option:
        flag, help_text = action.option_strings[0], action.help or ""
        convert = action.type if callable(action.type) else str
        if isinstance(action, argparse._StoreTrueAction):
            return cls(flag, action.dest, "switch", str, bool(default), help=help_text)
        if isinstance(action, argparse._AppendAction | argparse._ExtendAction):
            flatten = isinstance(action, argparse._ExtendAction)
            return cls(flag, action.dest, "list", convert, list(default or []), flatten, help=help_text)
        choices = tuple(action.choices or ())
        return cls(flag, action.dest, "value", convert, default, choices=choices, help=help_text)

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.key.upper().replace("-", "_")

    @property
    def key(self) -> str:
        return self.flag.removeprefix("--")

    def from_env(self, raw: str) -> Any:
        where = f"environment variable {self.env}={raw!r}"
        if self.kind == "switch":
            if raw.strip().lower() not in TRUE | FALSE:
                raise ConfigError(f"{where}: give 1/true/yes/on or 0/false/no/off")
            return raw.strip().lower() in TRUE
        if self.kind == "list":
            return self._items([item.strip() for item in raw.split(",") if item.strip()], where)
        return self._one(raw, where)

    def from_file(self, value: Any, source: str) -> Any:
        where = f"{source}: {self.key} = {value!r}"
        if self.kind == "switch":
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: give true or false")
            return value
        if self.kind == "list":
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(item, str | int | float) and not isinstance(item, bool) for item in items):
                raise ConfigError(f"{where}: give a string or an array of strings")
            return self._items([str(item) for item in items], where)
        if isinstance(value, bool | list | dict):
            raise ConfigError(f"{where}: give a single {'number' if self.convert in (int, float) else 'value'}")
        return self._one(str(value), where)

    def _items(self, items: list[str], where: str) -> list[Any]:
        converted = [self._one(item, where) for item in items]
        return [part for item in converted for part in item] if self.flatten else converted

    def _one(self, raw: str, where: str) -> Any:
        if self.choices and raw not in self.choices:
            raise ConfigError(f"{where}: give one of {', '.join(self.choices)}")
        try:
            return self.convert(raw)
        except (argparse.ArgumentTypeError, ValueError, TypeError) as exc:
            reason = str(exc) if isinstance(exc, argparse.ArgumentTypeError) else _kind_of(self.convert)
            raise ConfigError(f"{where}: {reason}") from None


def _kind_of(convert: Callable[[str], Any]) -> str:
    if convert is int:
        return "not an integer"
    return "not a number" if convert is float else "not a valid value"


def read_file(path: Path, options: Iterable[Option]) -> dict[str, Any]:
    """The TOML file's values by file key; unknown keys are an error (with the closest key)."""
    import tomllib  # here: a start without a config file does not pay for the TOML parser

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"config file {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path}: not valid TOML ({exc})") from None
    known = {option.key for option in options}
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"config file {path}: unknown key {key!r}{hint}")
    return data


def resolve(
    options: Iterable[Option],
    given: Mapping[str, Any],
    environ: Mapping[str, str],
    file: Mapping[str, Any],
    source: str,
) -> dict[str, Any]:
    """Each option's value by dest: ``given`` (the command line), else the environment, else
    ``file`` (read from ``source``), else the default."""
    values: dict[str, Any] = {}
    for option in options:
        if option.dest in given:
            values[option.dest] = given[option.dest]
        elif option.env in environ:
            values[option.dest] = option.from_env(environ[option.env])
        elif option.key in file:
            values[option.dest] = option.from_file(file[option.key], source)
        else:
            values[option.dest] = option.default
    return values

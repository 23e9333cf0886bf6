"""The languages the simulated page speaks (``fixtures/h5_languages.yaml``), and which one a
session's ``language`` (001 Generate URL: ISO 639-1, e.g. "en-US") picks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..contract.fixtures import FixtureError, load_checked, schema_file


@dataclass(frozen=True)
class PageLanguage:
    tag: str  # the page's lang attribute: the code asked for when its language is known
    texts: Mapping[str, str]


class PageLanguages:
    def __init__(self, languages: Mapping[str, Mapping[str, str]], default: str, aliases: Mapping[str, str]) -> None:
        self.languages = dict(languages)
        self.default = default
        self.aliases = dict(aliases)

    def pick(self, asked: object) -> PageLanguage:
        """``th-TH`` -> Thai (lang="th-TH"); ``fil`` -> Filipino; unknown or none -> the default."""
        tag = str(asked).strip() if isinstance(asked, str) else ""
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        primary = self.aliases.get(primary, primary)
        if tag and primary in self.languages:
            return PageLanguage(tag.replace("_", "-"), self.languages[primary])
        return PageLanguage(self.default, self.languages[self.default])


def load_languages(path: Path, schemas: Path) -> PageLanguages:
    raw = load_checked(path, schema_file(schemas, "h5_languages.schema.json"))
    languages = raw["languages"]
    aliases = raw.get("aliases", {})
    missing = [code for code in [raw["default"], *aliases.values()] if code not in languages]
    if missing:
        raise FixtureError(f"{path}: languages {missing} are named but not defined")
    return PageLanguages(languages, raw["default"], aliases)

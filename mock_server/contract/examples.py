"""The vendor's own examples (``fixtures/examples/``), as documented and as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .fixtures import load_checked


@dataclass(frozen=True)
class Example:
    file: str
    endpoint: str
    kind: str
    code: str | None
    seed: str
    text: str

    @cached_property
    def body(self) -> Any:
        return json.loads(self.text)


def load_examples(folder: Path) -> list[Example]:
    """Every example listed in ``index.yaml``, with its verbatim text."""
    index = load_checked(folder / "index.yaml", None)
    return [
        Example(
            e["file"],
            e["endpoint"],
            e["kind"],
            e.get("code"),
            str(e["seed"]),
            (folder / e["file"]).read_text(encoding="utf-8"),
        )
        for e in index["examples"]
    ]

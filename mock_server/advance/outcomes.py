"""Outcomes of a liveness check (pass, fail, attacks, face-quality codes) and the results they
report, drawn from ``fixtures/outcomes.yaml`` with the seeded fake-data generator."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..contract.fixtures import FixtureError, load_checked, schema_file
from ..store import Result

FAR_BEFORE_MS, NEAR_BEFORE_MS = 4_000, 1_000  # the far photo, then the near one, then the end

if TYPE_CHECKING:
    from faker import Faker


@dataclass(frozen=True)
class OutcomeSpec:
    name: str
    code: str
    success: bool
    score: tuple[int, int] | None
    attack_types: tuple[int | None, ...]
    cross_device: bool = False

    @property
    def scored(self) -> bool:
        return self.score is not None


class Outcomes:
    def __init__(self, specs: Mapping[str, OutcomeSpec], seed: int | None) -> None:
        self.specs = dict(specs)
        self.seed = seed
        self._fake: Faker | None = None

    @property
    def fake(self) -> Faker:
        """Faker, imported and seeded when a value is first drawn (not paid by every start-up)."""
        if self._fake is None:
            from faker import Faker

            self._fake = Faker()
            self._fake.seed_instance(self.seed)
        return self._fake

    def __contains__(self, name: object) -> bool:
        return name in self.specs

    def __iter__(self) -> Iterator[str]:
        return iter(self.specs)

    def __getitem__(self, name: str) -> OutcomeSpec:
        return self.specs[name]

    def reseed(self) -> None:
        """Back to the seed's first draw. A Faker not created yet starts there anyway: a reset
        does not import it (~70 ms, which the pytest fixture's first reset paid)."""
        if self._fake is not None:
            self._fake.seed_instance(self.seed)

    def draw(self, name: str, now_ms: int, video: bool) -> Result:
        """A result for outcome ``name`` finished at ``now_ms``; only scored outcomes have a video."""
        spec = self.specs[name]
        score = self._score(spec)
        attack = self.fake.random_element(spec.attack_types) if spec.attack_types else None
        return Result(
            outcome=name,
            code=spec.code,
            score=score,
            attack_type=attack,
            completed_ms=now_ms,
            far_ms=now_ms - FAR_BEFORE_MS,
            near_ms=now_ms - NEAR_BEFORE_MS if spec.scored else None,
            video=video and spec.scored,
            cross_device=spec.cross_device,
        )

    def _score(self, spec: OutcomeSpec) -> int | None:
        """A whole number, as Get Result prints it (``"score": 100``, file 003)."""
        if spec.score is None:
            return None
        low, high = spec.score
        return int(self.fake.pyint(min_value=low, max_value=high))


def load_outcomes(path: Path, schemas: Path, codes: set[str], seed: int | None) -> Outcomes:
    """The outcome table; each code must be one Get Result documents."""
    raw = load_checked(path, schema_file(schemas, "outcomes.schema.json"))["outcomes"]
    specs = {name: _spec(name, entry) for name, entry in raw.items()}
    unknown = sorted({s.code for s in specs.values()} - codes)
    if unknown:
        raise FixtureError(f"{path}: codes {unknown} are not documented for Get Result")
    return Outcomes(specs, seed)


def _spec(name: str, entry: Mapping[str, Any]) -> OutcomeSpec:
    attack = entry.get("attackType")
    attacks = tuple(attack) if isinstance(attack, list) else (() if attack is None else (attack,))
    score = tuple(entry["score"]) if "score" in entry else None
    return OutcomeSpec(name, entry["code"], entry["success"], score, attacks, entry.get("crossDevice", False))

"""Hypothesis profiles for the two targets: "mock" explores, "sandbox" stays within a small budget.

Both drop the deadline (a sandbox answers in hundreds of milliseconds, and varies) and accept
function-scoped fixtures under ``@given``: ``liveness_api`` resets the mock once per test, and
each example works on its own sessions, so examples do not need a reset of their own.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

PROFILES = {
    "mock": {"max_examples": 25},
    "sandbox": {"max_examples": 5, "stateful_step_count": 10},
}
_RELAXED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def register() -> None:
    for name, options in PROFILES.items():
        settings.register_profile(name, deadline=None, suppress_health_check=_RELAXED, **options)  # type: ignore[arg-type]


def load_for(target: str) -> None:
    """Register both profiles and load the one named after ``target``."""
    register()
    settings.load_profile(target)

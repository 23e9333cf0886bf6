"""The suite's hypothesis profile follows the target, unless ``--hypothesis-profile`` names one."""

from __future__ import annotations

import pytest

from pytest_plugin.plugin import STATE
from pytest_plugin.profiles import load_for


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("hypothesis_profile", None):
        load_for(config.stash[STATE].options.target)

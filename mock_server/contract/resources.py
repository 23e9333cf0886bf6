"""Where the data lives: ``schemas/`` and ``fixtures/`` beside the package in a source tree,
or inside it (``mock_server/_data``) in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # mock_server/


def data_dir(name: str) -> Path:
    """The shipped ``schemas`` or ``fixtures`` folder, wherever the package is installed."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the mock's {name}/ folder is missing (looked beside and inside {_PACKAGE})")


def schemas_dir() -> Path:
    return data_dir("schemas")


def fixtures_dir() -> Path:
    return data_dir("fixtures")

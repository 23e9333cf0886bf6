"""An offline twin of ADVANCE AI's liveness APIs (and Tencent Cloud FaceID): a mock server
built from the endpoint catalog and JSON Schemas in ``schemas/``.

``from mock_server import LivenessMock`` serves one in this process (see ``embedded.py``); it is
imported on first use, so ``import mock_server`` (and the CLI's ``routes``) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .embedded import LivenessMock

__all__ = ["LivenessMock", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "LivenessMock":
        from .embedded import LivenessMock

        return LivenessMock
    raise AttributeError(f"module 'mock_server' has no attribute {name!r}")

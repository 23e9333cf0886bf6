"""An offline twin of ADVANCE AI's liveness APIs (and Tencent Cloud FaceID): a mock server
built from the endpoint catalog and JSON Schemas in ``schemas/``."""

from __future__ import annotations

__version__ = "0.1.0"

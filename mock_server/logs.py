"""The process's logging: ``--log-level`` and ``--log-format text|json`` as one dictConfig.

uvicorn applies it in the serving process and in every worker it spawns, so the mock's own
loggers (``mock_server``, its access log ``mock_server.access``) and uvicorn's follow the same
level and format. Nothing here is on the request path; the access log (``journal.access``) is
only wired in when asked for.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

LEVELS = ("debug", "info", "warning", "error")
FORMATS = ("text", "json")
ACCESS_LOGGER = "mock_server.access"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and an access line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "access", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(line, ensure_ascii=False)


def log_config(level: str = "warning", fmt: str = "text") -> dict[str, Any]:
    """uvicorn's ``log_config``: every logger to stderr at ``level``, the access log to stdout
    (at info: asked for with ``--access-log``, it shows whatever the level)."""
    formatter = (
        {"()": f"{__name__}.JsonFormatter"} if fmt == "json" else {"format": "%(levelname)s %(name)s: %(message)s"}
    )
    access = {"()": f"{__name__}.JsonFormatter"} if fmt == "json" else {"format": "%(message)s"}
    stderr = {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr"}
    stdout = {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"}
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter, "access": access},
        "handlers": {"default": stderr, "access": stdout},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},  # ours is richer
            "mock_server": {"handlers": ["default"], "level": upper, "propagate": False},
            ACCESS_LOGGER: {"handlers": ["access"], "level": "INFO", "propagate": False},
        },
    }

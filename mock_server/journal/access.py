"""The access log (``--access-log``): one line per request the journal records.

It wraps the journal's ``record``, so it costs nothing unless asked for, sees vendor requests
and the mock's own pages alike (admin calls are not journaled, so not logged: a health check
every few seconds would bury the rest), and reads only what the gateway already decided:
method, host, path, endpoint, code, status, milliseconds. Query strings, headers and bodies are
never logged; the path is masked like the journal's query strings, and the mock's own links
(``/__mock/h5/<page token>``, ``/__mock/media/<signed tag>/<file>``) lose the part that grants
access, since access logs end up in CI logs.
"""

from __future__ import annotations

import logging
from typing import Any

from ..clock import MockClock
from ..gateway.call import Exchange
from ..logs import ACCESS_LOGGER
from ..masking import MASK, mask_text
from .record import Recording

log = logging.getLogger(ACCESS_LOGGER)
OWN_PREFIX = "/__mock/"  # the mock's own pages and media links (app.OWN_PREFIX, a layer above)


def access_fields(exchange: Exchange) -> dict[str, Any]:
    notes = exchange.notes
    return {
        "method": exchange.method,
        "host": notes.get("host"),
        "path": masked_path(exchange.path),
        "endpoint": notes.get("endpoint"),
        "code": notes.get("code"),
        "status": exchange.status,
        "ms": round(exchange.latency_ms, 2),
    }


def masked_path(path: str) -> str:
    """``path`` fit for a log: a link's capability (its third segment under /__mock/) as ***."""
    if path.startswith(OWN_PREFIX):
        parts = path.split("/", 4)  # "", "__mock", kind, capability, rest
        if len(parts) > 3:
            parts[3] = MASK
        path = "/".join(parts)
    return mask_text(path)


class AccessLog:
    """A ``Recording`` that records into ``journal``, then logs the request."""

    def __init__(self, journal: Recording) -> None:
        self.journal = journal
        self.clock: MockClock = journal.clock

    def record(self, exchange: Exchange) -> None:
        self.journal.record(exchange)
        fields = access_fields(exchange)
        text = " ".join(
            "-" if fields[k] is None else str(fields[k])
            for k in ("method", "host", "path", "endpoint", "code", "status")
        )
        log.info("%s %sms", text, fields["ms"], extra={"access": fields})

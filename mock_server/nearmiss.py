"""Near misses: for a request no route matched, the documented routes it was closest to.

Distance is the edit distance between ``host + path`` strings, so a typo in either shows up as a
small number next to the route that was meant. The Host header as sent is compared as well as
the host it resolved to (an unknown host resolves to api.advance.ai, hiding a typo in it).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .catalog import Route
from .hosts import strip_port
from .journal import Entry


def distance(a: str, b: str) -> int:
    """Levenshtein distance, two rows at a time."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


class NearMisses:
    def __init__(self, routes: Iterable[Route], limit: int = 3) -> None:
        self.routes = tuple(routes)
        self.limit = limit
        self._nearest = lru_cache(maxsize=256)(self._compute)

    def nearest(self, hosts: tuple[str, ...], method: str, path: str) -> list[dict[str, Any]]:
        return self._nearest(hosts, method, path)

    def _compute(self, hosts: tuple[str, ...], method: str, path: str) -> list[dict[str, Any]]:
        scored = []
        for route in self.routes:
            gap = min(distance(host + path, route.host + route.path) for host in hosts)
            gap += 0 if route.method == method else 1
            scored.append((gap, route.host, route.path, route.method, route.endpoint_id))
        scored.sort()
        keys = ("distance", "host", "path", "method", "endpoint")
        return [dict(zip(keys, row, strict=True)) for row in scored[: self.limit]]

    def describe(self, entry: Entry) -> dict[str, Any]:
        sent = strip_port(entry.headers.get("host", "")).lower()
        resolved = entry.notes.get("host", "")
        hosts = tuple(dict.fromkeys(h for h in (sent, resolved) if h))
        miss = entry.notes["miss"]
        return {
            "id": entry.id,
            "timeMs": entry.time_ms,
            "method": entry.method,
            "hostHeader": entry.headers.get("host"),
            "host": resolved,
            "path": entry.path,
            "status": entry.status,
            "allowed": list(miss.allowed),
            "nearest": self.nearest(hosts, entry.method, entry.path),
        }

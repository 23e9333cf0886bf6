"""Near misses: for a request no route matched, the documented routes it was closest to.

Distance is the edit distance between ``host + path (+ #action)`` strings, so a typo in any of
them shows up as a small number next to the route that was meant (Tencent's routes differ only
by their X-TC-Action). The Host header as sent is compared as well as the host it resolved to: an
unknown host resolves to api.advance.ai, which would hide a typo in it, so a Host header one or
two letters from a documented host is a near miss even when api.advance.ai answered it.
Strings are compared on their first ``MAX_COMPARED`` characters: a client bug can send a long path.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..contract.catalog import Route
from ..gateway.hosts import strip_port
from .record import Entry

MAX_COMPARED = 160
HOST_TYPO_DISTANCE = 2


def distance(a: str, b: str) -> int:
    """Levenshtein distance, two rows at a time, of the first ``MAX_COMPARED`` characters."""
    a, b = a[:MAX_COMPARED], b[:MAX_COMPARED]
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

    def nearest(self, hosts: tuple[str, ...], method: str, path: str, action: str = "") -> list[dict[str, Any]]:
        return self._nearest(hosts, method, path, action)

    def _compute(self, hosts: tuple[str, ...], method: str, path: str, action: str) -> list[dict[str, Any]]:
        scored = []
        sent = f"{path}#{action}" if action else path
        for route in self.routes:
            meant = f"{route.path}#{route.action}" if route.action else route.path
            gap = min(distance(host + sent, route.host + meant) for host in hosts)
            gap += 0 if route.method == method else 1
            scored.append((gap, route.host, route.path, route.method, route.endpoint_id))
        scored.sort()
        keys = ("distance", "host", "path", "method", "endpoint")
        return [dict(zip(keys, row, strict=True)) for row in scored[: self.limit]]

    def describe(self, entry: Entry) -> dict[str, Any]:
        sent = strip_port(entry.headers.get("host", "")).lower()
        resolved = entry.notes.get("host", "")
        miss = entry.notes.get("miss")
        # a host typo that api.advance.ai answered: what was meant is near the host as sent
        hosts = tuple(dict.fromkeys(h for h in (sent, resolved) if h)) if miss else (sent,)
        return {
            "id": entry.id,
            "timeMs": entry.time_ms,
            "method": entry.method,
            "hostHeader": entry.headers.get("host"),
            "host": resolved,
            "path": entry.path,
            "status": entry.status,
            "allowed": list(miss.allowed) if miss else [],
            "answeredAs": None if miss else resolved,
            "nearest": self.nearest(hosts, entry.method, entry.path, entry.headers.get("x-tc-action", "")),
        }


class HostTypos:
    """Is a Host header a near-typo of a documented host? Asked on every request: answers are cached."""

    def __init__(self, hosts: Iterable[str], cache_size: int = 1024) -> None:
        self.hosts = tuple(hosts)
        self.longest = max(map(len, self.hosts), default=0)
        self._cache: dict[str, bool] = {}
        self.cache_size = cache_size

    def __call__(self, header: str | None) -> bool:
        found = self._cache.get(header or "")
        if found is None:
            found = self._is_typo(strip_port(header or "").lower())
            if len(self._cache) < self.cache_size:
                self._cache[header or ""] = found
        return found

    def _is_typo(self, name: str) -> bool:
        """Near a documented host but not one; a name far longer is no typo (and costs no distance)."""
        if name in self.hosts or len(name) > self.longest + HOST_TYPO_DISTANCE:
            return False
        return any(0 < distance(name, h) <= HOST_TYPO_DISTANCE for h in self.hosts)

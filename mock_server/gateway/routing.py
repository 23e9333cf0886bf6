"""(host, method, path) -> route, by dictionary lookup; misses say whether it is a 404 or a 405."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..contract.catalog import Route


@dataclass(frozen=True)
class RouteMiss:
    """No route: ``allowed`` is empty for an unknown path (404), else the methods it has (405)."""

    host: str
    method: str
    path: str
    allowed: tuple[str, ...] = ()

    @property
    def status(self) -> int:
        return 405 if self.allowed else 404


class RouteTable:
    def __init__(self, routes: Iterable[Route]) -> None:
        self._table: dict[tuple[str, str], dict[str, Route]] = {}
        for route in routes:
            methods = self._table.setdefault((route.host, route.path), {})
            if route.method in methods:
                raise ValueError(f"two endpoints serve {route.method} {route.host}{route.path}")
            methods[route.method] = route

    def match(self, host: str, method: str, path: str) -> Route | RouteMiss:
        methods = self._table.get((host, path))
        if methods is None:
            return RouteMiss(host, method, path)
        route = methods.get(method)
        if route is None:
            return RouteMiss(host, method, path, tuple(sorted(methods)))
        return route

    def __iter__(self) -> Iterator[Route]:
        for methods in self._table.values():
            yield from methods.values()

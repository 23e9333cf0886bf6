"""``/__admin/scenarios``: list (with state), activate, deactivate, and define scenarios inline.

``GET /scenarios?active=true&kind=file,inline`` narrows the list (the built-in ones, one per
documented code of every endpoint, are many).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..admin.endpoint import AdminError, admin_endpoint, json_object
from .book import ScenarioBook, UnknownScenario
from .checks import ScenarioError
from .loader import ScenarioContext, parse_inline

Handler = Callable[[Request], Awaitable[Any]]


def _named(handler: Handler) -> Handler:
    """An unknown scenario name is a 404 with a suggestion."""

    async def wrapped(request: Request) -> Any:
        try:
            return await handler(request)
        except UnknownScenario as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)

    return wrapped


def scenario_routes(book: ScenarioBook, schemas: Path, ctx: ScenarioContext) -> list[BaseRoute]:
    async def list_all(request: Request) -> dict[str, Any]:
        kinds = request.query_params.get("kind")
        only_active = request.query_params.get("active") in ("1", "true")
        found = [
            book.describe(s)
            for s in book.defined.values()
            if (kinds is None or s.kind in kinds.split(",")) and (not only_active or book.is_active(s.name))
        ]
        return {"seed": book.seed, "scenarios": found}

    async def show(request: Request) -> dict[str, Any]:
        return book.describe(book.scenario(request.path_params["name"]))

    async def activate(request: Request) -> dict[str, Any]:
        state = book.activate(request.path_params["name"])
        return book.describe(state.scenario)

    async def deactivate(request: Request) -> dict[str, Any]:
        name = request.path_params["name"]
        return {"name": name, "active": False, "wasActive": book.deactivate(name)}

    async def deactivate_all(request: Request) -> dict[str, Any]:
        return {"deactivated": book.deactivate_all()}

    async def define(request: Request) -> Response:
        body = await json_object(request)
        try:
            scenario = parse_inline(body, schemas, ctx)
            book.define(scenario, body)
        except (ScenarioError, ValueError) as exc:
            raise AdminError(str(exc)) from None
        book.activate(scenario.name)
        return JSONResponse(book.describe(scenario), status_code=201)

    return [
        Route("/scenarios", admin_endpoint(list_all), methods=["GET"]),
        Route("/scenarios", admin_endpoint(define), methods=["POST"]),
        Route("/scenarios", admin_endpoint(deactivate_all), methods=["DELETE"]),
        Route("/scenarios/{name}", admin_endpoint(_named(show)), methods=["GET"]),
        Route("/scenarios/{name}", admin_endpoint(_named(activate)), methods=["POST"]),
        Route("/scenarios/{name}", admin_endpoint(_named(deactivate)), methods=["DELETE"]),
    ]

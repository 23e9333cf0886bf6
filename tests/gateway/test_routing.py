from __future__ import annotations

import pytest

from mock_server.contract.catalog import Catalog, Route
from mock_server.gateway.routing import RouteMiss, RouteTable


@pytest.fixture(scope="module")
def table(catalog: Catalog) -> RouteTable:
    return RouteTable(catalog.routes("advance"))


def test_a_regional_path_is_served_only_on_its_host(table: RouteTable) -> None:
    path = "/my/openapi/face-identity/v1/liveness-detection"
    found = table.match("my-api.advance.ai", "POST", path)
    assert isinstance(found, Route) and found.endpoint_id == "liveness_detection"
    miss = table.match("th-api.advance.ai", "POST", path)
    assert isinstance(miss, RouteMiss) and miss.status == 404


def test_wrong_method_is_a_405_that_names_the_allowed_ones(table: RouteTable) -> None:
    miss = table.match("api.advance.ai", "GET", "/openapi/liveness/v4/h5/get-result")
    assert isinstance(miss, RouteMiss) and miss.status == 405 and miss.allowed == ("POST",)


def test_no_slash_tolerance(table: RouteTable) -> None:
    assert isinstance(table.match("api.advance.ai", "POST", "/openapi/liveness/v4/h5/get-result/"), RouteMiss)


def test_two_endpoints_on_one_route_is_refused() -> None:
    route = Route("h", "/p", "GET", "a")
    with pytest.raises(ValueError, match="two endpoints serve GET h/p"):
        RouteTable([route, Route("h", "/p", "GET", "b")])


def test_iterating_gives_every_route(table: RouteTable, catalog: Catalog) -> None:
    assert sorted(table, key=repr) == sorted(catalog.routes("advance"), key=repr)

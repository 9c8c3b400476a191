"""Your implementation of the store gRPC services.

contractgen created this file once and never touches it again. Each class starts as the generated
mock, which answers with example messages; override its methods (the signatures are in
`_generated/servicers.py`) and mypy will tell you what is missing. Report errors with
`await context.abort(grpc.StatusCode.NOT_FOUND, "...")`.

To serve on grpc's thread-pool server instead of asyncio, derive from the classes in
`_generated/sync_mock.py` (or `_generated/sync_servicers.py`) and return `SyncServices`.
"""

from __future__ import annotations

from ._generated.mock import MockCatalogServicer, MockOrdersServicer
from ._generated.server import Services


class CatalogService(MockCatalogServicer):
    """Your `acme.catalog.v1.Catalog`; it starts as the mock.

    Once every method is implemented, derive from `servicers.CatalogServicer` instead.
    """


class OrdersService(MockOrdersServicer):
    """Your `acme.orders.v1.Orders`; it starts as the mock.

    Once every method is implemented, derive from `servicers.OrdersServicer` instead.
    """


def build_services() -> Services:
    """The implementation `server.py` serves."""
    return Services(
        catalog=CatalogService(),
        orders=OrdersService(),
    )

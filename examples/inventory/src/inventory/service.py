"""Your implementation of the inventory gRPC services.

contractgen created this file once and never touches it again. Each class starts as the generated
mock, which answers with example messages; override its methods (the signatures are in
`_generated/servicers.py`) and mypy will tell you what is missing. Report errors with
`await context.abort(grpc.StatusCode.NOT_FOUND, "...")`.

To serve on grpc's thread-pool server instead of asyncio, derive from the classes in
`_generated/sync_mock.py` (or `_generated/sync_servicers.py`) and return `SyncServices`.
"""

from __future__ import annotations

from ._generated.mock import MockInventoryServicer
from ._generated.server import Services


class InventoryService(MockInventoryServicer):
    """Your `inventory.v1.Inventory`; it starts as the mock.

    Once every method is implemented, derive from `servicers.InventoryServicer` instead.
    """


def build_services() -> Services:
    """The implementation `server.py` serves."""
    return Services(
        inventory=InventoryService(),
    )

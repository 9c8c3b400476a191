"""Which RPCs the generated gRPC load test calls: the unary ones, each with its example request.

A streaming RPC has no single latency to measure, so only unary RPCs are sent; their requests are
the examples of `examples.json` (see `examples.py`), so every one has a request to send.
"""

from __future__ import annotations

from generator.ir.proto import ProtoContract


def unary_paths(contract: ProtoContract) -> list[str]:
    """`/package.Service/Method` of every unary RPC, in contract order."""
    return [
        service.method_path(method)
        for service in contract.services
        for method in service.methods
        if not method.client_streaming and not method.server_streaming
    ]

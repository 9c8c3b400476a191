"""Runtime of the generated gRPC load test: bounded, loopback by default, fails past its thresholds.

This file is copied verbatim by contractgen; it does not depend on the contract. It calls unary RPCs
over grpc.aio channels, each with its example request from `examples.json`; measuring, thresholds
and the report are `load_stats.py`, shared with the other servers. Settings (environment variables):
LOADTEST_TARGET (127.0.0.1:50051), LOADTEST_CHANNELS (1: connections, taking turns; a service with
WORKERS processes serves each connection from one of them), LOADTEST_CA_FILE (call over TLS trusting
this CA) and those of `load_stats.py`. Any status but OK is an error.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

import grpc
from google.protobuf import descriptor_pool, json_format, message_factory
from pydantic import Field

from .load_stats import LoadReport, LoadSettings, measure, print_report, read_settings
from .server_runtime import Examples

__all__ = ["GrpcLoadSettings", "LoadReport", "example_requests", "main", "run"]


class GrpcLoadSettings(LoadSettings):
    target: str = "127.0.0.1:50051"
    channels: int = Field(default=1, ge=1)


def example_requests(package: str, paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """Each RPC path with its example request, serialized once (the channel then sends the bytes as they are).

    The request types are looked up by name in protobuf's default pool; `servicers` imports every
    service's protoc module, which registers them there.
    """
    importlib.import_module(".servicers", package)
    examples = Examples.load(package)
    requests = []
    for path in paths:
        method = examples.methods[path]
        descriptor = descriptor_pool.Default().FindMessageTypeByName(method["request_type"])
        message = json_format.ParseDict(
            method["request"], message_factory.GetMessageClass(descriptor)()
        )
        requests.append((path, message.SerializeToString()))
    return requests


async def run(requests: Sequence[tuple[str, bytes]], settings: GrpcLoadSettings) -> LoadReport:
    """Call up to `settings.requests` RPCs (cycling through `requests`) for at most `settings.seconds`."""
    channels = [_channel(settings) for _ in range(settings.channels)]
    try:
        calls: list[list[tuple[grpc.aio.UnaryUnaryMultiCallable[bytes, bytes], bytes]]] = [
            [(channel.unary_unary(path), payload) for path, payload in requests]
            for channel in channels
        ]

        async def send_one(number: int) -> bool:
            call, payload = calls[number % len(calls)][number // len(calls) % len(requests)]
            try:
                await call(payload, timeout=settings.timeout_seconds)
            except grpc.RpcError:  # any status but OK
                return False
            return True

        return await measure(send_one, settings)
    finally:
        for channel in channels:
            await channel.close()


def _channel(settings: GrpcLoadSettings) -> grpc.aio.Channel:
    """A channel with a connection of its own (grpc shares one between channels of equal settings)."""
    options = [("grpc.use_local_subchannel_pool", 1)]
    if not settings.uses_tls:
        return grpc.aio.insecure_channel(settings.target, options=options)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=Path(settings.ca_file).read_bytes() if settings.ca_file else None,
        private_key=Path(settings.key_file).read_bytes() if settings.key_file else None,
        certificate_chain=Path(settings.cert_file).read_bytes() if settings.cert_file else None,
    )
    return grpc.aio.secure_channel(settings.target, credentials, options=options)


def main(package: str, paths: Sequence[str]) -> int:
    """Run, print a summary line and one JSON line; exit status 1 when a threshold is passed."""
    if not paths:
        print("no unary RPC to load", file=sys.stderr)
        return 2
    settings = read_settings(GrpcLoadSettings)
    if settings is None:
        return 2
    return print_report(asyncio.run(run(example_requests(package, paths), settings)))

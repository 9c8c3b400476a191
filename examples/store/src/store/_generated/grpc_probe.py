"""The container's health probe for the gRPC server: `python -m PACKAGE._generated.grpc_probe`.

The Dockerfile's HEALTHCHECK. It asks the server on 127.0.0.1:PORT for its overall status with the
standard health service (`grpc.health.v1.Health/Check`) and is healthy only on SERVING, so a server
whose readiness check fails is reported unhealthy too. Exit status and settings as in `probe`,
except that gRPC always checks the server's certificate: against PROBE_CA_FILE, else against
TLS_CERT_FILE itself (the service's own certificate trusted as it is), for the name
PROBE_SERVER_NAME (localhost).
"""

from __future__ import annotations

import os
from pathlib import Path

# gRPC reads its log level once, on import: its own lines would bury the one line the probe writes.
os.environ.setdefault("GRPC_VERBOSITY", "NONE")

import grpc
from grpc_health.v1 import health_pb2  # type: ignore[import-untyped, unused-ignore]

from .probe import ProbeSettings, main

__all__ = ["grpc_probe"]


def _channel(settings: ProbeSettings) -> grpc.Channel:
    target = f"127.0.0.1:{settings.port or 50051}"
    if settings.tls_cert_file is None:
        return grpc.insecure_channel(target)
    root = Path(settings.probe_ca_file or settings.tls_cert_file).read_bytes()
    key = Path(settings.probe_key_file).read_bytes() if settings.probe_key_file else None
    chain = Path(settings.probe_cert_file).read_bytes() if settings.probe_cert_file else None
    credentials = grpc.ssl_channel_credentials(
        root_certificates=root, private_key=key, certificate_chain=chain
    )
    options = [("grpc.ssl_target_name_override", settings.probe_server_name)]
    return grpc.secure_channel(target, credentials, options=options)


def grpc_probe(settings: ProbeSettings) -> None:
    """Raise unless the server reports SERVING."""
    with _channel(settings) as channel:
        check = channel.unary_unary(
            "/grpc.health.v1.Health/Check",
            request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
            response_deserializer=health_pb2.HealthCheckResponse.FromString,
        )
        try:
            answer = check(
                health_pb2.HealthCheckRequest(service=""), timeout=settings.probe_timeout_seconds
            )
        except grpc.RpcError as error:
            raise RuntimeError(
                f"health check failed: {error.code().name} {error.details()}"
            ) from None
    if answer.status != health_pb2.HealthCheckResponse.SERVING:
        raise RuntimeError(
            f"health status {health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)}"
        )


if __name__ == "__main__":
    raise SystemExit(main(grpc_probe))

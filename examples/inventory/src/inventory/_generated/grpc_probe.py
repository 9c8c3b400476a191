"""The container's health probe for the gRPC server: `python -m PACKAGE._generated.grpc_probe`.

The Dockerfile's HEALTHCHECK. It asks the server on 127.0.0.1:PORT for its overall status with the
standard health service (`grpc.health.v1.Health/Check`) and is healthy only on SERVING, so a server
whose readiness check fails is reported unhealthy too. Exit status and settings as in `probe`,
except that gRPC always checks the server's certificate: against PROBE_CA_FILE, else against
TLS_CERT_FILE itself (the service's own certificate trusted as it is), for the name
PROBE_SERVER_NAME, else the first DNS name (or common name) that certificate gives itself.
"""

from __future__ import annotations

import os
import socket
import ssl
from pathlib import Path
from typing import Any

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
    name = settings.probe_server_name or _presented_name(settings)
    options = [("grpc.ssl_target_name_override", name)] if name else []
    return grpc.secure_channel(target, credentials, options=options)


def _presented_name(settings: ProbeSettings) -> str | None:
    """The first DNS name, else the common name, of the certificate the server presents: the name
    gRPC will check, read by a handshake that trusts what gRPC's will."""
    context = ssl.create_default_context(cafile=settings.probe_ca_file or settings.tls_cert_file)
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a pinned leaf is its own root
    context.set_alpn_protocols(["h2"])
    if settings.probe_cert_file is not None and settings.probe_key_file is not None:
        context.load_cert_chain(settings.probe_cert_file, settings.probe_key_file)
    address = ("127.0.0.1", settings.port or 50051)
    with (
        socket.create_connection(address, timeout=settings.probe_timeout_seconds) as connection,
        context.wrap_socket(connection) as tls,
    ):
        certificate: dict[str, Any] = dict(tls.getpeercert() or {})
    dns_names = [
        str(value) for kind, value in certificate.get("subjectAltName", ()) if kind == "DNS"
    ]
    common_names = [
        str(value)
        for rdn in certificate.get("subject", ())
        for key, value in rdn
        if key == "commonName"
    ]
    return next(iter(dns_names + common_names), None)


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

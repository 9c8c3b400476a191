"""Typed errors of the generated gRPC clients: one `GrpcError` subclass per status code.

This file is copied verbatim by contractgen. grpcio raises `grpc.RpcError` (blocking) and
`grpc.aio.AioRpcError` (asyncio) with the status as methods; the clients raise these instead, the
same for unary and streaming calls, with the code, details and trailing metadata as attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, TypeAlias

import grpc

__all__ = [
    "AbortedError",
    "AlreadyExistsError",
    "DataLossError",
    "DeadlineExceededError",
    "FailedPreconditionError",
    "GrpcError",
    "InternalError",
    "InvalidArgumentError",
    "MetadataPairs",
    "NotFoundError",
    "OutOfRangeError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "RpcCancelledError",
    "UnauthenticatedError",
    "UnavailableError",
    "UnimplementedError",
    "UnknownError",
    "error_from",
    "metadata_pairs",
]

MetadataPairs: TypeAlias = tuple[tuple[str, str | bytes], ...]


class GrpcError(Exception):
    """A call ended with a non-OK status; the subclass says which (`NotFoundError`...).

    The original `grpc.RpcError` is the `__cause__`.
    """

    def __init__(
        self,
        code: grpc.StatusCode,
        details: str,
        trailing_metadata: MetadataPairs = (),
        method: str = "",
    ) -> None:
        super().__init__(f"{code.name}: {details}" if details else code.name)
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata
        self.method = method
        """The RPC that failed, as gRPC names it: `/package.Service/Method`."""


class RpcCancelledError(GrpcError):
    """CANCELLED (named so it is not mistaken for `asyncio.CancelledError`)."""


class UnknownError(GrpcError):
    """UNKNOWN: typically an exception the server did not map to a status."""


class InvalidArgumentError(GrpcError):
    """INVALID_ARGUMENT."""


class DeadlineExceededError(GrpcError):
    """DEADLINE_EXCEEDED: the call's timeout passed (retries included)."""


class NotFoundError(GrpcError):
    """NOT_FOUND."""


class AlreadyExistsError(GrpcError):
    """ALREADY_EXISTS."""


class PermissionDeniedError(GrpcError):
    """PERMISSION_DENIED."""


class ResourceExhaustedError(GrpcError):
    """RESOURCE_EXHAUSTED: a quota, or a message larger than the channel allows."""


class FailedPreconditionError(GrpcError):
    """FAILED_PRECONDITION."""


class AbortedError(GrpcError):
    """ABORTED."""


class OutOfRangeError(GrpcError):
    """OUT_OF_RANGE."""


class UnimplementedError(GrpcError):
    """UNIMPLEMENTED: the server does not serve this method."""


class InternalError(GrpcError):
    """INTERNAL (also raised by gRPC when a request cannot be serialized)."""


class UnavailableError(GrpcError):
    """UNAVAILABLE: the server could not be reached, or asked to be tried again."""


class DataLossError(GrpcError):
    """DATA_LOSS."""


class UnauthenticatedError(GrpcError):
    """UNAUTHENTICATED."""


_ERRORS: Final[Mapping[grpc.StatusCode, type[GrpcError]]] = {
    grpc.StatusCode.CANCELLED: RpcCancelledError,
    grpc.StatusCode.UNKNOWN: UnknownError,
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgumentError,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceededError,
    grpc.StatusCode.NOT_FOUND: NotFoundError,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExistsError,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDeniedError,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhaustedError,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPreconditionError,
    grpc.StatusCode.ABORTED: AbortedError,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRangeError,
    grpc.StatusCode.UNIMPLEMENTED: UnimplementedError,
    grpc.StatusCode.INTERNAL: InternalError,
    grpc.StatusCode.UNAVAILABLE: UnavailableError,
    grpc.StatusCode.DATA_LOSS: DataLossError,
    grpc.StatusCode.UNAUTHENTICATED: UnauthenticatedError,
}


def metadata_pairs(metadata: Iterable[Any] | None) -> MetadataPairs:
    """grpcio hands out metadata as pairs (sync) or as `grpc.aio.Metadata`; one shape here."""
    return tuple((str(key), value) for key, value in metadata or ())


def error_from(error: grpc.RpcError, method: str = "") -> GrpcError:
    """The typed error for a failed call (sync `grpc.RpcError` and `grpc.aio.AioRpcError` alike)."""
    code = error.code() if callable(getattr(error, "code", None)) else grpc.StatusCode.UNKNOWN
    details = error.details() if callable(getattr(error, "details", None)) else str(error)
    trailing = (
        error.trailing_metadata() if callable(getattr(error, "trailing_metadata", None)) else ()
    )
    return _ERRORS.get(code, GrpcError)(code, details or "", metadata_pairs(trailing), method)

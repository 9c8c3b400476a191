"""The protocol-independent part of the generated load test: limits, measurement, thresholds, report.

This file is copied verbatim by contractgen into every server target that has a load test; it does
not depend on the contract or the protocol. `load_runtime.py` beside it says how to send one
request (HTTP GET, GraphQL POST or a unary gRPC call) and where to (its `LoadSettings` subclass).
Settings (environment variables): LOADTEST_REQUESTS (2000 at most), LOADTEST_SECONDS (30 at most),
LOADTEST_CONCURRENCY (16), LOADTEST_TIMEOUT_SECONDS (5 per request), LOADTEST_CA_FILE (trust this
CA over TLS), LOADTEST_CERT_FILE and LOADTEST_KEY_FILE (the client certificate a mutual-TLS service
asks for), LOADTEST_MAX_P99_MS (500), LOADTEST_MAX_ERROR_RATE (0: any failed request fails the
run), LOADTEST_MIN_RPS (0).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from typing import TypeVar

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SendOne = Callable[[int], Awaitable[bool]]
"""Sends the request numbered by its argument (0, 1, ...); True when it was answered successfully,
False when it failed (the protocol's own errors are caught there: this module does not know them)."""


class LoadSettings(BaseSettings):
    """How much load and what counts as a pass; each protocol's subclass adds where to send it."""

    model_config = SettingsConfigDict(env_prefix="LOADTEST_", frozen=True, extra="ignore")

    requests: int = Field(default=2000, ge=1)
    seconds: float = Field(default=30.0, gt=0)
    concurrency: int = Field(default=16, ge=1)
    timeout_seconds: float = Field(default=5.0, gt=0)
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    max_p99_ms: float = Field(default=500.0, gt=0)
    max_error_rate: float = Field(default=0.0, ge=0, le=1)
    min_rps: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _certificate_pair(self) -> LoadSettings:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError(
                "LOADTEST_CERT_FILE and LOADTEST_KEY_FILE are set together or not at all"
            )
        return self

    @property
    def uses_tls(self) -> bool:
        """Whether the settings name any TLS file (the target itself may also say https)."""
        return self.ca_file is not None or self.cert_file is not None

    def ssl_context(self) -> ssl.SSLContext:
        """A client context trusting LOADTEST_CA_FILE (else the system's CAs), presenting the client
        certificate when one is set."""
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.cert_file is not None and self.key_file is not None:
            context.load_cert_chain(self.cert_file, self.key_file)
        return context


AnySettings = TypeVar("AnySettings", bound=LoadSettings)


@dataclass(frozen=True)
class LoadReport:
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failures: tuple[str, ...]
    """Which thresholds were passed; empty when the run passes."""


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


async def measure(send_one: SendOne, settings: LoadSettings) -> LoadReport:
    """Call `send_one` up to `settings.requests` times from `settings.concurrency` workers, for at most
    `settings.seconds`, timing each call."""
    latencies: list[float] = []
    errors = 0
    sent = 0
    started = time.perf_counter()
    deadline = started + settings.seconds

    async def worker() -> None:
        nonlocal errors, sent
        while sent < settings.requests and time.perf_counter() < deadline:
            number = sent
            sent += 1
            began = time.perf_counter()
            ok = await send_one(number)
            latencies.append((time.perf_counter() - began) * 1000)
            errors += 0 if ok else 1

    await asyncio.gather(*(worker() for _ in range(settings.concurrency)))
    return summarize(latencies, errors, time.perf_counter() - started, settings)


def summarize(
    latencies: Sequence[float], errors: int, elapsed: float, settings: LoadSettings
) -> LoadReport:
    """Throughput and percentiles of the latencies (ms), and which thresholds of `settings` they pass."""
    ordered = sorted(latencies)
    done = len(ordered)
    rps = round(done / elapsed, 1) if elapsed else 0.0
    p99 = round(percentile(ordered, 0.99), 2)
    failures = []
    if p99 > settings.max_p99_ms:
        failures.append(f"p99 {p99} ms > LOADTEST_MAX_P99_MS {settings.max_p99_ms}")
    if done and errors / done > settings.max_error_rate:
        failures.append(
            f"error rate {errors / done:.4f} > LOADTEST_MAX_ERROR_RATE {settings.max_error_rate}"
        )
    if rps < settings.min_rps:
        failures.append(f"{rps} requests/s < LOADTEST_MIN_RPS {settings.min_rps}")
    return LoadReport(
        requests=done,
        errors=errors,
        seconds=round(elapsed, 3),
        rps=rps,
        p50_ms=round(statistics.median(ordered), 2) if ordered else 0.0,
        p95_ms=round(percentile(ordered, 0.95), 2),
        p99_ms=p99,
        failures=tuple(failures),
    )


def read_settings(settings_type: type[AnySettings]) -> AnySettings | None:
    """The settings from the environment, or None after printing why they are invalid."""
    try:
        return settings_type()
    except ValidationError as error:
        print(f"invalid settings: {error}", file=sys.stderr)
        return None


def print_report(report: LoadReport) -> int:
    """Print a summary line and one JSON line; the exit status: 1 when a threshold is passed."""
    print(
        f"{report.requests} requests in {report.seconds:.2f} s: {report.rps} requests/s, "
        f"p50 {report.p50_ms} ms, p95 {report.p95_ms} ms, p99 {report.p99_ms} ms, {report.errors} errors"
    )
    print(json.dumps(asdict(report)))
    for failure in report.failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if report.failures else 0

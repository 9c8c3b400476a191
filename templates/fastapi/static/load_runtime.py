"""Runtime of the generated load test: bounded, loopback by default, fails past its thresholds.

This file is copied verbatim by contractgen; it does not depend on the contract.
Settings (environment variables): LOADTEST_BASE_URL (http://127.0.0.1:8000), LOADTEST_REQUESTS
(2000 at most), LOADTEST_SECONDS (30 at most), LOADTEST_CONCURRENCY (16), LOADTEST_TIMEOUT_SECONDS
(5 per request), LOADTEST_CA_FILE (trust this CA over https), LOADTEST_MAX_P99_MS (500),
LOADTEST_MAX_ERROR_RATE (0: any non-2xx answer or failed request fails the run), LOADTEST_MIN_RPS (0).
"""

from __future__ import annotations

import asyncio
import json
import ssl
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import httpx
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


@dataclass(frozen=True)
class LoadRequest:
    operation_id: str
    path: str
    query: tuple[tuple[str, str], ...] = ()


class LoadSettings(BaseSettings):
    """How much load, where, and what counts as a pass."""

    model_config = SettingsConfigDict(env_prefix="LOADTEST_", frozen=True, extra="ignore")

    base_url: str = "http://127.0.0.1:8000"
    requests: int = Field(default=2000, ge=1)
    seconds: float = Field(default=30.0, gt=0)
    concurrency: int = Field(default=16, ge=1)
    timeout_seconds: float = Field(default=5.0, gt=0)
    ca_file: str | None = None
    max_p99_ms: float = Field(default=500.0, gt=0)
    max_error_rate: float = Field(default=0.0, ge=0, le=1)
    min_rps: float = Field(default=0.0, ge=0)


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


async def run(requests: Sequence[LoadRequest], settings: LoadSettings) -> LoadReport:
    """Send up to `settings.requests` requests (cycling through `requests`) for at most `settings.seconds`."""
    verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else True
    latencies: list[float] = []
    errors = 0
    sent = 0
    started = time.perf_counter()
    deadline = started + settings.seconds
    limits = httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency)
    async with httpx.AsyncClient(
        base_url=settings.base_url, verify=verify, timeout=settings.timeout_seconds, limits=limits
    ) as client:

        async def worker() -> None:
            nonlocal errors, sent
            while sent < settings.requests and time.perf_counter() < deadline:
                request = requests[sent % len(requests)]
                sent += 1
                began = time.perf_counter()
                try:
                    response = await client.get(request.path, params=list(request.query))
                    ok = response.is_success
                except httpx.HTTPError:
                    ok = False
                latencies.append((time.perf_counter() - began) * 1000)
                errors += 0 if ok else 1

        await asyncio.gather(*(worker() for _ in range(settings.concurrency)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    done = len(ordered)
    report = {
        "requests": done,
        "errors": errors,
        "seconds": round(elapsed, 3),
        "rps": round(done / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(ordered), 2) if ordered else 0.0,
        "p95_ms": round(percentile(ordered, 0.95), 2),
        "p99_ms": round(percentile(ordered, 0.99), 2),
    }
    failures = []
    if report["p99_ms"] > settings.max_p99_ms:
        failures.append(f"p99 {report['p99_ms']} ms > LOADTEST_MAX_P99_MS {settings.max_p99_ms}")
    if done and errors / done > settings.max_error_rate:
        failures.append(f"error rate {errors / done:.4f} > LOADTEST_MAX_ERROR_RATE {settings.max_error_rate}")
    if report["rps"] < settings.min_rps:
        failures.append(f"{report['rps']} requests/s < LOADTEST_MIN_RPS {settings.min_rps}")
    return LoadReport(
        done,
        errors,
        float(report["seconds"]),
        float(report["rps"]),
        float(report["p50_ms"]),
        float(report["p95_ms"]),
        float(report["p99_ms"]),
        tuple(failures),
    )


def main(requests: Sequence[LoadRequest]) -> int:
    """Run, print a summary line and one JSON line; exit status 1 when a threshold is passed."""
    if not requests:
        print("no anonymous GET operation with example or default parameter values to load", file=sys.stderr)
        return 2
    try:
        settings = LoadSettings()
    except ValidationError as error:
        print(f"invalid settings: {error}", file=sys.stderr)
        return 2
    report = asyncio.run(run(requests, settings))
    print(
        f"{report.requests} requests in {report.seconds:.2f} s: {report.rps} requests/s, "
        f"p50 {report.p50_ms} ms, p95 {report.p95_ms} ms, p99 {report.p99_ms} ms, {report.errors} errors"
    )
    print(json.dumps(asdict(report)))
    for failure in report.failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if report.failures else 0

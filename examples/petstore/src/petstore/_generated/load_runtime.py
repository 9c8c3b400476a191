"""Runtime of the generated load test: bounded, loopback by default, fails past its thresholds.

This file is copied verbatim by contractgen; it does not depend on the contract. It sends HTTP GETs
with httpx; measuring, thresholds and the report are `load_stats.py`, shared with the other servers.
Settings (environment variables): LOADTEST_BASE_URL (http://127.0.0.1:8000) and those of
`load_stats.py`; any non-2xx answer or failed request is an error.
"""

from __future__ import annotations

import asyncio
import ssl
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from .load_stats import LoadReport, LoadSettings, measure, print_report, read_settings

__all__ = ["HttpLoadSettings", "LoadReport", "LoadRequest", "main", "run"]


@dataclass(frozen=True)
class LoadRequest:
    operation_id: str
    path: str
    query: tuple[tuple[str, str], ...] = ()


class HttpLoadSettings(LoadSettings):
    base_url: str = "http://127.0.0.1:8000"


async def run(requests: Sequence[LoadRequest], settings: HttpLoadSettings) -> LoadReport:
    """Send up to `settings.requests` requests (cycling through `requests`) for at most `settings.seconds`."""
    verify: ssl.SSLContext | bool = settings.ssl_context() if settings.uses_tls else True
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    async with httpx.AsyncClient(
        base_url=settings.base_url, verify=verify, timeout=settings.timeout_seconds, limits=limits
    ) as client:

        async def send_one(number: int) -> bool:
            request = requests[number % len(requests)]
            try:
                response = await client.get(request.path, params=list(request.query))
            except httpx.HTTPError:
                return False
            return response.is_success

        return await measure(send_one, settings)


def main(requests: Sequence[LoadRequest]) -> int:
    """Run, print a summary line and one JSON line; exit status 1 when a threshold is passed."""
    if not requests:
        print(
            "no anonymous GET operation with example or default parameter values to load",
            file=sys.stderr,
        )
        return 2
    settings = read_settings(HttpLoadSettings)
    if settings is None:
        return 2
    return print_report(asyncio.run(run(requests, settings)))

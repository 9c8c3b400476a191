"""Runtime of the generated load test: bounded, loopback by default, fails past its thresholds.

This file is copied verbatim by contractgen; it does not depend on the contract. It sends HTTP GETs
with the client of `http_load.py` (settings: LOADTEST_BASE_URL and those of `load_stats.py`, which
measures, checks the thresholds and reports for every server). Any non-2xx answer or failed request
is an error.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from .http_load import HttpLoadSettings, load_client
from .load_stats import LoadReport, measure, print_report, read_settings

__all__ = ["HttpLoadSettings", "LoadReport", "LoadRequest", "main", "run"]


@dataclass(frozen=True)
class LoadRequest:
    operation_id: str
    path: str
    query: tuple[tuple[str, str], ...] = ()


async def run(requests: Sequence[LoadRequest], settings: HttpLoadSettings) -> LoadReport:
    """Send up to `settings.requests` requests (cycling through `requests`) for at most `settings.seconds`."""
    async with load_client(settings) as client:

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

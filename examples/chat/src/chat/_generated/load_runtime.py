"""Runtime of the generated GraphQL load test: bounded, loopback by default, fails past its thresholds.

This file is copied verbatim by contractgen; it does not depend on the contract. It POSTs each query
as JSON with httpx; measuring, thresholds and the report are `load_stats.py`, shared with the other
servers. Each query carries the variables contractgen computed from the schema for it; queries it
could not compute them for are named on stderr. Settings (environment variables): those of
`http_load.py` (LOADTEST_BASE_URL: the endpoint is BASE_URL + /graphql) and `load_stats.py`. A
non-2xx answer, an answer with `errors` or a failed request is an error.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import httpx

from .http_load import HttpLoadSettings, load_client
from .load_stats import LoadReport, measure, print_report, read_settings

__all__ = ["HttpLoadSettings", "LoadQuery", "LoadReport", "main", "run"]

GRAPHQL_PATH = "/graphql"


@dataclass(frozen=True)
class LoadQuery:
    operation_name: str
    document: str
    variables: Mapping[str, object] = field(default_factory=dict)
    """Values of the operation's required variables (the others are left to their defaults)."""


def answered(response: httpx.Response) -> bool:
    """A 2xx JSON answer with `data` and without `errors` (GraphQL over HTTP reports errors in the body)."""
    if not response.is_success:
        return False
    body = response.json()
    return isinstance(body, dict) and not body.get("errors") and body.get("data") is not None


async def run(queries: Sequence[LoadQuery], settings: HttpLoadSettings) -> LoadReport:
    """Send up to `settings.requests` queries (cycling through `queries`) for at most `settings.seconds`."""
    bodies = [
        {
            "query": query.document,
            "operationName": query.operation_name,
            "variables": dict(query.variables),
        }
        for query in queries
    ]
    async with load_client(settings) as client:

        async def send_one(number: int) -> bool:
            try:
                return answered(await client.post(GRAPHQL_PATH, json=bodies[number % len(bodies)]))
            except (httpx.HTTPError, ValueError):  # ValueError: the answer is not JSON
                return False

        return await measure(send_one, settings)


def main(queries: Sequence[LoadQuery], skipped: Sequence[str] = ()) -> int:
    """Run, print a summary line and one JSON line; exit status 1 when a threshold is passed.

    `skipped` names the queries that are not sent, with why; each is printed on stderr.
    """
    for message in skipped:
        print(f"not loaded: {message}", file=sys.stderr)
    if not queries:
        print("no query with known variable values to load", file=sys.stderr)
        return 2
    settings = read_settings(HttpLoadSettings)
    if settings is None:
        return 2
    return print_report(asyncio.run(run(queries, settings)))

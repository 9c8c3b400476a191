"""The HTTP side of the generated load tests (FastAPI and Ariadne services): where to send, and the
httpx client that sends it.

This file is copied verbatim by contractgen; it does not depend on the contract. Settings
(environment variables): LOADTEST_BASE_URL (http://127.0.0.1:8000) and those of `load_stats.py`.
"""

from __future__ import annotations

import ssl

import httpx

from .load_stats import LoadSettings

__all__ = ["HttpLoadSettings", "load_client"]


class HttpLoadSettings(LoadSettings):
    base_url: str = "http://127.0.0.1:8000"


def load_client(settings: HttpLoadSettings) -> httpx.AsyncClient:
    """An async client for `settings.base_url`: one connection per concurrent request, kept alive,
    over TLS trusting LOADTEST_CA_FILE (and presenting LOADTEST_CERT_FILE) when one is set."""
    verify: ssl.SSLContext | bool = settings.ssl_context() if settings.uses_tls else True
    limits = httpx.Limits(
        max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency
    )
    return httpx.AsyncClient(
        base_url=settings.base_url, verify=verify, timeout=settings.timeout_seconds, limits=limits
    )

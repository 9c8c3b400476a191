"""The container's health probe: `python -m PACKAGE._generated.probe` (the Dockerfile's HEALTHCHECK).

It runs inside the service's container, so it reads the service's own settings (PORT and the
TLS_* files) and asks the service on 127.0.0.1 whether it is alive: HTTP `GET /healthz`. Exit
status 0 means healthy; anything else is printed on one line to stderr and exits 1.

Over TLS it speaks https. The service's certificate names the service, not 127.0.0.1, so its
name is not checked, and its chain only against PROBE_CA_FILE when that is set. Under mutual TLS the service refuses a probe without a client certificate: give it one
with PROBE_CERT_FILE and PROBE_KEY_FILE. PROBE_PATH (/healthz; /readyz asks for readiness) and
PROBE_TIMEOUT_SECONDS (5) tune it.
"""

from __future__ import annotations

import http.client
import ssl
import sys
import urllib.error
import urllib.request
from collections.abc import Callable

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ProbeSettings", "http_probe", "main"]


class ProbeSettings(BaseSettings):
    """The service's settings the probe needs, and the PROBE_* ones of its own."""

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", case_sensitive=False, env_ignore_empty=True
    )

    port: int | None = Field(default=None, ge=1, le=65535)
    """The service's PORT; unset, the service's own default (8000 for HTTP, 50051 for gRPC)."""
    tls_cert_file: str | None = None
    tls_client_ca_file: str | None = None
    probe_path: str = "/healthz"
    probe_timeout_seconds: float = Field(default=5.0, gt=0)
    probe_ca_file: str | None = None
    probe_server_name: str | None = None
    """The name gRPC checks the service's certificate for (unset: the name it gives itself)."""
    probe_cert_file: str | None = None
    probe_key_file: str | None = None

    @field_validator("probe_path")
    @classmethod
    def _a_path(cls, value: str) -> str:
        if not value.startswith("/") or any(character in value for character in "@#\\ \r\n"):
            raise ValueError("PROBE_PATH is a path on the service, starting with /")
        return value

    @model_validator(mode="after")
    def _client_pair(self) -> ProbeSettings:
        if (self.probe_cert_file is None) != (self.probe_key_file is None):
            raise ValueError("PROBE_CERT_FILE and PROBE_KEY_FILE are set together or not at all")
        return self

    @property
    def tls(self) -> bool:
        return self.tls_cert_file is not None


def _client_context(settings: ProbeSettings) -> ssl.SSLContext:
    """TLS as the probe speaks it: the service's chain checked only against PROBE_CA_FILE, and
    never its name (the probe dials 127.0.0.1, which the certificate does not name)."""
    context = ssl.create_default_context(cafile=settings.probe_ca_file)
    context.check_hostname = False
    if settings.probe_ca_file is None:
        context.verify_mode = ssl.CERT_NONE
    if settings.probe_cert_file is not None and settings.probe_key_file is not None:
        context.load_cert_chain(settings.probe_cert_file, settings.probe_key_file)
    return context


def http_probe(settings: ProbeSettings) -> None:
    """Raise unless the service answers PROBE_PATH with 2xx."""
    scheme = "https" if settings.tls else "http"
    url = f"{scheme}://127.0.0.1:{settings.port or 8000}{settings.probe_path}"
    context = _client_context(settings) if settings.tls else None
    with urllib.request.urlopen(
        url, context=context, timeout=settings.probe_timeout_seconds
    ) as response:
        if not 200 <= response.status < 300:
            raise RuntimeError(f"{settings.probe_path} answered {response.status}")


def _reason(error: BaseException) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"answered {error.code}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__


def main(probe: Callable[[ProbeSettings], None] = http_probe) -> int:
    """Probe once; 0 when healthy, else 1 with the reason on stderr."""
    try:
        settings = ProbeSettings()
    except ValidationError as error:
        reasons = "; ".join(
            f"{'.'.join(map(str, item['loc'])).upper() or 'settings'}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        print(f"unhealthy: invalid probe settings: {reasons}", file=sys.stderr)
        return 1
    try:
        probe(settings)
    except (
        OSError,
        RuntimeError,
        ValueError,
        http.client.HTTPException,
    ) as error:  # one line, no traceback
        hint = ""
        if settings.tls_client_ca_file and settings.probe_cert_file is None:
            hint = " (mutual TLS: give the probe a client certificate with PROBE_CERT_FILE and PROBE_KEY_FILE)"
        print(f"unhealthy: {_reason(error)}{hint}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

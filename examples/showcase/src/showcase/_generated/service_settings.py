"""Settings every generated server reads the same way: log level and format, TLS files, and for
the HTTP servers host, port, workers, body limit and CORS.

One set of rules for the FastAPI, Ariadne and gRPC services: a field is read from its environment
variable (its name upper-cased, or its `validation_alias`); an empty variable counts as unset; in
code, fields go by their own names (`Settings(log_level="DEBUG")`). A value that does not parse is
a `ValidationError` naming the variable. This file is copied verbatim by contractgen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from typing_extensions import Self  # typing.Self from Python 3.11 on

__all__ = ["HttpServiceSettings", "ServiceSettings", "environment_names"]


def environment_names(settings_class: type[BaseSettings]) -> dict[str, tuple[str, ...]]:
    """Each field's name and the environment variables it is read from, the preferred one first."""
    names: dict[str, tuple[str, ...]] = {}
    for name, info in settings_class.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names[name] = tuple(str(choice) for choice in alias.choices)
        else:
            names[name] = (alias,) if isinstance(alias, str) else (name,)
    return names


class ServiceSettings(BaseSettings):
    """LOG_LEVEL, LOG_FORMAT (json or text), TLS_CERT_FILE and TLS_KEY_FILE (serve TLS; set
    together), TLS_CLIENT_CA_FILE (mutual TLS: clients must present a certificate this CA signed).
    """

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", case_sensitive=False, env_ignore_empty=True
    )

    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = "INFO"
    log_format: Literal["json", "text"] = "json"
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    tls_client_ca_file: str | None = None
    """With a client CA, clients must present a certificate it signed (mutual TLS)."""

    @model_validator(mode="before")
    @classmethod
    def _field_names_as_variables(cls, values: Any) -> Any:
        """A keyword takes the field's name (`Settings(max_depth=5)`) and wins over the environment.

        (`populate_by_name` would do this, but pydantic-settings then also reads the bare field
        name from the environment: DEBUG=1 would switch on GRAPHQL_DEBUG.)
        """
        if not isinstance(values, Mapping):
            return values
        renamed = dict(values)
        for name, variables in environment_names(cls).items():
            if name in renamed and name != variables[0]:
                renamed[variables[0]] = renamed.pop(name)
        return renamed

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _tls_pairs(self) -> Self:
        if (self.tls_cert_file is None) != (self.tls_key_file is None):
            raise ValueError("TLS_CERT_FILE and TLS_KEY_FILE are set together or not at all")
        if self.tls_client_ca_file is not None and self.tls_cert_file is None:
            raise ValueError("TLS_CLIENT_CA_FILE (mutual TLS) needs TLS_CERT_FILE and TLS_KEY_FILE")
        return self

    @property
    def json_logs(self) -> bool:
        return self.log_format == "json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """The settings in `environ` (default: the process environment), defaults for the rest."""
        if environ is None:
            return cls()
        given = {key.upper(): value for key, value in environ.items() if value != ""}
        chosen: dict[str, str] = {}
        for variables in environment_names(cls).values():
            found = next((variable for variable in variables if variable.upper() in given), None)
            if found is not None:
                chosen[found] = given[
                    found.upper()
                ]  # under the variable's name, which errors then show
        return cls.model_validate(chosen)


class HttpServiceSettings(ServiceSettings):
    """HOST, PORT, WORKERS (uvicorn worker processes), MAX_BODY_BYTES (larger request bodies get
    413), CORS_ALLOW_ORIGINS (comma-separated; empty: no CORS), beside the shared settings."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=1, ge=1)
    max_body_bytes: int = Field(default=1024 * 1024, ge=0)
    cors_allow_origins: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("cors_allow_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value

"""Structured logs for the generated services: one JSON object per line on stdout.

Shared by the FastAPI, Ariadne and gRPC servers, which all write one line per request. That
makes the line's cost part of every request's, so `log_event` builds its record without
logging's caller lookup and `JsonFormatter` keeps per-line work small.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["JsonFormatter", "LogSettings", "configure_logging", "log_event"]

_RESERVED_KEYS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's ANSI-coloured copy of the message
}
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, milliseconds), level, logger, message, process id, `extra` fields."""

    _encoder = json.JSONEncoder(default=str)
    _second: tuple[int, str] = (-1, "")  # the last second formatted, and its text

    def format(self, record: logging.LogRecord) -> str:
        second, text = self._second
        if second != int(record.created):
            second = int(record.created)
            text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = (second, text)
        payload: dict[str, Any] = {
            "time": f"{text}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,  # which worker process, when the service runs several
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED_KEYS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return self._encoder.encode(payload)


class _ServiceLogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler `configure_logging` installs (and replaces when called again)."""


class LogSettings(Protocol):
    """What logging needs from a service's settings (LOG_LEVEL, LOG_FORMAT)."""

    @property
    def log_level(self) -> str: ...

    @property
    def json_logs(self) -> bool: ...


def configure_logging(settings: LogSettings) -> None:
    """Log to stdout at the settings' level, one JSON object per line (or plain text); handlers
    other than the one this installed stay."""
    handler = _ServiceLogHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if settings.json_logs else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers = [
        *(existing for existing in root.handlers if not isinstance(existing, _ServiceLogHandler)),
        handler,
    ]
    root.setLevel(settings.log_level)


def log_event(logger: logging.Logger, level: int, message: str, fields: Mapping[str, Any]) -> None:
    """`logger.log(level, message, extra=fields)` without walking the stack for the caller's file
    and line, which the lines never show: the per-request access line goes through here."""
    if logger.isEnabledFor(level):
        logger.handle(
            logger.makeRecord(logger.name, level, "", 0, message, (), None, extra=dict(fields))
        )

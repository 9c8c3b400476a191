"""Which requests the generated load test sends: the contract's anonymous GETs it can fill in.

A load test must not change state and must get real answers, so it sends only GET operations
that need no credentials and whose required parameters all have an `example` or a `default` in
the contract; a path parameter's value is percent-encoded into the path. Everything else is left
out (the generated script says so when nothing is left).
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from generator.escaping import python_literal
from generator.ir.model import Operation, Param, ParamLocation


@dataclass(frozen=True)
class LoadRequestView:
    operation_id: str
    path: str
    """The URL path, path parameters filled in."""
    query: tuple[tuple[str, str], ...]

    @property
    def query_literal(self) -> str:
        """The query pairs as a Python tuple literal, each string through the escaping layer."""
        pairs = [f"({python_literal(name)}, {python_literal(value)})" for name, value in self.query]
        return "(" + "".join(pair + ", " for pair in pairs).rstrip(" ") + ")"


def load_requests(operations: tuple[Operation, ...]) -> list[LoadRequestView]:
    requests = []
    for operation in operations:
        http = operation.http
        if http.method.upper() != "GET" or operation.requires_auth or http.route_conditions:
            continue
        values = {param.wire_name: _value(param) for param in http.params if param.required}
        if any(value is None for value in values.values()):
            continue
        path = http.url_path
        query: list[tuple[str, str]] = []
        for param in http.params:
            value = values.get(param.wire_name)
            if value is None:
                continue
            if param.location is ParamLocation.PATH:
                path = path.replace("{" + param.wire_name + "}", urllib.parse.quote(value, safe=""))
            elif param.location is ParamLocation.QUERY:
                query.append((param.wire_name, value))
            else:
                break  # a required header or cookie: not sent by this simple load test
        else:
            requests.append(LoadRequestView(operation.operation_id or operation.name, path, tuple(query)))
    return requests


def _value(param: Param) -> str | None:
    """The parameter's example (else default) as the text of a scalar value; None if it has none."""
    for candidate, present in ((param.example, param.example is not None), (param.default, param.has_default)):
        if not present or isinstance(candidate, (dict, list)):
            continue
        if isinstance(candidate, bool):
            return "true" if candidate else "false"
        return str(candidate)
    return None

"""Dogfood: the committed `examples/` are exactly what the generator writes today."""

from __future__ import annotations

import pytest

from generator.diagnostics import DiagnosticSink
from generator.pipeline import Job, check_job
from tests.conftest import EXAMPLE_SPECS, GRAPHQL_EXAMPLE_SPECS, PROTO_EXAMPLE_SPECS, ROOT, SPECS

CONTRACTS = {
    **{name: SPECS / f"{name}.yaml" for name in EXAMPLE_SPECS},
    **GRAPHQL_EXAMPLE_SPECS,
    **PROTO_EXAMPLE_SPECS,
}


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_committed_example_is_up_to_date(name: str) -> None:
    report = check_job(Job((CONTRACTS[name],), ROOT / "examples" / name, (), name), DiagnosticSink())
    assert report.ok, f"examples/{name} is stale; run `make examples`: {report}"

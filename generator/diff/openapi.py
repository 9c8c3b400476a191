"""`contractgen diff` for OpenAPI 3.x: what each change between two contracts does to clients.

Both sides are read as `load_openapi` reads them (bundled: every `$ref` is local; validated), by
`openapi_loading`, which is faster on big contracts (positions on demand, validation cached by
content and run for both sides at once), and compared the way a client sees them, not as text:
`$ref`s are followed while walking, so moving or renaming a schema in `components` changes nothing
by itself; operations are matched by method and path template with parameter names blanked
(`/pets/{petId}` ≡ `/pets/{id}`).

Data is judged by who writes it. A request is written by the client against OLD and must still
be accepted by NEW, so narrowing it (a new required property, a removed enum value, a smaller
`maxLength`, a stricter type or format, `nullable` removed) breaks clients and widening it is
safe. A response is written by the server against NEW and read by a client built for OLD, so
widening it (a property that may now be missing or null, a new enum value, a looser type or
format) is what hurts, and narrowing is safe. `readOnly` properties are not part of a request
and `writeOnly` ones not part of a response (OpenAPI 3.x, Schema Object).

Schemas are compared after folding `allOf`, `$ref` siblings and a lone `null` alternative of
`oneOf`/`anyOf` into one view; `oneOf`/`anyOf` alternatives are matched by component name, then
by equality, then by type, then the one left over. Each (old schema, new schema, direction) pair
is analysed once per run; every request or response of every operation then walks the analysed
pairs depth first, each pair once (which ends cycles), and names a change by the first path that
reaches it, so a changed shared schema is reported for each operation that sends or returns it.
Pairs proven equal (a bisimulation over the resolved documents, also cached) are skipped, so
diffing a contract against itself costs one pass.

Decisions, where a reasonable tool could differ:
- a removed parameter or request property is DANGEROUS (the server ignores what clients still
  send), but a request property removed from an object with `additionalProperties: false` is
  BREAKING (`request-property-forbidden`): the server now rejects it;
- a removed *required* response property is BREAKING, a removed optional one DANGEROUS (clients
  already had to cope with its absence, but generated models lose the field);
- removing a deprecated operation (or a path whose operations were all deprecated) is DANGEROUS:
  clients were warned, and CI should not block the removal that deprecation announced;
- a new 2xx status is DANGEROUS (a client may only expect the old one), a new error status SAFE;
  a removed error status is DANGEROUS (typed error handling for it disappears);
- response constraints widened (`maxLength` up, `pattern` changed, `additionalProperties`
  allowed, new enum value or `oneOf` alternative) are DANGEROUS: wire-compatible, but clients that
  validate responses, as generated models do, reject the new values;
- a renamed path parameter and a changed `operationId` are DANGEROUS: the wire is unchanged but
  generated clients' argument and method names change;
- schemas added to or removed from `components` are SAFE: what reaches the wire is reported per
  operation; a removed and an added schema with equal content are a rename and not reported;
- a server URL that disappears is DANGEROUS: clients using the documented base URL break;
- `explode` is ignored for parameters that are single values (it only splits arrays and objects);
- descriptions and examples are reported for operations, parameters, bodies and responses, not
  for every schema an operation reaches (one edited schema description would fill the report);
- webhooks and callbacks are reported as added, removed or changed, not rule by rule.

Every rule and its level is in `RULES`; rule ids are `openapi.<kebab-case>`.

One job a module, all sharing one `openapi_comparison.Comparison` (the sides, the changes, the caches):
- the rules: `openapi_rules`;
- loading both sides: `openapi_loading`; reading one side: `openapi_side`, `openapi_node`,
  `openapi_schema_view`;
- equality across sides: `openapi_equivalence`;
- schemas by direction: `openapi_schemas`, with `openapi_constraints` saying what a keyword allows;
- operations: `openapi_paths`, `openapi_operations`, `openapi_parameters`, `openapi_bodies`,
  `openapi_documentation`;
- the rest of the document: `openapi_security`, `openapi_servers`, `openapi_components`.
"""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import DiagnosticSink, Location
from generator.diff.model import Change
from generator.diff.openapi_comparison import Comparison
from generator.diff.openapi_components import compare_component_schemas, compare_named
from generator.diff.openapi_loading import load_sides
from generator.diff.openapi_operations import compare_paths
from generator.diff.openapi_rules import RULES
from generator.diff.openapi_security import compare_security_schemes
from generator.diff.openapi_servers import compare_servers
from generator.diff.openapi_side import Side

__all__ = ["RULES", "diff_openapi"]


def diff_openapi(old: Path, new: Path, sink: DiagnosticSink) -> list[Change]:
    """The changes from the contract at `old` to the one at `new`; [] when either cannot be read
    (the problems are in `sink`, and the caller raises)."""
    old_document, new_document = load_sides(old, new, sink)
    if old_document is None or new_document is None or sink.has_errors:
        return []
    comparison = Comparison(Side(old_document), Side(new_document))
    try:
        _compare(comparison)
    except RecursionError:
        sink.error("openapi.too-deep", "the contracts nest schemas too deeply to compare", Location(str(new)))
        return []
    return comparison.changes


def _compare(comparison: Comparison) -> None:
    """The whole document, part by part, in report order."""
    old_root, new_root = comparison.old.root, comparison.new.root
    compare_servers(comparison, old_root.member("servers"), new_root.member("servers"), "")
    compare_paths(comparison)
    compare_named(comparison, old_root.member("webhooks"), new_root.member("webhooks"), "webhook", "openapi.webhook")
    compare_security_schemes(comparison)
    compare_component_schemas(comparison)

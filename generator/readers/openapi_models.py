"""Pydantic v2 models for a bundled OpenAPI document, made by datamodel-code-generator.

We drive its Python API (never its CLI) and ask for its model metadata, so the IR knows which
class it gave every schema `$ref` and targets never guess names.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import warnings
from importlib.metadata import version as distribution_version
from pathlib import Path
from typing import Any

from datamodel_code_generator import generate
from datamodel_code_generator._format_types import DatetimeClassType, Formatter, PythonVersion
from datamodel_code_generator.enums import DataModelType, InputFileType

from generator.format_cache import FormatCache, cache_directory, piece_key
from generator.ir.model import ModelModule
from generator.ir.names import generated_class_name

_EMPTY_MODULE = "from __future__ import annotations\n"
_CACHE_NAMESPACE = "datamodel-code-generator {} {}".format(
    distribution_version("datamodel-code-generator"), hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
)


def _cached_generation(document_text: str) -> tuple[str, dict[str, Any]]:
    """The generator's module and metadata for this document, from the persistent cache if it has them.

    The generator is the slowest part of reading a big contract (GitHub's REST schemas: ~30 s) and
    a pure function of its input, its version and the options below, so a contract edit that leaves
    `components/schemas` alone (most edits: a description, a new operation over existing schemas)
    costs nothing here. The key covers this module's source, which holds the options.
    """
    key = piece_key(_CACHE_NAMESPACE, document_text)
    with FormatCache(cache_directory()) as cache:
        cached = cache.get_many([key]).get(key)
    if cached is not None:
        entry = json.loads(cached)
        return str(entry["source"]), dict(entry["metadata"])
    source, metadata = _run_generator(document_text)
    with FormatCache(cache_directory()) as cache:
        cache.put_many({key: json.dumps({"source": source, "metadata": metadata})})
    return source, metadata


def _run_generator(document_text: str) -> tuple[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="contractgen-models-") as scratch:
        metadata_path = Path(scratch) / "models.json"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = generate(
                document_text,
                input_file_type=InputFileType.OpenAPI,
                output_model_type=DataModelType.PydanticV2BaseModel,
                target_python_version=PythonVersion.PY_310,
                output_datetime_class=DatetimeClassType.Datetime,
                emit_model_metadata=metadata_path,
                formatters=[Formatter.BUILTIN],
                use_annotated=True,
                field_constraints=True,
                use_standard_collections=True,
                use_union_operator=True,
                use_schema_description=True,
                use_field_description=True,
                allow_population_by_field_name=True,
                strict_nullable=True,
                disable_timestamp=True,
                treat_dot_as_module=False,
                set_default_enum_member=True,
                use_double_quotes=True,
                # `format: byte` is base64 of any octets (OpenAPI 3.0 §4.7.4.1): Base64Bytes, not Base64Str,
                # which refuses base64 of bytes that are not UTF-8 text. `type: number, format: decimal`
                # as float, not Decimal, which pydantic writes into JSON as a string the contract refuses.
                type_mappings=["byte=binary", "number+decimal=number"],
            )
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    if not isinstance(source, str):
        raise TypeError("datamodel-code-generator returned several modules for one document")
    return source, metadata


def generate_models(document: dict[str, Any]) -> ModelModule:
    """Run the model generator over `components/schemas` of a bundled document.

    Paths are dropped from the copy we hand over: operations' inline schemas were hoisted into
    components by `SchemaLowering`, so the generator sees every schema exactly once.
    """
    schemas = document.get("components", {}).get("schemas", {})
    if not schemas:
        return ModelModule(source=_EMPTY_MODULE)
    models_only = {
        "openapi": document.get("openapi", "3.1.0"),
        "info": {"title": "contract", "version": "0"},
        "paths": {},
        "components": {"schemas": {name: without_generator_directives(schema) for name, schema in schemas.items()}},
    }
    document_text = json.dumps(models_only, sort_keys=False)
    source, metadata = _cached_generation(document_text)
    class_names = sorted(
        (entry["source_ref"], generated_class_name(entry["class_name"]))
        for entry in metadata["models"]
        if entry.get("source_ref")
    )
    return ModelModule(source=_strip_generator_header(source), class_names=tuple(class_names))


_DATA_KEYWORDS = ("example", "examples", "default", "enum", "const")
_NAME_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def without_generator_directives(node: Any) -> Any:
    """A copy of the schemas without `x-...` extensions and `customBasePath`/`customTypePath`.

    datamodel-code-generator obeys such keys (`x-python-import`, `customBasePath`, ...) by writing
    imports and base classes into the models: a contract could make the generated code import
    anything. Extensions carry no validation meaning, so none of them is passed on.
    """
    if isinstance(node, list):
        return [without_generator_directives(item) for item in node]
    if not isinstance(node, dict):
        return node
    cleaned: dict[str, Any] = {}
    for key, value in node.items():
        if str(key).startswith("x-") or key in ("customBasePath", "customTypePath"):
            continue
        if key in _DATA_KEYWORDS:
            cleaned[key] = value
        elif key in _NAME_MAPS and isinstance(value, dict):
            cleaned[key] = {name: without_generator_directives(schema) for name, schema in value.items()}
        else:
            cleaned[key] = without_generator_directives(value)
    return cleaned


def _strip_generator_header(source: str) -> str:
    """Drop the generator's own `# generated by` banner; our header replaces it."""
    lines = source.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "".join(lines)

"""The front half of the OpenAPI reader: contract files → one bundled, validated document."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostic, DiagnosticSink, Location
from generator.readers.openapi_document import (
    MAX_VALIDATION_ERRORS,
    OpenAPIDocument,
    load_openapi,
)
from generator.readers.yaml_positions import (
    SourcePosition,
    join_pointer,
    load_document,
    split_pointer,
)

FIXTURES = Path(__file__).parent / "fixtures" / "openapi_document"
MULTI = FIXTURES / "multi" / "api"

HEADER = """\
openapi: 3.0.3
info:
  title: Test
  version: '1'
"""


def load(path: Path) -> tuple[OpenAPIDocument | None, DiagnosticSink]:
    sink = DiagnosticSink()
    return load_openapi(path, sink), sink


def write(directory: Path, files: dict[str, str]) -> Path:
    """Write `files` (name → text) under `directory`; the first one is the contract's root."""
    for name, text in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        header = HEADER if text.startswith(HEADER) else ""
        target.write_text(header + textwrap.dedent(text[len(header) :]), encoding="utf-8")
    return directory / next(iter(files))


def loaded_ok(path: Path) -> OpenAPIDocument:
    document, sink = load(path)
    assert sink.items == []
    assert document is not None
    return document


def single_error(sink: DiagnosticSink, code: str) -> Diagnostic:
    matching = [item for item in sink.errors() if item.code == code]
    assert len(matching) == 1, [str(item) for item in sink.items]
    return matching[0]


def where(diagnostic: Diagnostic) -> tuple[str, int | None]:
    assert diagnostic.location is not None
    return Path(diagnostic.location.file).name, diagnostic.location.line


def where_location(location: Location) -> tuple[str, int | None]:
    return Path(location.file).name, location.line


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in all_refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in all_refs(item)]
    return []


# --- single files ---------------------------------------------------------------------------


def test_valid_openapi_30_yaml_loads() -> None:
    document = loaded_ok(FIXTURES / "petstore30.yaml")
    assert document.version == "3.0"
    assert document.root_file == FIXTURES / "petstore30.yaml"
    assert document.source_files == (FIXTURES / "petstore30.yaml",)
    assert "/pets/{petId}" in document.document["paths"]


def test_unquoted_numeric_response_code_is_a_string_key() -> None:
    document = loaded_ok(FIXTURES / "petstore30.yaml")
    assert list(document.document["paths"]["/pets/{petId}"]["get"]["responses"]) == ["200"]


def test_unquoted_date_stays_string() -> None:
    document = loaded_ok(FIXTURES / "petstore30.yaml")
    assert document.document["info"]["x-released"] == "2020-01-01"
    born = document.document["components"]["schemas"]["Pet"]["properties"]["born"]
    assert born["example"] == "2019-05-17"


def test_valid_openapi_31_json_loads() -> None:
    document = loaded_ok(FIXTURES / "petstore31.json")
    assert document.version == "3.1"
    assert document.document["components"]["schemas"]["Pet"]["properties"]["tag"]["type"] == [
        "string",
        "null",
    ]


def test_locate_in_json_file() -> None:
    document = loaded_ok(FIXTURES / "petstore31.json")
    location = document.locate("/components/schemas/Pet/properties/tag")
    assert location == Location(str(FIXTURES / "petstore31.json"), 27, 11, "/components/schemas/Pet/properties/tag")


def test_locate_in_yaml_file() -> None:
    document = loaded_ok(FIXTURES / "petstore30.yaml")
    location = document.locate("/paths/~1pets~1{petId}/get/parameters/0/schema")
    assert (location.line, location.column) == (14, 11)
    # A member that is not there gets its closest ancestor's line.
    missing = document.locate("/paths/~1pets~1{petId}/get/parameters/0/schema/nope")
    assert missing.line == 14


# --- contracts in several files -------------------------------------------------------------


def test_multi_file_contract_has_only_local_refs() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    refs = all_refs(document.document)
    assert refs
    assert all(ref.startswith("#/") for ref in refs), refs


def test_all_files_read_are_listed() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    assert document.source_files[0] == MULTI / "openapi.yaml"
    names = {path.relative_to(FIXTURES / "multi").as_posix() for path in document.source_files}
    assert names == {
        "api/openapi.yaml",
        "api/paths/pets.yaml",
        "api/parameters/limit.json",
        "api/schemas/pet.yaml",
        "api/schemas/category.yaml",
        "common/errors.yaml",
    }


def test_root_component_that_only_refers_to_a_file_gets_its_content() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    pet = document.document["components"]["schemas"]["Pet"]
    assert pet["required"] == ["id", "name"]
    assert "$ref" not in pet


def test_same_external_target_twice_becomes_one_component() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    paths = document.document["paths"]
    list_items = paths["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
    one_pet = paths["/pets/{petId}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert list_items["schema"]["items"] == {"$ref": "#/components/schemas/Pet"}
    assert one_pet["schema"] == {"$ref": "#/components/schemas/Pet"}
    schemas = document.document["components"]["schemas"]
    assert sorted(schemas) == ["Error", "ErrorDetail", "Error_2", "Pet", "category"]


def test_parameter_in_json_file_becomes_a_parameter_component() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    parameters = document.document["paths"]["/pets"]["get"]["parameters"]
    assert parameters == [{"$ref": "#/components/parameters/limit"}]
    assert document.document["components"]["parameters"]["limit"]["in"] == "query"


def test_schema_file_referencing_another_file() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    schemas = document.document["components"]["schemas"]
    assert schemas["Pet"]["properties"]["category"] == {"$ref": "#/components/schemas/category"}
    # category.yaml refers to itself by file name: the cycle ends at its own component.
    assert schemas["category"]["properties"]["parent"] == {"$ref": "#/components/schemas/category"}


def test_local_ref_inside_external_file_follows_into_that_file() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    schemas = document.document["components"]["schemas"]
    assert schemas["Error_2"]["properties"]["details"]["items"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert schemas["ErrorDetail"]["properties"]["field"] == {"type": "string"}


def test_imported_name_that_clashes_with_an_existing_component_gets_a_suffix() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    schemas = document.document["components"]["schemas"]
    assert schemas["Error"]["type"] == "string"
    assert schemas["Error_2"]["type"] == "object"


def test_external_path_item_is_copied_in_place() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    pets = document.document["paths"]["/pets"]
    assert pets["get"]["operationId"] == "listPets"


def test_locate_maps_bundled_pointers_into_the_file_they_came_from() -> None:
    document = loaded_ok(MULTI / "openapi.yaml")
    operation = document.locate("/paths/~1pets/get/operationId")
    assert operation == Location(str(MULTI / "paths" / "pets.yaml"), 2, 3, "/get/operationId")
    detail = document.locate("/components/schemas/ErrorDetail/properties/field")
    assert (Path(detail.file).name, detail.line, detail.column) == ("errors.yaml", 16, 9)
    assert detail.pointer == "/components/schemas/ErrorDetail/properties/field"
    parameter = document.locate("/components/parameters/limit/schema/minimum")
    assert (Path(parameter.file).name, parameter.line) == ("limit.json", 5)
    root = document.locate("/paths/~1pets~1{petId}/get/operationId")
    assert (Path(root.file).name, root.line) == ("openapi.yaml", 10)


def test_cycle_across_files_ends_in_component_refs() -> None:
    document = loaded_ok(FIXTURES / "cycle" / "openapi.yaml")
    schemas = document.document["components"]["schemas"]
    assert schemas["node"]["properties"]["children"] == {"$ref": "#/components/schemas/children"}
    assert schemas["children"]["items"] == {"$ref": "#/components/schemas/node"}


def test_root_component_ref_keeps_its_own_description(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                Pet:
                  $ref: pet.yaml
                  description: A pet, as this API sees it.
            """,
            "pet.yaml": "type: object\ndescription: A pet.\n",
        },
    )
    document = loaded_ok(root)
    assert document.document["components"]["schemas"] == {
        "Pet": {"type": "object", "description": "A pet, as this API sees it."}
    }
    assert where_location(document.locate("/components/schemas/Pet/type")) == ("pet.yaml", 1)
    assert where_location(document.locate("/components/schemas/Pet/description")) == (
        "openapi.yaml",
        10,
    )


def test_external_response_becomes_a_response_component(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths:
              /pets:
                get:
                  responses:
                    '404':
                      $ref: 'common%20responses.yaml#/NotFound'
            """,
            "common responses.yaml": "NotFound:\n  description: No such thing\n",
        },
    )
    document = loaded_ok(root)
    responses = document.document["paths"]["/pets"]["get"]["responses"]
    assert responses["404"] == {"$ref": "#/components/responses/NotFound"}
    assert document.document["components"]["responses"]["NotFound"] == {"description": "No such thing"}


def test_external_refs_in_discriminator_mapping_are_rewritten(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                Pet:
                  oneOf:
                    - $ref: cat.yaml
                  discriminator:
                    propertyName: kind
                    mapping:
                      cat: cat.yaml
            """,
            "cat.yaml": "type: object\nproperties: {kind: {type: string}}\n",
        },
    )
    document = loaded_ok(root)
    pet = document.document["components"]["schemas"]["Pet"]
    assert pet["discriminator"]["mapping"] == {"cat": "#/components/schemas/cat"}
    assert pet["oneOf"] == [{"$ref": "#/components/schemas/cat"}]


def test_ref_key_inside_an_example_is_data(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                Doc:
                  type: object
                  example:
                    $ref: not/a/file.yaml
            """
        },
    )
    document = loaded_ok(root)
    assert document.document["components"]["schemas"]["Doc"]["example"] == {"$ref": "not/a/file.yaml"}


def test_path_items_that_refer_to_each_other_are_a_cycle_error(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER + "paths:\n  /a:\n    $ref: a.yaml\n",
            "a.yaml": "$ref: b.yaml\n",
            "b.yaml": "$ref: a.yaml\n",
        },
    )
    document, sink = load(root)
    assert document is None
    assert where(single_error(sink, "openapi.ref-cycle")) == ("b.yaml", 1)


# --- broken contracts -----------------------------------------------------------------------


def test_bad_yaml_reports_line(tmp_path: Path) -> None:
    root = write(tmp_path, {"openapi.yaml": HEADER + "paths:\n  /a: [unclosed\n"})
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "yaml.syntax")
    assert where(error) == ("openapi.yaml", 7)


def test_bad_json_reports_line_and_column(tmp_path: Path) -> None:
    root = write(tmp_path, {"openapi.json": '{\n  "openapi": "3.1.0",\n  "info": }\n'})
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "json.syntax")
    assert error.location is not None
    assert (error.location.line, error.location.column) == (3, 11)


def test_unknown_local_ref_reports_the_line_of_the_ref(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                Pet:
                  type: object
                  properties:
                    owner:
                      $ref: '#/components/schemas/Owner'
            """
        },
    )
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "openapi.unresolved-ref")
    assert "#/components/schemas/Owner" in error.message
    assert error.location is not None
    assert where(error) == ("openapi.yaml", 12)
    assert error.location.column == 11
    assert [item.code for item in sink.errors()] == ["openapi.unresolved-ref"]


def test_unknown_local_ref_in_an_external_file_reports_that_file(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                Pet:
                  $ref: schemas/pet.yaml
            """,
            "schemas/pet.yaml": """\
            type: object
            properties:
              owner:
                $ref: '#/definitions/Owner'
            """,
        },
    )
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "openapi.unresolved-ref")
    assert where(error) == ("pet.yaml", 4)


def test_ref_to_missing_file_is_an_error_at_the_ref(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths:
              /pets:
                get:
                  responses:
                    '200':
                      $ref: responses/missing.yaml
            """
        },
    )
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "openapi.unresolved-ref")
    assert "responses/missing.yaml" in error.message
    assert where(error) == ("openapi.yaml", 10)


def test_ref_to_missing_pointer_in_existing_file(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                A:
                  $ref: 'common.yaml#/components/schemas/Nope'
            """,
            "common.yaml": "components:\n  schemas: {}\n",
        },
    )
    document, sink = load(root)
    assert document is None
    assert "/components/schemas/Nope" in single_error(sink, "openapi.unresolved-ref").message


def test_remote_ref_is_not_fetched(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                A:
                  $ref: 'https://example.com/schemas.yaml#/A'
            """
        },
    )
    document, sink = load(root)
    assert document is None
    assert where(single_error(sink, "openapi.remote-ref")) == ("openapi.yaml", 9)


def test_absolute_path_ref_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("type: string\n", encoding="utf-8")
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + f"""\
            paths: {{}}
            components:
              schemas:
                A:
                  $ref: '{(tmp_path / "a.yaml").as_posix()}'
            """
        },
    )
    document, sink = load(root)
    assert document is None
    single_error(sink, "openapi.absolute-ref")


def test_syntax_error_in_referenced_file_names_that_file(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER + "paths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: a.yaml\n",
            "a.yaml": "type: [string\n",
        },
    )
    document, sink = load(root)
    assert document is None
    assert where(single_error(sink, "yaml.syntax"))[0] == "a.yaml"


def test_swagger_1_is_unsupported(tmp_path: Path) -> None:
    root = write(tmp_path, {"swagger.yaml": "swagger: '1.2'\ninfo: {title: t, version: '1'}\n"})
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "openapi.unsupported-version")
    assert "Swagger 2.0 and OpenAPI 3.0/3.1 are supported" in error.message
    assert where(error) == ("swagger.yaml", 1)


def test_swagger_2_is_upgraded_on_read(tmp_path: Path) -> None:
    root = write(tmp_path, {"swagger.yaml": "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n"})
    document, sink = load(root)
    assert document is not None, sink.items
    assert document.document["openapi"] == "3.0.3"


def test_top_level_list_is_rejected(tmp_path: Path) -> None:
    root = write(tmp_path, {"openapi.yaml": "- openapi: 3.0.3\n"})
    document, sink = load(root)
    assert document is None
    single_error(sink, "openapi.not-a-mapping")


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    root = write(tmp_path, {"openapi.yaml": ""})
    document, sink = load(root)
    assert document is None
    single_error(sink, "openapi.not-a-mapping")


def test_missing_openapi_version_is_an_error(tmp_path: Path) -> None:
    root = write(tmp_path, {"openapi.yaml": "info: {title: t, version: '1'}\npaths: {}\n"})
    document, sink = load(root)
    assert document is None
    single_error(sink, "openapi.missing-version")


@pytest.mark.parametrize("declared", ["3.2.0", "'4.0.0'", "3.0", "'3.1'"])
def test_unknown_openapi_version_is_an_error(tmp_path: Path, declared: str) -> None:
    root = write(tmp_path, {"openapi.yaml": f"openapi: {declared}\ninfo: {{title: t, version: '1'}}\n"})
    document, sink = load(root)
    assert document is None
    assert where(single_error(sink, "openapi.unsupported-version")) == ("openapi.yaml", 1)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    document, sink = load(tmp_path / "nope.yaml")
    assert document is None
    single_error(sink, "openapi.unreadable")


def test_schema_type_typo_is_invalid_with_location(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths: {}
            components:
              schemas:
                Pet:
                  type: object
                  properties:
                    name:
                      type: strin
            """
        },
    )
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "openapi.invalid")
    assert "'strin'" in error.message
    assert error.location is not None
    assert where(error) == ("openapi.yaml", 12)
    assert error.location.pointer == "/components/schemas/Pet/properties/name/type"


def test_type_typo_in_external_schema_file_points_into_that_file(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths:
              /pets:
                get:
                  responses:
                    '200':
                      description: ok
                      content:
                        application/json:
                          schema:
                            $ref: pet.yaml
            """,
            "pet.yaml": "type: object\nproperties:\n  name:\n    type: strin\n",
        },
    )
    document, sink = load(root)
    assert document is None
    assert {where(item)[0] for item in sink.errors()} == {"pet.yaml"}


def test_missing_responses_is_invalid_at_the_operation(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + """\
            paths:
              /pets:
                get:
                  summary: List pets
            """
        },
    )
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "openapi.invalid")
    assert "responses" in error.message
    assert where(error) == ("openapi.yaml", 7)
    assert error.location is not None
    assert error.location.pointer == "/paths/~1pets/get"


def test_validation_messages_stay_short(tmp_path: Path) -> None:
    long_description = "x" * 5000
    root = write(
        tmp_path,
        {
            "openapi.yaml": HEADER
            + f"""\
            paths:
              /pets:
                get:
                  description: {long_description}
                  responses:
                    '200': {{}}
            """
        },
    )
    document, sink = load(root)
    assert document is None
    assert all(len(item.message) <= 200 for item in sink.errors())


def test_validation_errors_are_capped(tmp_path: Path) -> None:
    operations = "".join(f"  /p{index}:\n    get:\n      summary: s\n" for index in range(40))
    root = write(tmp_path, {"openapi.yaml": HEADER + "paths:\n" + operations})
    document, sink = load(root)
    assert document is None
    errors = list(sink.errors())
    assert len(errors) == MAX_VALIDATION_ERRORS + 1
    assert "not shown" in errors[-1].message


def test_duplicate_keys_are_an_error(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {"openapi.yaml": HEADER + "paths: {}\ncomponents:\n  schemas:\n    A: {}\n    A: {}\n"},
    )
    document, sink = load(root)
    assert document is None
    error = single_error(sink, "yaml.duplicate-key")
    assert where(error) == ("openapi.yaml", 9)
    assert "line 8" in error.message


def test_duplicate_keys_in_json_are_an_error(tmp_path: Path) -> None:
    root = write(tmp_path, {"openapi.json": '{"openapi": "3.1.0",\n "openapi": "3.0.0"}'})
    document, sink = load(root)
    assert document is None
    assert where(single_error(sink, "json.duplicate-key")) == ("openapi.json", 2)


# --- yaml_positions on its own --------------------------------------------------------------


def parse(text: str, syntax: str = "yaml") -> tuple[Any, dict[str, SourcePosition], DiagnosticSink]:
    sink = DiagnosticSink()
    loaded = load_document(textwrap.dedent(text), "contract", sink, syntax="json" if syntax == "json" else "yaml")
    if loaded is None:
        return None, {}, sink
    return loaded.data, dict(loaded.positions), sink


def test_positions_cover_keys_and_items_with_escaped_pointers() -> None:
    data, positions, _ = parse(
        """\
        paths:
          /a/{id}:
            tags: [x, y~z]
        """
    )
    assert data == {"paths": {"/a/{id}": {"tags": ["x", "y~z"]}}}
    assert positions["/paths/~1a~1{id}"] == (2, 3)
    assert positions["/paths/~1a~1{id}/tags/1"] == (3, 15)


def test_pointer_helpers_round_trip() -> None:
    pointer = join_pointer(join_pointer("", "a/b"), "c~d")
    assert pointer == "/a~1b/c~0d"
    assert split_pointer(pointer) == ["a/b", "c~d"]


def test_custom_yaml_tags_are_rejected() -> None:
    data, _, sink = parse("a: !!python/object/apply:os.system ['true']\n")
    assert data is None
    assert where(single_error(sink, "yaml.unsupported-tag")) == ("contract", 1)


def test_alias_expansion_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ",".join(f"*{previous}" for _ in range(9)) + "]")
    data, _, sink = parse("\n".join(lines) + "\n")
    assert data is None
    single_error(sink, "yaml.alias-limit")


def test_modest_aliases_and_merge_keys_still_work() -> None:
    data, positions, sink = parse(
        """\
        base: &base {type: string, maxLength: 5}
        name:
          <<: *base
          maxLength: 10
        """
    )
    assert sink.items == []
    assert data["name"] == {"type": "string", "maxLength": 10}
    assert positions["/name/type"] == (1, 14)


def test_json_numbers_keep_json_meaning() -> None:
    data, _, sink = parse('{"a": 1e3, "b": 10, "c": -0.5}', "json")
    assert sink.items == []
    assert data == {"a": 1000.0, "b": 10, "c": -0.5}
    assert isinstance(data["b"], int)

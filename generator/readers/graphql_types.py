"""GraphQL type references → IR `TypeRef`s, shared by the schema and the operations lowering."""

from __future__ import annotations

from collections.abc import Mapping

from graphql import GraphQLList, GraphQLNamedType, GraphQLNonNull, GraphQLType

from generator.ir.names import ClassName, PythonIdentifier
from generator.ir.types import ListOf, Nullable, Primitive, PrimitiveKind, Ref, TypeRef

BUILTIN_SCALARS = {
    "String": PrimitiveKind.STRING,
    "ID": PrimitiveKind.STRING,
    "Int": PrimitiveKind.INTEGER,
    "Float": PrimitiveKind.NUMBER,
    "Boolean": PrimitiveKind.BOOLEAN,
}
# Built without cleaning (which would strip the underscores): it is a valid identifier as written.
TYPENAME_ATTRIBUTE = str.__new__(PythonIdentifier, "typename__")
MODEL_ATTRIBUTES = (
    # pydantic.BaseModel's public attributes (a field of that name would shadow them), builtins and
    # the `__typename` discriminator every generated output model carries.
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "model_computed_fields",
    "model_config",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_extra",
    "model_fields",
    "model_fields_set",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
    # Builtins the models' annotations spell: pydantic evaluates annotations in the class namespace,
    # where a field `str: str | None` finds the field, not the type.
    "bool",
    "float",
    "int",
    "list",
    "str",
    TYPENAME_ATTRIBUTE,
)


def type_ref(graphql_type: GraphQLType, class_names: Mapping[str, ClassName]) -> TypeRef:
    """`[Book!]` → `Nullable(ListOf(Ref(Book)))`; built-in scalars become primitives."""
    if isinstance(graphql_type, GraphQLNonNull):
        inner = type_ref(graphql_type.of_type, class_names)
        return inner.inner if isinstance(inner, Nullable) else inner
    if isinstance(graphql_type, GraphQLList):
        return Nullable(ListOf(type_ref(graphql_type.of_type, class_names)))
    assert isinstance(graphql_type, GraphQLNamedType)
    builtin = BUILTIN_SCALARS.get(graphql_type.name)
    if builtin is not None:
        return Nullable(Primitive(builtin))
    return Nullable(Ref(class_names[graphql_type.name], graphql_type.name))

"""openapi-spec-validator's validators, with its schema walk's "seen" lists made constant-time.

Its `SchemaValidator` remembers the `id()` of every schema it has meta-checked or visited in two
lists and asks `id in list` before each schema, so validating a contract is quadratic in its
number of schemas: on GitHub's REST description (about 47,000 schema visits) that membership test
was three quarters of validation. `_SeenIds` is a list (same order, same contents, anything the
library does with a list still works) that also keeps a set, so `in` is a hash lookup. Errors,
and their order, are exactly the library's.

If a version of the library keeps something else there, its own container is left alone.

Each error of the `default` check is an `InvalidDefaultError` naming the Schema Object whose
default failed (the library's error has no path), so `--lenient` can drop exactly that default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, SupportsIndex

from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

_SEEN_ATTRIBUTES = ("visited_schema_ids", "meta_checked_schema_ids")


class _SeenIds(list[int]):
    """A list of ints whose `in` is a set lookup."""

    def __init__(self, items: Iterable[int] = ()) -> None:
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members

    def append(self, item: int) -> None:
        super().append(item)
        self._members.add(item)

    def extend(self, items: Iterable[int]) -> None:
        added = list(items)
        super().extend(added)
        self._members.update(added)

    def insert(self, index: SupportsIndex, item: int) -> None:
        super().insert(index, item)
        self._members.add(item)

    def _resync(self) -> None:
        self._members = set(self)

    # Anything that removes or replaces items rebuilds the set from the list.
    def remove(self, item: int) -> None:
        super().remove(item)
        self._resync()

    def pop(self, index: SupportsIndex = -1) -> int:
        item = super().pop(index)
        self._resync()
        return item

    def clear(self) -> None:
        super().clear()
        self._members.clear()

    def __setitem__(self, index: Any, value: Any) -> None:
        super().__setitem__(index, value)
        self._resync()

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._resync()

    def __iadd__(self, items: Iterable[int]) -> _SeenIds:  # type: ignore[override, misc]
        self.extend(items)
        return self


class InvalidDefaultError(OpenAPIValidationError):
    """A `default` its own schema refuses; `owner` is that Schema Object (the document's own dict)."""

    owner: Any = None


def _with_located_defaults(default_validator: type[Any]) -> type[Any]:
    """The library's `default` check, its errors re-raised as `InvalidDefaultError` with their schema."""

    class _LocatedDefaults(default_validator):  # type: ignore[misc]
        def __call__(self, schema: Any, value: Any) -> Any:
            owner = schema.read_value()
            for error in super().__call__(schema, value):
                located = InvalidDefaultError.create_from(error)
                located.owner = owner
                yield located

    _LocatedDefaults.__name__ = _LocatedDefaults.__qualname__ = default_validator.__name__
    return _LocatedDefaults


def _with_fast_schema_walk(base: Any) -> Any:
    """A subclass of the spec validator `base` whose "schema" keyword validator uses `_SeenIds`."""
    keywords: Mapping[str, Any] | None = getattr(base, "keyword_validators", None)
    schema_validator = keywords.get("schema") if isinstance(keywords, Mapping) else None
    if keywords is None or not isinstance(schema_validator, type):
        return base

    parent: Any = schema_validator

    class _FastSchemaWalk(parent):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name in _SEEN_ATTRIBUTES:
                seen = getattr(self, name, None)
                if type(seen) is list:
                    setattr(self, name, _SeenIds(seen))

    _FastSchemaWalk.__name__ = _FastSchemaWalk.__qualname__ = schema_validator.__name__
    fast_schema = _FastSchemaWalk
    replaced: dict[str, Any] = {"schema": fast_schema}
    if isinstance(keywords.get("default"), type):
        replaced["default"] = _with_located_defaults(keywords["default"])
    return type(base.__name__, (base,), {"keyword_validators": {**keywords, **replaced}})


FastOpenAPIV30SpecValidator: Any = _with_fast_schema_walk(OpenAPIV30SpecValidator)
FastOpenAPIV31SpecValidator: Any = _with_fast_schema_walk(OpenAPIV31SpecValidator)

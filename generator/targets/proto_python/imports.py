"""protoc's Python output imports sibling modules absolutely (`from acme.v1 import shop_pb2`); inside
the generated package they must be imported from there. Only the contract's own modules are
rewritten: `google.protobuf` and anything else stays as protoc wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_FROM_IMPORT = re.compile(r"^(?P<indent>\s*)from (?P<package>[\w.]+) import (?P<name>\w+)(?P<alias> as \w+)?$")
_STAR_IMPORT = re.compile(r"^(?P<indent>\s*)from (?P<module>[\w.]+) import \*$")
"""protoc re-exports an `import public` dependency with `from dep_pb2 import *`."""
_PLAIN_IMPORT = re.compile(r"^(?P<indent>\s*)import (?P<module>\w+)(?P<alias> as \w+)?$")


def rewrite_imports(source: str, own_modules: Collection[str], root_package: str) -> str:
    """Prefix imports of `own_modules` (dotted, relative to the proto root) with `root_package`."""
    lines = []
    for line in source.splitlines(keepends=True):
        body = line.rstrip("\n")
        newline = line[len(body) :]
        from_import = _FROM_IMPORT.match(body)
        plain = _PLAIN_IMPORT.match(body)
        star = _STAR_IMPORT.match(body)
        if star and star["module"] in own_modules:
            body = f"{star['indent']}from {root_package}.{star['module']} import *"
        elif from_import and f"{from_import['package']}.{from_import['name']}" in own_modules:
            indent, package, name = from_import["indent"], from_import["package"], from_import["name"]
            body = f"{indent}from {root_package}.{package} import {name}{from_import['alias'] or ''}"
        elif plain and plain["module"] in own_modules:
            body = f"{plain['indent']}from {root_package} import {plain['module']}{plain['alias'] or ''}"
        lines.append(body + newline)
    return "".join(lines)

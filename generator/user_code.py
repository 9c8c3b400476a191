"""Checks the user's scaffolded files against the code just planned, so a contract change that
breaks them is reported by `generate` itself instead of at the next deploy.

USER files (`service.py`, `resolvers.py`...) are written once and never touched again, so when the
contract gains an operation or renames a schema, nothing regenerates them. This module reads them
(from disk, as the user left them) and the generated code (from the plan, as it is about to be) and
warns about two things:

- `user.missing-method`: a user class derives from a generated abstract class (`AbstractService`,
  `generated.QueryResolvers`, `servicers.InventoryServicer`) without defining one of its abstract
  methods: Python would refuse to instantiate it and mypy reports it at the instantiation.
- `user.stale-import`: the user file imports (or names in a base or annotation) something the
  generated code no longer defines, or a generated module no longer planned.

The analysis is static (`ast`, nothing is imported or run): the user's code may not even import.
Warnings only: the user's code is theirs, and `--strict` turns them into errors for CI.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.diagnostics import DiagnosticSink, Location
from generator.plan import FileSpec, Ownership

_ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"})
_MAX_DEPTH = 32
"""How many re-exports/aliases a name may go through; bounds import cycles in what is resolved."""


@dataclass(frozen=True)
class _ModuleRef:
    """A name bound to a module (`import x.y as z`, `from pkg import submodule`)."""

    name: str


@dataclass(frozen=True)
class _ImportedName:
    """`from module import name`: resolved on use, since `name` may be a submodule."""

    module: str
    name: str


@dataclass(frozen=True)
class _Alias:
    """`Name = other.Name` at module level: a class may be re-exported under another name."""

    value: ast.expr


@dataclass(frozen=True)
class _Member:
    """A name bound in a class body; `kind` is "async def"/"def" for methods, "" otherwise."""

    kind: str
    abstract: bool


@dataclass(frozen=True, eq=False)
class _ClassInfo:
    module: str
    node: ast.ClassDef
    members: dict[str, _Member]


_Binding = _ModuleRef | _ImportedName | _Alias | _ClassInfo | None
"""What a module-level name is bound to; None for anything not followed (functions, constants)."""


@dataclass(frozen=True, eq=False)
class _Module:
    name: str
    is_package: bool
    bindings: dict[str, _Binding]
    open: bool
    """Its names cannot be listed statically (star import, `globals()`, module `__getattr__`)."""


def check_user_code(files: Sequence[FileSpec], out_dir: Path, sink: DiagnosticSink) -> None:
    """Warn about USER-owned Python files in `out_dir` that the planned generated code breaks.

    A user file that is missing is skipped (moving the implementation elsewhere is allowed). One
    that cannot be read or parsed gets one `user.unparsable` warning rather than silence: right
    after a contract change, silence would read as "your code still fits", which was not checked.
    """
    project = _Project(files)
    for spec in files:
        if spec.owner is not Ownership.USER or not spec.path.endswith(".py"):
            continue
        location = out_dir / spec.path
        if not location.is_file():
            continue
        try:
            tree = _parse(location.read_bytes(), str(location))
        except (OSError, SyntaxError, ValueError, RecursionError) as error:
            syntax = error if isinstance(error, SyntaxError) else None
            sink.warning(
                "user.unparsable",
                f"not checked against the contract: cannot parse this file ({syntax.msg if syntax else error})",
                Location(str(location), syntax.lineno if syntax else None, syntax.offset if syntax else None),
            )
            continue
        _check_file(project, spec.path, tree, str(location), sink)


def _parse(source: str | bytes, filename: str = "<generated>") -> ast.Module:
    """Parse as Python would (bytes: coding cookie, BOM), without printing its SyntaxWarnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source, filename=filename)


class _Project:
    """The planned modules by dotted name; generated ones are parsed on first use (most never are)."""

    def __init__(self, files: Sequence[FileSpec]) -> None:
        paths = [PurePosixPath(spec.path) for spec in files if spec.path.endswith((".py", ".pyi"))]
        self.package_dirs = {path.parent for path in paths if path.stem == "__init__"}
        self.sources: dict[str, str] = {}
        self.display_paths: dict[str, str] = {}
        self.module_files: set[str] = set()
        for spec in sorted(files, key=lambda spec: spec.path.endswith(".pyi")):
            path = PurePosixPath(spec.path)
            if spec.owner is not Ownership.GENERATED or path.suffix not in (".py", ".pyi"):
                continue
            name, is_package = self.module_name(path)
            self.sources[name] = spec.content  # a stub, sorted last, wins: it is what type checkers read
            self.display_paths.setdefault(name, spec.path)
            if not is_package:
                self.module_files.add(name)
        # One pass over the files (not one per package): every directory above a file the user owns.
        holding_user_files = {
            parent
            for spec in files
            if spec.owner is not Ownership.GENERATED
            for parent in PurePosixPath(spec.path).parents
        }
        self.complete_packages = {
            self.module_name(directory / "__init__.py")[0]
            for directory in self.package_dirs
            if directory not in holding_user_files
        }
        """Packages with only generated files planned: a module missing from them was removed."""
        self._parsed: dict[str, _Module | None] = {}

    def module_name(self, path: PurePosixPath) -> tuple[str, bool]:
        """`src/pkg/_generated/mock.py` → `pkg._generated.mock`: its name below the topmost package."""
        is_package = path.stem == "__init__"
        parts = [] if is_package else [path.stem]
        directory = path.parent
        while directory != PurePosixPath(".") and directory in self.package_dirs:
            parts.insert(0, directory.name)
            directory = directory.parent
        return ".".join(parts), is_package

    def is_generated_territory(self, name: str) -> bool:
        """Is `name` a module whose names the plan fully decides (so a missing one is stale)?"""
        prefixes = {".".join(name.split(".")[:count]) for count in range(1, name.count(".") + 2)}
        return name in self.module_files or bool(prefixes & self.complete_packages)

    def is_module(self, name: str) -> bool:
        return name in self.sources

    def module(self, name: str) -> _Module | None:
        if name not in self._parsed:
            source = self.sources.get(name)
            try:
                tree = None if source is None else _parse(source)
            except (SyntaxError, ValueError, RecursionError):
                tree = None  # not expected of generated code; its names then count as unknown
            self._parsed[name] = None if tree is None else _read_module(name, name not in self.module_files, tree)
        return self._parsed[name]


def _read_module(name: str, is_package: bool, tree: ast.Module) -> _Module:
    bindings: dict[str, _Binding] = {}
    is_open = any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "globals"
        for node in ast.walk(tree)
    )
    for statement in _statements(tree.body):
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound = alias.asname or alias.name.split(".")[0]
                bindings[bound] = _ModuleRef(alias.name if alias.asname else bound)
        elif isinstance(statement, ast.ImportFrom):
            source = _absolute_module(name, is_package, statement.module, statement.level)
            for alias in statement.names:
                if alias.name == "*":
                    is_open = True
                else:
                    bindings[alias.asname or alias.name] = None if source is None else _ImportedName(source, alias.name)
        elif isinstance(statement, ast.ClassDef):
            bindings[statement.name] = _ClassInfo(name, statement, _class_members(statement.body))
        elif isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            bindings[statement.name] = None
            is_open = is_open or statement.name == "__getattr__"
        else:
            names = _assigned_names(statement)
            value = statement.value if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign) else None
            follows = isinstance(statement, ast.Assign | ast.AnnAssign) and isinstance(value, ast.Name | ast.Attribute)
            for target in names:
                bindings[target] = _Alias(value) if follows and value is not None else None
            if "__all__" in names and isinstance(value, ast.List | ast.Tuple):
                for element in value.elts:
                    if isinstance(element, ast.Constant) and isinstance(element.value, str):
                        bindings.setdefault(element.value, None)
    return _Module(name, is_package, bindings, is_open)


def _statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements that bind names in this scope, including inside if/try/with/for blocks."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If | ast.For | ast.AsyncFor | ast.While | ast.With | ast.AsyncWith | ast.Try):
            yield from _statements(statement.body)
            yield from _statements(getattr(statement, "orelse", []))
        if isinstance(statement, ast.Try):
            for handler in statement.handlers:
                yield from _statements(handler.body)
            yield from _statements(statement.finalbody)


def _assigned_names(statement: ast.stmt) -> list[str]:
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
        targets = [statement.target]
    return [node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)]


def _class_members(body: list[ast.stmt]) -> dict[str, _Member]:
    members: dict[str, _Member] = {}
    for statement in _statements(body):
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            kind = "async def" if isinstance(statement, ast.AsyncFunctionDef) else "def"
            abstract = any(_last_name(decorator) in _ABSTRACT_DECORATORS for decorator in statement.decorator_list)
            members[statement.name] = _Member(kind, abstract)
        elif isinstance(statement, ast.ClassDef):
            members[statement.name] = _Member("", False)
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            for alias in statement.names:
                members[alias.asname or alias.name.split(".")[0]] = _Member("", False)
        else:
            for target in _assigned_names(statement):
                members[target] = _Member("", False)
    return members


def _last_name(expression: ast.expr) -> str:
    """`abc.abstractmethod` and `abstractmethod` both → "abstractmethod"."""
    if isinstance(expression, ast.Call):
        expression = expression.func
    if isinstance(expression, ast.Attribute):
        return expression.attr
    return expression.id if isinstance(expression, ast.Name) else ""


def _absolute_module(current: str, is_package: bool, module: str | None, level: int) -> str | None:
    """The module a (possibly relative) `from` import names, as Python resolves it."""
    if level == 0:
        return module
    package = current.split(".") if is_package else current.split(".")[:-1]
    if level - 1 > len(package) or (level - 1 == len(package) and not module):
        return None
    base = package[: len(package) - (level - 1)]
    return ".".join([*base, *([module] if module else [])])


def _resolve_name(project: _Project, module: _Module, name: str, depth: int = 0) -> _ModuleRef | _ClassInfo | None:
    if depth > _MAX_DEPTH:
        return None
    binding = module.bindings.get(name)
    if isinstance(binding, _ModuleRef | _ClassInfo):
        return binding
    if isinstance(binding, _ImportedName):
        return _resolve_attribute(project, _ModuleRef(binding.module), binding.name, depth + 1)
    if isinstance(binding, _Alias):
        return _resolve_expression(project, module, binding.value, depth + 1)
    if binding is None and name not in module.bindings and project.is_module(f"{module.name}.{name}"):
        return _ModuleRef(f"{module.name}.{name}")
    return None


def _resolve_attribute(
    project: _Project, owner: _ModuleRef | _ClassInfo | None, name: str, depth: int
) -> _ModuleRef | _ClassInfo | None:
    if not isinstance(owner, _ModuleRef):
        return None
    module = project.module(owner.name)
    if module is not None and name in module.bindings:
        return _resolve_name(project, module, name, depth)
    submodule = f"{owner.name}.{name}"
    return _ModuleRef(submodule) if project.is_module(submodule) else None


def _resolve_expression(
    project: _Project, module: _Module, expression: ast.expr, depth: int = 0
) -> _ModuleRef | _ClassInfo | None:
    """What `Name`, `module.Name` or `Base[T]` in `module` refers to, when the plan says."""
    if isinstance(expression, ast.Subscript):
        expression = expression.value
    if isinstance(expression, ast.Name):
        return _resolve_name(project, module, expression.id, depth)
    if isinstance(expression, ast.Attribute):
        owner = _resolve_expression(project, module, expression.value, depth)
        return _resolve_attribute(project, owner, expression.attr, depth + 1)
    return None


def _defines(project: _Project, module_name: str, name: str) -> bool:
    module = project.module(module_name)
    return (
        module is None
        or module.open
        or name in module.bindings
        or (module.is_package and project.is_module(f"{module_name}.{name}"))
    )


def _linearize(
    project: _Project, user: _Module, cls: _ClassInfo, visiting: frozenset[int] = frozenset()
) -> list[_ClassInfo]:
    """The class's MRO as far as the plan and the user file tell: depth-first, left to right, each
    class kept at its last occurrence (equal to C3 for every hierarchy Python accepts in practice)."""
    order = [cls]
    module = user if cls.module == user.name else project.module(cls.module)
    if module is None or id(cls) in visiting or len(visiting) > _MAX_DEPTH:
        return order
    for base in cls.node.bases:
        resolved = _resolve_expression(project, module, base)
        if isinstance(resolved, _ClassInfo):
            order.extend(_linearize(project, user, resolved, visiting | {id(cls)}))
    return [cls for index, cls in enumerate(order) if cls not in order[index + 1 :]]


def _check_file(project: _Project, path: str, tree: ast.Module, location: str, sink: DiagnosticSink) -> None:
    name, is_package = project.module_name(PurePosixPath(path))
    user = _read_module(name, is_package, tree)
    _check_imports(project, user, tree, location, sink)
    classes = [binding for binding in user.bindings.values() if isinstance(binding, _ClassInfo)]
    subclassed = {
        id(base) for cls in classes for base in _linearize(project, user, cls)[1:] if base.module == user.name
    }
    for cls in classes:
        if id(cls) not in subclassed:
            _check_class(project, user, cls, PurePosixPath(path).parent, location, sink)


def _check_class(
    project: _Project, user: _Module, cls: _ClassInfo, user_dir: PurePosixPath, location: str, sink: DiagnosticSink
) -> None:
    """Abstract methods as Python computes them: a name is abstract when the first class in the MRO
    binding it marks it `@abstractmethod`. Only generated abstract methods are reported: a class of
    the user's own that declares abstract methods is meant to be abstract."""
    if any(member.abstract for member in cls.members.values()):
        return
    seen: set[str] = set()
    for owner in _linearize(project, user, cls):
        for method, member in owner.members.items():
            if method in seen:
                continue
            seen.add(method)
            if not member.abstract or owner.module == user.name:
                continue
            generated_path = PurePosixPath(project.display_paths.get(owner.module, owner.module))
            where = generated_path.relative_to(user_dir) if user_dir in generated_path.parents else generated_path
            sink.warning(
                "user.missing-method",
                f"class {cls.node.name} does not implement {method!r} required by {owner.node.name} "
                f'(the contract has this operation; add "{member.kind} {method}(self, ...)" — '
                f"the signature is in {where})",
                Location(location, cls.node.lineno, cls.node.col_offset + 1),
            )


def _check_imports(project: _Project, user: _Module, tree: ast.Module, location: str, sink: DiagnosticSink) -> None:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if project.is_generated_territory(alias.name) and not project.is_module(alias.name):
                    _stale_module(alias.name, alias, location, sink)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute_module(user.name, user.is_package, node.module, node.level)
            if source is None or not project.is_generated_territory(source):
                continue
            if not project.is_module(source):
                _stale_module(source, node, location, sink)
                continue
            for alias in node.names:
                if alias.name != "*" and not _defines(project, source, alias.name):
                    _stale_name("imports", alias.name, source, alias, location, sink)
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef | ast.AnnAssign | ast.arg):
            for expression in _type_expressions(node):
                _check_attributes(project, user, expression, location, sink)


def _type_expressions(node: ast.AST) -> list[ast.expr]:
    """Bases and annotations: where `generated.Name` names the generated code outside an import."""
    if isinstance(node, ast.ClassDef):
        return list(node.bases)
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return [node.returns] if node.returns is not None else []
    if isinstance(node, ast.AnnAssign):
        return [node.annotation]
    return [node.annotation] if isinstance(node, ast.arg) and node.annotation is not None else []


def _check_attributes(
    project: _Project, user: _Module, expression: ast.expr, location: str, sink: DiagnosticSink
) -> None:
    for node in ast.walk(expression):
        if not isinstance(node, ast.Attribute):
            continue
        owner = _resolve_expression(project, user, node.value)
        if (
            isinstance(owner, _ModuleRef)
            and project.is_generated_territory(owner.name)
            and project.is_module(owner.name)
            and not _defines(project, owner.name, node.attr)
        ):
            _stale_name("uses", node.attr, owner.name, node, location, sink)


def _stale_name(
    verb: str, name: str, module: str, node: ast.alias | ast.expr, location: str, sink: DiagnosticSink
) -> None:
    sink.warning(
        "user.stale-import",
        f"{verb} {name!r} from {module}, which no longer defines it (renamed or removed in the contract)",
        Location(location, node.lineno, node.col_offset + 1),
    )


def _stale_module(module: str, node: ast.alias | ast.stmt, location: str, sink: DiagnosticSink) -> None:
    sink.warning(
        "user.stale-import",
        f"imports {module}, which is no longer generated (removed from the contract)",
        Location(location, node.lineno, node.col_offset + 1),
    )

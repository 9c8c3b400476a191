"""One Jinja2 environment for every target: strict, deterministic, with escaping filters only.

Templates are looked up file by file: the user's `--templates` directories first, then the built-in
ones. Targets never see the override directories: `template_overrides()` makes them current (a
context variable) around planning, and `make_environment()` and `static_file()` consult it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from generator.escaping import checked_identifier, comment_text, docstring_text, python_literal, toml_string
from generator.template_overrides import (
    NO_OVERRIDES,
    OverrideSet,
    TemplateOverrideError,
    builtin_templates_dir,
    load_overrides,
)

_ACTIVE_OVERRIDES: ContextVar[OverrideSet] = ContextVar("contractgen_template_overrides", default=NO_OVERRIDES)


@contextmanager
def template_overrides(directories: Sequence[Path]) -> Iterator[None]:
    """Render with these override directories (first wins, file by file) inside the block.

    Every directory is checked and every override template compiled on entry, so a typo in a file
    name or a Jinja syntax error is a `TemplateOverrideError` naming the file (and line) before
    anything is rendered. Nested blocks compose: the inner directories come before the enclosing
    ones, so `template_overrides(())` changes nothing.
    """
    enclosing = _ACTIVE_OVERRIDES.get()
    overrides = load_overrides(directories).before(enclosing)
    if overrides != enclosing:
        environment = _environment(overrides)
        for file in overrides.files:
            if file.name.endswith(".jinja"):
                _get_template(environment, file.name)
    token = _ACTIVE_OVERRIDES.set(overrides)
    try:
        yield
    finally:
        _ACTIVE_OVERRIDES.reset(token)


class _OverrideLoader(jinja2.BaseLoader):
    """Override templates from memory, under the path they were read from (for error messages)."""

    def __init__(self, overrides: OverrideSet) -> None:
        self.files = {file.name: file for file in overrides.files}

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        file = self.files.get(template)
        if file is None:
            raise jinja2.TemplateNotFound(template)
        return file.text, str(file.path), lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.files)


@lru_cache(maxsize=16)
def _environment(overrides: OverrideSet) -> jinja2.Environment:
    """Environments are shared per override set, so each template compiles once per process."""
    loaders: list[jinja2.BaseLoader] = [_OverrideLoader(overrides)] if overrides.files else []
    loaders.append(jinja2.FileSystemLoader(str(builtin_templates_dir())))
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters.update(
        pyident=checked_identifier,
        pystr=python_literal,
        pylit=python_literal,
        docstring=docstring_text,
        comment=comment_text,
        tomlstr=toml_string,
    )
    return environment


def make_environment(override_dirs: Sequence[Path] | None = None) -> jinja2.Environment:
    """The environment for the current overrides (or for `override_dirs`, when given).

    Shared between callers: read it, never add filters or globals to it.
    """
    overrides = _ACTIVE_OVERRIDES.get() if override_dirs is None else load_overrides(override_dirs)
    return _environment(overrides)


def _override_paths(environment: jinja2.Environment) -> dict[str, Path]:
    loader = environment.loader
    if isinstance(loader, jinja2.ChoiceLoader) and loader.loaders and isinstance(loader.loaders[0], _OverrideLoader):
        return {str(file.path): file.path for file in loader.loaders[0].files.values()}
    return {}


def _as_override_error(environment: jinja2.Environment, error: jinja2.TemplateError) -> TemplateOverrideError | None:
    """The error as one in an override file, when that is where it happened (else None).

    Jinja rewrites tracebacks so template frames carry the template's file name and line: the
    innermost such frame from an override file is where the user's template went wrong.
    """
    overrides = _override_paths(environment)
    if isinstance(error, jinja2.TemplateSyntaxError) and error.filename in overrides:
        return TemplateOverrideError(overrides[error.filename], error.message or "syntax error", error.lineno)
    found: tuple[Path, int] | None = None
    frame = error.__traceback__
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename in overrides:
            found = (overrides[filename], frame.tb_lineno)
        frame = frame.tb_next
    if found is None:
        return None
    return TemplateOverrideError(found[0], f"{type(error).__name__}: {error}", found[1])


def _get_template(environment: jinja2.Environment, template_name: str) -> jinja2.Template:
    try:
        return environment.get_template(template_name)
    except jinja2.TemplateError as error:
        override_error = _as_override_error(environment, error)
        if override_error is None:
            raise
        raise override_error from error


def render(environment: jinja2.Environment, template_name: str, context: Mapping[str, Any]) -> str:
    """Errors raised in an override template become `TemplateOverrideError` naming its file and line."""
    template = _get_template(environment, template_name)
    try:
        return template.render(**context)
    except jinja2.TemplateError as error:
        override_error = _as_override_error(environment, error)
        if override_error is None:
            raise
        raise override_error from error


def static_file(relative_path: str) -> str:
    """Runtime code that never varies, shipped verbatim (it is linted like the package), or its override."""
    override = _ACTIVE_OVERRIDES.get().get(relative_path)
    if override is not None:
        return override.text
    return (builtin_templates_dir() / relative_path).read_text(encoding="utf-8")


__all__ = ["builtin_templates_dir", "make_environment", "render", "static_file", "template_overrides"]

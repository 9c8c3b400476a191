"""One Jinja2 environment for every target: strict, deterministic, with escaping filters only.

Templates are looked up file by file: a user `--templates` directory first, then the built-in ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from generator.escaping import checked_identifier, comment_text, docstring_text, python_literal, toml_string


@lru_cache(maxsize=1)
def builtin_templates_dir() -> Path:
    """Templates ship inside the wheel as `generator/templates`; in a checkout they sit beside it."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "templates", package_dir.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("contractgen's templates directory is missing from the installation")


def make_environment(override_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(path)) for path in override_dirs]
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


def render(environment: jinja2.Environment, template_name: str, context: Mapping[str, Any]) -> str:
    return environment.get_template(template_name).render(**context)


def static_file(relative_path: str) -> str:
    """Runtime code that never varies, shipped verbatim (it is linted like the package)."""
    return (builtin_templates_dir() / relative_path).read_text(encoding="utf-8")

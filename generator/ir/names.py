"""The one naming layer: every name that reaches generated code or a file path comes from here.

Contract strings (operation ids, schema names, parameter names, tags) are hostile until cleaned:
they may be Python keywords, start with digits, hold unicode or punctuation, or collide. The
`str` subclasses below clean in their constructor, so holding one proves it was cleaned.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

_WORD_BOUNDARY = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])|[0-9]+")
_NOT_IDENTIFIER = re.compile(r"[^0-9A-Za-z_]+")
_SOFT_KEYWORDS = {"match", "case", "type", "_"}
_RESERVED = set(keyword.kwlist) | {"None", "True", "False", "self", "cls"}
_MAX_LENGTH = 80
_CLASS_LIKE = re.compile(r"[A-Z][A-Za-z0-9_]{0,79}")
_SAFE_DIR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,79}")
_SAFE_FILE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,79}(\.[A-Za-z0-9]{1,10})?")


def _ascii(text: str) -> str:
    """Fold accents away and drop anything non-ASCII: generated identifiers stay plain ASCII."""
    normalized = unicodedata.normalize("NFKD", text)
    return normalized.encode("ascii", "ignore").decode("ascii")


def _words(text: str) -> list[str]:
    """Split `getPetByID`, `get_pet-by id`, `HTTPServer2` into lower-case words."""
    words: list[str] = []
    for chunk in _NOT_IDENTIFIER.split(_ascii(text).replace("_", " ")):
        words.extend(match.group(0).lower() for match in _WORD_BOUNDARY.finditer(chunk))
    return words


class PythonIdentifier(str):
    """A valid, non-keyword, ASCII Python identifier in snake_case form as given.

    The constructor only cleans (it does not re-case): `PythonIdentifier("class")` is `class_`,
    `PythonIdentifier("2fa")` is `n2fa`, `PythonIdentifier("x-rate")` is `x_rate`.
    """

    def __new__(cls, raw: str) -> PythonIdentifier:
        cleaned = _NOT_IDENTIFIER.sub("_", _ascii(raw)).strip("_") or "value"
        cleaned = cleaned[:_MAX_LENGTH]
        if cleaned[0].isdigit():
            cleaned = "n" + cleaned
        if cleaned in _RESERVED or cleaned in _SOFT_KEYWORDS:
            cleaned += "_"
        return super().__new__(cls, cleaned)


class ClassName(str):
    """A valid Python class name: `pet-store item` is `PetStoreItem`; `HTTPError` stays as it is."""

    def __new__(cls, raw: str) -> ClassName:
        if _CLASS_LIKE.fullmatch(raw) and raw not in _RESERVED:
            return super().__new__(cls, raw)
        words = _words(raw) or ["model"]
        cleaned = "".join(word[:1].upper() + word[1:] for word in words)[:_MAX_LENGTH]
        if cleaned[0].isdigit():
            cleaned = "N" + cleaned
        if cleaned in _RESERVED:
            cleaned += "_"
        return super().__new__(cls, cleaned)


def generated_class_name(name: str) -> ClassName:
    """A class another generator already defined (datamodel-code-generator may keep `Ünïcode`).

    It must be a real identifier, and is then used exactly as defined: cleaning it would point
    at a class that does not exist.
    """
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{name!r} is not a Python identifier")
    return str.__new__(ClassName, name)


def snake_case(raw: str) -> PythonIdentifier:
    """`listPets` → `list_pets`, `GET /pets/{id}` → `get_pets_id`."""
    return PythonIdentifier("_".join(_words(raw)))


def constant_case(raw: str) -> PythonIdentifier:
    """`in-stock` → `IN_STOCK` (enum members and module constants)."""
    return PythonIdentifier("_".join(_words(raw)).upper())


class NameScope:
    """Hands out unique names within one scope (a module, a class, a function signature).

    Names are compared case-sensitively; `reserved` names are never handed out (e.g. `self`,
    or the parameter names a generated function already uses for its own plumbing).
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken: set[str] = set(reserved)

    def claim(self, name: PythonIdentifier | ClassName) -> str:
        """Return `name`, or `name_2`, `name_3`... if taken; the result is taken from then on."""
        candidate = str(name)
        counter = 2
        while candidate in self._taken:
            suffix = f"_{counter}" if isinstance(name, PythonIdentifier) else str(counter)
            # Keep within the length limit, so re-cleaning the result cannot truncate the suffix away.
            candidate = f"{name[: _MAX_LENGTH - len(suffix)]}{suffix}"
            counter += 1
        self._taken.add(candidate)
        return candidate

    def claim_identifier(self, raw: str) -> PythonIdentifier:
        return PythonIdentifier(self.claim(snake_case(raw)))

    def claim_class(self, raw: str) -> ClassName:
        return ClassName(self.claim(ClassName(raw)))

    def __contains__(self, name: str) -> bool:
        return name in self._taken


_WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"{device}{digit}" for device in ("COM", "LPT") for digit in "0123456789\u00b9\u00b2\u00b3"}
)


def is_windows_device_name(file_name: str) -> bool:
    """Whether Windows maps `file_name` to a device whatever its extension (`con.py` is the console)."""
    return file_name.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_DEVICE_NAMES


def file_stem(raw: str) -> PythonIdentifier:
    """A module or package name that is also a portable file name: `con` → `con_`.

    A module named after a contract's tag `con` could not be checked out on Windows; emit refuses
    such paths outright (`is_windows_device_name`), so names from contracts are moved aside here.
    """
    name = snake_case(raw)
    if not is_windows_device_name(name):
        return name
    return str.__new__(PythonIdentifier, f"{name}_")  # the constructor would strip the "_" again


def package_name(raw: str) -> PythonIdentifier:
    """An importable package name (`Pet Store API` → `pet_store_api`)."""
    return file_stem(raw)


def distribution_name(raw: str) -> str:
    """A PEP 503-normalised distribution name (`pet_store_api` → `pet-store-api`)."""
    return "-".join(_words(raw)) or "service"


def module_path(*parts: str) -> str:
    """A relative POSIX path built only from cleaned segments, so it cannot leave the output dir.

    Every segment but an optional file suffix on the last one becomes an identifier; `..`,
    absolute paths and separators hidden in contract strings are cleaned away.
    """
    if not parts:
        raise ValueError("module_path needs at least one segment")
    cleaned: list[str] = []
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1
        if (_SAFE_FILE_NAME if is_last else _SAFE_DIR_NAME).fullmatch(part):
            cleaned.append(part)
            continue
        stem, dot, suffix = part.rpartition(".") if is_last else ("", "", part)
        if not dot:
            stem, suffix = part, ""
        segment = str(PythonIdentifier(stem))
        if suffix:
            segment += "." + str(PythonIdentifier(suffix))
        cleaned.append(segment)
    return "/".join(cleaned)

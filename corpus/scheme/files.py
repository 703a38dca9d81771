"""Reading the JSON files of the ``schema`` package and validating files against them.

The schemas are package data read through ``importlib.resources`` (never a path computed from the repository
root), so an installed wheel behaves like a checkout. Nothing here knows about labels.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from corpus.errors import NewsspanError
from corpus.scheme.formats import FORMATS
from corpus.scheme.locations import display_path, json_path

SCHEMA_PACKAGE = "schema"
ANNOTATION_SCHEMA = "annotation.schema.json"
DOCUMENT_SCHEMA = "document.schema.json"
LABELSET_META_SCHEMA = "labelset.meta.schema.json"
ACTORS_SCHEMA = "actors.schema.json"

T = TypeVar("T")


def schema_resource(name: str) -> Traversable:
    """A file of the ``schema`` package (``name`` may contain ``/``, e.g. ``examples/x.json``)."""
    resource = resources.files(SCHEMA_PACKAGE)
    for part in name.split("/"):
        resource = resource / part
    return resource


def schema_path(name: str) -> Path:
    """A file of the ``schema`` package as a path, for what is shown to users or stat'ed (``LabelSet.path``).

    pip installs packages as plain files, so the resource is a file on disk.
    """
    return Path(str(schema_resource(name)))


def read_json(source: Path | str | Traversable, *, what: str) -> dict[str, Any]:
    """Parse a JSON object; a missing or malformed file raises NewsspanError naming the file and line."""
    if isinstance(source, str):
        source = Path(source)
    shown = display_path(source) if isinstance(source, Path) else str(source)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NewsspanError(f"{what} not found", where=shown, hint="check the path") from None
    except (OSError, UnicodeDecodeError) as error:
        raise NewsspanError(f"cannot read the {what}: {error}", where=shown) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NewsspanError(
            f"not valid JSON: {error.msg}",
            where=f"{shown}:{error.lineno}:{error.colno}",
            hint="fix the JSON syntax",
        ) from None
    if not isinstance(data, dict):
        raise NewsspanError(f"the {what} must be a JSON object, not {type(data).__name__}", where=shown)
    return data


@cache
def _schema_file(name: str) -> dict[str, Any]:
    data = read_json(schema_resource(name), what="schema file")
    Draft202012Validator.check_schema(data)
    return data


def schema_file(name: str) -> dict[str, Any]:
    """One of the package's JSON Schemas (parsed once, checked against draft 2020-12). Do not mutate."""
    return _schema_file(name)


def schema_registry() -> Registry:
    """A referencing registry holding the package's schemas under their ``$id``."""
    registry: Registry = Registry()
    for name in (ANNOTATION_SCHEMA, DOCUMENT_SCHEMA, LABELSET_META_SCHEMA, ACTORS_SCHEMA):
        schema = schema_file(name)
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema, DRAFT202012))
    return registry


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
    """A draft 2020-12 validator that resolves our ``$id``s and checks our formats."""
    return Draft202012Validator(schema, registry=schema_registry(), format_checker=FORMATS)


def check_file(data: dict[str, Any], schema_name: str, *, path: Path, what: str) -> None:
    """Validate a parsed file against one of our schemas; the first error raises with file and JSON path."""
    errors = sorted(validator_for(schema_file(schema_name)).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = display_path(path)
        if first.absolute_path:
            where += f": {json_path(first.absolute_path)}"
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise NewsspanError(
            f"invalid {what}: {first.message}{more}", where=where, hint=f"see schema/{schema_name}"
        )


_LOADED: dict[tuple[str, str], tuple[int, Any]] = {}


def load_cached(kind: str, path: Path, loader: Callable[[Path], T]) -> T:
    """Load a default file once per modification time (so an edited file is read again)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return loader(path)
    key = (kind, str(path.resolve()))
    hit = _LOADED.get(key)
    if hit is None or hit[0] != mtime:
        hit = (mtime, loader(path))
        _LOADED[key] = hit
    value: T = hit[1]
    return value

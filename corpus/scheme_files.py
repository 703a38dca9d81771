"""Reading the JSON files of ``schema/``: parsing with clear errors, the shared format checker, JSON paths.

Internal helpers of :mod:`corpus.scheme`; nothing here knows about labels.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from corpus import paths
from corpus.errors import NewsspanError

ANNOTATION_SCHEMA = "annotation.schema.json"
DOCUMENT_SCHEMA = "document.schema.json"
LABELSET_META_SCHEMA = "labelset.meta.schema.json"
ACTORS_SCHEMA = "actors.schema.json"

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time with a time zone (``Z`` or ``+hh:mm``)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value):
        return False
    return datetime.fromisoformat(value.replace("z", "Z")).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None and date.fromisoformat(value) is not None


@FORMATS.checks("regex", raises=re.error)
def _is_regex(value: object) -> bool:
    if isinstance(value, str):
        re.compile(value)
    return True


def display_path(path: Path) -> str:
    """A path as users see it: relative to the repository or the current folder when it is inside them."""
    path = Path(path)
    for base in (paths.REPO_ROOT, Path.cwd()):
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def json_path(parts: Iterable[Any]) -> str:
    """``['labels', 2, 'hotkeys', 0]`` -> ``labels[2].hotkeys[0]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_json(path: Path, *, what: str) -> dict[str, Any]:
    """Parse a JSON object; a missing or malformed file raises NewsspanError naming the file and line."""
    path = Path(path)
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
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
    data = read_json(paths.SCHEMA_DIR / name, what="schema file")
    Draft202012Validator.check_schema(data)
    return data


def schema_file(name: str) -> dict[str, Any]:
    """One of the repository's JSON Schemas (parsed once, checked against draft 2020-12). Do not mutate."""
    return _schema_file(name)


def schema_registry() -> Registry:
    """A referencing registry holding the repository's schemas under their ``$id``."""
    registry: Registry = Registry()
    for name in (ANNOTATION_SCHEMA, DOCUMENT_SCHEMA, LABELSET_META_SCHEMA, ACTORS_SCHEMA):
        schema = schema_file(name)
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema, DRAFT202012))
    return registry


def validator_for(schema: dict[str, Any]) -> Draft202012Validator:
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

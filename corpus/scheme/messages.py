"""Turning jsonschema errors on annotation records into short sentences for annotators.

Each message is ``<json path>: <what is wrong>``, e.g. ``attributes.frame: 'Economy' is not one of the 15
frames (did you mean 'Economic'?)``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jsonschema.exceptions import ValidationError

from corpus.scheme.locations import json_path

if TYPE_CHECKING:
    from corpus.scheme.labelset import LabelSet

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}

# Which error wins when one path has several (e.g. a label that fails both its pattern and the enum).
_PRIORITY = {"type": 0, "enum": 1, "const": 1, "required": 2, "additionalProperties": 2}

_FORMAT_HINTS = {
    "date-time": " (RFC 3339 with a time zone, e.g. 2025-05-08T09:30:00Z)",
    "date": " (YYYY-MM-DD)",
}


def json_type(value: Any) -> str:
    """The JSON name of a Python value's type ("string", "array", "null"...)."""
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def short(value: Any, limit: int = 60) -> str:
    """repr() of a value, cut to ``limit`` characters for one-line messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "…" + text[-3:]


def _plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


def _closest(values: list[Any], value: Any) -> list[str]:
    """The value the user probably meant: same letters in another case, the one prefix match, or a close
    spelling."""
    if not isinstance(value, str):
        return []
    strings = [v for v in values if isinstance(v, str)]
    lowered = {v.lower(): v for v in strings}
    prefixed = [v for v in strings if v.lower().startswith(value.lower())]
    if value.lower() in lowered:
        return [lowered[value.lower()]]
    if value and len(prefixed) == 1:
        return prefixed
    return difflib.get_close_matches(value, strings, n=1, cutoff=0.6)


def _choices(values: list[Any], value: Any, noun: str) -> str:
    """ "'Economy' is not one of the 15 frames (did you mean 'Economic'?)"."""
    text = f"{short(value)} is not one of the {len(values)} {_plural(noun)}"
    close = _closest(values, value)
    if close:
        return f"{text} (did you mean {close[0]!r}?)"
    if len(values) <= 8:
        return f"{text}: {', '.join(repr(v) for v in values)}"
    return text


# One describer per jsonschema keyword: (error, path parts, the record's label, label set) -> (path, message),
# or None to fall back to jsonschema's own message.
Describer = Callable[[ValidationError, list[Any], str | None, "LabelSet"], tuple[str, str] | None]


def _required(
    error: ValidationError, parts: list[Any], label: str | None, labelset: LabelSet
) -> tuple[str, str]:
    match = re.match(r"^'(.+)' is a required property$", error.message)
    missing = match.group(1) if match else error.message
    where = json_path([*parts, missing])
    if parts == ["attributes"] and label:
        return where, f"missing: label {label!r} requires it"
    return where, "missing (required)"


def _additional_properties(
    error: ValidationError, parts: list[Any], label: str | None, labelset: LabelSet
) -> tuple[str, str]:
    allowed = sorted((error.schema or {}).get("properties", {}))
    extra = [k for k in error.instance if k not in allowed and not str(k).startswith("x-")]
    if parts == ["attributes"] and label:
        if not allowed:
            return json_path([*parts, extra[0]]), f"not allowed: label {label!r} has no attributes"
        return json_path([*parts, extra[0]]), (
            f"not allowed for label {label!r} (its attributes: {', '.join(allowed)})"
        )
    return json_path([*parts, extra[0]]) if extra else json_path(parts), (
        f"unknown field (record fields: {', '.join(allowed)}; extensions must start with 'x-')"
    )


def _enum(error: ValidationError, parts: list[Any], label: str | None, labelset: LabelSet) -> tuple[str, str]:
    path = json_path(parts)
    if parts == ["label"]:
        names = labelset.names
        listed = ", ".join(names) if len(names) <= 8 else f"{len(names)} labels, see `newsspan schema show`"
        text = f"{short(error.instance)} is not a label of this label set ({listed})"
        close = difflib.get_close_matches(str(error.instance), names, n=1, cutoff=0.6)
        return path, text + (f"; did you mean {close[0]!r}?" if close else "")
    noun = next((str(p) for p in reversed(parts) if isinstance(p, str)), "value")
    return path, _choices(list(error.validator_value), error.instance, noun)


def _type(error: ValidationError, parts: list[Any], label: str | None, labelset: LabelSet) -> tuple[str, str]:
    expected = error.validator_value
    expected = " or ".join(expected) if isinstance(expected, list) else expected
    return json_path(parts), f"expected {expected}, got {json_type(error.instance)} {short(error.instance)}"


def _format(
    error: ValidationError, parts: list[Any], label: str | None, labelset: LabelSet
) -> tuple[str, str]:
    hint = _FORMAT_HINTS.get(str(error.validator_value), "")
    return json_path(parts), f"{short(error.instance)} is not a valid {error.validator_value}{hint}"


def _pattern(
    error: ValidationError, parts: list[Any], label: str | None, labelset: LabelSet
) -> tuple[str, str]:
    described = (error.schema or {}).get("description")
    suffix = f" ({described})" if described and len(described) < 90 else ""
    return (
        json_path(parts),
        f"{short(error.instance)} does not have the expected form {error.validator_value}{suffix}",
    )


def _min_length(
    error: ValidationError, parts: list[Any], label: str | None, labelset: LabelSet
) -> tuple[str, str] | None:
    return (json_path(parts), "must not be empty") if error.validator_value == 1 else None


_DESCRIBERS: dict[str, Describer] = {
    "required": _required,
    "additionalProperties": _additional_properties,
    "enum": _enum,
    "type": _type,
    "format": _format,
    "pattern": _pattern,
    "minLength": _min_length,
}


def describe(error: ValidationError, record: dict[str, Any], labelset: LabelSet) -> tuple[str, str]:
    """(json path, message) for one error raised by the composed record schema."""
    parts = list(error.absolute_path)
    label = record.get("label") if isinstance(record.get("label"), str) else None
    describer = _DESCRIBERS.get(str(error.validator))
    described = describer(error, parts, label, labelset) if describer else None
    if described is not None:
        return described
    path = json_path(parts)
    return (path if parts else path or "record"), error.message


def rank(error: ValidationError) -> int:
    """How much an error explains (lower wins) when one path has several."""
    return _PRIORITY.get(str(error.validator), 5)

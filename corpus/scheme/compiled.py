"""A JSON Schema compiled into plain Python checks: a fast yes/no in front of ``jsonschema``'s messages.

Validating a record with ``jsonschema`` costs about 100-300 µs (it walks the schema and builds error objects
lazily); importing a million spans spends most of its time there. :func:`compile_check` turns one of our flat
per-label record schemas (:func:`corpus.scheme.composition.label_record_schema`) into the source of one Python
function (a chain of ``if ...: return False``, compiled with ``exec``) that only answers "valid?" in a few
microseconds. The validator still runs for every record: when the compiled check says
no (or the schema uses a keyword it does not know), ``jsonschema`` runs and gives the sentences, so messages are
exactly what they were. The compiled check follows ``jsonschema``'s draft 2020-12 semantics for the keywords
label sets can use (the label set meta-schema's typed subset plus the record schema's own keywords); a schema with
any other validation keyword (``$ref``, ``if``, ``oneOf``...) is not compiled and always goes to ``jsonschema``.
``tests/test_scheme_compiled.py`` checks the two agree on many valid and broken records.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema._utils import equal, uniq

Check = Callable[[Any], bool]

# Keywords that only annotate (jsonschema ignores every keyword it has no validator for, as the spec says).
_KNOWN = frozenset(Draft202012Validator.VALIDATORS)
_COMPILED = frozenset(
    {
        "type",
        "enum",
        "const",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "format",
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)


class NotCompilable(Exception):
    """The schema uses a keyword (or a form of one) that the compiler does not handle."""


_TYPE_TESTS = {
    "string": "isinstance({v}, str)",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "boolean": "isinstance({v}, bool)",
    "null": "{v} is None",
    # jsonschema's draft 2020-12 type checker: bool is not a number; 1.0 is an integer
    "integer": "(not isinstance({v}, bool) and (isinstance({v}, int) or (isinstance({v}, float) and {v}.is_integer())))",
    "number": "(not isinstance({v}, bool) and isinstance({v}, _Number))",
}


class _Writer:
    """Writes the source of ``check(value) -> bool``: one ``return False`` per way to be invalid. Every value
    that comes from the schema (names, patterns, enums, bounds) is a constant of the function's namespace, never
    pasted into the source."""

    def __init__(self, formats: FormatChecker | None) -> None:
        self.formats = formats
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "_Number": numbers.Number,
            "_equal": equal,
            "_uniq": uniq,
            "_formats": formats,
        }
        self.names = 0

    def constant(self, value: Any) -> str:
        name = f"_c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def variable(self) -> str:
        self.names += 1
        return f"v{self.names}"

    def line(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)

    def refuse_if(self, depth: int, condition: str) -> None:
        self.line(depth, f"if {condition}:")
        self.line(depth + 1, "return False")

    def schema(self, schema: Any, v: str, depth: int) -> None:
        if schema is True:
            return
        if schema is False:
            self.line(depth, "return False")
            return
        if not isinstance(schema, dict):
            raise NotCompilable(f"schema {schema!r}")
        unknown = {key for key in schema if key in _KNOWN and key not in _COMPILED}
        if unknown:
            raise NotCompilable(", ".join(sorted(unknown)))
        self.type_and_values(schema, v, depth)
        self.strings(schema, v, depth)
        self.numbers(schema, v, depth)
        self.arrays(schema, v, depth)
        self.objects(schema, v, depth)

    def type_and_values(self, schema: dict[str, Any], v: str, depth: int) -> None:
        if "type" in schema:
            types = schema["type"]
            names = [types] if isinstance(types, str) else types
            if not isinstance(names, list) or not names or not all(name in _TYPE_TESTS for name in names):
                raise NotCompilable(f"type {types!r}")
            self.refuse_if(
                depth, "not (" + " or ".join(_TYPE_TESTS[name].format(v=v) for name in names) + ")"
            )
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, list):
                raise NotCompilable("enum")
            if all(isinstance(value, str) for value in values):
                allowed = self.constant(frozenset(values))
                self.refuse_if(depth, f"not (isinstance({v}, str) and {v} in {allowed})")
            else:
                self.refuse_if(depth, f"not any(_equal(each, {v}) for each in {self.constant(list(values))})")
        if "const" in schema:
            const = self.constant(schema["const"])
            if isinstance(schema["const"], str):  # what _equal does when one side is a string
                self.refuse_if(depth, f"not (isinstance({v}, str) and {v} == {const})")
            else:
                self.refuse_if(depth, f"not _equal({v}, {const})")

    def strings(self, schema: dict[str, Any], v: str, depth: int) -> None:
        if "pattern" in schema:
            search = self.constant(re.compile(schema["pattern"]).search)
            self.refuse_if(depth, f"isinstance({v}, str) and {search}({v}) is None")
        for keyword, operator in (("minLength", "<"), ("maxLength", ">")):
            if keyword in schema:
                bound = self.constant(schema[keyword])
                self.refuse_if(depth, f"isinstance({v}, str) and len({v}) {operator} {bound}")
        if "format" in schema and self.formats is not None:
            self.refuse_if(depth, f"not _formats.conforms({v}, {self.constant(schema['format'])})")

    def numbers(self, schema: dict[str, Any], v: str, depth: int) -> None:
        # jsonschema's own comparisons (an error when ``value < minimum``...), so NaN is judged the same way
        for keyword, operator in (
            ("minimum", "<"),
            ("maximum", ">"),
            ("exclusiveMinimum", "<="),
            ("exclusiveMaximum", ">="),
        ):
            if keyword in schema:
                bound = self.constant(schema[keyword])
                self.refuse_if(depth, f"{_TYPE_TESTS['number'].format(v=v)} and {v} {operator} {bound}")

    def arrays(self, schema: dict[str, Any], v: str, depth: int) -> None:
        for keyword, operator in (("minItems", "<"), ("maxItems", ">")):
            if keyword in schema:
                bound = self.constant(schema[keyword])
                self.refuse_if(depth, f"isinstance({v}, list) and len({v}) {operator} {bound}")
        if schema.get("uniqueItems"):
            self.refuse_if(depth, f"isinstance({v}, list) and not _uniq({v})")
        if "items" in schema and schema["items"] is not True:
            item = self.variable()
            self.line(depth, f"if isinstance({v}, list):")
            self.line(depth + 1, f"for {item} in {v}:")
            self.schema(schema["items"], item, depth + 2)

    def objects(self, schema: dict[str, Any], v: str, depth: int) -> None:
        keys = ("properties", "required", "additionalProperties", "patternProperties")
        if not any(key in schema for key in keys):
            return
        self.line(depth, f"if isinstance({v}, dict):")
        inner = depth + 1
        self.line(inner, "pass")
        required = schema.get("required", [])
        if required:
            self.refuse_if(inner, f"not ({v}.keys() >= {self.constant(frozenset(required))})")
        properties = schema.get("properties", {})
        for name, sub in properties.items():
            if sub is True:
                continue
            item = self.variable()
            key = self.constant(name)
            self.line(inner, f"if {key} in {v}:")
            self.line(inner + 1, f"{item} = {v}[{key}]")
            self.schema(sub, item, inner + 1)
        self.additional(schema, v, inner)

    def additional(self, schema: dict[str, Any], v: str, depth: int) -> None:
        """``patternProperties`` (for every key) and ``additionalProperties`` (for the keys neither names)."""
        patterns = schema.get("patternProperties", {})
        extra = schema.get("additionalProperties", True)
        checked = [(pattern, sub) for pattern, sub in patterns.items() if sub is not True]
        if not checked and extra is True:
            return
        key, item = self.variable(), self.variable()
        known = self.constant(frozenset(schema.get("properties", {})))
        joined = self.constant(re.compile("|".join(patterns)).search) if patterns else None
        self.line(depth, f"for {key}, {item} in {v}.items():")
        for pattern, sub in checked:
            self.line(depth + 1, f"if {self.constant(re.compile(pattern).search)}({key}) is not None:")
            self.line(depth + 2, "pass")
            self.schema(sub, item, depth + 2)
        if extra is True:
            return
        additional = f"{key} not in {known}" + (f" and {joined}({key}) is None" if joined else "")
        self.line(depth + 1, f"if {additional}:")
        self.line(depth + 2, "pass")
        self.schema(extra, item, depth + 2)


def compile_check(schema: Any, formats: FormatChecker | None = None) -> Check | None:
    """A function telling whether a value is valid against ``schema`` (as ``jsonschema`` with ``formats``
    would say), or None when the schema uses keywords the compiler does not handle."""
    writer = _Writer(formats)
    try:
        writer.schema(schema, "v0", 1)
    except (NotCompilable, re.error, TypeError):
        return None
    source = "def check(v0):\n" + "\n".join([*writer.lines, "    return True"]) + "\n"
    exec(compile(source, "<compiled record schema>", "exec"), writer.namespace)  # noqa: S102 (our own source)
    check: Check = writer.namespace["check"]
    return check


_CHECKS: dict[int, tuple[Draft202012Validator, Check | None]] = {}


def fast_check(validator: Draft202012Validator) -> Check | None:
    """The compiled check of a validator's schema (compiled once per validator object; None: not compilable)."""
    hit = _CHECKS.get(id(validator))
    if hit is None or hit[0] is not validator:
        if len(_CHECKS) > 256:  # label sets reloaded many times: forget the old ones
            _CHECKS.clear()
        hit = (validator, compile_check(validator.schema, validator.format_checker))
        _CHECKS[id(validator)] = hit
    return hit[1]

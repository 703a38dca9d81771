"""The compiled record check (corpus.scheme.compiled) says "valid" exactly when jsonschema finds no error.

It stands in front of jsonschema for speed (imports of a million spans), so it must never accept a record that
jsonschema refuses. Every label's record schema (complete and draft) is tried on valid records and on many broken
ones: each field removed, set to values of every JSON type, and the label's attributes broken the same way.
"""

from __future__ import annotations

import copy
import itertools
import math
from typing import Any

import pytest

from corpus.scheme import default_labelset, validate_record
from corpus.scheme.compiled import compile_check, fast_check
from corpus.scheme.files import validator_for
from corpus.scheme.formats import FORMATS

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2.5,
    1.0,
    math.nan,
    "",
    "x",
    "PER",
    "Economic",
    "author",
    "a-b",
    "2025-01-01T00:00:00Z",
    "2025-01-01",
    "2025-13-01T00:00:00",
    "0123456789abcdef",
    "USD",
    [],
    ["xi_jinping"],
    ["xi_jinping", "xi_jinping"],
    ["Bad Id"],
    [1, True],
    {},
    {"a": 1},
]

ATTRIBUTES = {
    "actor": {"type": "PER", "mention": "name", "metonymy": False, "entity_id": ["xi_jinping"]},
    "claim": {"speaker": "author", "attribution": "indirect", "kind": "factual", "check_worthy": True, "cue": "said"},
    "number": {"value": 40.0, "unit": "meetings", "bound": "more than", "kind": "count", "currency": "USD",
               "date": "2025-09"},
    "framing": {"frame": "Economic", "voice": "outlet"},
}  # fmt: skip


def base(label: str) -> dict[str, Any]:
    return {
        "id": "a1",
        "doc_id": "0123456789abcdef",
        "text_sha256": "0" * 64,
        "start": 0,
        "end": 2,
        "span_text": "Xi",
        "label": label,
        "attributes": dict(ATTRIBUTES.get(label, {})),
        "annotator": "ana",
        "created_at": "2025-01-01T00:00:00Z",
        "schema_version": "1.0.0",
        "links": [{"role": "about", "target": "b2"}],
    }


def variants(record: dict[str, Any]) -> list[dict[str, Any]]:
    out = [record]
    for key in list(record):
        removed = dict(record)
        del removed[key]
        out.append(removed)
        out += [{**record, key: value} for value in VALUES]
    out += [{**record, "extra": 1}, {**record, "x-note": "kept"}, {**record, "layer": "gold"}]
    out += [{**record, "links": [{"role": "about"}]}, {**record, "links": [{"role": "", "target": "b"}]}]
    out += [{**record, "links": [{"role": "a\tb", "target": "b"}]}, {**record, "id": "-bad"}]
    attributes = record["attributes"]
    for key in [*attributes, "unknown"]:
        removed = {k: v for k, v in attributes.items() if k != key}
        out.append({**record, "attributes": removed})
        out += [{**record, "attributes": {**attributes, key: value}} for value in VALUES]
    return out


@pytest.mark.parametrize("complete", [True, False])
def test_compiled_check_agrees_with_jsonschema_on_every_label(complete: bool) -> None:
    labelset = default_labelset()
    checked = 0
    for label in labelset.names:
        validator = labelset.label_validator(label, complete=complete)
        check = fast_check(validator)
        assert check is not None, f"the {label} schema should compile"
        for record in variants(base(label)):
            expected = next(iter(validator.iter_errors(copy.deepcopy(record))), None) is None
            assert check(record) is expected, (label, complete, record)
            checked += 1
    assert checked > 1000


def test_schemas_with_other_keywords_are_left_to_jsonschema() -> None:
    assert compile_check({"$ref": "#/x"}) is None
    assert compile_check({"oneOf": [{"type": "string"}]}) is None
    assert compile_check({"properties": {"a": {"if": {"type": "string"}}}}) is None
    assert compile_check({"type": "strange"}) is None
    assert fast_check(default_labelset().validator()) is None  # the composed schema uses $ref and if/then


KEYWORD_SCHEMAS: list[dict[str, Any]] = [
    {"type": ["integer", "null"]},
    {"type": "number", "minimum": 0, "maximum": 10},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
    {"enum": [1, "a", None, [1]]},
    {"const": 1},
    {"const": False},
    {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}, "minItems": 1, "maxItems": 2},
    {"type": "array", "uniqueItems": True},
    {"type": "string", "format": "date"},
    {"type": "string", "format": "no-such-format"},
    {"type": "object", "properties": {"a": {"type": "integer"}}, "patternProperties": {"^a": {"minimum": 5}}},
    {"type": "object", "additionalProperties": {"type": "string"}, "required": ["k"]},
    {"type": "object", "properties": {}, "additionalProperties": False, "patternProperties": {"^x-": True}},
    {"title": "only annotations", "description": "nothing to check", "x-widget": "text", "default": 3},
]


@pytest.mark.parametrize("schema", KEYWORD_SCHEMAS, ids=lambda s: ",".join(s))
def test_each_keyword_agrees_with_jsonschema(schema: dict[str, Any]) -> None:
    validator = validator_for(schema)
    check = compile_check(schema, FORMATS)
    assert check is not None
    values = [*VALUES, 5, 7.0, 10, 11, [1, 1], [True, 1], ["ab", "cd", "ef"], {"k": "v"}, {"k": 1},
              {"a": 3}, {"a": 7}, {"ab": 7.5}, {"x-a": 1}, {"y": 1}]  # fmt: skip
    for value in values:
        expected = next(iter(validator.iter_errors(value)), None) is None
        assert check(value) is expected, (schema, value)


def test_messages_are_still_jsonschema_s() -> None:
    document = {"doc_id": "0123456789abcdef", "text": "Xi met Putin", "text_sha256": None}
    record = {**base("actor"), "attributes": {"type": "PERSON", "mention": "name"}, "links": []}
    record.pop("text_sha256")
    problems = validate_record(record, document)
    assert any(problem.startswith("attributes.type:") and "PERSON" in problem for problem in problems)
    assert any(problem.startswith("text_sha256:") for problem in problems)


def test_every_pair_of_broken_fields_agrees() -> None:
    labelset = default_labelset()
    validator = labelset.label_validator("claim")
    check = fast_check(validator)
    assert check is not None
    record = base("claim")
    for (k1, v1), (k2, v2) in itertools.islice(
        itertools.combinations([(k, v) for k in record for v in VALUES[:8]], 2), 3000
    ):
        broken = {**record, k1: v1, k2: v2}
        assert check(broken) is (next(iter(validator.iter_errors(broken)), None) is None), broken

"""``corpus.formats.json_text.dumps_lines``: the same JSON as ``json.dumps``, outer levels one item a line."""

from __future__ import annotations

import json

from corpus.formats.json_text import dumps_lines

VALUE = [
    {
        "id": 1,
        "data": {"text": "Xi 😀 met\nPutin", "title": None, "n": 2.5},
        "annotations": [
            {"id": 1, "result": [{"id": "x", "value": {"start": 0, "labels": ["PER"]}}, {"id": "y"}]}
        ],
        "empty": [],
        "nothing": {},
        7: True,
    }
]


def test_same_json_one_result_a_line() -> None:
    text = dumps_lines(VALUE, inline_depth=5)
    assert json.loads(text) == json.loads(json.dumps(VALUE))
    lines = text.splitlines()
    assert any(line.strip() == '{"id": "x", "value": {"start": 0, "labels": ["PER"]}},' for line in lines)
    assert any(line.strip() == '"text": "Xi 😀 met\\nPutin",' for line in lines)  # kept as characters
    assert dumps_lines(VALUE, inline_depth=0) == json.dumps(VALUE, ensure_ascii=False)
    assert dumps_lines([], inline_depth=3) == "[]"

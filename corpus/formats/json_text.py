"""JSON text that people can read and errors can point into, written at the speed of the C encoder.

``json.dumps(value, indent=1)`` runs CPython's pure-Python encoder (the C one only writes without ``indent``):
for a Label Studio export of 6,000 spans that is about 80% of the export's time. :func:`dumps_lines` indents the
outer levels like ``indent=1`` and writes each value from ``inline_depth`` down on one line with the C encoder,
so a Label Studio file still has one line per result (the reader names the line of a bad span).
"""

from __future__ import annotations

import json
from typing import Any

_inline = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(value, ensure_ascii=False) calls


def _key(key: Any) -> str:
    """An object key as JSON writes it (non-string keys become strings, as ``json.dumps`` does)."""
    return _inline(key if isinstance(key, str) else _inline(key).strip('"'))


def dumps_lines(value: Any, inline_depth: int, *, _depth: int = 0) -> str:
    """``value`` as JSON: lists and objects above ``inline_depth`` one item a line (indent 1), the rest inline."""
    if _depth >= inline_depth or not isinstance(value, dict | list) or not value:
        return _inline(value)
    pad = "\n" + " " * (_depth + 1)
    if isinstance(value, dict):
        parts = [
            f"{_key(key)}: {dumps_lines(item, inline_depth, _depth=_depth + 1)}"
            for key, item in value.items()
        ]
        opening, closing = "{", "}"
    else:
        parts = [dumps_lines(item, inline_depth, _depth=_depth + 1) for item in value]
        opening, closing = "[", "]"
    return opening + pad + ("," + pad).join(parts) + "\n" + " " * _depth + closing

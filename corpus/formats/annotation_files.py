"""Annotation files in any supported format: which format a path is in, read it into items, render records.

The import/export commands and the store go through here, so adding a format is one module plus one entry
below. Everything is a pure function of paths, records and documents: checking the items against the store and
writing them is the store's job (``workbench.store.imports``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.formats.brat import read_brat
from corpus.formats.items import Item, attribute_specs
from corpus.formats.jsonl import read_records, write_records
from corpus.formats.labelstudio import read_labelstudio, records_to_labelstudio
from corpus.scheme import LabelSet

FORMATS = ("jsonl", "labelstudio", "brat")  # readable
EXPORT_FORMATS = ("jsonl", "labelstudio")  # writable as one file


def detect_format(path: Path) -> str:
    """The format a path's suffix implies: a folder or ``.ann`` is brat, ``.jsonl`` JSONL, ``.json`` Label
    Studio."""
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".ann":
        return "brat"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".json":
        return "labelstudio"
    raise NewsspanError(f"cannot tell the format of {path}", hint="pass --format jsonl, labelstudio or brat")


def read_annotation_file(path: Path, fmt: str | None = None, labelset: LabelSet | None = None) -> list[Item]:
    """Every item of a JSONL, Label Studio or brat file (or brat folder); ``fmt`` defaults to the suffix's.
    ``labelset`` (default: the project's) says how Label Studio and brat attribute values are read."""
    if not path.exists():
        raise NewsspanError(f"{path} does not exist", hint="check the path")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise NewsspanError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    if fmt == "jsonl":
        return read_records(path)
    specs, link_names = attribute_specs(labelset)
    if fmt == "labelstudio":
        return read_labelstudio(path, specs)
    return read_brat(path, specs, link_names)


def render_records(
    records: Sequence[dict[str, Any]],
    fmt: str,
    documents: dict[str, dict[str, Any]] | None = None,
    labelset: LabelSet | None = None,
) -> str:
    """The records as the text of one file: JSONL, or Label Studio JSON (which needs every record's document,
    with its text, in ``documents``)."""
    if fmt == "jsonl":
        return write_records(records)
    if fmt == "labelstudio":
        tasks = records_to_labelstudio(records, documents or {}, attribute_specs(labelset)[0])
        return json.dumps(tasks, ensure_ascii=False, indent=1)
    raise NewsspanError(f"cannot export as {fmt!r}", hint="use jsonl or labelstudio")

"""Annotation files in any supported format: which format a path is in, read it into items, render records.

The import/export commands and the store go through here, so adding a format is one module plus one entry
below. Everything is a pure function of paths, records and documents: checking the items against the store and
writing them is the store's job (``workbench.store.imports``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.formats.brat import brat_files, read_brat
from corpus.formats.items import Item, ReadOptions, attribute_specs, link_attributes
from corpus.formats.json_text import dumps_lines
from corpus.formats.jsonl import iter_records, write_records
from corpus.formats.labelstudio import (
    label_config,
    labelstudio_labels,
    read_labelstudio,
    records_to_labelstudio,
)
from corpus.scheme import LabelSet, default_labelset

FORMATS = ("jsonl", "labelstudio", "brat")  # readable
EXPORT_FORMATS = ("jsonl", "labelstudio", "brat")  # writable (brat as a folder)
LABEL_CONFIG = "label_config.xml"  # written beside a Label Studio export


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


def read_annotation_file(
    path: Path, fmt: str | None = None, labelset: LabelSet | None = None, options: ReadOptions | None = None
) -> list[Item]:
    """Every item of a JSONL, Label Studio or brat file (or brat folder); ``fmt`` defaults to the suffix's.
    ``labelset`` (default: the project's) says how Label Studio and brat attribute values and relations are
    read; ``options`` renames labels (``label_map``: the new names are the label set's) and picks one
    annotator's annotations of a Label Studio file."""
    return list(iter_annotation_file(path, fmt, labelset, options))


def file_format(path: Path, fmt: str | None = None) -> str:
    """The format to read ``path`` in (``fmt``, else its suffix's); a missing path or unknown format raises."""
    if not path.exists():
        raise NewsspanError(f"{path} does not exist", hint="check the path")
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise NewsspanError(f"unknown format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    return fmt


def iter_annotation_file(
    path: Path, fmt: str | None = None, labelset: LabelSet | None = None, options: ReadOptions | None = None
) -> Iterator[Item]:
    """The items of :func:`read_annotation_file` one by one: JSONL is read line by line as they are taken (an
    import of a million records never holds them all); Label Studio and brat files are parsed whole first.
    A missing path or an unknown format raises at once, before the first item."""
    fmt = file_format(path, fmt)
    options = options or ReadOptions()
    return rename_labels(_items(path, fmt, labelset, options), options.label_map)


def _items(path: Path, fmt: str, labelset: LabelSet | None, options: ReadOptions) -> Iterator[Item]:
    if fmt == "jsonl":
        return iter_records(path)
    specs, _ = attribute_specs(labelset)
    links = link_attributes(labelset)
    if fmt == "labelstudio":
        return iter(read_labelstudio(path, specs, links, options))
    return iter(read_brat(path, specs, links))


def rename_labels(items: Iterable[Item], label_map: Mapping[str, str]) -> Iterator[Item]:
    """The items with every label ``label_map`` names renamed (``newsspan import --label-map OLD=NEW``)."""
    for item in items:
        if label_map and item.record is not None and item.record.get("label") in label_map:
            item.record["label"] = label_map[item.record["label"]]
        yield item


def labels_in_file(path: Path, fmt: str | None = None) -> dict[str, int]:
    """The label names an annotation file uses, in order of first use, with how many spans have each (for
    ``newsspan init --labelset-from``). Attributes are not read: the file is read without a label set."""
    if file_format(path, fmt) == "labelstudio":
        return labelstudio_labels(path)  # every span's label, even of spans whose offsets are wrong
    empty = LabelSet(version="0.0.0", labels=[], path=path)
    counts: dict[str, int] = {}
    paths = [path]
    if path.is_dir() and not any(path.glob("*.ann")):  # a brat export: one folder per annotator
        paths = sorted(folder for folder in path.iterdir() if any(folder.glob("*.ann")))
    items = (item for each in paths for item in iter_annotation_file(each, fmt, empty))
    for item in items:
        label = (item.record or {}).get("label")
        if isinstance(label, str) and label:
            counts[label] = counts.get(label, 0) + 1
    return counts


def link_roles(records: Iterable[dict[str, Any]]) -> list[str]:
    """The roles of the records' ``links``, in order of first use."""
    return list(dict.fromkeys(link["role"] for record in records for link in record.get("links") or []))


def render_records(
    records: Sequence[dict[str, Any]],
    fmt: str,
    documents: dict[str, dict[str, Any]] | None = None,
    labelset: LabelSet | None = None,
    *,
    annotator_emails: Mapping[str, str] | None = None,
) -> str:
    """The records as the text of one file: JSONL, or Label Studio JSON (one task per document of
    ``documents``, with or without spans; it must hold every record's document, with its text).
    ``annotator_emails`` maps annotators to Label Studio users for ``completed_by``."""
    if fmt == "jsonl":
        return write_records(records)
    if fmt == "labelstudio":
        specs = attribute_specs(labelset)[0]
        tasks = records_to_labelstudio(records, documents or {}, specs, annotator_emails=annotator_emails)
        # one line per result (tasks > task > annotations > annotation > result > one result): fast, and the
        # reader's errors name a span's own line
        return dumps_lines(tasks, inline_depth=5)
    raise NewsspanError(f"cannot export {fmt!r} as one file", hint="use jsonl or labelstudio")


def export_files(
    records: Sequence[dict[str, Any]],
    fmt: str,
    name: str,
    documents: dict[str, dict[str, Any]] | None = None,
    labelset: LabelSet | None = None,
    *,
    annotator_emails: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every file of an export as relative path -> text. JSONL: ``name``. Label Studio: ``name`` and
    ``label_config.xml`` beside it (the labeling config to create the project with). brat: the files of the
    folder ``name`` (:func:`corpus.formats.brat.brat_files`). Label Studio and brat write a task or a ``.txt``
    for every document of ``documents``, with or without spans."""
    if fmt not in EXPORT_FORMATS:
        raise NewsspanError(f"cannot export as {fmt!r}", hint=f"use one of: {', '.join(EXPORT_FORMATS)}")
    labelset = labelset or default_labelset()
    if fmt == "brat":
        return {
            f"{name}/{path}": text for path, text in brat_files(records, documents or {}, labelset).items()
        }
    files = {name: render_records(records, fmt, documents, labelset, annotator_emails=annotator_emails)}
    if fmt == "labelstudio":
        parent = name.rpartition("/")[0]
        config = label_config(labelset, link_roles(records))
        files[f"{parent}/{LABEL_CONFIG}" if parent else LABEL_CONFIG] = config
    return files

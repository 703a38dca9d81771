"""What every annotation-file reader returns: :class:`Item`, one record read from a file with its ``file:line``.

Readers only parse: an item's record is not checked against any document yet (its document may be named by
``doc_id``, by the document's ``source_id`` or, for Label Studio and brat, by the text it was made on). The store
resolves the documents and runs the scheme's validator; the item's ``where`` prefixes every error it reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import NewsspanError
from corpus.scheme import LabelSet, default_labelset

# The scheme's id pattern: a Label Studio region id that fits it is kept as the record's id.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


@dataclass
class Item:
    """One record read from a file, before it is checked against the store.

    ``record`` is None when the line could not be read; ``problems`` then says why."""

    where: str  # "file:line"
    record: dict[str, Any] | None
    problems: list[str] = field(default_factory=list)
    source_id: str | None = None  # the document named by source_id instead of doc_id
    task_text: str | None = None  # Label Studio / brat: the text the offsets were made on
    offsets: str | None = None  # Label Studio: which convention the span's offsets were in (OFFSET_BASES)


# How a Label Studio span's offsets were read (``Item.offsets``), as the import report names them.
OFFSET_BASES = {
    "codepoints": "code points (Label Studio 1.23 and later)",
    "utf16": "UTF-16 code units (older Label Studio)",
    "same": "the same in both (no emoji or other astral character before the span)",
    "unchecked": "code points, unchecked (no span text in the file to check them against)",
}


@dataclass(frozen=True)
class ReadOptions:
    """How to read an annotation file beyond its format.

    ``label_map`` renames the file's labels to the label set's (``newsspan import --label-map OLD=NEW``).
    ``annotator``, when a file says whose each annotation is (Label Studio files written by newsspan, or with
    ``completed_by`` e-mails), keeps only that annotator's annotations (None: every annotation); the reader
    counts the annotations it left out in ``skipped`` (annotator -> annotations). ``annotator_emails`` maps
    annotator names to the e-mail addresses of Label Studio's ``completed_by``."""

    label_map: Mapping[str, str] = field(default_factory=dict)
    annotator: str | None = None
    annotator_emails: Mapping[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)


def parse_pairs(values: list[str], what: str) -> dict[str, str]:
    """``OLD=NEW`` pairs (split at the first ``=``) or JSON files holding an object of them, as one mapping
    (``newsspan import --label-map``, ``newsspan export --annotator-emails``). A value naming an existing
    file, or ending in ``.json``, is read as such a file: the way to give names that hold ``=``."""
    mapping: dict[str, str] = {}
    for value in values:
        path = Path(value)
        if value.endswith(".json") or path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise NewsspanError(f"cannot read the {what} file {value}: {error}") from None
            if not isinstance(data, dict) or not all(isinstance(v, str) and v for v in data.values()):
                raise NewsspanError(f"the {what} file {value} must hold a JSON object of strings")
            mapping.update(data)
            continue
        old, equals, new = value.partition("=")
        if not equals or not old or not new:
            raise NewsspanError(
                f"{what} {value!r} is not OLD=NEW", hint="write OLD=NEW, or give a JSON file of them"
            )
        mapping[old] = new
    return mapping


def bad_item(where: str, problem: str) -> Item:
    """An item for a line that could not be read as a record."""
    return Item(where, None, [problem])


def attribute_specs(labelset: LabelSet | None = None) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Every label's attribute specs by name, and the names of link attributes (a claim's ``speaker``).

    Label Studio and brat carry attribute values as strings or choice lists; the spec's type says how to read
    them back, and a link attribute travels as a relation."""
    labelset = labelset or default_labelset()
    specs: dict[str, dict[str, Any]] = {}
    links: set[str] = set()
    for label in labelset.labels:
        specs.update(label.attributes)
        links.update(label.links())
    return specs, links


def link_attributes(labelset: LabelSet | None = None) -> dict[str, set[str]]:
    """Label name -> the names of its link attributes: a relation from a span of that label named like one of
    them is read back into that attribute (a claim's ``speaker``); any other relation becomes a ``links``
    entry."""
    labelset = labelset or default_labelset()
    return {label.name: set(label.links()) for label in labelset.labels}

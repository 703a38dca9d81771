"""What every annotation-file reader returns: :class:`Item`, one record read from a file with its ``file:line``.

Readers only parse: an item's record is not checked against any document yet (its document may be named by
``doc_id``, by the document's ``source_id`` or, for Label Studio and brat, by the text it was made on). The store
resolves the documents and runs the scheme's validator; the item's ``where`` prefixes every error it reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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

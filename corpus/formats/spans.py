"""``spans.jsonl`` of an annotated release: one span a line, readable without Parquet.

Each line is ``{"doc_id", "split", "annotator", "id", "start", "end", "span_text", "label", "attributes",
"draft", "links"}`` with the label as its name, unset attributes left out and links as ``{"role", "target"}``
where ``target`` is the target span's ``id`` (in the release a link points at the span's position).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def span_lines(split: str, row: Mapping[str, Any], names: list[str]) -> Iterator[dict[str, Any]]:
    """One JSON-ready record per span of a release row; ``names`` are the release's label names by index."""
    spans = row["spans"]
    for span in spans:
        attributes = {
            key: value for key, value in (span.get("attributes") or {}).items() if value is not None
        }
        yield {
            "doc_id": row["doc_id"],
            "split": split,
            "annotator": row.get("annotator") or span.get("annotator"),
            "id": span.get("id"),
            "start": span["start"],
            "end": span["end"],
            "span_text": span["span_text"],
            "label": names[span["label"]],
            "attributes": attributes,
            "draft": span.get("draft", False),
            "links": [
                {"role": link["role"], "target": spans[link["target"]]["id"]} for link in span["links"]
            ],
        }

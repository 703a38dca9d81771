"""Label Studio JSON out: one task per document (with or without spans), one annotation per annotator.

What Label Studio 1.23 reads back unchanged: offsets in code points; per-span attributes as per-region results
sharing the span's ``id``; links and link attributes as ``relation`` results; no ``completed_by`` unless the
annotator is mapped to the e-mail address of a Label Studio user (Label Studio refuses unknown e-mails). The
annotator of each annotation is kept in the task's ``meta.newsspan.annotators`` by the annotation's ``id``,
which Label Studio stores as ``import_id`` and writes back in its exports. Reading: :mod:`corpus.formats.labelstudio`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Specs = Mapping[str, Mapping[str, Any]]


def ls_attribute(value: Any, spec: Mapping[str, Any] | None) -> dict[str, Any]:
    """The Label Studio result type and value for one attribute value (the control
    :mod:`corpus.formats.labelstudio_config` declares for the attribute's spec)."""
    spec = spec or {}
    if isinstance(value, bool):
        return {"type": "choices", "value": {"choices": ["true" if value else "false"]}}
    if isinstance(value, int | float):
        if "enum" in spec:
            return {"type": "choices", "value": {"choices": [str(value)]}}
        return {"type": "number", "value": {"number": value}}
    if isinstance(value, list):
        if "enum" in (spec.get("items") or {}):
            return {"type": "choices", "value": {"choices": [str(item) for item in value]}}
        return {"type": "textarea", "value": {"text": [str(item) for item in value]}}
    if "enum" in spec:
        return {"type": "choices", "value": {"choices": [value]}}
    return {"type": "textarea", "value": {"text": [value]}}


def _relation(source: str, target: str, role: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": source, "to_id": target, "direction": "right", "labels": [role]}


def _record_results(
    record: dict[str, Any], specs: Specs, link_names: set[str], ids: set[str]
) -> list[dict[str, Any]]:
    """The labels result of one record, one result per attribute, one relation per link and per link attribute
    whose value is a span of the same annotation (``ids``; other values, such as a literal ``author``, stay
    text)."""
    position = {"start": record["start"], "end": record["end"], "text": record["span_text"]}
    region = {"id": record["id"], "from_name": "label", "to_name": "text"}
    results = [{**region, "type": "labels", "value": {**position, "labels": [record["label"]]}}]
    for name, value in (record.get("attributes") or {}).items():
        if name in link_names and isinstance(value, str) and value in ids:
            results.append(_relation(record["id"], value, name))
            continue
        result = ls_attribute(value, specs.get(name))
        results.append({**region, "from_name": name, **result, "value": {**position, **result["value"]}})
    for link in record.get("links") or []:
        results.append(_relation(record["id"], link["target"], link["role"]))
    return results


def _annotation(
    number: int, annotator: str, records: list[dict[str, Any]], specs: Specs, emails: Mapping[str, str]
) -> dict[str, Any]:
    """One annotator's annotation of a task; ``number`` is its ``id`` (Label Studio's ``import_id``)."""
    link_names = {name for name, spec in specs.items() if "x-link" in spec}
    ids = {record["id"] for record in records}
    results = [result for record in records for result in _record_results(record, specs, link_names, ids)]
    annotation: dict[str, Any] = {
        "id": number,
        "import_id": number,
        "result": results,
        "was_cancelled": False,
        "ground_truth": False,
    }
    if annotator in emails:
        annotation["completed_by"] = {"email": emails[annotator]}
    return annotation


def records_to_labelstudio(
    records: Iterable[dict[str, Any]],
    documents: Mapping[str, Mapping[str, Any]],
    specs: Specs,
    *,
    annotator_emails: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Label Studio tasks: one per document of ``documents`` (doc_id -> document record with ``text``), in
    its order, with or without spans, then one per other document a record names (which must be in
    ``documents`` too); one annotation per annotator, in code point offsets. ``specs`` are the attribute specs
    by name (``corpus.formats.items.attribute_specs``): a link attribute (``x-link``) whose value is a span
    of the same annotation is written as a relation. ``annotator_emails`` maps annotators to Label Studio
    users' e-mail addresses for ``completed_by``."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {doc_id: {} for doc_id in documents}
    for record in records:
        grouped.setdefault(record["doc_id"], {}).setdefault(record["annotator"], []).append(record)
    tasks = []
    number = 0
    for task_number, (doc_id, by_annotator) in enumerate(grouped.items(), start=1):
        document = documents[doc_id]
        annotations, names = [], {}
        for annotator, mine in by_annotator.items():
            number += 1
            annotations.append(_annotation(number, annotator, mine, specs, annotator_emails or {}))
            names[str(number)] = annotator
        data = {key: document.get(key) for key in ("text", "doc_id", "source_id", "title")}
        task: dict[str, Any] = {"id": task_number, "data": data, "annotations": annotations}
        if names:
            task["meta"] = {"newsspan": {"annotators": names}}
        tasks.append(task)
    return tasks

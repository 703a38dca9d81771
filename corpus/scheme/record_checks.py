"""The checks of an annotation record that JSON Schema cannot express, run after the schema.

Offsets against the document text, ``span_text``, ``text_sha256``, link targets (``x-link`` attributes such as
``claim.speaker``, and ``links``), registry ids (``x-registry`` attributes such as ``actor.entity_id``) and id
uniqueness. Links: a claim's ``attributes.speaker`` is either the literal ``"author"`` or the ``id`` of an
actor annotation of the same document in the same layer (same ``annotator`` and ``layer``).

Offsets are Python code points into the document's ``text`` (UTF-16 conversion belongs to the workbench).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeGuard

from corpus.scheme.actors import ActorRegistry
from corpus.scheme.labelset import Label, LabelSet
from corpus.scheme.locations import display_path
from corpus.scheme.messages import short

Index = Mapping[str, list[dict[str, Any]]]
"""Annotation id -> the records of one layer with that id (several when an id is reused)."""


def layer_key(record: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """Records that can link to each other: same document, same annotator, same layer."""
    return record.get("doc_id"), record.get("annotator"), record.get("layer")


def index_records(records: Iterable[Any]) -> dict[str, list[dict[str, Any]]]:
    """Id -> records, for the records of one layer that have a string id."""
    index: dict[str, list[dict[str, Any]]] = {}
    for other in records:
        if isinstance(other, dict) and isinstance(other.get("id"), str):
            index.setdefault(other["id"], []).append(other)
    return index


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _offsets(record: dict[str, Any]) -> tuple[int, int] | None:
    """(start, end) when both are integers (the schema reports the other cases)."""
    start, end = record.get("start"), record.get("end")
    if _is_int(start) and _is_int(end):
        return start, end
    return None


def _sha_problem(record: dict[str, Any], text_sha256: str, bad_fields: set[str]) -> str | None:
    sha = record.get("text_sha256")
    if not isinstance(sha, str) or "text_sha256" in bad_fields or sha == text_sha256:
        return None
    return (
        f"text_sha256: the span was made on another version of document {record.get('doc_id')!r} "
        f"(record {sha[:12]}…, document {text_sha256[:12]}…): its offsets no longer apply; re-anchor it"
    )


def _offset_problems(record: dict[str, Any], text: str) -> list[str]:
    offsets = _offsets(record)
    if offsets is None or offsets[0] < 0:
        return []  # a negative start is reported by the schema (minimum 0)
    start, end = offsets
    if end <= start:
        return [f"end: {end} is not after start {start} (a span needs start < end)"]
    if end > len(text):
        return [f"end: span {start}-{end} goes beyond the end of the text ({len(text)} code points)"]
    span_text = record.get("span_text")
    if isinstance(span_text, str) and text[start:end] != span_text:
        return [f"span_text: {short(span_text)} does not match text[{start}:{end}] {short(text[start:end])}"]
    return []


def _link_problem(
    where: str, target: str, link: Mapping[str, Any] | None, record: dict[str, Any], index: Index
) -> list[str]:
    literals = list(link.get("literals", [])) if link else []
    if link:
        article = "an" if link["label"][:1] in "aeiou" else "a"
        expected = f"the id of {article} {link['label']} annotation"
    else:
        expected = "the id of an annotation"
    if literals:
        expected += " or " + " or ".join(repr(value) for value in literals)
    targets = [other for other in index.get(target, []) if other is not record]
    if not targets:
        if target == record.get("id"):
            return [f"{where}: {target!r} points to the annotation itself (expected {expected})"]
        return [
            f"{where}: {target!r} is not the id of an annotation in this document by the same annotator "
            f"(dangling link; expected {expected})"
        ]
    if link and all(other.get("label") != link["label"] for other in targets):
        found = targets[0].get("label")
        return [f"{where}: {target!r} is a {found} annotation, not {link['label']} (expected {expected})"]
    return []


_LABELS: dict[
    tuple[int, str], tuple[LabelSet, tuple[Label, dict[str, dict[str, Any]], list[str]] | None]
] = {}


def _label_facts(labelset: LabelSet, name: str) -> tuple[Label, dict[str, dict[str, Any]], list[str]] | None:
    """The label called ``name`` with its link attributes and registry attributes (None: no such label), worked
    out once per label set and label instead of once per record (imports check millions)."""
    key = (id(labelset), name)
    hit = _LABELS.get(key)
    if hit is None or hit[0] is not labelset:
        if len(_LABELS) > 1024:  # label sets reloaded many times: forget the old ones
            _LABELS.clear()
        label = labelset.get(name) if name in labelset else None
        facts = (label, label.links(), label.registry_attributes()) if label is not None else None
        hit = _LABELS[key] = (labelset, facts)
    return hit[1]


def _link_attribute_problems(
    links: dict[str, dict[str, Any]], attributes: dict[str, Any], record: dict[str, Any], index: Index
) -> list[str]:
    problems: list[str] = []
    for attr, link in links.items():
        value = attributes.get(attr)
        if isinstance(value, str) and value not in link.get("literals", []):
            problems.extend(_link_problem(f"attributes.{attr}", value, link, record, index))
    return problems


def _registry_problems(names: list[str], attributes: dict[str, Any], registry: ActorRegistry) -> list[str]:
    problems: list[str] = []
    for attr in names:
        value = attributes.get(attr)
        values = value if isinstance(value, list) else [value]
        for position, entity_id in enumerate(values):
            if not isinstance(entity_id, str) or entity_id in registry:
                continue
            where = f"attributes.{attr}[{position}]" if isinstance(value, list) else f"attributes.{attr}"
            close = registry.search(entity_id, limit=1)
            hint = f"; did you mean {close[0]['id']!r}?" if close else ""
            problems.append(
                f"{where}: {entity_id!r} is not an entity of the actor registry "
                f"({display_path(registry.path)}){hint}"
            )
    return problems


def _attribute_problems(
    record: dict[str, Any], labelset: LabelSet, registry: ActorRegistry, index: Index
) -> list[str]:
    label_name = record.get("label")
    attributes = record.get("attributes")
    if not isinstance(label_name, str) or not isinstance(attributes, dict):
        return []
    facts = _label_facts(labelset, label_name)
    if facts is None:
        return []
    _, links, registered = facts
    return _link_attribute_problems(links, attributes, record, index) + _registry_problems(
        registered, attributes, registry
    )


def _links_problems(record: dict[str, Any], index: Index) -> list[str]:
    links = record.get("links")
    if not isinstance(links, list):
        return []
    problems: list[str] = []
    for position, link in enumerate(links):
        if isinstance(link, dict) and isinstance(link.get("target"), str):
            problems.extend(_link_problem(f"links[{position}].target", link["target"], None, record, index))
    return problems


def _id_problems(record: dict[str, Any], index: Index) -> list[str]:
    own_id = record.get("id")
    if isinstance(own_id, str) and any(other is not record for other in index.get(own_id, [])):
        return [f"id: {own_id!r} is used by another annotation of the same document and annotator"]
    return []


def code_checks(
    record: dict[str, Any],
    document: Mapping[str, Any],
    text_sha256: str,
    index: Index,
    labelset: LabelSet,
    registry: ActorRegistry,
    bad_fields: set[str],
) -> list[str]:
    """Problems of a record that passed (or partly failed, ``bad_fields``) the schema, against its document
    and the other records of its layer (``index``)."""
    text = document.get("text")
    if not isinstance(text, str):
        return [f"doc_id: document {record.get('doc_id')!r} has no text"]
    sha_problem = _sha_problem(record, text_sha256, bad_fields)
    problems = [sha_problem] if sha_problem else _offset_problems(record, text)
    problems += _attribute_problems(record, labelset, registry, index)
    problems += _links_problems(record, index)
    problems += _id_problems(record, index)
    return problems

"""Validating annotation records: the composed JSON Schema, then the code checks, as plain sentences.

Never raises for a bad record. ``complete=False`` validates drafts (required attributes may still be missing).
Records of an older ``schema_version`` are migrated first (:mod:`corpus.scheme.migrations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from corpus.errors import NewsspanError
from corpus.scheme.actors import ActorRegistry, default_registry
from corpus.scheme.compiled import fast_check
from corpus.scheme.composition import compose_record_schema
from corpus.scheme.documents import document_sha
from corpus.scheme.labelset import LabelSet, default_labelset
from corpus.scheme.messages import describe, rank, short
from corpus.scheme.migrations import migrate_record
from corpus.scheme.record_checks import Index, code_checks, index_records, layer_key

Lookup = Callable[[Any], Mapping[str, Any] | None]
"""doc_id -> the document record, or None for an unknown document."""


def record_schema(labelset: LabelSet | None = None) -> dict[str, Any]:
    """The full JSON Schema of an annotation record under ``labelset`` (default: the project's label set)."""
    return compose_record_schema(labelset or default_labelset())


_FAST: dict[tuple[int, str, bool], tuple[LabelSet, Callable[[Any], bool] | None]] = {}


def _fast_valid(record: dict[str, Any], labelset: LabelSet, complete: bool) -> bool:
    """The compiled yes/no of the record's label schema (:mod:`corpus.scheme.compiled`), looked up once per
    label set, label and completeness; False means "ask jsonschema", which gives the sentences."""
    label = record.get("label")
    if not isinstance(label, str):
        return False
    key = (id(labelset), label, complete)
    hit = _FAST.get(key)
    if hit is None or hit[0] is not labelset:
        if len(_FAST) > 1024:  # label sets reloaded many times: forget the old ones
            _FAST.clear()
        known = label in labelset
        hit = _FAST[key] = (
            labelset,
            fast_check(labelset.label_validator(label, complete=complete)) if known else None,
        )
    return hit[1] is not None and hit[1](record)


def _schema_messages(
    record: dict[str, Any], labelset: LabelSet, complete: bool = True
) -> tuple[list[str], set[str]]:
    """Messages of the composed JSON Schema, one per path, and the top-level fields that failed."""
    best: dict[str, tuple[int, str]] = {}
    bad_fields: set[str] = set()
    if _fast_valid(record, labelset, complete):
        return [], bad_fields
    label = record.get("label")
    validator = (
        labelset.label_validator(label, complete=complete)
        if isinstance(label, str) and label in labelset
        else labelset.validator()
    )
    for error in validator.iter_errors(record):
        path, message = describe(error, record, labelset)
        if error.absolute_path:
            bad_fields.add(str(error.absolute_path[0]))
        else:
            bad_fields.add(path.split(".")[0].split("[")[0])
        if path not in best or rank(error) < best[path][0]:
            best[path] = (rank(error), message)
    return [f"{path}: {message}" for path, (_, message) in best.items()], bad_fields


def _check_one(
    record: Any,
    documents_lookup: Lookup,
    index_for: Callable[[dict[str, Any]], Index],
    labelset: LabelSet,
    registry: ActorRegistry,
    sha_for: Callable[[Mapping[str, Any]], str],
    complete: bool = True,
) -> tuple[list[str], dict[str, Any] | None]:
    if not isinstance(record, dict):
        return [f"record: expected a JSON object, got {type(record).__name__}"], None
    try:
        record = migrate_record(record)
    except NewsspanError as error:
        return [error.message], None
    problems, bad_fields = _schema_messages(record, labelset, complete)
    document = documents_lookup(record.get("doc_id"))
    if document is None:
        if "doc_id" not in bad_fields:
            problems.append(f"doc_id: {short(record.get('doc_id'))} is not a known document")
        return problems, record
    problems.extend(
        code_checks(record, document, sha_for(document), index_for(record), labelset, registry, bad_fields)
    )
    return problems, record


def validate_record(
    record: dict[str, Any],
    document: Mapping[str, Any],
    *,
    others: Sequence[dict[str, Any]] = (),
    labelset: LabelSet | None = None,
    registry: ActorRegistry | None = None,
    complete: bool = True,
) -> list[str]:
    """Problems of one record against its document, as sentences without a prefix (empty list = valid).

    ``others`` are the other records of the same document and annotator layer, for link targets and id
    uniqueness; records of other documents, annotators or layers in it are ignored, and so is ``record``
    itself (pass the record's previous version out of ``others`` when saving an edit). Never raises for a bad
    record.
    """
    labelset = labelset or default_labelset()
    registry = registry or default_registry()
    own_doc = document.get("doc_id")

    def lookup(doc_id: Any) -> Mapping[str, Any] | None:
        return document if own_doc is None or doc_id == own_doc else None

    def index_for(current: dict[str, Any]) -> Index:
        key = layer_key(current)
        return index_records(
            o for o in others if isinstance(o, dict) and layer_key(o) == key and o is not record
        )

    problems, _ = _check_one(record, lookup, index_for, labelset, registry, document_sha, complete)
    return problems


def _migrated(records: Iterable[Any]) -> list[Any]:
    """Records in the current version where they can be migrated; the others as they are (reported later)."""
    migrated: list[Any] = []
    for record in records:
        try:
            migrated.append(migrate_record(record) if isinstance(record, dict) else record)
        except NewsspanError:
            migrated.append(record)  # reported (with its message) by _check_one
    return migrated


class _Layers:
    """Id indexes of the layers of many records, built on first use; document hashes computed once."""

    def __init__(self, records: list[Any]) -> None:
        self.groups: dict[tuple[Any, Any, Any], list[dict[str, Any]]] = {}
        for record in records:
            if isinstance(record, dict):
                self.groups.setdefault(layer_key(record), []).append(record)
        self.indexes: dict[tuple[Any, Any, Any], dict[str, list[dict[str, Any]]]] = {}
        self.shas: dict[int, str] = {}

    def index_for(self, current: dict[str, Any]) -> Index:
        key = layer_key(current)
        if key not in self.indexes:
            self.indexes[key] = index_records(self.groups.get(key, []))
        return self.indexes[key]

    def sha_for(self, document: Mapping[str, Any]) -> str:
        key = id(document)
        if key not in self.shas:
            self.shas[key] = document_sha(document)
        return self.shas[key]


def check_records(
    records: Iterable[Any],
    documents: Mapping[str, Mapping[str, Any]],
    *,
    labelset: LabelSet | None = None,
    registry: ActorRegistry | None = None,
    complete: bool = True,
) -> list[list[str]]:
    """Problems per record, in the order of ``records`` (an empty list for a valid record), without prefixes.

    The engine of :func:`validate_records`, for callers that count or group problems per record.
    """
    labelset = labelset or default_labelset()
    registry = registry or default_registry()
    migrated = _migrated(records)
    layers = _Layers(migrated)

    def lookup(doc_id: Any) -> Mapping[str, Any] | None:
        return documents.get(doc_id) if isinstance(doc_id, str) else None

    # The migrated form is checked, so links and ids see the same objects as the index.
    return [
        _check_one(record, lookup, layers.index_for, labelset, registry, layers.sha_for, complete)[0]
        for record in migrated
    ]


def check_group(
    records: Sequence[Any],
    document: Mapping[str, Any],
    *,
    others: Iterable[dict[str, Any]] = (),
    labelset: LabelSet | None = None,
    registry: ActorRegistry | None = None,
    complete: bool = True,
) -> list[list[str]]:
    """Problems per record of many records of one document (an import's), in order, without prefixes.

    What :func:`validate_record` says of each record when its ``others`` are ``others`` plus the group's other
    records, with the id index built once per layer instead of once per record (an import of thousands of spans
    of one document would otherwise be quadratic). Pass the label set and registry when calling it many times:
    looking up the defaults costs more than checking a valid record."""
    labelset = labelset or default_labelset()
    registry = registry or default_registry()
    migrated = _migrated(records)
    layers = _Layers([*migrated, *others])
    own_doc = document.get("doc_id")

    def lookup(doc_id: Any) -> Mapping[str, Any] | None:
        return document if own_doc is None or doc_id == own_doc else None

    return [
        _check_one(record, lookup, layers.index_for, labelset, registry, layers.sha_for, complete)[0]
        for record in migrated
    ]


def validate_records(
    records: Iterable[dict[str, Any]],
    documents: Mapping[str, Mapping[str, Any]],
    *,
    labelset: LabelSet | None = None,
    registry: ActorRegistry | None = None,
    where: str = "annotation",
    numbers: Sequence[int | str] | None = None,
    complete: bool = True,
) -> list[str]:
    """Problems of many records, each as ``"<where> <n>: <path>: <what>"`` (empty list = all valid).

    ``<n>`` is the record's 1-based position in ``records`` (or ``numbers[i]`` when given, e.g. JSONL line
    numbers), followed by ``(id X)`` when the record has an ``id`` — positions always exist and are unique,
    ids help to find the record in the workbench. ``documents`` maps ``doc_id`` to document records. Links are
    resolved among the records of the same document, annotator and layer in ``records``. Never raises for a
    bad record.
    """
    records = list(records)
    per_record = check_records(records, documents, labelset=labelset, registry=registry, complete=complete)
    out: list[str] = []
    for position, (record, problems) in enumerate(zip(records, per_record, strict=True), start=1):
        number = numbers[position - 1] if numbers is not None else position
        prefix = f"{where} {number}"
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            prefix += f" (id {record['id']})"
        out.extend(f"{prefix}: {problem}" for problem in problems)
    return out


def missing_attributes(record: Mapping[str, Any], labelset: LabelSet | None = None) -> list[str]:
    """The label's required attributes that a (draft) record does not set yet, in the label set's order."""
    labelset = labelset or default_labelset()
    label = record.get("label")
    if not isinstance(label, str) or label not in labelset:
        return []
    attributes = record.get("attributes") or {}
    return [name for name in labelset.get(label).required if attributes.get(name) in (None, "", [])]

"""The one place the store calls the scheme's validator (``corpus.scheme``): every write goes through here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from workbench.store.base import STORE_KEYS, scheme_record


def duplicate_problem(record: Mapping[str, Any], others: Iterable[Mapping[str, Any]]) -> str | None:
    """The rule against duplicates: one annotator (or the gold layer) marks a (start, end, label) once. The
    sentence naming the record in ``others`` (current records of the same document) that already takes the
    record's start, end and label for the same annotator and layer, or None. Suggestions are exempt.

    Every save runs it through ``Validator``; imports get it from there too, per record."""
    layer = record.get("layer") or "annotation"
    if layer == "suggestion":
        return None
    position = (record.get("start"), record.get("end"), record.get("label"))
    whose = (record.get("doc_id"), record.get("annotator"), layer)
    for other in others:
        if other.get("id") == record.get("id") or other.get("deleted"):
            continue
        if (other.get("doc_id"), other.get("annotator"), other.get("layer") or "annotation") != whose:
            continue
        if (other.get("start"), other.get("end"), other.get("label")) == position:
            owner = "gold" if layer == "gold" else f"annotator {record.get('annotator')}"
            article = "an" if str(position[2])[:1] in "aeiou" else "a"
            text = str(other.get("span_text") or "")
            quoted = f" “{text[:40]}{'…' if len(text) > 40 else ''}”" if text else ""
            return (
                f"duplicate: {owner} already has {article} {position[2]} span at {position[0]}-{position[1]}{quoted} "
                f"(annotation {other.get('id')}); the same start, end and label are marked once — edit that one"
            )
    return None


class Validator:
    """Validates a record against its document and the other records of its layer (``corpus.scheme``); the
    scheme caches the label set and actor registry and reloads them when their files change."""

    @property
    def schema_version(self) -> str:
        from corpus import scheme

        return scheme.SCHEMA_VERSION

    def __call__(
        self,
        record: dict[str, Any],
        document: dict[str, Any],
        others: Sequence[dict[str, Any]] = (),
        *,
        layer: str = "annotation",
    ) -> list[str]:
        """Problems of ``record``; only the gold layer must be complete. An annotator's span is saved the moment
        it is tagged and its required attributes filled in afterwards (marking the document done checks them)."""
        from corpus import scheme

        problems = list(
            scheme.validate_record(
                scheme_record(record),
                document,
                others=[scheme_record(other) for other in others],
                complete=layer == "gold",
            )
        )
        duplicate = duplicate_problem({"layer": layer, **record}, others)
        if duplicate:
            problems.append(duplicate)
        return problems

    def group_checker(self, layer: str = "annotation") -> GroupChecker:
        """A checker of many records of one document at a time (imports): the same problems as calling this
        validator on each record with the group's other records among ``others``, with the label set and
        registry looked up once and the id and position indexes built once per group."""
        from corpus import scheme

        return GroupChecker(layer, scheme.default_labelset(), scheme.default_registry())


class GroupChecker:
    """See :meth:`Validator.group_checker`."""

    def __init__(self, layer: str, labelset: Any, registry: Any) -> None:
        self.layer = layer
        self.labelset = labelset
        self.registry = registry

    def __call__(
        self,
        records: Sequence[dict[str, Any]],
        document: dict[str, Any],
        others: Sequence[dict[str, Any]] = (),
    ) -> list[list[str]]:
        """Problems per record of ``records`` (one document's), each checked against ``others`` (the store's
        current records of the same document and layer, without the ids of ``records``) and the other
        ``records``."""
        from corpus import scheme

        problems = scheme.check_group(
            [_scheme(record) for record in records],
            document,
            others=[_scheme(other) for other in others],
            labelset=self.labelset,
            registry=self.registry,
            complete=self.layer == "gold",
        )
        # duplicates: the first record at the same position (others first, as a save sees them) is the one named
        by_position: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
        for other in [*others, *records]:
            by_position.setdefault(_position(other), []).append(other)
        for record, found in zip(records, problems, strict=True):
            same = [o for o in by_position.get(_position(record), ()) if o is not record]
            duplicate = duplicate_problem({"layer": self.layer, **record}, same) if same else None
            if duplicate:
                found.append(duplicate)
        return problems


_STORE_KEYS = frozenset(STORE_KEYS)


def _scheme(record: dict[str, Any]) -> dict[str, Any]:
    """``scheme_record``, without the copy when the record has none of the store's keys (a prepared record)."""
    return record if _STORE_KEYS.isdisjoint(record) else scheme_record(record)


def _position(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """Where a record is (``duplicate_problem`` then compares annotator layers): the candidates' bucket."""
    key = (
        record.get("doc_id"),
        record.get("annotator"),
        record.get("start"),
        record.get("end"),
        record.get("label"),
    )
    try:
        hash(key)
    except TypeError:  # a bad record (a list for an offset): the validator reports it; bucket it by text
        return tuple(repr(value) for value in key)
    return key

"""Suggestions (pre-annotation): machine-proposed spans that annotators accept or reject in the workbench.

``suggest(document)`` returns records in the scheme's record format (``doc_id``, ``text_sha256``, ``start``,
``end``, ``span_text``, ``label``, ``attributes``, ``created_at``, ``schema_version``) with ``suggested_by`` set
and without ``id`` and ``annotator`` (the store gives them when it saves the suggestions, apart from human work).

Suggesters (``suggested_by``):

* ``numbers`` (:mod:`corpus.suggest.numbers`): amounts, counts, percentages, dates and durations, with
  normalized ``value``, ``unit``/``currency``, ``bound``, ``date`` and ``kind``.
* ``actors`` (:mod:`corpus.suggest.actors`): names, aliases and metonyms of the actor registry, longest match
  first, with ``type``, ``entity_id``, ``mention: "name"`` and ``metonymy``.

:func:`suggest` runs these rules. A third suggester, ``propagation`` (:mod:`corpus.suggest.propagation`),
learns from the team: what it labelled is proposed wherever else the same text occurs (it needs a lexicon of
the team's labelled documents and rejections, so it is called on its own, by ``workbench.suggest_run``).

Suggestions are only made for labels of the label set in use (a project with its own label set that has no
``number`` or ``actor`` label gets none of that kind) and only with attributes that label defines.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from corpus.scheme import SCHEMA_VERSION, ActorRegistry, LabelSet, default_labelset, default_registry
from corpus.suggest.actors import find_actors
from corpus.suggest.numbers import find_numbers

__all__ = ["SUGGESTERS", "SUGGESTERS_VERSION", "fingerprint", "suggest"]

SUGGESTERS = {"numbers": "number", "actors": "actor"}
"""Suggester name (the records' ``suggested_by``) -> the label it proposes."""

SUGGESTERS_VERSION = "1"
"""Bump when a suggester's rules change: documents suggested under another :func:`fingerprint` are done again."""


def fingerprint(*, registry: ActorRegistry | None = None, labelset: LabelSet | None = None) -> str:
    """What a document's suggestions depend on besides its text and publication date: the suggesters' version,
    the record schema, the actor registry's entities and the suggested labels' attributes (16 hex digits).
    ``newsspan suggest`` skips a document already suggested under the same fingerprint on the same text."""
    labelset = labelset or default_labelset()
    registry = registry or default_registry()
    labels = {name: labelset.get(name).attributes for name in SUGGESTERS.values() if name in labelset}
    payload = {
        "suggesters": SUGGESTERS_VERSION,
        "schema_version": SCHEMA_VERSION,
        "labels": labels,
        "registry": registry.entities,
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:16]


def _record(
    document: dict[str, Any],
    start: int,
    end: int,
    label: str,
    attributes: dict[str, Any],
    by: str,
    stamp: str,
) -> dict[str, Any]:
    return {
        "doc_id": document["doc_id"],
        "text_sha256": document["text_sha256"],
        "start": start,
        "end": end,
        "span_text": document["text"][start:end],
        "label": label,
        "attributes": attributes,
        "created_at": stamp,
        "schema_version": SCHEMA_VERSION,
        "suggested_by": by,
    }


def suggest(
    document: dict[str, Any],
    *,
    registry: ActorRegistry | None = None,
    labelset: LabelSet | None = None,
) -> list[dict[str, Any]]:
    """Suggestion records for one document record (see docs/contracts.md), sorted by offset and label."""
    labelset = labelset or default_labelset()
    text = document["text"]
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    out: list[dict[str, Any]] = []
    if "number" in labelset:
        allowed = set(labelset.get("number").attributes)
        for number in find_numbers(text, document.get("published")):
            attributes = {key: value for key, value in number.attributes.items() if key in allowed}
            out.append(_record(document, number.start, number.end, "number", attributes, "numbers", stamp))
    if "actor" in labelset:
        registry = registry or default_registry()
        allowed = set(labelset.get("actor").attributes)
        for actor in find_actors(text, registry):
            attributes = {key: value for key, value in actor.attributes.items() if key in allowed}
            out.append(_record(document, actor.start, actor.end, "actor", attributes, "actors", stamp))
    out.sort(key=lambda record: (record["start"], record["end"], record["label"]))
    return out

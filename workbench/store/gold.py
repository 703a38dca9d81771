"""Gold pre-fill: spans on which at least K annotators agree exactly go into the gold layer (``gold auto``).

The spans considered are the open review candidates of ``corpus.review``, the same the Review page offers to
accept: spans no reviewer has accepted or rejected yet, at positions (start, end, label) gold does not hold yet;
only their undecided records vote. Exact agreement
is the same ``start``, ``end``, ``label`` and attributes, with link attributes (a claim's ``speaker``) compared
by the span they point at (see ``corpus.agreement.attribute_key``). Each agreed span is written through the same
path as a reviewer's save (access check, scheme validation of the complete gold record, row + ``create`` event
with source ``gold-auto:K``), and the agreeing annotators' spans are marked ``accepted`` (an ``accept`` event
each), so everything lands in the history. Everything else is left for the reviewer: drafts (required
attributes missing), claims whose speaker is not in gold, a second variant at a position just filled in
(already in gold), and spans a reviewer removed from gold before (their ``gold.<id>`` exists as deleted) are
skipped and reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from corpus.errors import NewsspanError
from corpus.review import (
    SpanPosition,
    gold_positions,
    gold_target,
    in_gold,
    open_candidates,
    review_candidates,
    span_position,
)
from corpus.scheme import default_labelset, missing_attributes
from workbench.store import tables as t
from workbench.store.access import require_write
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User
from workbench.store.rows import row_record


@dataclass
class GoldReport:
    """What ``auto_gold`` did: gold records created, and why other agreed spans were left for review."""

    min_agree: int
    documents: int = 0
    created: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)  # {doc_id, start, end, label, reason}
    documents_not_in_stage: Counter[str] = field(default_factory=Counter)

    def reasons(self) -> Counter[str]:
        return Counter(item["reason"] for item in self.skipped)


def _gold_id(record: dict[str, Any]) -> str:
    """The id a span gets in gold (as when a reviewer accepts it)."""
    return f"gold.{record['id']}"[:128]


def _gold_record(
    representative: dict[str, Any],
    own: dict[str, dict[str, Any]],
    gold: list[dict[str, Any]],
    link_names: dict[str, set[str]],
) -> dict[str, Any] | None:
    """The gold copy of an agreed span, its links pointing at gold spans; None when a link target (a claim's
    speaker) is not in gold yet."""
    record = {k: v for k, v in representative.items() if k not in ("annotator", "layer", "id", "created_at")}
    record["id"] = _gold_id(representative)
    attributes = dict(record.get("attributes") or {})
    for name in link_names.get(representative["label"], set()):
        value = attributes.get(name)
        if isinstance(value, str) and value in own:
            target = gold_target(own[value], gold)
            if target is None:
                return None
            attributes[name] = target
    links = []
    for link in record.get("links") or []:
        target = gold_target(own[link["target"]], gold) if link["target"] in own else None
        if target is None:
            return None
        links.append({**link, "target": target})
    record["attributes"] = attributes
    if links:
        record["links"] = links
    return record


class GoldMixin(AnnotationsMixin):
    def auto_gold(
        self,
        user: User,
        min_agree: int,
        doc_ids: list[str] | None = None,
        *,
        stages: tuple[str, ...] = ("review",),
    ) -> GoldReport:
        """Pre-fill the gold layer of documents in ``stages`` (default: in review) with every span that at least
        ``min_agree`` annotators marked identically. Reviewers and admins; idempotent (a second run adds
        nothing). One transaction per document."""
        if min_agree < 1:
            raise NewsspanError(f"--min-agree must be at least 1, not {min_agree}")
        if not user.is_reviewer:
            raise NewsspanError(
                f"{user.name} ({user.role}) may not write gold annotations", hint="reviewers do"
            )
        labelset = default_labelset()
        link_names = {label.name: set(label.links()) for label in labelset.labels}
        report = GoldReport(min_agree)
        query = select(t.documents.c.doc_id, t.documents.c.stage).order_by(t.documents.c.doc_id)
        if doc_ids is not None:
            query = query.where(t.documents.c.doc_id.in_(list(doc_ids)))
        with self._read() as connection:
            documents = connection.execute(query).all()
        for doc_id, stage in documents:
            if stage not in stages:
                report.documents_not_in_stage[stage] += 1
                continue
            report.documents += 1
            with self._write() as connection:
                self._auto_gold_document(connection, user, doc_id, min_agree, link_names, report)
        return report

    def _auto_gold_document(
        self,
        connection: Any,
        user: User,
        doc_id: str,
        min_agree: int,
        link_names: dict[str, set[str]],
        report: GoldReport,
    ) -> None:
        document = self._document_row(connection, doc_id)
        require_write(connection, user, document, "gold", "gold")
        rows = {row.id: row for row in self._current(connection, doc_id, "annotation")}
        records = {row_id: {**row.record, "id": row_id} for row_id, row in rows.items()}
        gold = [dict(row.record) for row in self._current(connection, doc_id, "gold")]
        positions = gold_positions(gold)
        deleted_gold = self._deleted_gold(connection, doc_id)
        candidates = open_candidates(
            review_candidates([{**row_record(row), "id": row.id} for row in rows.values()], gold)
        )
        agreed = [(c, v) for c in candidates for v in c["variants"] if len(v["open_annotators"]) >= min_agree]
        # Link targets first, so a claim's speaker is in gold by the time the claim is written.
        agreed.sort(key=lambda item: bool(link_names.get(item[0]["label"])))
        for candidate, variant in agreed:
            where = {"doc_id": doc_id, **{k: candidate[k] for k in ("start", "end", "label")}}
            representative = records[variant["open_ids"][0]]
            reason = self._not_for_gold(representative, positions, deleted_gold)
            own = {r["id"]: r for r in records.values() if r["annotator"] == representative["annotator"]}
            record = None if reason else _gold_record(representative, own, gold, link_names)
            if record is None:
                report.skipped.append({**where, "reason": reason or "links to a span that is not in gold"})
                continue
            saved = self._save(connection, user, record, None, "gold", f"gold-auto:{min_agree}")
            gold.append(saved)
            positions.add(span_position(saved))
            report.created.append(saved)
            for annotation_id in variant["open_ids"]:
                self._mark_accepted(connection, user, rows[annotation_id], min_agree)

    @staticmethod
    def _deleted_gold(connection: Any, doc_id: str) -> set[str]:
        """Ids of the document's gold spans a reviewer deleted (they are not filled in again)."""
        return set(
            connection.execute(
                select(t.annotations.c.id).where(
                    t.annotations.c.doc_id == doc_id,
                    t.annotations.c.layer == "gold",
                    t.annotations.c.deleted.is_(True),
                )
            ).scalars()
        )

    @staticmethod
    def _not_for_gold(
        representative: dict[str, Any], positions: set[SpanPosition], deleted_gold: set[str]
    ) -> str | None:
        """Why an agreed span is left for the reviewer, or None when it may go into gold."""
        if missing_attributes(representative):
            return "draft (required attributes missing)"
        if in_gold(representative, positions):
            return "already in gold"
        if _gold_id(representative) in deleted_gold:
            return "removed from gold by a reviewer before"
        return None

    def _mark_accepted(self, connection: Any, user: User, row: Any, min_agree: int) -> None:
        if row.review != "accepted":
            self._mark_reviewed(connection, user, row, "accept", source=f"gold-auto:{min_agree}")

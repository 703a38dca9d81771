"""Gold pre-fill: spans on which at least K annotators agree exactly go into the gold layer (``gold auto``).

Exact agreement is the same ``start``, ``end``, ``label`` and attributes, with link attributes (a claim's
``speaker``) compared by the span they point at (see ``corpus.agreement.attribute_key``). Each agreed span is
written through the same path as a reviewer's save (access check, scheme validation of the complete gold record,
row + ``create`` event with source ``gold-auto:K``), and the agreeing annotators' spans are marked ``accepted``
(an ``accept`` event each), so everything lands in the history. Everything else is left for the reviewer:
drafts (required attributes missing), claims whose speaker is not in gold, spans already in gold, and spans a
reviewer removed from gold before (their ``gold.<id>`` exists as deleted) are skipped and reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from corpus.agreement import attribute_key, span_votes
from corpus.errors import NewsspanError
from corpus.scheme import default_labelset, missing_attributes
from workbench.store import tables as t
from workbench.store.access import require_write
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User


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
        gold_by_id = {record["id"]: record for record in gold}
        gold_keys = {self._gold_key(record, gold_by_id, link_names) for record in gold}
        deleted_gold = set(
            connection.execute(
                select(t.annotations.c.id).where(
                    t.annotations.c.doc_id == doc_id,
                    t.annotations.c.layer == "gold",
                    t.annotations.c.deleted.is_(True),
                )
            ).scalars()
        )
        candidates = []
        for group in span_votes(records.values()):
            for variant in group["variants"]:
                if len(variant["annotators"]) >= min_agree:
                    candidates.append((group, variant))
        # Link targets first, so a claim's speaker is in gold by the time the claim is written.
        candidates.sort(key=lambda item: bool(link_names.get(item[0]["label"])))
        for group, variant in candidates:
            where = {"doc_id": doc_id, "start": group["start"], "end": group["end"], "label": group["label"]}
            representative = records[variant["ids"][0]]
            if missing_attributes(representative):
                report.skipped.append({**where, "reason": "draft (required attributes missing)"})
                continue
            own = {r["id"]: r for r in records.values() if r["annotator"] == representative["annotator"]}
            labels_links = link_names.get(group["label"], set())
            key = (
                group["start"],
                group["end"],
                group["label"],
                attribute_key(representative, own, labels_links),
            )
            if key in gold_keys:
                report.skipped.append({**where, "reason": "already in gold"})
                continue
            gold_id = f"gold.{representative['id']}"[:128]
            if gold_id in deleted_gold:
                report.skipped.append({**where, "reason": "removed from gold by a reviewer before"})
                continue
            record = {
                k: v for k, v in representative.items() if k not in ("annotator", "layer", "id", "created_at")
            }
            record["id"] = gold_id
            attributes = dict(record.get("attributes") or {})
            unresolved = False
            for name in labels_links:
                value = attributes.get(name)
                if isinstance(value, str) and value in own:
                    target = self._gold_for(own[value], gold)
                    if target is None:
                        unresolved = True
                    else:
                        attributes[name] = target
            links = []
            for link in record.get("links") or []:
                target = self._gold_for(own[link["target"]], gold) if link["target"] in own else None
                if target is None:
                    unresolved = True
                links.append({**link, "target": target})
            if unresolved:
                report.skipped.append({**where, "reason": "links to a span that is not in gold"})
                continue
            record["attributes"] = attributes
            if links:
                record["links"] = links
            saved = self._save(connection, user, record, None, "gold", f"gold-auto:{min_agree}")
            gold.append(saved)
            gold_by_id[saved["id"]] = saved
            gold_keys.add(key)
            report.created.append(saved)
            for annotation_id in variant["ids"]:
                self._mark_accepted(connection, user, rows[annotation_id], min_agree)

    @staticmethod
    def _gold_key(
        record: dict[str, Any], gold_by_id: dict[str, dict[str, Any]], link_names: dict[str, set[str]]
    ) -> tuple[int, int, str, str]:
        links = link_names.get(record["label"], set())
        return (record["start"], record["end"], record["label"], attribute_key(record, gold_by_id, links))

    @staticmethod
    def _gold_for(target: dict[str, Any], gold: list[dict[str, Any]]) -> str | None:
        """The id of the gold span with the target's offsets and label, if there is one."""
        for record in gold:
            if (record["start"], record["end"], record["label"]) == (
                target["start"],
                target["end"],
                target["label"],
            ):
                return record["id"]
        return None

    def _mark_accepted(self, connection: Any, user: User, row: Any, min_agree: int) -> None:
        if row.review != "accepted":
            self._mark_reviewed(connection, user, row, "accept", source=f"gold-auto:{min_agree}")

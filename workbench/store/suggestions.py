"""Machine suggestions: stored apart from human work (the ``suggestion`` layer), accepted into a user's own
layer or rejected (hidden for that user), each decision an event. What a user is shown (``suggestions``) leaves
out what they already decided, labelled or rejected (see :mod:`workbench.store.feedback`).

At corpus scale (``newsspan suggest``), ``store_suggestions`` writes the suggestions of many documents in one
transaction (one executemany for the rows, one for their events) and leaves a ``suggest`` event per document
whose ``after`` records what the suggestions were computed from: the suggesters' fingerprint
(:func:`corpus.suggest.fingerprint`), the text's sha256 and the publication date. ``suggested_documents`` reads
those back, so a second run skips the documents whose suggestions are already current.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, func, select

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin, require_read_annotations, require_read_document
from workbench.store.base import User, now, scheme_record
from workbench.store.bulk import insert_many
from workbench.store.errors import ConflictError, NotFound, ValidationFailed
from workbench.store.feedback import closed_for, hidden_for
from workbench.store.rows import create_event, document_dict, new_id, new_row, row_record
from workbench.store.saving import SavingMixin

SUGGEST_EVENT = "suggest"  # one per document and run of the suggesters (events.kind)
MODEL_FINGERPRINT_PREFIX = "model-"  # the model recommender's fingerprint: model-<model id>
NO_MODEL = "none"  # ... model-none when no model was trained yet
_CHUNK = 500  # doc_ids per IN (...) list


@dataclass
class SuggestionsReport:
    """What ``store_suggestions`` did, per suggester: suggestions added and suggestions already stored."""

    added: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    documents: int = 0


def suggestion_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """Suggestions are the same when they have the same document, offsets, label and suggester."""
    return record["doc_id"], record["start"], record["end"], record["label"], record.get("suggested_by")


def _run_facts(document: Mapping[str, Any], fingerprint: str) -> dict[str, Any]:
    """What a document's suggestions were computed from (the ``suggest`` event's ``after``)."""
    return {
        "fingerprint": fingerprint,
        "text_sha256": document["text_sha256"],
        "published": document.get("published"),
    }


class SuggestionsMixin(SavingMixin):
    def save_suggestions(
        self, user: User, records: Iterable[dict[str, Any]], suggested_by: str
    ) -> list[dict[str, Any]]:
        """Store machine suggestions (admins) apart from human work, in the ``suggestion`` layer."""
        with self._write() as connection:
            return [
                self._save(
                    connection, user, {**record, "suggested_by": suggested_by}, None, "suggestion", None
                )
                for record in records
            ]

    def stored_documents(self, user: User, doc_ids: Sequence[str]) -> set[str]:
        """Which of ``doc_ids`` the store holds (admins)."""
        require_admin(user, "list documents")
        with self._read() as connection:
            return {row.doc_id for row in self._document_rows(connection, doc_ids, columns=True)}

    def suggested_documents(
        self, user: User, documents: Sequence[Mapping[str, Any]], fingerprint: str
    ) -> set[str]:
        """doc_ids of ``documents`` (records with ``text_sha256`` and ``published``) whose suggestions were
        stored by ``store_suggestions`` with ``fingerprint`` on the text and date they have now (admins)."""
        require_admin(user, "read suggestion runs")
        wanted = {document["doc_id"]: _run_facts(document, fingerprint) for document in documents}
        done: set[str] = set()
        ids = sorted(wanted)
        with self._read() as connection:
            for start in range(0, len(ids), _CHUNK):
                rows = connection.execute(
                    select(t.events.c.doc_id, t.events.c.after).where(
                        t.events.c.kind == SUGGEST_EVENT, t.events.c.doc_id.in_(ids[start : start + _CHUNK])
                    )
                )
                done.update(
                    row.doc_id
                    for row in rows
                    if {key: (row.after or {}).get(key) for key in wanted[row.doc_id]} == wanted[row.doc_id]
                )
        return done

    def store_suggestions(
        self,
        user: User,
        suggested: Sequence[tuple[Mapping[str, Any], Sequence[dict[str, Any]]]],
        fingerprint: str,
    ) -> SuggestionsReport:
        """Store the suggestions of many documents (admins): ``suggested`` is (document, its suggestion records
        from :func:`corpus.suggest.suggest`) per document, each document already in the store. Suggestions already
        stored (same document, offsets, label and suggester) are counted, not written again; the others are
        validated per document and written in one transaction with one ``create`` event each, plus one
        ``suggest`` event per document (see ``suggested_documents``). An invalid suggestion raises
        ``ValidationFailed`` and writes nothing."""
        require_admin(user, "store suggestions")
        report = SuggestionsReport(documents=len(suggested))
        if not suggested:
            return report
        check = self.validate.group_checker("suggestion")
        stamp = now()
        with self._write() as connection:
            doc_ids = [document["doc_id"] for document, _ in suggested]
            rows = {row.doc_id: row for row in self._document_rows(connection, doc_ids)}
            stored = self._stored_suggestions(connection, doc_ids)
            new: list[dict[str, Any]] = []
            markers = []
            for document, records in suggested:
                row = rows.get(document["doc_id"])
                if row is None:
                    raise NotFound(f"unknown document {document['doc_id']!r}", hint="load its release first")
                mine = self._new_suggestions(user, row, records, stored, report)
                others = [other for other in stored.get(row.doc_id, []) if other.get("id")]
                problems = check(mine, document_dict(row), others)
                errors = [problem for found in problems for problem in found]
                if errors:
                    raise ValidationFailed(errors, where=f"suggestions for document {row.doc_id}")
                new += mine
                facts = {**_run_facts(document, fingerprint), "added": len(mine)}
                markers.append(self._marker(user, row.doc_id, facts, stamp))
            insert_many(
                connection,
                (t.annotations, [new_row(r, layer="suggestion", actor=user.name, stamp=stamp) for r in new]),
                (
                    t.events,
                    [create_event(r, layer="suggestion", actor=user.name, stamp=stamp) for r in new]
                    + markers,
                ),
            )
        return report

    def suggestion_models(self, user: User) -> list[str]:
        """Ids of the span models whose suggestions were stored (admins): read from the ``suggest`` events,
        whose source names the recommender's fingerprint (``model-<id>``; ``model-none`` when there was none)."""
        require_admin(user, "read suggestion runs")
        prefix = f"suggest:{MODEL_FINGERPRINT_PREFIX}"
        with self._read() as connection:
            rows = connection.execute(
                select(t.events.c.source)
                .where(
                    t.events.c.kind == SUGGEST_EVENT, t.events.c.source.startswith(prefix, autoescape=True)
                )
                .distinct()
            )
            ids = {row.source.removeprefix(prefix) for row in rows}
        return sorted(ids - {NO_MODEL})

    @staticmethod
    def _document_rows(connection: Connection, doc_ids: Sequence[str], *, columns: bool = False) -> list[Any]:
        """The documents' rows (``columns``: only their doc_id)."""
        found: list[Any] = []
        query = select(t.documents.c.doc_id) if columns else select(t.documents)
        for start in range(0, len(doc_ids), _CHUNK):
            chunk = list(doc_ids[start : start + _CHUNK])
            found += connection.execute(query.where(t.documents.c.doc_id.in_(chunk))).all()
        return found

    @staticmethod
    def _stored_suggestions(
        connection: Connection, doc_ids: Sequence[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """The current suggestion records of the documents, by doc_id."""
        stored: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(doc_ids), _CHUNK):
            rows = connection.execute(
                select(t.annotations.c.doc_id, t.annotations.c.record).where(
                    t.annotations.c.layer == "suggestion",
                    t.annotations.c.deleted.is_(False),
                    t.annotations.c.doc_id.in_(list(doc_ids[start : start + _CHUNK])),
                )
            )
            for row in rows:
                stored.setdefault(row.doc_id, []).append(row.record)
        return stored

    def _new_suggestions(
        self,
        user: User,
        document: Any,
        records: Sequence[dict[str, Any]],
        stored: Mapping[str, list[dict[str, Any]]],
        report: SuggestionsReport,
    ) -> list[dict[str, Any]]:
        """The document's suggestions not stored yet, as they will be stored (counted in ``report``)."""
        seen = {suggestion_key(record) for record in stored.get(document.doc_id, [])}
        mine = []
        for record in records:
            key = suggestion_key({**record, "doc_id": document.doc_id})
            if key in seen:
                report.kept[record.get("suggested_by") or ""] += 1
                continue
            seen.add(key)
            prepared = self._prepare(user, {**record, "doc_id": document.doc_id}, document, "suggestion")
            prepared["id"] = new_id()
            mine.append(prepared)
            report.added[prepared["suggested_by"]] += 1
        return mine

    @staticmethod
    def _marker(user: User, doc_id: str, facts: dict[str, Any], stamp: str) -> dict[str, Any]:
        return dict(
            at=stamp,
            actor=user.name,
            kind=SUGGEST_EVENT,
            doc_id=doc_id,
            annotation_id=None,
            layer="suggestion",
            version=None,
            before=None,
            after=facts,
            undoes=None,
            source=f"suggest:{facts['fingerprint']}",
        )

    def suggestions(self, user: User, doc_id: str) -> list[dict[str, Any]]:
        """Suggestions on a document still open for ``user``: none once they marked it done or it is final;
        none they accepted or rejected; none at the (start, end, label) of one of their own spans; none whose
        (span_text, label) they ever rejected (a rejected text is not proposed to them again, anywhere); one
        per (start, end, label) when several recommenders propose the same (the first stored)."""
        decided = select(t.events.c.annotation_id).where(
            t.events.c.actor == user.name,
            t.events.c.layer == "suggestion",
            t.events.c.kind.in_(("accept", "reject")),
            t.events.c.doc_id == doc_id,
        )
        with self._read() as connection:
            document = self._document_row(connection, doc_id)
            require_read_annotations(connection, user, document, "suggestion", None)
            if closed_for(connection, user, document):
                return []
            own, rejected = hidden_for(connection, user, doc_id)
            rows = connection.execute(
                select(t.annotations)
                .where(
                    t.annotations.c.doc_id == doc_id,
                    t.annotations.c.layer == "suggestion",
                    t.annotations.c.deleted.is_(False),
                    t.annotations.c.id.not_in(decided),
                )
                .order_by(t.annotations.c.start, t.annotations.c.end, t.annotations.c.created_at)
            ).all()
        shown: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in rows:
            record = row_record(row)
            place = (record["start"], record["end"], record["label"])
            if place in own or place in shown or (record.get("span_text"), record["label"]) in rejected:
                continue
            shown[place] = record
        return list(shown.values())

    def decide_suggestion(self, user: User, suggestion_id: str, decision: str) -> dict[str, Any] | None:
        """``accept`` copies the suggestion into the user's own layer (returned); ``reject`` hides it for them."""
        if decision not in ("accept", "reject"):
            raise NewsspanError(f"unknown decision {decision!r}", hint="use accept or reject")
        with self._write() as connection:
            row = self._annotation_row(connection, suggestion_id)
            if row.layer != "suggestion" or row.deleted:
                raise NotFound(f"{suggestion_id!r} is not a current suggestion")
            document = self._document_row(connection, row.doc_id)
            require_read_document(connection, user, document)
            already = connection.execute(
                select(func.count())
                .select_from(t.events)
                .where(
                    and_(
                        t.events.c.annotation_id == row.id,
                        t.events.c.actor == user.name,
                        t.events.c.kind.in_(("accept", "reject")),
                    )
                )
            ).scalar_one()
            if already:
                raise ConflictError(f"you already decided on suggestion {row.id}")
            saved = None
            if decision == "accept":
                own = {
                    key: value
                    for key, value in row.record.items()
                    if key not in ("id", "annotator", "layer", "suggested_by", "suggestion", "created_at")
                }
                saved = self._save(connection, user, own, None, "annotation", f"suggestion:{row.id}")
            self._event(
                connection,
                actor=user.name,
                kind=decision,
                doc_id=row.doc_id,
                annotation_id=row.id,
                layer="suggestion",
                version=row.version,
                before=row.record,
                after=saved and scheme_record(saved),
            )
            return saved

"""Assignments (which annotator works on which document), each annotator's queue, and progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, insert, select, update

from corpus.errors import NewsspanError
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User, now
from workbench.store.completeness import require_complete
from workbench.store.errors import AccessDenied, NotFound


@dataclass
class AssignReport:
    documents: int
    created: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, annotator)
    load: dict[str, int] = field(default_factory=dict)  # assignments per annotator afterwards


def plan_assignments(
    doc_ids: Sequence[str], annotators: Sequence[str], overlap: int, existing: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """New (doc_id, annotator) pairs giving every document ``overlap`` distinct annotators.

    Balanced and deterministic: documents in the order given, each goes to the annotators with the fewest
    assignments so far (ties by name); assignments that already exist count and are kept.
    """
    if overlap < 1:
        raise NewsspanError("--overlap must be at least 1")
    if overlap > len(annotators):
        raise NewsspanError(
            f"overlap {overlap} needs at least {overlap} annotators, the store has {len(annotators)}",
            hint="add annotators with: newsspan user add NAME --role annotator",
        )
    have: dict[str, set[str]] = {}
    load: Counter[str] = Counter({name: 0 for name in annotators})
    for doc_id, name in existing:
        have.setdefault(doc_id, set()).add(name)
        if name in load:
            load[name] += 1
    planned: list[tuple[str, str]] = []
    for doc_id in doc_ids:
        current = have.setdefault(doc_id, set())
        candidates = sorted((name for name in annotators if name not in current), key=lambda n: (load[n], n))
        for name in candidates[: max(0, overlap - len(current & set(annotators)))]:
            planned.append((doc_id, name))
            current.add(name)
            load[name] += 1
    return planned


class AssignmentsMixin(AnnotationsMixin):
    def assign(
        self,
        user: User,
        overlap: int,
        doc_ids: Sequence[str] | None = None,
        annotators: Sequence[str] | None = None,
    ) -> AssignReport:
        """Give every document (default: all in the store, by doc_id) ``overlap`` annotators (default: every
        active user with role annotator). Admins only; running it again adds only what is missing."""
        require_admin(user, "assign documents")
        with self._write() as connection:
            if doc_ids is None:
                doc_ids = list(
                    connection.execute(select(t.documents.c.doc_id).order_by(t.documents.c.doc_id)).scalars()
                )
            else:
                doc_ids = list(dict.fromkeys(doc_ids))
                known = set(
                    connection.execute(
                        select(t.documents.c.doc_id).where(t.documents.c.doc_id.in_(doc_ids))
                    ).scalars()
                )
                missing = [doc_id for doc_id in doc_ids if doc_id not in known]
                if missing:
                    raise NotFound(
                        f"{len(missing)} document(s) not in the store, e.g. {missing[0]}",
                        hint="load the release first: newsspan store load-release",
                    )
            people = {
                row.name: row.id
                for row in connection.execute(
                    select(t.users.c.id, t.users.c.name, t.users.c.role, t.users.c.active)
                )
                if (annotators is None and row.role == "annotator" and row.active)
                or (annotators is not None and row.name in annotators)
            }
            if annotators is not None and len(people) != len(set(annotators)):
                unknown = sorted(set(annotators) - set(people))
                raise NotFound(f"unknown user(s): {', '.join(unknown)}")
            names = sorted(people)
            by_id = {value: key for key, value in people.items()}
            existing_rows = connection.execute(select(t.assignments.c.doc_id, t.assignments.c.user_id)).all()
            existing = [(row.doc_id, by_id[row.user_id]) for row in existing_rows if row.user_id in by_id]
            planned = plan_assignments(doc_ids, names, overlap, existing)
            positions = dict(
                connection.execute(
                    select(t.assignments.c.user_id, func.max(t.assignments.c.position)).group_by(
                        t.assignments.c.user_id
                    )
                ).all()
            )
            stamp = now()
            rows = []
            for doc_id, name in planned:
                user_id = people[name]
                positions[user_id] = positions.get(user_id, 0) + 1
                rows.append(
                    dict(
                        doc_id=doc_id,
                        user_id=user_id,
                        position=positions[user_id],
                        assigned_at=stamp,
                        updated_at=stamp,
                    )
                )
            if rows:
                connection.execute(insert(t.assignments), rows)
            load = Counter(name for _, name in existing) + Counter(name for _, name in planned)
        return AssignReport(
            documents=len(doc_ids), created=planned, load={name: load[name] for name in names}
        )

    def queue(self, user: User) -> list[dict[str, Any]]:
        """The user's assigned documents in order: doc_id, title, status, stage, annotations (their count)."""
        counts = (
            select(t.annotations.c.doc_id, func.count().label("n"))
            .where(
                t.annotations.c.layer == "annotation",
                t.annotations.c.annotator == user.name,
                t.annotations.c.deleted.is_(False),
            )
            .group_by(t.annotations.c.doc_id)
            .subquery()
        )
        query = (
            select(
                t.assignments.c.doc_id,
                t.assignments.c.status,
                t.assignments.c.position,
                t.documents.c.stage,
                t.documents.c.record,
                func.coalesce(counts.c.n, 0).label("annotations"),
            )
            .join(t.documents, t.documents.c.doc_id == t.assignments.c.doc_id)
            .outerjoin(counts, counts.c.doc_id == t.assignments.c.doc_id)
            .where(t.assignments.c.user_id == user.id)
            .order_by(t.assignments.c.position, t.assignments.c.doc_id)
        )
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [
            {
                "doc_id": row.doc_id,
                "title": row.record.get("title"),
                "source_id": row.record.get("source_id"),
                "status": row.status,
                "stage": row.stage,
                "annotations": row.annotations,
            }
            for row in rows
        ]

    def set_document_status(self, user: User, doc_id: str, status: str) -> str:
        """Set the user's status on an assigned document; when every assignee is done it goes to review.
        Returns the document's stage afterwards. ``done`` is refused with ``IncompleteSpans`` (nothing
        written) while any of the user's spans on it misses a required attribute."""
        if status not in t.STATUSES:
            raise NewsspanError(f"unknown status {status!r}", hint=f"use one of: {', '.join(t.STATUSES)}")
        with self._write() as connection:
            document = self._document_row(connection, doc_id)
            result = connection.execute(
                update(t.assignments)
                .where(t.assignments.c.doc_id == doc_id, t.assignments.c.user_id == user.id)
                .values(status=status, updated_at=now())
            )
            if result.rowcount != 1:
                raise AccessDenied(f"document {doc_id} is not assigned to {user.name}")
            if status == "done":
                own = self._current(connection, doc_id, "annotation", user.name)
                require_complete(doc_id, [row.record for row in own])
            self._event(connection, actor=user.name, kind="status", doc_id=doc_id, source=status)
            not_done = connection.execute(
                select(func.count())
                .select_from(t.assignments)
                .where(t.assignments.c.doc_id == doc_id, t.assignments.c.status != "done")
            ).scalar_one()
            stage = document.stage
            if not_done == 0 and stage == "annotation":
                stage = "review"
                connection.execute(
                    update(t.documents).where(t.documents.c.doc_id == doc_id).values(stage=stage)
                )
                self._event(connection, actor=user.name, kind="stage", doc_id=doc_id, source=stage)
        return stage

    def set_document_stage(self, user: User, doc_id: str, stage: str) -> None:
        """Move a document between ``annotation``, ``review`` and ``final`` (admins; reviewers review->final)."""
        if stage not in t.STAGES:
            raise NewsspanError(f"unknown stage {stage!r}", hint=f"use one of: {', '.join(t.STAGES)}")
        with self._write() as connection:
            document = self._document_row(connection, doc_id)
            if not user.is_admin and not (
                user.is_reviewer and document.stage == "review" and stage == "final"
            ):
                raise AccessDenied(f"{user.name} ({user.role}) may not move document {doc_id} to {stage}")
            connection.execute(update(t.documents).where(t.documents.c.doc_id == doc_id).values(stage=stage))
            self._event(connection, actor=user.name, kind="stage", doc_id=doc_id, source=stage)

    def progress(self, user: User | None = None) -> list[dict[str, Any]]:
        """One row per assignment, from one query: annotator, doc_id, title, status (not_started /
        in_progress / done), annotations (current span count) and the document's stage. Annotators and
        reviewers see their own rows; admins (or no user, for the CLI) see everyone's."""
        counts = (
            select(t.annotations.c.doc_id, t.annotations.c.annotator, func.count().label("n"))
            .where(t.annotations.c.layer == "annotation", t.annotations.c.deleted.is_(False))
            .group_by(t.annotations.c.doc_id, t.annotations.c.annotator)
            .subquery()
        )
        n = func.coalesce(counts.c.n, 0)
        status = case(
            (t.assignments.c.status == "done", "done"),
            ((t.assignments.c.status == "in_progress") | (n > 0), "in_progress"),
            else_="not_started",
        )
        query = (
            select(
                t.users.c.name.label("annotator"),
                t.assignments.c.doc_id,
                status.label("status"),
                n.label("annotations"),
                t.documents.c.stage,
            )
            .select_from(t.assignments)
            .join(t.users, t.users.c.id == t.assignments.c.user_id)
            .join(t.documents, t.documents.c.doc_id == t.assignments.c.doc_id)
            .outerjoin(
                counts, and_(counts.c.doc_id == t.assignments.c.doc_id, counts.c.annotator == t.users.c.name)
            )
            .order_by(t.users.c.name, t.assignments.c.position)
        )
        if user is not None and not user.is_admin:
            query = query.where(t.assignments.c.user_id == user.id)
        with self._read() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def summarize_progress(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Counter[str]]]:
    """Counts of not_started / in_progress / done per annotator and per document, from ``progress()`` rows."""
    per_annotator: dict[str, Counter[str]] = {}
    per_document: dict[str, Counter[str]] = {}
    for row in rows:
        per_annotator.setdefault(row["annotator"], Counter())[row["status"]] += 1
        per_document.setdefault(row["doc_id"], Counter())[row["status"]] += 1
    return {"annotators": per_annotator, "documents": per_document}

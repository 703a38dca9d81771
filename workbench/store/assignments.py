"""Assignments (which annotator works on which document), each annotator's queue, and progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, insert, select, update

from corpus.errors import NewsspanError
from corpus.splits import story_key, unit_interval
from workbench.store import tables as t
from workbench.store.access import require_admin
from workbench.store.annotations import AnnotationsMixin
from workbench.store.base import User, now
from workbench.store.completeness import require_complete
from workbench.store.errors import AccessDenied, NotFound
from workbench.store.queue import QueueMixin


@dataclass
class AssignReport:
    documents: int
    created: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, annotator)
    load: dict[str, int] = field(default_factory=dict)  # assignments per annotator afterwards


def plan_assignments(
    doc_ids: Sequence[str],
    annotators: Sequence[str],
    overlap: int,
    existing: Iterable[tuple[str, str]] = (),
    *,
    sizes: Mapping[str, int] | None = None,
) -> list[tuple[str, str]]:
    """New (doc_id, annotator) pairs giving every document ``overlap`` distinct annotators.

    Balanced and deterministic: documents in the order given, each goes to the annotators with the fewest
    assignments so far (ties by name); assignments that already exist count and are kept. The "documents" may
    be units of several (a story): ``sizes`` gives each unit's documents, which count toward the balance.
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
            load[name] += sizes.get(doc_id, 1) if sizes else 1
    planned: list[tuple[str, str]] = []
    for doc_id in doc_ids:
        current = have.setdefault(doc_id, set())
        candidates = sorted((name for name in annotators if name not in current), key=lambda n: (load[n], n))
        for name in candidates[: max(0, overlap - len(current & set(annotators)))]:
            planned.append((doc_id, name))
            current.add(name)
            load[name] += sizes.get(doc_id, 1) if sizes else 1
    return planned


@dataclass(frozen=True)
class Selection:
    """Which documents an assignment covers: ``doc_ids`` (default: every document in the store), narrowed to
    the ``stories`` given, then to a ``fraction`` of them (a salted hash of the story key, as for splits: stable
    when the corpus grows, and a story is in or out as a whole). ``by_story`` keeps each story's documents with
    the same annotators."""

    doc_ids: Sequence[str] | None = None
    stories: Sequence[str] | None = None
    fraction: float | None = None
    by_story: bool = False
    salt: str = "assign"

    def check(self) -> None:
        if self.fraction is not None and not 0 < self.fraction <= 1:
            raise NewsspanError(f"--fraction must be in (0, 1], not {self.fraction}")


@dataclass
class ReassignReport:
    moved: list[str] = field(default_factory=list)  # doc_ids now with the new annotator
    dropped: list[str] = field(default_factory=list)  # doc_ids the new annotator had already: old one removed
    kept: list[str] = field(default_factory=list)  # doc_ids left with the old annotator (started or done)


def _units(rows: Sequence[Any], by_story: bool) -> dict[str, list[str]]:
    """Planning units: one per document, or one per story (documents without a story alone)."""
    units: dict[str, list[str]] = {}
    for doc_id, story_id in rows:
        key = story_key({"doc_id": doc_id, "story_id": story_id}) if by_story else doc_id
        units.setdefault(key, []).append(doc_id)
    return units


class AssignmentsMixin(QueueMixin, AnnotationsMixin):
    def assign(
        self,
        user: User,
        overlap: int,
        doc_ids: Sequence[str] | None = None,
        annotators: Sequence[str] | None = None,
        *,
        selection: Selection | None = None,
    ) -> AssignReport:
        """Give every selected document (``doc_ids``, or ``selection``; default all in the store, by doc_id)
        ``overlap`` annotators among ``annotators`` (names; default every active user with role annotator),
        balanced and deterministic. Admins only; running it again adds only what is missing."""
        require_admin(user, "assign documents")
        selection = selection or Selection(doc_ids=doc_ids)
        selection.check()
        with self._write() as connection:
            rows = self._selected(connection, selection)
            people = self._people(connection, annotators)
            names = sorted(people)
            by_id = {value: key for key, value in people.items()}
            existing_rows = connection.execute(select(t.assignments.c.doc_id, t.assignments.c.user_id)).all()
            existing = [(row.doc_id, by_id[row.user_id]) for row in existing_rows if row.user_id in by_id]
            units = _units(rows, selection.by_story)
            unit_of = {doc_id: key for key, ids in units.items() for doc_id in ids}
            have = {(unit_of[doc_id], name) for doc_id, name in existing if doc_id in unit_of}
            planned_units = plan_assignments(
                list(units), names, overlap, have, sizes={key: len(ids) for key, ids in units.items()}
            )
            taken = set(existing)
            planned = [
                (doc_id, name)
                for unit, name in planned_units
                for doc_id in units[unit]
                if (doc_id, name) not in taken
            ]
            self._insert_assignments(connection, planned, people)
            load = Counter(name for _, name in existing) + Counter(name for _, name in planned)
        return AssignReport(documents=len(rows), created=planned, load={name: load[name] for name in names})

    @staticmethod
    def _selected(connection: Connection, selection: Selection) -> list[Any]:
        """(doc_id, story_id) of the selected documents, in doc_id order (the order given for ``doc_ids``)."""
        d = t.documents.c
        query = select(d.doc_id, d.story_id).order_by(d.doc_id)
        if selection.stories is not None:
            query = query.where(d.story_id.in_(list(selection.stories)))
        if selection.doc_ids is None:
            rows = list(connection.execute(query).all())
        else:
            wanted = list(dict.fromkeys(selection.doc_ids))
            found = {row.doc_id: row for row in connection.execute(query.where(d.doc_id.in_(wanted)))}
            if selection.stories is None:
                missing = [doc_id for doc_id in wanted if doc_id not in found]
                if missing:
                    raise NotFound(
                        f"{len(missing)} document(s) not in the store, e.g. {missing[0]}",
                        hint="load the release first: newsspan store load-release",
                    )
            rows = [found[doc_id] for doc_id in wanted if doc_id in found]
        if selection.fraction is not None and selection.fraction < 1:
            rows = [
                row
                for row in rows
                if unit_interval(story_key({"doc_id": row.doc_id, "story_id": row.story_id}), selection.salt)
                < selection.fraction
            ]
        return rows

    @staticmethod
    def _people(connection: Connection, annotators: Sequence[str] | None) -> dict[str, int]:
        """Name -> user id of the annotators to assign to (default: every active user with role annotator)."""
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
            raise NotFound(f"unknown user(s): {', '.join(unknown)}", hint="see: newsspan user list")
        return people

    @staticmethod
    def _insert_assignments(
        connection: Connection, planned: Sequence[tuple[str, str]], people: dict[str, int]
    ) -> None:
        """New assignment rows, each at the end of its annotator's queue."""
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
            positions[user_id] = (positions.get(user_id) or 0) + 1
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

    def reassign(
        self,
        user: User,
        from_annotator: str,
        to_annotator: str,
        doc_ids: Sequence[str] | None = None,
        *,
        include_started: bool = False,
    ) -> ReassignReport:
        """Move ``from_annotator``'s assignments (``doc_ids``, default all) to ``to_annotator`` (admins), at the
        end of the new annotator's queue. Only documents not started move, unless ``include_started`` (then
        documents in progress move too: the spans stay the old annotator's, the new one starts afresh); done
        documents never move. Each move is a ``reassign`` event."""
        require_admin(user, "reassign documents")
        if from_annotator == to_annotator:
            raise NewsspanError(f"{from_annotator} would be reassigned to themselves")
        report = ReassignReport()
        statuses = ("not_started", "in_progress") if include_started else ("not_started",)
        with self._write() as connection:
            people = self._people(connection, [from_annotator, to_annotator])
            a = t.assignments.c
            query = select(a.doc_id, a.status).where(a.user_id == people[from_annotator]).order_by(a.position)
            if doc_ids is not None:
                query = query.where(a.doc_id.in_(list(doc_ids)))
            rows = connection.execute(query).all()
            moving = [row.doc_id for row in rows if row.status in statuses]
            report.kept = [row.doc_id for row in rows if row.status not in statuses]
            theirs = set(
                connection.execute(
                    select(a.doc_id).where(a.user_id == people[to_annotator], a.doc_id.in_(moving))
                ).scalars()
            )
            report.moved = [doc_id for doc_id in moving if doc_id not in theirs]
            report.dropped = [doc_id for doc_id in moving if doc_id in theirs]
            if moving:
                connection.execute(
                    delete(t.assignments).where(a.user_id == people[from_annotator], a.doc_id.in_(moving))
                )
            self._insert_assignments(connection, [(doc_id, to_annotator) for doc_id in report.moved], people)
            for doc_id in moving:
                self._event(
                    connection,
                    actor=user.name,
                    kind="reassign",
                    doc_id=doc_id,
                    source=f"{from_annotator}>{to_annotator}",
                )
            if moving:
                self._advance_stages(connection, user, moving)
        return report

    def _advance_stages(self, connection: Connection, user: User, doc_ids: Sequence[str]) -> None:
        """Documents whose remaining assignees are all done go to review (as when the last one marks done)."""
        a = t.assignments.c
        not_done = select(a.doc_id).where(a.doc_id.in_(list(doc_ids)), a.status != "done")
        ready = connection.execute(
            select(t.documents.c.doc_id).where(
                t.documents.c.doc_id.in_(list(doc_ids)),
                t.documents.c.stage == "annotation",
                t.documents.c.doc_id.in_(select(a.doc_id)),
                t.documents.c.doc_id.not_in(not_done),
            )
        ).scalars()
        for doc_id in list(ready):
            connection.execute(
                update(t.documents).where(t.documents.c.doc_id == doc_id).values(stage="review")
            )
            self._event(connection, actor=user.name, kind="stage", doc_id=doc_id, source="review")

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

    def progress_summary(self, user: User) -> list[AnnotatorProgress]:
        """Progress per annotator (admins: everyone with assignments or spans; others: themselves): documents
        per status, spans per label and the time of their latest change. A handful of aggregate queries,
        whatever the number of documents: for the admin page's table and charts."""
        a, u, n, e = t.assignments.c, t.users.c, t.annotations.c, t.events.c
        statuses = select(u.name, a.status, func.count()).join(t.assignments, a.user_id == u.id)
        labels = select(n.annotator, n.label, func.count()).where(
            n.layer == "annotation", n.deleted.is_(False), n.suggested_by.is_(None)
        )
        people = select(u.name, u.role, u.active)
        if not user.is_admin:
            statuses, people = statuses.where(u.id == user.id), people.where(u.id == user.id)
            labels = labels.where(n.annotator == user.name)
        out: dict[str, AnnotatorProgress] = {}
        with self._read() as connection:
            for name, role, active in connection.execute(people):
                out[name] = AnnotatorProgress(name, role, bool(active))
            for name, status, count in connection.execute(statuses.group_by(u.name, a.status)):
                out[name].statuses[status] = count
            for name, label, count in connection.execute(labels.group_by(n.annotator, n.label)):
                if name in out:
                    out[name].labels[label] = count
            mine = t.events.alias("mine")
            latest = select(func.max(mine.c.id)).where(mine.c.actor == u.name).correlate(t.users)
            at = select(e.at).where(e.id == latest.scalar_subquery()).correlate(t.users).scalar_subquery()
            last = select(u.name, at)
            for name, at in connection.execute(last.where(u.name.in_(list(out)))):
                out[name].last_activity = at
        return [row for name, row in sorted(out.items()) if row.statuses or row.labels]

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


@dataclass
class AnnotatorProgress:
    """One annotator's progress, from a few aggregate queries (``progress_summary``)."""

    annotator: str
    role: str
    active: bool
    statuses: dict[str, int] = field(default_factory=dict)  # not_started / in_progress / done -> documents
    labels: dict[str, int] = field(default_factory=dict)  # label -> current spans (annotation layer)
    last_activity: str | None = None  # the time of their latest event, if any

    @property
    def assigned(self) -> int:
        return sum(self.statuses.values())

    @property
    def spans(self) -> int:
        return sum(self.labels.values())


def summarize_progress(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Counter[str]]]:
    """Counts of not_started / in_progress / done per annotator and per document, from ``progress()`` rows."""
    per_annotator: dict[str, Counter[str]] = {}
    per_document: dict[str, Counter[str]] = {}
    for row in rows:
        per_annotator.setdefault(row["annotator"], Counter())[row["status"]] += 1
        per_document.setdefault(row["doc_id"], Counter())[row["status"]] += 1
    return {"annotators": per_annotator, "documents": per_document}

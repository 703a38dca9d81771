"""Feedback on suggestions: the accept and reject decisions (``events`` of kind ``accept``/``reject`` in the
``suggestion`` layer, whose ``before`` is the suggestion decided on) put to use.

- :meth:`FeedbackMixin.team_rejections`: how often each suggestion was rejected, per place and (text, label),
  for propagation's lexicon (:func:`corpus.suggest.propagation.build_lexicon`): one aggregate query.
- :meth:`FeedbackMixin.suggestion_feedback`: accepted, rejected and still open suggestions, and the accept
  rate, per label and recommender (``suggested_by``), for the Progress page: one aggregate query.
- :func:`hidden_for`: what ``Store.suggestions`` no longer shows a user (see there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from corpus.suggest.propagation import Rejection
from workbench.store import tables as t
from workbench.store.access import assignment_status, require_admin
from workbench.store.base import StoreBase, User

DECISIONS = ("accept", "reject")


@dataclass(frozen=True)
class SuggestionFeedback:
    """Decisions on one recommender's suggestions of one label."""

    label: str
    recommender: str
    accepted: int
    rejected: int
    open: int

    @property
    def rate(self) -> float | None:
        """Accepted of decided (None before any decision)."""
        decided = self.accepted + self.rejected
        return self.accepted / decided if decided else None


def _decided(kind: str, name: str) -> Any:
    """A decision event's ``before`` value (the suggestion decided on) as text."""
    return t.events.c.before[name].as_string().label(kind)


def hidden_for(
    connection: Connection, user: User, doc_id: str
) -> tuple[set[tuple[Any, ...]], set[tuple[str, str]]]:
    """What ``Store.suggestions`` hides from ``user`` on a document besides the suggestions they decided on:
    the (start, end, label) of their own spans there, and every (span_text, label) they ever rejected."""
    mine = connection.execute(
        select(t.annotations.c.start, t.annotations.c.end, t.annotations.c.label).where(
            t.annotations.c.doc_id == doc_id,
            t.annotations.c.layer == "annotation",
            t.annotations.c.annotator == user.name,
            t.annotations.c.deleted.is_(False),
        )
    )
    rejected = connection.execute(
        select(_decided("span_text", "span_text"), _decided("label", "label"))
        .where(
            t.events.c.actor == user.name,
            t.events.c.kind == "reject",
            t.events.c.layer == "suggestion",
        )
        .distinct()
    )
    return {tuple(row) for row in mine}, {(row.span_text, row.label) for row in rejected}


def closed_for(connection: Connection, user: User, document: Any) -> bool:
    """Whether the document is final or ``user`` marked it done: no suggestions are shown on it then."""
    return document.stage == "final" or assignment_status(connection, user, document.doc_id) == "done"


class FeedbackMixin(StoreBase):
    def team_rejections(self, user: User) -> list[Rejection]:
        """Every rejected suggestion's place, text and label with how often it was rejected (admins): what
        propagation never proposes again. One aggregate query over the decision events."""
        require_admin(user, "read the team's rejections")
        start = t.events.c.before["start"].as_integer()
        end = t.events.c.before["end"].as_integer()
        span_text, label = _decided("span_text", "span_text"), _decided("label", "label")
        query = (
            select(t.events.c.doc_id, start, end, span_text, label, func.count().label("n"))
            .where(t.events.c.kind == "reject", t.events.c.layer == "suggestion")
            .group_by(t.events.c.doc_id, start, end, span_text, label)
        )
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [
            Rejection(doc_id, int(s), int(e), text, lab, int(n))
            for doc_id, s, e, text, lab, n in rows
            if isinstance(text, str) and isinstance(lab, str) and s is not None and e is not None
        ]

    def suggestion_feedback(self, user: User) -> list[SuggestionFeedback]:
        """Accepted, rejected and still open suggestions per label and recommender, by label. Admins and
        reviewers see everyone's decisions (open: nobody decided yet); annotators their own, over the documents
        assigned to them (open: they have not decided yet). One aggregate query."""
        own = not user.is_reviewer
        decisions = select(
            t.events.c.annotation_id,
            func.sum(case((t.events.c.kind == "accept", 1), else_=0)).label("accepted"),
            func.sum(case((t.events.c.kind == "reject", 1), else_=0)).label("rejected"),
        ).where(t.events.c.layer == "suggestion", t.events.c.kind.in_(DECISIONS))
        if own:
            decisions = decisions.where(t.events.c.actor == user.name)
        decided = decisions.group_by(t.events.c.annotation_id).subquery()
        suggestion = t.annotations
        still_open = and_(decided.c.annotation_id.is_(None), suggestion.c.deleted.is_(False))
        query = (
            select(
                suggestion.c.label,
                suggestion.c.suggested_by,
                func.coalesce(func.sum(decided.c.accepted), 0),
                func.coalesce(func.sum(decided.c.rejected), 0),
                func.sum(case((still_open, 1), else_=0)),
            )
            .select_from(suggestion.outerjoin(decided, decided.c.annotation_id == suggestion.c.id))
            .where(suggestion.c.layer == "suggestion")
            .group_by(suggestion.c.label, suggestion.c.suggested_by)
            .order_by(suggestion.c.label, suggestion.c.suggested_by)
        )
        if own:
            mine = select(t.assignments.c.doc_id).where(t.assignments.c.user_id == user.id)
            query = query.where(suggestion.c.doc_id.in_(mine))
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [
            SuggestionFeedback(label, by or "", int(accepted), int(rejected), int(still or 0))
            for label, by, accepted, rejected, still in rows
        ]

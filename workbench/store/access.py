"""Who may read and write what. Every public ``Store`` method calls one of these before touching data.

- annotator: reads the documents assigned to them and only their own annotations there; writes only their own
  ``annotation`` layer on those documents (until a document is ``final``).
- reviewer: as an annotator for their own assignments; also reads every annotator's spans, and writes the
  ``gold`` layer, on documents in ``review`` (or ``final``, read-only).
- admin: everything, including users, assignments, releases, imports and suggestions.

The workbench's pages follow ``AREAS``: annotators see Annotate, Compared with gold, Progress and their Account;
reviewers Review, Agreement, Progress and Account; admins every page, including Gold corpus, Users and
Assignments.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from workbench.store import tables as t
from workbench.store.base import User
from workbench.store.errors import AccessDenied

REVIEW_STAGES = ("review", "final")

# The workbench's areas (one page each) and the roles that may open them. The app declares every page for
# every user, so a URL always resolves, and shows a page only when ``may_open`` says so (else "not allowed").
AREAS: dict[str, tuple[str, ...]] = {
    "annotate": ("annotator", "admin"),
    "review": ("reviewer", "admin"),
    "agreement": ("reviewer", "admin"),
    "gold": ("admin",),
    "progress": t.ROLES,
    "account": t.ROLES,
    "users": ("admin",),
    "assignments": ("admin",),
    "compared": ("annotator", "admin"),
    "jobs": ("admin",),
}


def may_open(user: User, area: str) -> bool:
    """Whether ``user``'s role may open this area of the workbench (unknown areas: nobody)."""
    return user.role in AREAS.get(area, ())


def require_admin(user: User, what: str) -> None:
    if not user.is_admin:
        raise AccessDenied(f"{user.name} ({user.role}) may not {what}", hint="ask an admin")


def assignment_status(connection: Connection, user: User, doc_id: str) -> str | None:
    """``user``'s status on the document (not_started, in_progress, done), None when it is not theirs."""
    return connection.execute(
        select(t.assignments.c.status).where(
            t.assignments.c.doc_id == doc_id, t.assignments.c.user_id == user.id
        )
    ).scalar()


def is_assigned(connection: Connection, user: User, doc_id: str) -> bool:
    return assignment_status(connection, user, doc_id) is not None


def can_read_document(connection: Connection, user: User, document: Any) -> bool:
    if user.is_admin or (user.is_reviewer and document.stage in REVIEW_STAGES):
        return True
    return is_assigned(connection, user, document.doc_id)


def require_read_document(connection: Connection, user: User, document: Any) -> None:
    if not can_read_document(connection, user, document):
        raise AccessDenied(
            f"{user.name} ({user.role}) may not read document {document.doc_id}",
            hint="it is not assigned to you" + (" and not in review" if user.is_reviewer else ""),
        )


def require_read_annotations(
    connection: Connection, user: User, document: Any, layer: str, annotator: str | None
) -> None:
    """``annotator`` None means every annotator of the layer."""
    if user.is_admin:
        return
    if layer == "suggestion":
        require_read_document(connection, user, document)
        return
    if layer == "annotation" and annotator == user.name:
        if is_assigned(connection, user, document.doc_id):
            return
        raise AccessDenied(f"document {document.doc_id} is not assigned to {user.name}")
    if user.is_reviewer and document.stage in REVIEW_STAGES:
        return
    whose = "gold" if layer == "gold" else (f"{annotator}'s" if annotator else "everyone's")
    raise AccessDenied(
        f"{user.name} ({user.role}) may not read {whose} annotations on document {document.doc_id}",
        hint="reviewers read them once the document is in review" if user.is_reviewer else None,
    )


def require_write(connection: Connection, user: User, document: Any, layer: str, annotator: str) -> None:
    if user.is_admin:
        return
    if layer == "annotation":
        if annotator != user.name:
            raise AccessDenied(f"{user.name} may not write {annotator}'s annotations")
        if not is_assigned(connection, user, document.doc_id):
            raise AccessDenied(f"document {document.doc_id} is not assigned to {user.name}")
        if document.stage == "final":
            raise AccessDenied(f"document {document.doc_id} is final; its annotations can no longer change")
        return
    if layer == "gold":
        if not user.is_reviewer:
            raise AccessDenied(
                f"{user.name} ({user.role}) may not write gold annotations", hint="reviewers do"
            )
        if document.stage != "review":
            raise AccessDenied(
                f"document {document.doc_id} is not in review (stage {document.stage}); gold is written in review"
            )
        return
    raise AccessDenied(f"{user.name} ({user.role}) may not write the {layer} layer", hint="admins do")

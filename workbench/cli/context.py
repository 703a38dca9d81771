"""How the command line reaches the annotation store: as an admin (whoever can open the database can change it
anyway), on ``NEWSSPAN_DB_URL`` or the project's SQLite file.

The store (SQLAlchemy, argon2, the migrations) is imported only when a command needs it, so ``newsspan --help``
and the library's commands start fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus.annotated_release import AnnotationSource
    from workbench.store import Store, User


def admin_store() -> tuple[Store, User]:
    """The store, opened (schema upgraded), and the command line's admin user."""
    from workbench.store import CLI_USER, open_store

    return open_store(), CLI_USER


def annotation_source() -> AnnotationSource:
    """The store as the annotations of ``release build --annotations``."""
    from workbench.store.release_source import StoreAnnotationSource

    store, user = admin_store()
    return StoreAnnotationSource(store, user)

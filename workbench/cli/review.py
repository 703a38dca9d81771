"""``newsspan reopen``: move a final document back to review, with the reason kept in its history.

The rule (only final documents, reviewers and admins, a ``reopen`` event with the reason) is ``Store.reopen``,
which the Review page's "Reopen for review" button calls too.
"""

from __future__ import annotations

from typing import Annotated

import typer

from corpus.cli_support import console, styled
from corpus.errors import NewsspanError
from workbench.cli.context import admin_store


def reopen_command(
    doc_id: Annotated[str, typer.Argument(help="The final document to reopen (its 16-character id).")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is reopened (kept in the document's history).")
    ],
) -> None:
    """Reopen a final document for review, so its gold spans can change again."""
    if not reason.strip():
        raise NewsspanError(
            "--reason is empty", hint="say why the document is reopened; it is kept in its history"
        )
    store, admin = admin_store()
    stage = store.reopen(admin, doc_id, reason.strip())
    console.print(styled("reopened ", (doc_id, "bold"), f": stage {stage} (reason kept in its history)"))


def register(app: typer.Typer) -> None:
    """Add the ``reopen`` command to the newsspan CLI."""
    app.command("reopen")(reopen_command)

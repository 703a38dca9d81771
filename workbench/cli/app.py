"""The ``newsspan`` command line, assembled: the composition root of the library and the annotation store.

The library's commands (``corpus.cli_*``) know nothing of the store; the commands that read or write it live in
this package. Here both are registered on one typer app, and the library's ``release build --annotations`` gets
the store's adapter (``workbench.cli.context.annotation_source``). Keep the order of the story: raw article ->
document -> release -> annotation -> export. Nothing heavy is imported here: each command imports what it needs.
"""

from __future__ import annotations

from corpus import cli_export, cli_hub, cli_ingest, cli_project, cli_release, cli_schema
from corpus.cli_support import command_group, run_cli
from workbench.cli import agreement, gold, learn, review, store, suggest
from workbench.cli.context import annotation_source

app = command_group(
    name="newsspan",
    help="newsspan: news articles -> versioned Hugging Face dataset -> span annotation -> Parquet exports.",
)

cli_project.register(app)
cli_ingest.register(app)
release_app = cli_release.register(app, annotation_source)
agreement.register(app)
gold.register(app)
review.register(app)
cli_export.register(app)
cli_hub.register(release_app)
cli_schema.register(app)
store.register(app)
suggest.register(app)
learn.register(app)


def main() -> None:
    """Entry point of the console script: user errors become one clear line, not a traceback."""
    run_cli(app)

"""The ``newsspan`` command line: one typer app; each area registers its commands from its own module."""

from __future__ import annotations

import typer

from corpus.cli_support import run_cli

app = typer.Typer(
    name="newsspan",
    help="newsspan: news articles -> versioned Hugging Face dataset -> span annotation -> Parquet exports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each area adds its commands here (one line each); keep the order of the story:
# raw article -> document -> release -> annotation -> export.
from corpus import cli_hub, cli_ingest, cli_project, cli_release, cli_schema  # noqa: E402

cli_project.register(app)
cli_ingest.register(app)
cli_release.register(app)
# -- registrations of later areas below --
from corpus import cli_agreement  # noqa: E402

cli_agreement.register(app)
cli_hub.register(app)
cli_schema.register(app)
from workbench import cli_store  # noqa: E402

cli_store.register(app)
from corpus import cli_suggest  # noqa: E402

cli_suggest.register(app)


def main() -> None:
    """Entry point used by the console script: user errors become one clear line, not a traceback."""
    run_cli(app)


if __name__ == "__main__":
    main()

"""``newsspan release``: build, verify and list immutable dataset releases.

``release build --annotations`` releases the annotations of an :class:`~corpus.annotated_release.AnnotationSource`
that the application hands to :func:`register` (the command line passes the annotation store's adapter); the
library itself never opens the store. Heavy libraries (``datasets``, pyarrow) are imported by the commands that
use them, so ``newsspan --help`` starts fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from corpus.cli_support import command_group, console, err_console, styled
from corpus.errors import NewsspanError
from corpus.semver import parse_version

if TYPE_CHECKING:
    from corpus.annotated_release import AnnotationSource
    from corpus.licensing import ReleaseLicense

OpenAnnotationSource = Callable[[], "AnnotationSource"]


def _build_annotated(
    version: str, ratios: str, open_source: OpenAnnotationSource | None, license: ReleaseLicense
) -> None:
    from corpus.annotated_release.publish import build_release_with_annotations

    if open_source is None:
        raise NewsspanError("this command line has no annotation store to release annotations from")
    with err_console.status(f"building v{version} with annotations"):
        built = build_release_with_annotations(version, open_source(), ratios=ratios, license=license)
    console.print(
        styled("built ", (f"v{built.version}", "bold"), f" at {built.path}: {built.configs_line()}"),
        highlight=False,
    )
    _print_fingerprint(built.fingerprint)


def _print_fingerprint(fingerprint: str) -> None:
    console.print(f"fingerprint sha256:{fingerprint}", highlight=False, soft_wrap=True)
    console.print(
        "  (give it to the people who use this release: 'newsspan release verify VERSION --fingerprint' "
        "checks a copy against it)",
        highlight=False,
        soft_wrap=True,
    )


def _build_documents(version: str, license: ReleaseLicense) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from corpus.corpus_file import read_documents
    from corpus.document_release import build_documents_release
    from corpus.release import open_release

    total = sum(1 for _ in read_documents())
    with Progress(
        TextColumn("building v" + version),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("rows", total=total or None)
        path = build_documents_release(version, on_rows=lambda n: progress.advance(task, n), license=license)
    release = open_release(version)
    console.print(
        styled("built ", (f"v{version}", "bold"), f" at {path} ({release.manifest['documents']} documents)"),
        highlight=False,
    )
    _print_fingerprint(release.fingerprint)


def build_command(open_source: OpenAnnotationSource | None = None) -> Callable[..., None]:
    """The ``release build`` command; ``open_source`` gives the annotations for ``--annotations``."""

    def build(
        version: Annotated[str, typer.Argument(help="Semantic version of the new release, e.g. 0.1.0.")],
        annotations: Annotated[
            bool,
            typer.Option(
                "--annotations",
                help="Also release the annotation store's gold spans and every annotator's spans (configs gold, "
                "annotations), split train/validation/test by story.",
            ),
        ] = False,
        ratios: Annotated[
            str, typer.Option("--ratios", help="train,validation,test split ratios (with --annotations).")
        ] = "0.8,0.1,0.1",
        license_id: Annotated[
            str | None,
            typer.Option(
                "--license",
                help="The card's licence: a Hub licence id (cc-by-4.0, mit, ...) or 'other' (default: the "
                "project's newsspan.toml, [release] license; else 'unknown').",
                show_default=False,
            ),
        ] = None,
        license_name: Annotated[
            str | None,
            typer.Option(
                "--license-name", help="With --license other: an id for the licence.", show_default=False
            ),
        ] = None,
        license_link: Annotated[
            str | None,
            typer.Option(
                "--license-link", help="With --license other: an http(s) URL of its text.", show_default=False
            ),
        ] = None,
    ) -> None:
        """Build releases/vVERSION from the corpus (atomic; an existing version is never overwritten)."""
        from corpus.licensing import release_license

        version = parse_version(version)
        license = release_license(license_id, license_name, license_link)
        if annotations:
            _build_annotated(version, ratios, open_source, license)
        else:
            _build_documents(version, license)
        if not license.configured:
            console.print(
                "licence: not configured, the card says 'license: unknown' — set [release] license in "
                "newsspan.toml, or pass --license",
                highlight=False,
                soft_wrap=True,
            )

    return build


def verify(
    version: Annotated[str, typer.Argument(help="The release to check, e.g. 0.1.0.")],
    fingerprint: Annotated[
        str | None,
        typer.Option(
            "--fingerprint",
            help="The release fingerprint you were given (sha256:HEX, as 'release build' prints it): checks "
            "that this is that release, not only that its files agree with its own manifest.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Re-hash every file of a release against its MANIFEST.json (and the manifest against --fingerprint)."""
    from rich.text import Text

    from corpus.release import open_release, verify_release

    version = parse_version(version)
    problems = verify_release(version, fingerprint=fingerprint)
    if problems:
        for problem in problems:  # paths come from the manifest: printed literally, never as markup
            err_console.print(Text.assemble(("mismatch", "red"), f" v{version}/{problem}"), soft_wrap=True)
        err_console.print(
            styled(
                ("error:", "bold red"),
                f" release v{version} fails verification ({len(problems)} problem(s)) "
                "— do not use it; rebuild it under a new version from the corpus",
            ),
            highlight=False,
        )
        raise typer.Exit(1)
    release = open_release(version)
    files = len(release.manifest["files"])
    console.print(f"v{version}: all {files} files match the manifest", highlight=False)
    if fingerprint is None:
        console.print(
            f"fingerprint sha256:{release.fingerprint} — compare it with the one you were given, or pass "
            "--fingerprint",
            highlight=False,
            soft_wrap=True,
        )
    else:
        console.print(
            f"fingerprint sha256:{release.fingerprint} matches: this is the release you were given",
            highlight=False,
            soft_wrap=True,
        )


def list_releases() -> None:
    """List published releases; LATEST is marked."""
    from rich.table import Table
    from rich.text import Text

    from corpus.release import latest_version, list_versions, open_release

    latest = latest_version()
    table = Table("version", "documents", "created", "fingerprint", "latest")
    for version in list_versions():
        release = open_release(version)
        try:
            manifest, fingerprint = release.manifest, release.fingerprint
        except NewsspanError as error:
            table.add_row(version, "", "", Text(f"damaged: {error.what}"), "*" if version == latest else "")
            continue
        table.add_row(
            version,
            str(manifest.get("documents", "")),
            Text(str(manifest.get("created_at", ""))),
            f"sha256:{fingerprint[:12]}…",
            "*" if version == latest else "",
        )
    console.print(table)


def register(app: typer.Typer, open_source: OpenAnnotationSource | None = None) -> typer.Typer:
    """Add the ``release`` group (build, verify, list); returns it, for ``release push`` (corpus.cli_hub)."""
    release_app = command_group(
        help="Build, verify, list and push versioned dataset releases.", no_args_is_help=True
    )
    release_app.command("build")(build_command(open_source))
    release_app.command("verify")(verify)
    release_app.command("list")(list_releases)
    app.add_typer(release_app, name="release")
    return release_app

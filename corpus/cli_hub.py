"""``newsspan release push``: publish a release to a Hugging Face Hub dataset repo as a tagged version."""

from __future__ import annotations

from typing import Annotated

import typer

from corpus.cli_support import console, styled


def push(
    version: Annotated[str, typer.Argument(help="The release to push, e.g. 0.1.0 (releases/v0.1.0).")],
    repo_id: Annotated[
        str,
        typer.Option(
            "--repo-id", help="Hub dataset repo as ORG/NAME; created if missing.", show_default=False
        ),
    ],
    private: Annotated[bool, typer.Option("--private", help="Create the repo as private.")] = False,
) -> None:
    """Upload releases/vVERSION to a Hub dataset repo and tag it vVERSION (tags are never overwritten).

    The token comes from HF_TOKEN or 'hf auth login'; HF_ENDPOINT selects another Hub.
    """
    from corpus.hub import hub_endpoint, push_release, release_tag
    from corpus.release import MANIFEST, release_fingerprint, release_path

    commit = push_release(version, repo_id, private=private)
    tag = release_tag(version)
    console.print(
        styled(
            "pushed ",
            (tag, "bold"),
            f" to {hub_endpoint()}/datasets/{repo_id} — tag {tag} → commit {commit[:12]}",
        ),
        highlight=False,
        soft_wrap=True,
    )
    if (release_path(version) / MANIFEST).is_file():
        console.print(
            f"tag message: fingerprint sha256:{release_fingerprint(version)}", highlight=False, soft_wrap=True
        )


def register(release_app: typer.Typer) -> None:
    """Add ``push`` to the ``release`` group (the one ``corpus.cli_release.register`` returns)."""
    release_app.command("push")(push)

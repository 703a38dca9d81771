"""Set-up run by ``make run`` before the workbench starts; idempotent.

- loads the latest release into the store (documents only; existing annotations are kept or re-anchored);
- on an empty store, creates the sample project's accounts (printed below) and assigns every document to the
  two sample annotators, so a newcomer can log in at once. Change or remove them for real work
  (``newsspan user add``).
"""

from __future__ import annotations

from rich.console import Console

from workbench.store import CLI_USER, open_store

SAMPLE_PASSWORD = "newsspan-demo"
SAMPLE_ACCOUNTS = (("admin", "admin"), ("ana", "annotator"), ("ben", "annotator"), ("rita", "reviewer"))


def main() -> None:
    console = Console()
    store = open_store()
    report = store.load_release(CLI_USER)
    console.print(
        f"store: release v{report.release}: {len(report.added)} documents added, "
        f"{len(report.unchanged)} unchanged, {len(report.changed)} changed "
        f"({len(report.reanchored)} spans re-anchored, {len(report.flagged)} flagged for review)"
    )
    if not store.list_users(CLI_USER):
        for name, role in SAMPLE_ACCOUNTS:
            store.create_user(CLI_USER, name, role, SAMPLE_PASSWORD)
        store.assign(CLI_USER, overlap=2)
        console.print(
            "sample accounts (password [bold]"
            + SAMPLE_PASSWORD
            + "[/]): "
            + ", ".join(f"{name} ({role})" for name, role in SAMPLE_ACCOUNTS)
        )


if __name__ == "__main__":
    main()

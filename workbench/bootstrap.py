"""Set-up run by ``make run`` before the workbench starts; idempotent.

- loads the latest release into the store (documents only; existing annotations are kept or re-anchored);
- imports the gold-annotated seed corpus (``seeds/gold/*.jsonl``) as the gold layer (already there: unchanged);
- on an empty store, creates the sample project's accounts (printed below) and assigns every document to the
  two sample annotators, so a newcomer can log in at once. Change or remove them for real work
  (``newsspan user add``).
"""

from __future__ import annotations

import json

from rich.console import Console

from corpus.errors import NewsspanError
from corpus.paths import SEEDS_DIR
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
    gold_files = sorted((SEEDS_DIR / "gold").glob("*.jsonl"))
    known = {d["doc_id"] for d in store.review_documents(CLI_USER, every_stage=True)}
    imported = 0
    for path in gold_files:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        if first and json.loads(first).get("doc_id") in known:
            try:
                imported += store.import_file(CLI_USER, path, annotator="gold", layer="gold").imported
            except NewsspanError as error:  # e.g. the document's text changed since: say so, start anyway
                console.print(f"[yellow]gold not loaded[/] {path.name}: {error.message.splitlines()[0]}")
    if gold_files:
        console.print(f"store: gold seed corpus: {imported} spans imported ({len(gold_files)} files)")
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

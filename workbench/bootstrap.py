"""Set-up run by ``make run`` before the workbench starts; idempotent.

- loads the latest release into the store (documents only; existing annotations are kept or re-anchored);
- imports the gold-annotated seed corpus (``seeds/gold/*.jsonl``) as the gold layer (already there: unchanged);
- on an empty store of the demo project (every document one of the checkout's seed articles), creates the demo
  accounts (printed below, marked ``demo`` in the store) and assigns every document to the two sample
  annotators, so a newcomer can log in at once. When the workbench listens beyond loopback, each demo account must
  choose its own password at its first log-in. Any other project gets no account: add an admin with
  ``newsspan user add NAME --role admin``.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.text import Text

from corpus.errors import NewsspanError
from corpus.paths import SEEDS_DIR
from workbench.store import CLI_USER, open_store

SAMPLE_PASSWORD = "demo-spans-only"  # passes the store's password policy; public, hence the forced change
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
                first_line = error.message.splitlines()[0]  # quotes patterns: literal, never markup
                console.print(Text.assemble(("gold not loaded", "yellow"), f" {path.name}: {first_line}"))
    if gold_files:
        console.print(f"store: gold seed corpus: {imported} spans imported ({len(gold_files)} files)")
    if store.list_users(CLI_USER):
        return
    if not known or not known <= seed_doc_ids():
        console.print("store: no accounts yet: add an admin with `newsspan user add NAME --role admin`")
        return
    for name, role in SAMPLE_ACCOUNTS:
        store.create_user(CLI_USER, name, role, SAMPLE_PASSWORD, demo=True)
    store.assign(CLI_USER, overlap=2)
    console.print(
        Text.assemble(
            "demo accounts (password ",
            (SAMPLE_PASSWORD, "bold"),
            "; each must choose its own at first log-in when the workbench listens beyond 127.0.0.1): ",
            ", ".join(f"{name} ({role})" for name, role in SAMPLE_ACCOUNTS),
        )
    )


def seed_doc_ids() -> set[str]:
    """The doc_ids of the checkout's seed articles: a store holding only these is the demo project."""
    from corpus.documents import build_document
    from corpus.readers import Article, read_inputs

    return {build_document(item)["doc_id"] for item in read_inputs([SEEDS_DIR]) if isinstance(item, Article)}


if __name__ == "__main__":
    main()

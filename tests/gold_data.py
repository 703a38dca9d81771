"""The gold-annotated seed corpus (seeds/gold/<source_id>.jsonl) and the seed documents it is anchored to.

Plain helpers (not fixtures) shared by the gold and suggestion tests. Documents are built by the ingest code
(``read_txt`` + ``build_document``), exactly as ``newsspan ingest seeds/`` builds them.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from corpus.documents import build_document
from corpus.readers import read_txt
from tests.project_fixtures import SEEDS

GOLD_DIR = SEEDS / "gold"


@cache
def seed_documents() -> dict[str, dict[str, Any]]:
    """source_id -> document record of each seed article."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        (article,) = list(read_txt(path))
        document = build_document(article)
        out[document["source_id"]] = document
    return out


def gold_records(source_id: str) -> list[dict[str, Any]]:
    """The gold records of one seed, in file order."""
    path = GOLD_DIR / f"{source_id}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

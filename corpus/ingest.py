"""Ingest: read inputs, clean, name and deduplicate documents, append them to the corpus."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.corpus_file import append_documents, read_documents
from corpus.documents import build_document
from corpus.readers import Problem, read_inputs


@dataclass
class IngestReport:
    """What an ingest run did: new documents, duplicates (with where each came from), problems."""

    ingested: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (where, doc_id)
    problems: list[Problem] = field(default_factory=list)

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(problem.reason.split(" (")[0].split(" at byte")[0] for problem in self.problems)


def ingest_paths(
    paths: list[Path],
    *,
    clean: bool = True,
    corpus: Path | None = None,
    on_item: Callable[[str], None] | None = None,
    follow_symlinks: bool = False,
) -> IngestReport:
    """Ingest every article under ``paths`` into the corpus; bad inputs are reported and the rest goes on.
    Symbolic links are refused unless ``follow_symlinks``; FIFOs and devices always are."""
    report = IngestReport()
    seen_ids: set[str] = set()
    seen_text: set[str] = set()
    for existing in read_documents(corpus):
        seen_ids.add(existing["doc_id"])
        seen_text.add(existing["text_sha256"])
    for item in read_inputs(paths, follow_symlinks=follow_symlinks):
        if on_item:
            on_item(item.where)
        if isinstance(item, Problem):
            report.problems.append(item)
            continue
        document = build_document(item, clean=clean)
        if document["doc_id"] in seen_ids or document["text_sha256"] in seen_text:
            report.duplicates.append((item.where, document["doc_id"]))
            continue
        seen_ids.add(document["doc_id"])
        seen_text.add(document["text_sha256"])
        report.ingested.append(document)
    append_documents(report.ingested, corpus)
    return report

"""Counts gathered while the rows are written (rows, documents, spans, labels, frames, drafts per split), for
the card, which is rendered after the data."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SplitCounts:
    rows: int = 0
    documents: set[str] = field(default_factory=set)
    spans: int = 0
    drafts: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    frames: Counter[str] = field(default_factory=Counter)

    def add(self, doc_id: str, spans: list[dict[str, Any]], names: list[str]) -> None:
        """Count one written row: its document and spans (``names`` maps label indexes to names)."""
        self.rows += 1
        self.documents.add(doc_id)
        self.spans += len(spans)
        for span in spans:
            self.labels[names[span["label"]]] += 1
            self.drafts += span["draft"]
            frame = (span.get("attributes") or {}).get("frame")
            if frame is not None:
                self.frames[frame] += 1


def _per_split() -> defaultdict[str, SplitCounts]:
    return defaultdict(SplitCounts)


@dataclass
class ReleaseCounts:
    """Filled while rows are written; the card is rendered after the data, from these."""

    configs: defaultdict[str, defaultdict[str, SplitCounts]] = field(
        default_factory=lambda: defaultdict(_per_split)
    )
    annotators: set[str] = field(default_factory=set)
    sources: Counter[str] = field(default_factory=Counter)
    licenses: Counter[str] = field(default_factory=Counter)

    def rows(self, config: str) -> int:
        """Rows written into one config, over every split."""
        return sum(counts.rows for counts in self.configs.get(config, {}).values())

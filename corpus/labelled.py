"""What the team has labelled: the spans recommenders learn from (propagation's lexicon, the span model's
training data, ``learn --evaluate``'s held-out gold).

The rule, in one place: a document teaches through its gold when it has gold (spans, or finalized by a reviewer
with none), else through the spans of each annotator who marked it done. Spans of documents still in progress
never teach (drafts change), and suggestions never do (they are the recommenders' own output).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from corpus.annotated_release import AnnotatedDocument

GOLD = "gold"


@dataclass(frozen=True)
class LabelledDocument:
    """One document with the spans to learn from, and whose they are (``gold`` or an annotator's name)."""

    document: Mapping[str, Any]
    records: list[Mapping[str, Any]]
    source: str

    @property
    def is_gold(self) -> bool:
        return self.source == GOLD


def labelled_documents(
    items: Iterable[AnnotatedDocument], done: Mapping[str, Collection[str]]
) -> list[LabelledDocument]:
    """The labelled documents among ``items`` (``done``: doc_id -> annotators who marked it done), gold first,
    each group by doc_id; a document without gold gives one entry per annotator who marked it done."""
    gold: list[LabelledDocument] = []
    annotated: list[LabelledDocument] = []
    for item in sorted(items, key=lambda item: item.document["doc_id"]):
        doc_id = item.document["doc_id"]
        if item.gold or item.final:
            gold.append(
                LabelledDocument(item.document, [r for r in item.gold if not r.get("suggested_by")], GOLD)
            )
            continue
        for name in sorted(done.get(doc_id, ())):
            records = [r for r in item.annotations.get(name, []) if not r.get("suggested_by")]
            annotated.append(LabelledDocument(item.document, records, name))
    return gold + annotated

"""What the team has labelled (corpus.labelled): gold where there is gold, else done annotators' spans."""

from __future__ import annotations

from corpus.annotated_release import AnnotatedDocument
from corpus.labelled import labelled_documents


def _record(doc_id: str, start: int, label: str, **extra: object) -> dict[str, object]:
    return {"doc_id": doc_id, "start": start, "end": start + 2, "label": label, **extra}


def test_gold_wins_then_done_annotators_drafts_and_suggestions_never_teach() -> None:
    items = [
        AnnotatedDocument(  # gold: only gold teaches, not the annotators
            document={"doc_id": "b"},
            gold=[_record("b", 0, "actor")],
            annotations={"ann1": [_record("b", 5, "claim")]},
        ),
        AnnotatedDocument(document={"doc_id": "f"}, gold=[], final=True),  # finalized with no spans
        AnnotatedDocument(
            document={"doc_id": "a"},
            annotations={
                "ann1": [_record("a", 1, "number"), _record("a", 9, "actor", suggested_by="actors")],
                "ann2": [_record("a", 3, "actor")],  # ann2 has not marked it done: a draft
            },
        ),
    ]
    found = labelled_documents(items, {"a": {"ann1"}, "b": {"ann1"}})
    assert [(d.document["doc_id"], d.source) for d in found] == [("b", "gold"), ("f", "gold"), ("a", "ann1")]
    assert [r["label"] for r in found[0].records] == ["actor"]
    assert found[1].records == [] and found[1].is_gold
    assert [r["label"] for r in found[2].records] == ["number"] and not found[2].is_gold

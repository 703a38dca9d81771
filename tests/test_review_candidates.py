"""Review candidates and "already in gold": one definition (corpus.review) for the Review page and gold auto."""

from __future__ import annotations

from corpus.review import gold_positions, in_gold, review_candidates
from tests.store_fixtures import ACTOR, Team, span

CLAIM = {"attribution": "direct quote", "kind": "prescriptive"}


def rec(annotator: str, start: int, end: int, label: str = "actor", **extra) -> dict:
    record = {
        "doc_id": "d1",
        "annotator": annotator,
        "start": start,
        "end": end,
        "label": label,
        "span_text": "x" * (end - start),
        "attributes": extra.pop("attributes", dict(ACTOR)),
        "id": extra.pop("id", f"{annotator}-{label}-{start}-{end}"),
    }
    record.update(extra)
    return record


def test_in_gold_is_the_same_start_end_and_label_whatever_the_attributes() -> None:
    positions = gold_positions([rec("gold", 0, 5, attributes={"type": "ORG", "mention": "name"})])
    assert in_gold(rec("ana", 0, 5), positions)
    assert not in_gold(rec("ana", 0, 6), positions)
    assert not in_gold(rec("ana", 0, 5, "number"), positions)


def test_candidates_are_undecided_spans_not_in_gold_led_by_the_largest_variant() -> None:
    records = [
        rec("ana", 0, 5),
        rec("ben", 0, 5),
        rec("cy", 0, 5, attributes={"type": "ORG", "mention": "name"}),
        rec("ana", 10, 15),  # rejected by the reviewer: decided
        rec("ben", 10, 15, review="rejected"),
        rec("ana", 20, 25),  # gold has a span there
        rec("ben", 30, 35),
    ]
    records[3]["review"] = "rejected"
    gold = [rec("gold", 20, 25, attributes={"type": "GPE", "mention": "name"}, id="g1")]
    candidates = review_candidates(records, gold)
    assert [(c["start"], c["end"]) for c in candidates] == [(0, 5), (30, 35)]
    first = candidates[0]
    assert first["lead"]["annotator"] in ("ana", "ben") and first["id"] == first["lead"]["id"]
    assert [v["annotators"] for v in first["variants"]] == [["ana", "ben"], ["cy"]]
    assert first["agreed"] and first["total"] == 3
    assert not candidates[1]["agreed"] and candidates[1]["annotators"] == ["ben"]


def test_a_speaker_already_reviewed_still_links_claims_by_its_offsets() -> None:
    records = [
        rec("ana", 0, 2, id="a-xi", review="accepted"),
        rec("ben", 0, 2, id="b-xi"),
        rec("ana", 10, 20, "claim", attributes={"speaker": "a-xi", **CLAIM}),
        rec("ben", 10, 20, "claim", attributes={"speaker": "b-xi", **CLAIM}),
    ]
    gold = [rec("gold", 0, 2, id="gold.a-xi")]
    (claim,) = review_candidates(records, gold)
    assert claim["label"] == "claim" and len(claim["variants"]) == 1
    assert claim["variants"][0]["annotators"] == ["ana", "ben"]


def test_gold_auto_fills_in_what_the_review_page_offers_and_nothing_else(project, team: Team) -> None:
    store, doc = team.store, team.doc(1)
    doc_id = doc["doc_id"]
    for user in (team.ana, team.ben):
        store.save_annotation(user, span(doc, "Putin", "actor", ACTOR))
        store.save_annotation(user, span(doc, "Xi", "actor", ACTOR))
        store.save_annotation(user, span(doc, "Moscow", "actor", {"type": "GPE", "mention": "name"}))
        store.set_document_status(user, doc_id, "done")
    rita = team.rita
    records = store.annotations(rita, doc_id)
    xi = [r for r in records if r["span_text"] == "Xi"]
    for record in xi:  # the reviewer rejects Xi: decided, never a candidate again
        store.review(rita, record["id"], "reject", record["version"])
    moscow = span(doc, "Moscow", "actor", {"type": "ORG", "mention": "name"})  # gold settles Moscow otherwise
    store.save_annotation(rita, moscow, layer="gold")

    gold = store.annotations(rita, doc_id, layer="gold")
    offered = review_candidates(store.annotations(rita, doc_id), gold)
    assert [c["lead"]["span_text"] for c in offered] == ["Putin"]

    report = store.auto_gold(rita, min_agree=2, doc_ids=[doc_id])
    assert [r["span_text"] for r in report.created] == ["Putin"] and report.skipped == []
    gold = store.annotations(rita, doc_id, layer="gold")
    assert sorted(g["span_text"] for g in gold) == ["Moscow", "Putin"]
    assert review_candidates(store.annotations(rita, doc_id), gold) == []
    assert store.auto_gold(rita, min_agree=1, doc_ids=[doc_id]).created == []

"""Review candidates, "already in gold" and "compared with gold": one definition (corpus.review) for the Review
page, gold auto and the annotators' view; and the store's review decisions: accept merges into gold, reopen."""

from __future__ import annotations

import pytest

from corpus.review import compare_with_gold, gold_positions, in_gold, open_candidates, review_candidates
from tests.store_fixtures import ACTOR, Team, span
from workbench.store import AccessDenied, ValidationFailed

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


def test_every_position_is_a_candidate_open_only_when_undecided_and_not_in_gold() -> None:
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
    assert [(c["start"], c["end"], c["status"]) for c in candidates] == [
        (0, 5, "open"), (10, 15, "rejected"), (20, 25, "in gold"), (30, 35, "open"),
    ]  # fmt: skip
    assert [(c["start"], c["end"]) for c in open_candidates(candidates)] == [(0, 5), (30, 35)]
    first = candidates[0]
    assert first["lead"]["annotator"] in ("ana", "ben") and first["id"] == first["lead"]["id"]
    assert [v["annotators"] for v in first["variants"]] == [["ana", "ben"], ["cy"]]
    assert first["agreed"] and first["total"] == 3
    assert first["disagreements"] == ["type"] and first["link_disagreements"] == []
    in_gold_one = candidates[2]  # matches gold's position, not its attributes: shown, marked
    assert in_gold_one["gold"]["id"] == "g1" and not in_gold_one["open"]
    assert in_gold_one["variants"][0]["matches_gold"] is False and in_gold_one["disagreements"] == ["type"]
    assert not candidates[3]["agreed"] and candidates[3]["annotators"] == ["ben"]


def test_a_speaker_already_reviewed_still_links_claims_by_its_offsets() -> None:
    records = [
        rec("ana", 0, 2, id="a-xi", review="accepted"),
        rec("ben", 0, 2, id="b-xi"),
        rec("ana", 10, 20, "claim", attributes={"speaker": "a-xi", **CLAIM}),
        rec("ben", 10, 20, "claim", attributes={"speaker": "b-xi", **CLAIM}),
    ]
    gold = [rec("gold", 0, 2, id="gold.a-xi")]
    xi, claim = review_candidates(records, gold)
    assert xi["in_gold"] and all(v["matches_gold"] for v in xi["variants"])
    assert claim["label"] == "claim" and len(claim["variants"]) == 1 and claim["open"]
    assert claim["variants"][0]["annotators"] == ["ana", "ben"] and claim["disagreements"] == []


def test_disagreements_on_link_attributes_and_links_are_marked() -> None:
    records = [
        rec("ana", 0, 2, id="a-xi"),
        rec("ana", 3, 5, id="a-pu"),
        rec("ben", 0, 2, id="b-xi"),
        rec("ben", 3, 5, id="b-pu"),
        rec("ana", 10, 20, "claim", attributes={"speaker": "a-xi", **CLAIM}, links=[{"role": "about", "target": "a-pu"}]),
        rec("ben", 10, 20, "claim", attributes={"speaker": "b-pu", **CLAIM}, links=[{"role": "about", "target": "b-xi"}]),
    ]  # fmt: skip
    claim = review_candidates(records, [])[-1]
    assert len(claim["variants"]) == 2 and claim["open"]
    assert claim["disagreements"] == ["speaker", "links"]
    assert claim["link_disagreements"] == ["speaker", "links"]


def test_compared_with_gold_kept_changed_moved_removed_added() -> None:
    own = [
        rec("ana", 0, 5, id="kept"),
        rec("ana", 10, 15, id="changed"),
        rec("ana", 20, 25, id="moved"),
        rec("ana", 40, 45, id="removed"),
    ]
    gold = [
        rec("gold", 0, 5, id="g-kept"),
        rec("gold", 10, 15, id="g-changed", attributes={"type": "ORG", "mention": "name"}),
        rec("gold", 20, 27, id="g-moved"),
        rec("gold", 50, 55, id="g-added"),
    ]
    rows = compare_with_gold(own, gold)
    assert [(r["status"], (r["own"] or {}).get("id"), (r["gold"] or {}).get("id"), r["changes"]) for r in rows] == [
        ("kept", "kept", "g-kept", []),
        ("changed", "changed", "g-changed", ["type"]),
        ("moved", "moved", "g-moved", ["boundaries"]),
        ("removed", "removed", None, []),
        ("added", None, "g-added", []),
    ]  # fmt: skip


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
    candidates = review_candidates(store.annotations(rita, doc_id), gold)
    assert sorted((c["lead"]["span_text"], c["status"]) for c in candidates) == [
        ("Moscow", "in gold"), ("Putin", "open"), ("Xi", "rejected"),
    ]  # fmt: skip
    offered = open_candidates(candidates)
    assert [c["lead"]["span_text"] for c in offered] == ["Putin"]

    report = store.auto_gold(rita, min_agree=2, doc_ids=[doc_id])
    assert [r["span_text"] for r in report.created] == ["Putin"] and report.skipped == []
    gold = store.annotations(rita, doc_id, layer="gold")
    assert sorted(g["span_text"] for g in gold) == ["Moscow", "Putin"]
    assert open_candidates(review_candidates(store.annotations(rita, doc_id), gold)) == []
    assert store.auto_gold(rita, min_agree=1, doc_ids=[doc_id]).created == []


def _in_review(team: Team, index: int, phrase: str, attributes: dict) -> tuple[str, dict[str, dict]]:
    """Document ``index`` in review, ana and ben having marked ``phrase`` with ``attributes[name]`` each."""
    store, doc = team.store, team.doc(index)
    saved = {}
    for user in (team.ana, team.ben):
        saved[user.name] = store.save_annotation(user, span(doc, phrase, "actor", attributes[user.name]))
        store.set_document_status(user, doc["doc_id"], "done")
    return doc["doc_id"], saved


def test_accepting_a_candidate_that_gold_holds_merges_instead_of_duplicating(team: Team) -> None:
    store, rita = team.store, team.rita
    org = {"type": "ORG", "mention": "name"}
    doc_id, saved = _in_review(team, 1, "Putin", {"ana": ACTOR, "ben": org})
    first = store.review(rita, saved["ana"]["id"], "accept", saved["ana"]["version"])
    assert first["attributes"] == ACTOR
    merged = store.review(rita, saved["ben"]["id"], "accept", saved["ben"]["version"])
    gold = store.annotations(rita, doc_id, layer="gold")
    assert [(g["id"], g["attributes"], g["version"]) for g in gold] == [(first["id"], org, 2)]
    assert merged["id"] == first["id"]
    assert [(e["kind"], e["source"]) for e in store.history(rita, first["id"])] == [
        ("create", f"accept:{saved['ana']['id']}"), ("update", f"accept:{saved['ben']['id']}"),
    ]  # fmt: skip
    again = store.annotation(rita, saved["ben"]["id"])  # the same variant again: nothing changes in gold
    assert store.review(rita, again["id"], "accept", again["version"])["version"] == 2
    candidates = review_candidates(store.annotations(rita, doc_id), gold)
    (putin,) = candidates
    assert putin["in_gold"] and [v["matches_gold"] for v in putin["variants"]] == [False, True]
    assert putin["disagreements"] == ["type"]
    with pytest.raises(ValidationFailed, match="duplicate: gold already has an actor span"):
        store.save_annotation(rita, span(team.doc(1), "Putin", "actor", ACTOR), layer="gold")


def test_a_final_document_is_reopened_by_a_reviewer_and_it_is_in_the_history(team: Team) -> None:
    store, rita = team.store, team.rita
    doc_id, saved = _in_review(team, 2, "Xi", {"ana": ACTOR, "ben": ACTOR})
    store.review(rita, saved["ana"]["id"], "accept", saved["ana"]["version"])
    store.set_document_stage(rita, doc_id, "final")
    with pytest.raises(AccessDenied):  # gold is read-only when final
        store.save_annotation(rita, span(team.doc(2), "Xi", "actor", ACTOR, nth=1), layer="gold")
    with pytest.raises(AccessDenied):
        store.reopen(team.ana, doc_id)
    assert store.reopen(rita, doc_id, reason="speaker was wrong") == "review"
    assert store.document(rita, doc_id)["stage"] == "review"
    history = store.document_history(rita, doc_id)
    assert [(e["kind"], e["actor"], e["source"]) for e in history][-2:] == [
        ("stage", "rita", "final"), ("reopen", "rita", "speaker was wrong"),
    ]  # fmt: skip
    with pytest.raises(Exception, match="not final"):
        store.reopen(rita, doc_id)
    store.save_annotation(
        rita, span(team.doc(2), "Xi", "actor", ACTOR, nth=1), layer="gold"
    )  # writable again


def test_annotators_see_what_the_reviewer_changed_once_final(team: Team) -> None:
    store, rita, doc = team.store, team.rita, team.doc(3)
    doc_id, saved = _in_review(team, 3, "Putin", {"ana": ACTOR, "ben": {"type": "ORG", "mention": "name"}})
    with pytest.raises(Exception, match="not final yet"):
        store.compared_with_gold(team.ana, doc_id)
    store.review(rita, saved["ben"]["id"], "accept", saved["ben"]["version"])
    store.set_document_stage(rita, doc_id, "final")
    compared = store.compared_with_gold(team.ana, doc_id)
    assert compared["annotator"] == "ana" and compared["document"]["doc_id"] == doc_id
    assert [(r["status"], r["changes"]) for r in compared["rows"]] == [("changed", ["type"])]
    assert store.compared_with_gold(team.ben, doc_id)["rows"][0]["status"] == "kept"
    with pytest.raises(AccessDenied):
        store.compared_with_gold(team.ana, doc_id, annotator="ben")
    assert store.compared_with_gold(rita, doc_id, annotator="ben")["rows"][0]["status"] == "kept"
    assert doc["doc_id"] == doc_id

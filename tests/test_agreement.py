"""Agreement: Krippendorff's alpha against published worked examples, span F1 and kappa on hand-made cases."""

from __future__ import annotations

import random

import pytest

from corpus.agreement import compute_agreement, span_votes
from corpus.krippendorff import BinaryCoincidences, alpha

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers, 12 units, missing data.
KRIPPENDORFF_2011 = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        strict=True,
    )
)


@pytest.mark.parametrize(
    ("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_alpha_matches_the_published_values_of_krippendorff_2011(level, expected):
    assert round(alpha(KRIPPENDORFF_2011, level), 3) == expected


def test_alpha_binary_and_nominal_two_observer_examples():
    # Krippendorff (2011) example A (binary, two observers): 0.095; example B (nominal, two observers): 0.692.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert round(alpha(list(zip(a, b, strict=True))), 3) == 0.095
    assert round(alpha(list(zip("aabbdcccedda", "babbbcccedd" + "d", strict=True))), 3) == 0.692


def test_alpha_identical_is_one_and_undefined_cases_are_none():
    assert alpha([[1, 1], [2, 2], [1, 1, 1]]) == 1.0
    assert alpha([[1, 1], [1, 1]]) is None  # no variation: D_e = 0
    assert alpha([[1, None], [None, 2]]) is None  # no pairable values


def test_binary_coincidences_equal_the_general_alpha():
    rng = random.Random(7)
    units = [[rng.random() < 0.3 for _ in range(rng.choice([2, 3, 4]))] for _ in range(200)]
    counts = BinaryCoincidences()
    for unit in units:
        counts.add(len(unit), sum(unit))
    assert counts.alpha() == pytest.approx(alpha([[int(v) for v in unit] for unit in units]))


def rec(annotator, start, end, label="actor", doc="d1", **attributes):
    record = {"doc_id": doc, "annotator": annotator, "start": start, "end": end, "label": label}
    record["attributes"] = attributes or {"type": "PER", "mention": "name"}
    record["id"] = attributes.pop("id", f"{annotator}-{label}-{start}-{end}")
    return record


def char_units(spans_by_coder, length):
    """Per-character units for the general alpha: the reference implementation of the span alpha."""
    return [[int(any(s <= i < e for s, e in spans)) for spans in spans_by_coder] for i in range(length)]


def test_identical_annotations_agree_perfectly():
    records = [rec(name, s, e) for name in ("ana", "ben") for s, e in [(0, 5), (10, 14)]]
    result = compute_agreement(records, lengths={"d1": 20})
    assert result["documents"] == 1 and result["annotators"] == ["ana", "ben"]
    overall = result["overall"]
    assert overall["strict"]["f1"] == overall["partial"]["f1"] == 1.0
    assert overall["alpha"] == pytest.approx(1.0)
    assert result["per_label"]["actor"]["alpha"] == pytest.approx(1.0)
    assert result["pairs"][0]["strict"]["matches"] == 2
    assert result["attributes"]["actor"]["type"]["observed"] == 1.0


def test_disjoint_spans_have_no_match_and_negative_alpha():
    records = [rec("ana", 0, 5), rec("ben", 10, 15)]
    result = compute_agreement(records, lengths={"d1": 20})
    assert result["overall"]["strict"]["f1"] == result["overall"]["partial"]["f1"] == 0.0
    # 5 units (1,0), 5 units (0,1), 10 units (0,0): o01 = 10, n0 = 30, n1 = 10 -> 1 - 39 * 10 / 300
    assert result["per_label"]["actor"]["alpha"] == pytest.approx(-0.3)
    assert result["per_label"]["actor"]["alpha"] == pytest.approx(
        alpha(char_units([[(0, 5)], [(10, 15)]], 20))
    )


def test_partial_overlap_counts_for_partial_not_strict():
    records = [rec("ana", 0, 10), rec("ben", 5, 15)]
    result = compute_agreement(records, lengths={"d1": 20})
    assert result["overall"]["strict"]["f1"] == 0.0
    assert result["overall"]["partial"] == {**result["overall"]["partial"], "f1": 1.0, "matches": 1}
    assert result["per_label"]["actor"]["alpha"] == pytest.approx(0.025)
    assert result["per_label"]["actor"]["alpha"] == pytest.approx(
        alpha(char_units([[(0, 10)], [(5, 15)]], 20))
    )


def test_a_label_swap_matches_nothing_in_either_label():
    records = [rec("ana", 0, 5, "actor"), rec("ben", 0, 5, "number", kind="count")]
    result = compute_agreement(records, lengths={"d1": 10})
    assert result["overall"]["strict"]["matches"] == result["overall"]["partial"]["matches"] == 0
    assert result["per_label"]["actor"]["strict"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "matches": 0,
        "spans_a": 1,
        "spans_b": 0,
    }
    assert result["per_label"]["number"]["strict"]["spans_b"] == 1
    assert result["per_label"]["actor"]["alpha"] < 0 and result["per_label"]["number"]["alpha"] < 0


def test_precision_recall_and_one_to_one_partial_matching():
    # ana: one long span; ben: two short ones inside it, plus an exact copy of ana's second span.
    records = [
        rec("ana", 0, 20),
        rec("ana", 30, 35),
        rec("ben", 0, 5),
        rec("ben", 10, 15),
        rec("ben", 30, 35),
    ]
    pair = compute_agreement(records)["pairs"][0]
    assert (pair["a"], pair["b"]) == ("ana", "ben")
    assert pair["strict"]["matches"] == 1
    assert pair["strict"]["precision"] == pytest.approx(1 / 3) and pair["strict"]["recall"] == 0.5
    assert pair["partial"]["matches"] == 2  # the long span matches only one of the short ones
    assert pair["partial"]["f1"] == pytest.approx(2 * 2 / 5)


def test_strict_is_a_multiset_intersection():
    records = [rec("ana", 0, 5, id="x1"), rec("ana", 0, 5, id="x2"), rec("ben", 0, 5)]
    assert compute_agreement(records)["overall"]["strict"]["matches"] == 1


def test_three_annotators_pairwise_and_average():
    records = [rec("ana", 0, 5), rec("ben", 0, 5), rec("cy", 0, 6)]
    result = compute_agreement(records, lengths={"d1": 10})
    f1 = {(p["a"], p["b"]): p["strict"]["f1"] for p in result["pairs"]}
    assert f1 == {("ana", "ben"): 1.0, ("ana", "cy"): 0.0, ("ben", "cy"): 0.0}
    assert result["average"]["strict"]["f1"] == pytest.approx(1 / 3)
    assert result["average"]["partial"]["f1"] == 1.0
    assert result["per_label"]["actor"]["alpha"] == pytest.approx(
        alpha(char_units([[(0, 5)], [(0, 5)], [(0, 6)]], 10))
    )


def test_single_annotator_documents_suggestions_and_gold_are_left_out():
    records = [
        rec("ana", 0, 5, doc="d2"),
        rec("ana", 0, 5),
        rec("ben", 0, 5),
        {**rec("sugg", 0, 9), "suggested_by": "numbers"},
        {**rec("gold", 0, 9), "layer": "gold"},
        {**rec("ben", 7, 9), "deleted": True},
    ]
    result = compute_agreement(records, lengths={"d1": 10})
    assert result["documents"] == 1 and result["annotators"] == ["ana", "ben"]
    assert result["overall"]["strict"]["f1"] == 1.0


def test_an_annotator_who_marked_nothing_counts_when_named():
    records = [rec("ana", 0, 5)]
    assert compute_agreement(records)["documents"] == 0
    result = compute_agreement(records, annotators={"d1": ["ana", "ben"]}, lengths={"d1": 10})
    assert result["documents"] == 1 and result["overall"]["strict"]["recall"] == 0.0


def test_cohens_kappa_on_attributes_of_matched_spans():
    pairs = [("PER", "PER"), ("PER", "ORG"), ("ORG", "ORG"), ("GPE", "GPE")]
    records = []
    for index, (left, right) in enumerate(pairs):
        start = index * 10
        records.append(rec("ana", start, start + 5, type=left, mention="name"))
        records.append(rec("ben", start + 1, start + 5, type=right, mention="name"))
    kappa = compute_agreement(records)["attributes"]["actor"]
    # p_o = 3/4; p_e = (2*1 + 1*2 + 1*1) / 16 = 5/16
    assert kappa["type"]["kappa"] == pytest.approx((0.75 - 5 / 16) / (1 - 5 / 16))
    assert kappa["type"]["n"] == 4
    assert kappa["mention"]["kappa"] is None and kappa["mention"]["observed"] == 1.0


def test_speaker_links_compare_by_target_span_not_id():
    claim = {"attribution": "indirect", "kind": "factual"}
    records = [
        rec("ana", 0, 3, id="a-actor"),
        rec("ana", 10, 20, "claim", speaker="a-actor", **claim),
        rec("ben", 0, 3, id="b-actor"),
        rec("ben", 10, 20, "claim", speaker="b-actor", **claim),
        rec("ana", 30, 40, "claim", speaker="author", **claim),
        rec("ben", 30, 40, "claim", speaker="a-actor-elsewhere", **claim),
    ]
    speaker = compute_agreement(records)["attributes"]["claim"]["speaker"]
    assert speaker["n"] == 2 and speaker["observed"] == 0.5


def test_label_filter_and_tokens():
    text = "Xi met Putin in Moscow on Tuesday."
    records = [rec("ana", 0, 2), rec("ben", 0, 2), rec("ana", 7, 12), rec("ben", 7, 10)]
    result = compute_agreement(records, texts={"d1": text}, unit="token", labels=["actor"])
    assert result["labels"] == ["actor"] and result["unit"] == "token"
    assert result["per_label"]["actor"]["alpha"] == pytest.approx(1.0)  # "Put" touches the token "Putin"
    by_char = compute_agreement(records, texts={"d1": text})
    assert by_char["per_label"]["actor"]["alpha"] < 1.0
    with pytest.raises(ValueError, match="token"):
        compute_agreement(records, unit="token")


def test_span_votes_group_annotators_and_attribute_variants():
    records = [
        rec("ana", 0, 5),
        rec("ben", 0, 5),
        rec("cy", 0, 5, type="ORG", mention="name"),
        rec("ana", 3, 9, "number", kind="count"),
        rec("ben", 4, 9, "number", kind="count"),
    ]
    votes = span_votes(records)
    first = votes[0]
    assert (first["start"], first["end"], first["label"]) == (0, 5, "actor")
    assert first["annotators"] == ["ana", "ben", "cy"] and first["agreed"]
    assert [v["annotators"] for v in first["variants"]] == [["ana", "ben"], ["cy"]]
    numbers = [v for v in votes if v["label"] == "number"]
    assert all(v["overlaps"] and not v["agreed"] for v in numbers)


def test_store_agreement_inputs_are_one_rule_for_reviewers_and_admins(project, team) -> None:
    """Documents in review or final only; texts given; done-without-spans annotators count; no suggestions."""
    from corpus.agreement_inputs import agreement_figures
    from tests.store_fixtures import ACTOR, span

    store = team.store
    reviewed, empty, open_ = team.doc(0), team.doc(1), team.doc(2)
    for user in (team.ana, team.ben):
        store.save_annotation(user, span(reviewed, "Putin", "actor", ACTOR))
        store.save_annotation(user, span(open_, "Putin", "actor", ACTOR))
    store.save_annotation(team.ben, span(empty, "Putin", "actor", ACTOR))
    store.save_suggestions(team.admin, [span(reviewed, "Xi", "actor", ACTOR)], suggested_by="actors")
    for user in (team.ana, team.ben):
        store.set_document_status(user, reviewed["doc_id"], "done")
        store.set_document_status(user, empty["doc_id"], "done")
    store.set_document_status(team.ana, open_["doc_id"], "done")  # ben is not done: still in annotation

    inputs = store.agreement_inputs(team.rita)
    assert store.agreement_inputs(team.admin) == inputs
    assert set(inputs.texts) == {reviewed["doc_id"], empty["doc_id"]}
    assert inputs.texts[empty["doc_id"]] == empty["text"]
    assert {r["doc_id"] for r in inputs.records} == {reviewed["doc_id"], empty["doc_id"]}
    assert not any(r.get("suggested_by") for r in inputs.records)
    assert inputs.annotators[empty["doc_id"]] == ["ana", "ben"]
    figures = agreement_figures(inputs)
    assert figures["documents"] == 2 and figures["annotators"] == ["ana", "ben"]
    assert figures["overall"]["strict"]["f1"] == 2 * 1 / (2 + 1)  # Putin twice agreed, once alone
    with pytest.raises(Exception, match="may not review"):
        store.agreement_inputs(team.ana)

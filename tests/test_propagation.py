"""Propagation (corpus.suggest.propagation): what the team labelled is proposed wherever else it occurs, with
the right label, attributes and counts, on word boundaries, case-sensitively, and never where it was rejected."""

from __future__ import annotations

import hashlib
from typing import Any

from corpus.labelled import LabelledDocument
from corpus.scheme import default_labelset
from corpus.suggest.propagation import (
    Rejection,
    build_lexicon,
    occurrences,
    other_occurrences,
    propagate,
)

LABELS = default_labelset()


def document(doc_id: str, text: str) -> dict[str, Any]:
    return {"doc_id": doc_id, "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest()}


def record(doc: dict[str, Any], phrase: str, label: str, attributes: dict[str, Any], nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = doc["text"].index(phrase, start + 1)
    return {
        "doc_id": doc["doc_id"],
        "start": start,
        "end": start + len(phrase),
        "span_text": phrase,
        "label": label,
        "attributes": attributes,
    }


PUTIN = {"type": "PER", "entity_id": ["vladimir_putin"], "mention": "name", "metonymy": False}
A = document("a" * 16, "Vladimir Putin met Xi. Later, Putin said the talks went well, Putin’s aide added.")
B = document(
    "b" * 16, "Xinhua reported that Xi spoke. Putin replied. putin is lowercase here. PutinX is not."
)


def test_every_other_occurrence_is_proposed_with_label_attributes_and_counts() -> None:
    gold = LabelledDocument(A, [record(A, "Putin", "actor", PUTIN, nth=1)], "gold")
    lexicon = build_lexicon([gold], labelset=LABELS)
    in_a = propagate(A, lexicon, LABELS)
    # the same document: every other "Putin" (the labelled one is skipped), including inside "Vladimir Putin"
    # (no longer "Vladimir Putin" was labelled) and before a possessive
    starts = [r["start"] for r in in_a]
    assert starts == [9, A["text"].index("Putin’s")]
    assert all(A["text"][r["start"] : r["end"]] == r["span_text"] == "Putin" for r in in_a)
    assert all(r["label"] == "actor" and r["attributes"] == PUTIN for r in in_a)
    assert all(r["suggested_by"] == "propagation" for r in in_a)
    assert in_a[0]["suggestion"] == {"labelled": 1, "rejected": 0}
    # across the corpus: the capitalised, bounded one only
    in_b = propagate(B, lexicon, LABELS)
    assert [(r["start"], r["span_text"]) for r in in_b] == [(B["text"].index("Putin replied"), "Putin")]
    assert in_b[0]["doc_id"] == B["doc_id"] and in_b[0]["text_sha256"] == B["text_sha256"]


def test_word_boundaries_are_unicode_aware_and_case_sensitive() -> None:
    text = "Xinhua: Xi met Müller, not Müllerstraße; Xi’s aide, xi, XI and Xi-led talks; $5 and $50."
    assert [text[s:e] for s, e in occurrences(text, "Xi")] == ["Xi", "Xi", "Xi"]
    assert len(occurrences(text, "Müller")) == 1
    assert occurrences(text, "xi") == [(text.index("xi,"), text.index("xi,") + 2)]
    # a text that starts with a sign has no boundary to keep on that side, but its digits do at the end
    assert [text[s:e] for s, e in occurrences(text, "$5")] == ["$5"]
    assert occurrences(text, "") == []


def test_gold_attributes_outrank_done_annotators_and_links_are_not_copied() -> None:
    text = "“We will win,” Putin said. Putin added more. “We will win,” he repeated."
    doc = document("c" * 16, text)
    claim = record(
        doc, "We will win", "claim", {"speaker": "ann-1", "kind": "prediction", "attribution": "direct"}
    )
    other = document("d" * 16, "Putin again.")
    gold = LabelledDocument(other, [{**record(other, "Putin", "actor", PUTIN)}], "gold")
    done = [
        LabelledDocument(doc, [record(doc, "Putin", "actor", {**PUTIN, "mention": "nominal"}), claim], name)
        for name in ("ana", "ben")
    ]
    lexicon = build_lexicon([gold, *done], labelset=LABELS)
    proposed = propagate(doc, lexicon, LABELS)
    putin = next(r for r in proposed if r["label"] == "actor")
    assert putin["attributes"]["mention"] == "name"  # gold's, though done annotators said nominal twice
    assert putin["suggestion"]["labelled"] == 3
    repeated = next(r for r in proposed if r["label"] == "claim")
    assert repeated["start"] == text.index("We will win", 5)
    assert repeated["attributes"] == {"kind": "prediction", "attribution": "direct"}  # no speaker link


def test_a_rejected_text_or_place_is_never_proposed() -> None:
    other = document("9" * 16, "Putin again.")
    gold = [
        LabelledDocument(A, [record(A, "Putin", "actor", PUTIN, nth=1)], "gold"),
        LabelledDocument(other, [record(other, "Putin", "actor", PUTIN)], "gold"),
    ]
    at_b = B["text"].index("Putin replied")
    once = Rejection(B["doc_id"], at_b, at_b + 5, "Putin", "actor")
    # rejected once at one place: not there again, still elsewhere
    lexicon = build_lexicon(gold, [once], LABELS)
    assert propagate(B, lexicon, LABELS) == []
    assert [r["suggestion"] for r in propagate(A, lexicon, LABELS)] == [{"labelled": 2, "rejected": 1}] * 2
    # rejected as often as labelled (here: once more, elsewhere): nowhere
    elsewhere = Rejection("e" * 16, 0, 5, "Putin", "actor", count=1)
    lexicon = build_lexicon(gold, [once, elsewhere], LABELS)
    assert propagate(A, lexicon, LABELS) == []


def test_shorter_texts_inside_longer_ones_of_the_same_label_and_unknown_labels_are_left_out() -> None:
    doc = document("f" * 16, "Xi Jinping spoke. Xi Jinping left. Xi stayed.")
    gold = LabelledDocument(
        doc, [record(doc, "Xi Jinping", "actor", PUTIN), record(doc, "Xi", "actor", PUTIN, nth=2)], "gold"
    )
    lexicon = build_lexicon([gold], labelset=LABELS)
    proposed = propagate(doc, lexicon, LABELS)
    assert [(r["start"], r["span_text"]) for r in proposed] == [(18, "Xi Jinping")]
    custom = build_lexicon([LabelledDocument(doc, [record(doc, "Xi", "person", {})], "gold")])
    assert propagate(doc, custom, LABELS) == []  # not a label of this label set
    assert [r["span_text"] for r in propagate(doc, custom)] == ["Xi", "Xi"]


def test_the_fingerprint_changes_with_the_lexicon() -> None:
    gold = LabelledDocument(A, [record(A, "Putin", "actor", PUTIN, nth=1)], "gold")
    first = build_lexicon([gold], labelset=LABELS).fingerprint()
    assert build_lexicon([gold], labelset=LABELS).fingerprint() == first
    more = LabelledDocument(B, [record(B, "Xi", "actor", PUTIN)], "ana")
    assert build_lexicon([gold, more], labelset=LABELS).fingerprint() != first
    rejected = [Rejection(B["doc_id"], 0, 5, "Putin", "actor")]
    assert build_lexicon([gold], rejected, LABELS).fingerprint() != first


def test_other_occurrences_for_label_all_skip_places_that_have_the_label() -> None:
    text = "Putin met Putin and Putin; Putin."
    spans = [
        {"id": "s1", "start": 0, "end": 5, "label": "actor"},
        {"id": "s2", "start": 10, "end": 15, "label": "actor"},
        {"id": "s3", "start": 20, "end": 25, "label": "claim"},
    ]
    others = other_occurrences(text, spans)
    assert others["s1"] == others["s2"] == [(20, 25), (27, 32)]
    assert others["s3"] == [(0, 5), (10, 15), (27, 32)]

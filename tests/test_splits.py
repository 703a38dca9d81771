"""Splits by salted story hash: deterministic, one story in one split, no document moves as the corpus grows."""

from __future__ import annotations

import hashlib
import random
from collections import Counter

import pytest

from corpus.splits import DEFAULT_RATIOS, assign_split, story_key


def synthetic_corpus(count: int, seed: int = 5) -> list[dict]:
    """``count`` documents; about half belong to multi-document stories (story ids reused up to 6 times)."""
    rng = random.Random(seed)
    documents = []
    for index in range(count):
        doc_id = hashlib.sha256(f"doc-{index}".encode()).hexdigest()[:16]
        story = f"story-{rng.randrange(count // 4)}" if rng.random() < 0.5 else None
        documents.append({"doc_id": doc_id, "story_id": story})
    return documents


def splits_of(documents: list[dict], **options) -> dict[str, str]:
    return {d["doc_id"]: assign_split(story_key(d), **options) for d in documents}


def stories_in_two_splits(documents: list[dict], splits: dict[str, str]) -> list[str]:
    seen: dict[str, set[str]] = {}
    for document in documents:
        seen.setdefault(story_key(document), set()).add(splits[document["doc_id"]])
    return [story for story, found in seen.items() if len(found) > 1]


def test_growing_from_1000_to_1500_documents_moves_nothing_and_leaks_no_story():
    grown = synthetic_corpus(1500)
    before, after = grown[:1000], grown
    first = splits_of(before)
    second = splits_of(after)
    assert splits_of(before) == first  # deterministic
    assert {doc_id: second[doc_id] for doc_id in first} == first  # no document changes split
    assert stories_in_two_splits(after, second) == []
    # stories that span the two batches (old and new documents) stay together too
    old_stories = {story_key(d) for d in before}
    assert any(story_key(d) in old_stories and d["story_id"] for d in grown[1000:])
    assert set(second.values()) == {"train", "validation", "test"}


def test_shuffled_input_and_a_new_process_order_give_the_same_splits():
    documents = synthetic_corpus(1000)
    shuffled = documents[:]
    random.Random(1).shuffle(shuffled)
    assert splits_of(shuffled) == splits_of(documents)


def test_ratios_are_close_to_80_10_10_and_configurable():
    documents = [{"doc_id": f"{i:016x}"} for i in range(20_000)]
    counts = Counter(splits_of(documents).values())
    for name, ratio in DEFAULT_RATIOS.items():
        assert abs(counts[name] / len(documents) - ratio) < 0.015
    halves = Counter(splits_of(documents, ratios={"train": 0.5, "validation": 0.0, "test": 0.5}).values())
    assert halves["validation"] == 0 and abs(halves["train"] - 10_000) < 300


def test_the_salt_changes_the_assignment_and_bad_ratios_are_refused():
    documents = synthetic_corpus(500)
    assert splits_of(documents, salt="other") != splits_of(documents)
    with pytest.raises(ValueError, match="sum to 1"):
        assign_split("x", ratios={"train": 0.9, "test": 0.2})


def test_story_key_falls_back_to_doc_id():
    assert story_key({"doc_id": "abc", "story_id": None}) == "abc"
    assert story_key({"doc_id": "abc", "story_id": "s1"}) == "s1"


def test_two_annotated_releases_of_a_growing_corpus_keep_every_document_in_its_split(project):
    import pyarrow.parquet as pq

    from corpus.annotated_release import AnnotatedDocument, build_annotated_release_from

    def items(documents: list[dict]) -> list[AnnotatedDocument]:
        out = []
        for document in documents:
            text = f"Article {document['doc_id']} about Xi."
            document = {**document, "text": text, "text_sha256": hashlib.sha256(text.encode()).hexdigest()}
            start = text.index("Xi")
            record = {"id": "g1", "start": start, "end": start + 2, "span_text": "Xi", "label": "actor"}
            record.update(annotator="gold", attributes={"type": "PER", "mention": "name"})
            out.append(AnnotatedDocument(document, [record]))
        return out

    def read(path) -> dict[str, str]:
        found = {}
        for file in (path / "data" / "gold").glob("*.parquet"):
            for row in pq.read_table(file, columns=["doc_id", "story_id"]).to_pylist():
                assert row["doc_id"] not in found
                found[row["doc_id"]] = file.name.split("-")[0]
        return found

    grown = synthetic_corpus(1500)
    small, large = items(grown[:1000]), items(grown)
    first = read(build_annotated_release_from("1.0.0", lambda: small))
    second = read(build_annotated_release_from("1.1.0", lambda: large))
    assert len(first) == 1000 and len(second) == 1500
    assert {doc_id: second[doc_id] for doc_id in first} == first
    assert stories_in_two_splits(grown, second) == []

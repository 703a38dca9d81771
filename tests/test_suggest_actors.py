"""Actor suggestions from the registry: longest match first, word boundaries, no overlaps, real ids."""

from __future__ import annotations

from corpus.scheme import default_registry
from corpus.suggest.actors import find_actors
from tests.gold_data import gold_records, seed_documents


def _spans(text: str) -> list[tuple[str, dict]]:
    return [(text[s.start : s.end], s.attributes) for s in find_actors(text, default_registry())]


def test_longest_match_first() -> None:
    text = "Chinese President Xi Jinping met Russian President Vladimir Putin; Xi’s plane landed."
    spans = _spans(text)
    assert [span for span, _ in spans] == [
        "Chinese President Xi Jinping",
        "Russian President Vladimir Putin",
        "Xi",
    ]
    assert spans[0][1] == {"type": "PER", "entity_id": ["xi_jinping"], "mention": "name", "metonymy": False}


def test_word_boundaries() -> None:
    text = "Xinhua reported that UNESCO and the UN met; Kimchi is not Kim. US-dominated order."
    assert [span for span, _ in _spans(text)] == ["Xinhua", "the UN", "Kim", "US"]


def test_metonyms_are_proposed_with_metonymy_true() -> None:
    spans = dict(_spans("Beijing’s role and The Kremlin condemned it."))
    assert spans["Beijing"] == {"type": "GPE", "entity_id": ["china"], "mention": "name", "metonymy": True}
    assert spans["The Kremlin"]["entity_id"] == ["kremlin"] and spans["The Kremlin"]["metonymy"] is True


def test_suggestions_on_the_seeds_do_not_overlap_and_use_registry_ids() -> None:
    registry = default_registry()
    total = hits = 0
    for source_id, document in seed_documents().items():
        spans = find_actors(document["text"], registry)
        assert spans == sorted(spans, key=lambda span: span.start)
        for before, after in zip(spans, spans[1:], strict=False):
            assert before.end <= after.start
        for span in spans:
            assert span.attributes["entity_id"] and all(i in registry for i in span.attributes["entity_id"])
            assert span.attributes["type"] == registry.get(span.attributes["entity_id"][0])["type"]
        gold = {(r["start"], r["end"]) for r in gold_records(source_id) if r["label"] == "actor"}
        total += len(spans)
        hits += sum((span.start, span.end) in gold for span in spans)
    # Registry matches that gold leaves out are places ("arrived in Moscow") and names inside event names.
    print(f"\nactor suggestions matching a gold actor span exactly: {hits}/{total} ({hits / total:.2f})")
    assert hits / total >= 0.75

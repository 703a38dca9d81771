"""Synthetic annotated news for the benchmarks: deterministic, cheap to generate, streamed (never all in memory).

Each document is about ``chars`` characters of word-like text cut from one shared pool, with ``spans`` spans
cycling through the four labels of the news label set, complete attributes, and every claim's ``speaker``
pointing at the actor span before it (so links are exercised).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

WORDS = str.split(
    "the minister said on tuesday that talks with beijing and moscow would continue despite sanctions "
    "officials in washington warned of 244.8 billion dollars in trade more than 40 meetings since 2013 "
    "analysts described an axis of upheaval while the kremlin denied any military role in the region"
)
ATTRIBUTES = {
    "actor": {"type": "PER", "mention": "name", "metonymy": False, "entity_id": ["xi_jinping"]},
    "number": {"value": 40.0, "unit": "meetings", "bound": "more than", "kind": "count"},
    "framing": {"frame": "Economic", "voice": "outlet"},
    "claim": {"attribution": "indirect", "kind": "factual", "check_worthy": True, "cue": "said"},
}
LABELS = ("actor", "claim", "number", "framing")


def _pool(size: int = 1 << 20, seed: int = 13) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        word = rng.choice(WORDS)
        parts.append(word)
        total += len(word) + 1
    return " ".join(parts)


POOL = _pool()


def document(index: int, chars: int = 4000, stories: int | None = None) -> dict[str, Any]:
    offset = (index * 7919) % (len(POOL) - chars - 1)
    text = POOL[offset : offset + chars]
    doc_id = hashlib.sha256(f"synthetic-{index}".encode()).hexdigest()[:16]
    return {
        "doc_id": doc_id,
        "source_id": f"s{index}",
        "title": f"Synthetic article {index}",
        "source": "synthetic",
        "published": "2025-09-02",
        "url": None,
        "story_id": f"story-{index % stories}" if stories else None,
        "language": "en",
        "text": text,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "raw_text": text,
        "removed": [],
        "metadata": {},
    }


def records(
    doc: dict[str, Any], spans: int = 20, annotator: str = "gold", jitter: int = 0
) -> list[dict[str, Any]]:
    """``spans`` records over the document; ``jitter`` > 0 moves some boundaries (annotators disagree a bit)."""
    text = doc["text"]
    step = max(2, len(text) // spans)
    rng = random.Random(f"{doc['doc_id']}-{annotator}") if jitter else None
    out = []
    last_actor = None
    for number in range(spans):
        label = LABELS[number % len(LABELS)]
        start = number * step
        end = min(len(text), start + max(1, step // 2))
        if rng is not None and rng.random() < 0.2:
            end = min(len(text), end + rng.randint(1, jitter))
        if rng is not None and rng.random() < 0.05:
            continue
        record_id = f"{annotator}-{number}"
        attributes = dict(ATTRIBUTES[label])
        if label == "actor":
            last_actor = record_id
        if label == "claim":
            attributes["speaker"] = last_actor or "author"
        out.append(
            {
                "id": record_id,
                "doc_id": doc["doc_id"],
                "text_sha256": doc["text_sha256"],
                "start": start,
                "end": end,
                "span_text": text[start:end],
                "label": label,
                "attributes": attributes,
                "annotator": annotator,
            }
        )
    return out


def corpus(documents: int, chars: int = 4000) -> Iterator[dict[str, Any]]:
    for index in range(documents):
        yield document(index, chars)

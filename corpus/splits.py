"""Deterministic train/validation/test splits by a salted hash of the story id.

A document's split depends only on (salt, story key), so it never moves when the corpus grows, and every document
of one story lands in the same split. ``datasets`` has nothing built in for this.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

DEFAULT_SALT = "newsspan-v1"
DEFAULT_RATIOS: Mapping[str, float] = {"train": 0.8, "validation": 0.1, "test": 0.1}


def story_key(document: Mapping[str, object]) -> str:
    """The unit kept together in one split: the document's ``story_id``, else its ``doc_id``."""
    return str(document.get("story_id") or document["doc_id"])


def unit_interval(key: str, salt: str = DEFAULT_SALT) -> float:
    """Map a key to [0, 1) with sha256, uniformly and stably."""
    digest = hashlib.sha256(f"{salt}\x1f{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_split(key: str, *, salt: str = DEFAULT_SALT, ratios: Mapping[str, float] = DEFAULT_RATIOS) -> str:
    """The split of a story key; ``ratios`` (in order) must sum to 1."""
    total = sum(ratios.values())
    if abs(total - 1.0) > 1e-9 or any(value < 0 for value in ratios.values()):
        raise ValueError(f"split ratios must be non-negative and sum to 1, got {dict(ratios)}")
    point, edge = unit_interval(key, salt), 0.0
    names = list(ratios)
    for name in names:
        edge += ratios[name]
        if point < edge:
            return name
    return names[-1]

"""A label set made from the labels an annotation file uses (``newsspan init --labelset-from FILE``).

The labels keep the file's own names, in order of first use (which is also the dataset's ClassLabel order),
each with a colour of a fixed palette and a description saying where it came from; hotkeys are left out, so
they are assigned when the label set is loaded (:func:`corpus.scheme.labelset.assign_hotkeys`). Labels get
no attributes: add them to the written ``labelset.json`` by hand when the data has them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Twenty colours that stay apart on a white page (Tableau 20), used in turn.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#79706e",
)  # fmt: skip


def labelset_from_labels(counts: Mapping[str, int], *, source: str) -> dict[str, Any]:
    """The label set (as its JSON data) of the labels in ``counts`` (name -> spans, in order of first use),
    found in the file named ``source``."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-") or "labels"
    labels = [
        {
            "name": name,
            "description": f"{count} span{'s' if count != 1 else ''} labelled {name!r} in {source}.",
            "color": PALETTE[index % len(PALETTE)],
        }
        for index, (name, count) in enumerate(counts.items())
    ]
    return {
        "$id": f"urn:newsspan:labelset:{slug}",
        "title": f"Labels of {source}",
        "description": f"The {len(labels)} labels found in {source} (newsspan init --labelset-from).",
        "version": "1.0.0",
        "labels": labels,
    }

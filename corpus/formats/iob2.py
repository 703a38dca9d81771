"""Token-level BIO tags (IOB2) of the spans of one label, for tools that read CoNLL-style sequence labels.

Tokens are words and punctuation marks (``\\w+|[^\\w\\s]``, the agreement module's tokens); a token belongs to a
span when any of its characters does. Tags are IOB2: ``B-label`` on the first token of every span, ``I-label``
inside, ``O`` outside.

**Overlapping spans.** Spans of *different* labels never conflict: each label has its own tag sequence. Spans of
the *same* label that share a token cannot all be encoded in one BIO sequence: the outermost wins. Spans are
taken by start, longer first, and a span whose tokens overlap an already taken span is dropped (a nested actor
inside a longer actor, or the later of two crossing spans); :func:`bio_tags` returns the dropped spans.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from typing import Any

from corpus.agreement import TOKEN


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of every token of ``text``."""
    return [(match.start(), match.end()) for match in TOKEN.finditer(text)]


def bio_tags(
    text: str,
    spans: Iterable[Mapping[str, Any]],
    label: str,
    *,
    token_spans: list[tuple[int, int]] | None = None,
) -> tuple[list[tuple[str, str]], list[Mapping[str, Any]]]:
    """IOB2 tags of the spans of ``label`` (spans carry ``start``, ``end`` and ``label`` as a name).

    Returns ``[(token, tag)]`` and the spans dropped because they overlap an outer span of the same label."""
    token_spans = tokens(text) if token_spans is None else token_spans
    tags = ["O"] * len(token_spans)
    starts = [start for start, _ in token_spans]
    ends = [end for _, end in token_spans]
    dropped = []
    own = sorted((s for s in spans if s["label"] == label), key=lambda s: (s["start"], -s["end"]))
    for span in own:
        first = bisect.bisect_right(ends, span["start"])
        last = bisect.bisect_left(starts, span["end"])
        if last <= first:
            dropped.append(span)  # covers no token (only white space)
            continue
        if any(tag != "O" for tag in tags[first:last]):
            dropped.append(span)
            continue
        tags[first] = f"B-{label}"
        for index in range(first + 1, last):
            tags[index] = f"I-{label}"
    return [(text[s:e], tag) for (s, e), tag in zip(token_spans, tags, strict=True)], dropped


def conll_block(header: str, tagged: Iterable[tuple[str, str]]) -> str:
    """One document in CoNLL style: its ``#`` header lines, one ``token<TAB>tag`` line per token, a blank line."""
    return header + "\n" + "".join(f"{token}\t{tag}\n" for token, tag in tagged) + "\n"

"""Exports of an annotated release for tools that do not read Parquet: JSONL spans and token-level BIO (IOB2).

* :func:`span_lines` / ``spans.jsonl``: one span a line, ``{"doc_id", "split", "annotator", "start", "end",
  "span_text", "label", "attributes", "links"}`` with the label as its name, unset attributes left out and links
  as ``{"role", "target"}`` where ``target`` is the target span's ``id``.
* :func:`bio_tags` / ``bio/<label>/<split>.conll``: one file per label and split, CoNLL style: a
  ``# doc_id = ...`` line, then one ``token<TAB>tag`` line per token, a blank line between documents. Tokens are
  words and punctuation marks (``\\w+|[^\\w\\s]``, the agreement module's tokens); a token belongs to a span when
  any of its characters does. Tags are IOB2: ``B-label`` on the first token of every span, ``I-label`` inside,
  ``O`` outside.

  **Overlapping spans.** Spans of *different* labels never conflict: each label has its own tag sequence (its own
  file), so a claim containing an actor appears in both ``bio/claim`` and ``bio/actor``. Spans of the *same* label
  that share a token cannot all be encoded in one BIO sequence: the outermost wins. Spans are taken by start,
  longer first, and a span whose tokens overlap an already taken span is dropped (a nested actor inside a longer
  actor, or the later of two crossing spans). :func:`bio_tags` returns the dropped spans, and
  :func:`export_release` counts them in its report.

The Label Studio and JSONL exports of the store's own records are ``newsspan export`` (workbench.store.interchange).
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq

from corpus.agreement import TOKEN
from corpus.errors import NewsspanError


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


def _release_rows(path: Path) -> Iterator[tuple[str, dict[str, Any], list[str]]]:
    """(split, row, label names) for every row of a config folder's Parquet files."""
    files = sorted(path.glob("*.parquet"))
    if not files:
        raise NewsspanError(f"no Parquet files in {path}", hint="build the release with --annotations first")
    for file in files:
        parquet = pq.ParquetFile(file)
        features = datasets.Features.from_arrow_schema(parquet.schema_arrow)
        names = features["spans"].feature["label"].names
        split = file.name.split("-", 1)[0]
        for batch in parquet.iter_batches(batch_size=1000):
            for row in batch.to_pylist():
                yield split, row, names


def span_lines(split: str, row: Mapping[str, Any], names: list[str]) -> Iterator[dict[str, Any]]:
    """One JSON-ready record per span of a release row."""
    spans = row["spans"]
    for span in spans:
        attributes = {
            key: value for key, value in (span.get("attributes") or {}).items() if value is not None
        }
        yield {
            "doc_id": row["doc_id"],
            "split": split,
            "annotator": row.get("annotator") or span.get("annotator"),
            "id": span.get("id"),
            "start": span["start"],
            "end": span["end"],
            "span_text": span["span_text"],
            "label": names[span["label"]],
            "attributes": attributes,
            "draft": span.get("draft", False),
            "links": [
                {"role": link["role"], "target": spans[link["target"]]["id"]} for link in span["links"]
            ],
        }


def export_release(release_path: Path | str, out: Path | str, *, config: str = "gold") -> dict[str, Any]:
    """Write ``spans.jsonl`` and ``bio/<label>/<split>.conll`` for one config of an annotated release.

    Returns ``{"spans": n, "documents": n, "files": [paths], "dropped_overlaps": {label: n}}``."""
    release_path, out = Path(release_path), Path(out)
    folder = release_path / "data" / config
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"spans": 0, "documents": 0, "files": [], "dropped_overlaps": Counter()}
    handles: dict[tuple[str, str], Any] = {}
    jsonl = out / "spans.jsonl"
    try:
        with jsonl.open("w", encoding="utf-8") as lines:
            for split, row, names in _release_rows(folder):
                report["documents"] += 1
                for record in span_lines(split, row, names):
                    lines.write(json.dumps(record, ensure_ascii=False) + "\n")
                    report["spans"] += 1
                named = [{**span, "label": names[span["label"]]} for span in row["spans"]]
                token_spans = tokens(row["text"])
                header = f"# doc_id = {row['doc_id']}" + (
                    f"\n# annotator = {row['annotator']}" if row.get("annotator") else ""
                )
                for label in names:
                    key = (label, split)
                    if key not in handles:
                        target = out / "bio" / label / f"{split}.conll"
                        target.parent.mkdir(parents=True, exist_ok=True)
                        handles[key] = target.open("w", encoding="utf-8")
                        report["files"].append(str(target))
                    tagged, dropped = bio_tags(row["text"], named, label, token_spans=token_spans)
                    report["dropped_overlaps"][label] += len(dropped)
                    handles[key].write(
                        header + "\n" + "".join(f"{token}\t{tag}\n" for token, tag in tagged) + "\n"
                    )
    finally:
        for handle in handles.values():
            handle.close()
    report["files"].insert(0, str(jsonl))
    report["dropped_overlaps"] = dict(report["dropped_overlaps"])
    return report

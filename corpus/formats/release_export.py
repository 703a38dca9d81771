"""Exports of an annotated release for tools that do not read Parquet: ``spans.jsonl`` and IOB2 files.

* ``spans.jsonl``: one span a line (:mod:`corpus.formats.spans`).
* ``bio/<label>/<split>.conll``: one file per label and split, CoNLL style: a ``# doc_id = ...`` line (and
  ``# annotator = ...`` in the annotations config), then one ``token<TAB>tag`` line per token, a blank line
  between documents (:mod:`corpus.formats.iob2`, which says how overlapping spans of one label are resolved;
  the report counts the spans dropped that way).

The Label Studio and JSONL exports of the store's own records are ``newsspan export`` (the store's
``export_file``, with the writers of :mod:`corpus.formats.labelstudio` and :mod:`corpus.formats.jsonl`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets
import pyarrow.parquet as pq

from corpus.errors import NewsspanError
from corpus.formats.iob2 import bio_tags, conll_block, tokens
from corpus.formats.spans import span_lines


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
                    handles[key].write(conll_block(header, tagged))
    finally:
        for handle in handles.values():
            handle.close()
    report["files"].insert(0, str(jsonl))
    report["dropped_overlaps"] = dict(report["dropped_overlaps"])
    return report

"""Annotated release build vs a bare pyarrow ParquetWriter write of the same rows (time ratio, peak memory).

Both sides start from the same synthetic source (bench/_synthetic.py: documents of ~4,000 characters with 20
complete spans each, claims linked to actors) and write the same rows: the ``documents`` config and the
``gold`` config. The build is ``corpus.annotated_release.build_annotated_release_from`` (splits by story hash,
span_text check of every span, ClassLabel and typed attributes, links as indexes, counts for the card, card,
manifest with checksums, fsync, atomic rename). The baseline turns each document into the same row dicts with
no checks and writes them with ``pq.ParquetWriter`` (zstd, the same row groups) into one file per config.
Each side runs in its own subprocess; peak memory is that process's ``resource.getrusage`` max RSS.
Targets: time ratio <= 1.3, peak RSS of the build <= 1 GB.

    .venv/bin/python bench/release_build.py [--documents 100000] [--spans 20] [--quick] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import stamp  # noqa: E402

TARGET_RATIO = 1.3
TARGET_RSS_MB = 1024
FULL_DOCUMENTS = 100_000
QUICK_DOCUMENTS = 20_000


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def source_factory(documents: int, spans: int, chars: int):  # noqa: ANN201
    from bench import _synthetic as synthetic
    from corpus.annotated_release import AnnotatedDocument

    class Lazy(AnnotatedDocument):
        """Gold records made only when the builder asks for them (it asks once per document)."""

        @property
        def gold(self):  # noqa: ANN201
            return synthetic.records(self.document, spans)

        @gold.setter
        def gold(self, value) -> None:  # noqa: ANN001
            pass

    def source():  # noqa: ANN202
        for index in range(documents):
            yield Lazy(synthetic.document(index, chars))

    def corpus():  # noqa: ANN202
        return synthetic.corpus(documents, chars)

    return source, corpus


def run_build(folder: Path, documents: int, spans: int, chars: int) -> dict:
    os.environ["NEWSSPAN_HOME"] = str(folder)
    from corpus.annotated_release import build_annotated_release_from

    source, corpus = source_factory(documents, spans, chars)
    started = time.perf_counter()
    path = build_annotated_release_from("1.0.0", source, documents=corpus, annotations=False)
    seconds = time.perf_counter() - started
    size = sum(file.stat().st_size for file in path.rglob("*.parquet"))
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "bytes": size, "path": str(path)}


def run_baseline(folder: Path, documents: int, spans: int, chars: int) -> dict:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench import _synthetic as synthetic
    from corpus.annotated_release import annotated_features
    from corpus.features import document_features, document_row
    from corpus.release import ROW_GROUP_ROWS
    from corpus.scheme import default_labelset
    from corpus.splits import assign_split, story_key

    labelset = default_labelset()
    names = list(labelset.attribute_specs())
    label_index = {name: index for index, name in enumerate(labelset.names)}
    gold_schema = annotated_features(labelset).arrow_schema
    document_schema = document_features().arrow_schema
    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    with (
        pq.ParquetWriter(folder / "documents.parquet", document_schema, compression="zstd") as documents_out,
        pq.ParquetWriter(folder / "gold.parquet", gold_schema, compression="zstd") as gold_out,
    ):
        document_rows: list[dict] = []
        gold_rows: list[dict] = []

        def flush() -> None:
            documents_out.write_table(pa.Table.from_pylist(document_rows, schema=document_schema))
            gold_out.write_table(pa.Table.from_pylist(gold_rows, schema=gold_schema))
            document_rows.clear()
            gold_rows.clear()

        for index in range(documents):
            document = synthetic.document(index, chars)
            document_rows.append({**document_row(document), "split": assign_split(story_key(document))})
            spans_out = []
            for record in synthetic.records(document, spans):
                attributes = record["attributes"]
                spans_out.append(
                    {
                        "id": record["id"],
                        "start": record["start"],
                        "end": record["end"],
                        "span_text": record["span_text"],
                        "label": label_index[record["label"]],
                        "attributes": {name: attributes.get(name) for name in names},
                        "annotator": record["annotator"],
                        "draft": False,
                        "links": [],
                    }
                )
            gold_rows.append(
                {
                    **{key: document.get(key) for key in ("doc_id", "source_id", "title", "source")},
                    **{key: document.get(key) for key in ("published", "url", "story_id", "language")},
                    "text": document["text"],
                    "text_sha256": document["text_sha256"],
                    "spans": spans_out,
                }
            )
            if len(gold_rows) >= ROW_GROUP_ROWS:
                flush()
        if gold_rows:
            flush()
    seconds = time.perf_counter() - started
    size = sum(file.stat().st_size for file in folder.glob("*.parquet"))
    return {"seconds": seconds, "peak_rss_mb": _peak_rss_mb(), "bytes": size}


def child(kind: str, documents: int, spans: int, chars: int, folder: Path) -> dict:
    """Run one side in a fresh interpreter so its peak RSS is its own."""
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--documents",
        str(documents),
        "--spans",
        str(spans),
        "--chars",
        str(chars),
        "--folder",
        str(folder),
    ]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(documents: int, spans: int, chars: int, rounds: int) -> dict:
    baselines, builds = [], []
    with tempfile.TemporaryDirectory(prefix="newsspan-bench-") as folder:
        for round_number in range(rounds):
            baselines.append(child("baseline", documents, spans, chars, Path(folder) / f"bare{round_number}"))
            builds.append(child("build", documents, spans, chars, Path(folder) / f"build{round_number}"))
    baseline = min(baselines, key=lambda r: r["seconds"])
    build = min(builds, key=lambda r: r["seconds"])
    ratio = build["seconds"] / baseline["seconds"]
    peak = max(r["peak_rss_mb"] for r in builds)
    return {
        "benchmark": "annotated release build vs bare pyarrow ParquetWriter (documents + gold configs)",
        "documents": documents,
        "spans_per_document": spans,
        "chars_per_document": chars,
        "rounds": rounds,
        "build": {"seconds": round(build["seconds"], 2), "peak_rss_mb": round(peak), "bytes": build["bytes"]},
        "baseline": {
            "seconds": round(baseline["seconds"], 2),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in baselines)),
            "bytes": baseline["bytes"],
        },
        "ratio": round(ratio, 2),
        "summary": [
            {
                "name": f"release build time / bare pyarrow ({documents:,} docs x {spans} spans)",
                "value": round(ratio, 2),
                "unit": "x",
                "target": f"<= {TARGET_RATIO}",
                "ok": ratio <= TARGET_RATIO,
            },
            {
                "name": f"release build peak RSS ({documents:,} docs)",
                "value": round(peak),
                "unit": "MB",
                "target": f"<= {TARGET_RSS_MB}",
                "ok": peak <= TARGET_RSS_MB,
            },
        ],
        **stamp(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=None, help=f"default {FULL_DOCUMENTS:,}")
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--chars", type=int, default=4000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="alternate baseline and build, best of each (quick: 2, else 1)",
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DOCUMENTS:,} documents")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", choices=["build", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    documents = args.documents or (QUICK_DOCUMENTS if args.quick else FULL_DOCUMENTS)
    if args.child:
        run = run_build if args.child == "build" else run_baseline
        print(json.dumps(run(args.folder, documents, args.spans, args.chars)))
        return 0
    result = measure(documents, args.spans, args.chars, args.rounds or (2 if args.quick else 1))
    print(
        f"{documents:,} documents x {args.spans} spans: build {result['build']['seconds']} s "
        f"({result['build']['peak_rss_mb']} MB peak), bare pyarrow {result['baseline']['seconds']} s "
        f"({result['baseline']['peak_rss_mb']} MB peak): ratio {result['ratio']}x (target <= {TARGET_RATIO})"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

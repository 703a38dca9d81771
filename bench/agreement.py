"""Agreement on 10,000 documents x 3 annotators x ~20 spans: ``corpus.agreement.compute_agreement`` wall time.

Annotators disagree a little (bench/_synthetic.py: some boundaries moved, some spans left out), so every part
runs: strict and partial matching, Krippendorff's alpha over characters, Cohen's kappa with speaker links.
The baseline, measured in the same run, is grouping the same records by document and annotator (the least
any agreement code must do). Target: <= 5 s.

    .venv/bin/python bench/agreement.py [--documents 10000] [--annotators 3] [--quick] [--json OUT]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import stamp, write_json  # noqa: E402

TARGET_SECONDS = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="same size (it is quick already)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    from bench import _synthetic as synthetic
    from corpus.agreement import compute_agreement

    records, texts = [], {}
    for index in range(args.documents):
        document = synthetic.document(index)
        texts[document["doc_id"]] = document["text"]
        for number in range(args.annotators):
            records += synthetic.records(document, args.spans, annotator=f"annotator{number}", jitter=6)
    started = time.perf_counter()
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for record in records:
        grouped[record["doc_id"]][record["annotator"]].append(record)
    baseline = time.perf_counter() - started
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        result = compute_agreement(records, texts=texts)
        timings.append(time.perf_counter() - started)
    seconds = min(timings)
    out = {
        "benchmark": "agreement (span F1 strict/partial, alpha over characters, kappa)",
        "documents": args.documents,
        "annotators": args.annotators,
        "records": len(records),
        "seconds": round(seconds, 2),
        "baseline_grouping_seconds": round(baseline, 3),
        "ratio_to_grouping": round(seconds / baseline, 1),
        "f1_strict": round(result["overall"]["strict"]["f1"], 3),
        "f1_partial": round(result["overall"]["partial"]["f1"], 3),
        "alpha": round(result["overall"]["alpha"], 3),
        "summary": [
            {
                "name": f"agreement on {args.documents:,} docs x {args.annotators} annotators",
                "value": round(seconds, 2),
                "unit": "s",
                "target": f"<= {TARGET_SECONDS:g}",
                "ok": seconds <= TARGET_SECONDS,
            }
        ],
        **stamp(),
    }
    print(
        f"agreement: {len(records):,} records on {args.documents:,} documents x {args.annotators} annotators: "
        f"{out['seconds']} s (target <= {TARGET_SECONDS:g} s); grouping alone {out['baseline_grouping_seconds']} s"
    )
    write_json(out, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

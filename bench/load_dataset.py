"""``load_dataset(release, "gold")`` vs ``pyarrow.parquet.read_table`` of the same Parquet files (time ratio).

Builds an annotated release of synthetic documents (bench/_synthetic.py, 20 spans each) first (not timed), reads
the files once so both sides start with a warm page cache, then times each side (best of ``--rounds``):
``pq.read_table`` of every gold file, and a cold ``datasets.load_dataset`` (a fresh cache folder every round, so it
converts the Parquet files into its Arrow cache each time, offline). Target: ratio <= 1.5.

    .venv/bin/python bench/load_dataset.py [--documents 100000] [--quick] [--rounds 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_RATIO = 1.5
FULL_DOCUMENTS = 100_000
QUICK_DOCUMENTS = 100_000  # load_dataset has ~0.3 s of fixed cost: smaller sizes measure only that


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=None, help=f"default {FULL_DOCUMENTS:,}")
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DOCUMENTS:,} documents")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    documents = args.documents or (QUICK_DOCUMENTS if args.quick else FULL_DOCUMENTS)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")

    with tempfile.TemporaryDirectory(prefix="newsspan-bench-load-") as folder:
        from bench.release_build import run_build

        built = run_build(Path(folder) / "project", documents, args.spans, 4000)
        path = Path(built["path"])
        files = sorted((path / "data" / "gold").glob("*.parquet"))

        import datasets
        import pyarrow as pa
        import pyarrow.parquet as pq

        datasets.disable_progress_bars()
        for file in files:  # warm the page cache for both sides
            file.read_bytes()
        read_times, load_times = [], []
        rows = 0
        for round_number in range(args.rounds):
            started = time.perf_counter()
            table = pa.concat_tables(pq.read_table(file) for file in files)
            read_times.append(time.perf_counter() - started)
            rows = table.num_rows
            del table
            cache = Path(folder) / f"cache{round_number}"
            started = time.perf_counter()
            loaded = datasets.load_dataset(str(path), "gold", cache_dir=str(cache))
            load_times.append(time.perf_counter() - started)
            assert sum(split.num_rows for split in loaded.values()) == rows
            del loaded
    read, load = min(read_times), min(load_times)
    ratio = load / read
    out = {
        "benchmark": "load_dataset(release, 'gold') cold vs pq.read_table of the same files",
        "documents": documents,
        "rows": rows,
        "bytes": built["bytes"],
        "read_table_seconds": round(read, 3),
        "load_dataset_seconds": round(load, 3),
        "ratio": round(ratio, 2),
        "summary": [
            {
                "name": f"load_dataset / pq.read_table ({documents:,} docs x {args.spans} spans)",
                "value": round(ratio, 2),
                "unit": "x",
                "target": f"<= {TARGET_RATIO}",
                "ok": ratio <= TARGET_RATIO,
            }
        ],
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "date": time.strftime("%Y-%m-%d"),
    }
    print(
        f"{documents:,} documents: load_dataset {out['load_dataset_seconds']} s, read_table "
        f"{out['read_table_seconds']} s: ratio {out['ratio']}x (target <= {TARGET_RATIO})"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``load_dataset(release, "gold")`` vs ``pyarrow.parquet.read_table`` of the same Parquet files (time ratio).

Builds an annotated release of synthetic documents (bench/_synthetic.py, 20 spans each) first (not timed), reads
the files once so both sides start with a warm page cache, then, each round (median of ``--rounds``, spread
min-max): ``pq.read_table`` of every gold file, and a cold ``datasets.load_dataset`` (a fresh cache folder every
round, so it converts the Parquet files into its Arrow cache each time, offline). Target: ratio <= 1.5.

Where the time goes: a cold ``load_dataset`` of Parquet reads the files (what ``read_table`` does) and writes
them again as Arrow files into its cache, then memory-maps those. The **floor** measured here is exactly that
work done with pyarrow alone: ``read_table`` plus writing the table as an Arrow IPC stream into a cache folder
(``load_dataset`` / floor shows what ``datasets`` adds on top of its own design). One more cold load runs under
cProfile; the JSON reports the shares of time writing the Arrow cache, reading Parquet, and everything else.

    .venv/bin/python bench/load_dataset.py [--documents 100000] [--quick] [--rounds 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import figures, stamp, write_json  # noqa: E402

TARGET_RATIO = 1.5
FULL_DOCUMENTS = 100_000
QUICK_DOCUMENTS = 100_000  # load_dataset has ~0.3 s of fixed cost: smaller sizes measure only that


def floor_seconds(files: list[Path], cache: Path) -> float:
    """read_table, then the table written as an Arrow IPC stream file: the work a cold load_dataset must do."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    table = pa.concat_tables(pq.read_table(file) for file in files)
    with pa.OSFile(str(cache / "floor.arrow"), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return time.perf_counter() - started


def profile_shares(path: Path, cache: Path) -> dict[str, Any]:
    """One cold load_dataset under cProfile: seconds writing the Arrow cache, reading Parquet, and the rest."""
    import datasets

    profiler = cProfile.Profile()
    profiler.enable()
    datasets.load_dataset(str(path), "gold", cache_dir=str(cache))
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max(
        cumulative for (_, _, name), (_, _, _, cumulative, _) in stats.items() if name == "load_dataset"
    )

    def cumulative_of(file_end: str, function: str) -> float:
        return sum(
            cum
            for (file, _, name), (_, _, _, cum, _) in stats.items()
            if file.endswith(file_end) and name == function
        )

    write = cumulative_of("arrow_writer.py", "write_table")
    read = cumulative_of("parquet.py", "_generate_tables")
    return {
        "total_seconds": round(total, 3),
        "arrow_cache_write_share": round(write / total, 3),
        "parquet_read_share": round(read / total, 3),
        "other_share": round(max(0.0, 1 - (write + read) / total), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=None, help=f"default {FULL_DOCUMENTS:,}")
    parser.add_argument("--spans", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
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
        read_times, load_times, floor_times = [], [], []
        rows = 0
        for round_number in range(args.rounds):
            started = time.perf_counter()
            table = pa.concat_tables(pq.read_table(file) for file in files)
            read_times.append(time.perf_counter() - started)
            rows = table.num_rows
            del table
            floor_times.append(floor_seconds(files, Path(folder) / f"floor{round_number}"))
            cache = Path(folder) / f"cache{round_number}"
            started = time.perf_counter()
            loaded = datasets.load_dataset(str(path), "gold", cache_dir=str(cache))
            load_times.append(time.perf_counter() - started)
            assert sum(split.num_rows for split in loaded.values()) == rows
            del loaded
        shares = profile_shares(path, Path(folder) / "cache-profile")
    read, load, floor = figures(read_times), figures(load_times), figures(floor_times)
    ratios = figures([lt / rt for lt, rt in zip(load_times, read_times, strict=True)], 2)
    over_floor = figures([lt / ft for lt, ft in zip(load_times, floor_times, strict=True)], 2)
    ratio = ratios["median"]
    out = {
        "benchmark": "load_dataset(release, 'gold') cold vs pq.read_table of the same files",
        "documents": documents,
        "rows": rows,
        "bytes": built["bytes"],
        "read_table_seconds": read,
        "load_dataset_seconds": load,
        "floor_seconds": floor,
        "ratio": ratios,
        "ratio_over_floor": over_floor,
        "profile": shares,
        "summary": [
            {
                "name": f"load_dataset / pq.read_table ({documents:,} docs x {args.spans} spans), median "
                f"({ratios['min']}-{ratios['max']})",
                "value": ratio,
                "unit": "x",
                "target": f"<= {TARGET_RATIO}",
                "ok": ratio <= TARGET_RATIO,
            },
            {
                "name": "load_dataset / (read_table + writing the Arrow cache with pyarrow), median "
                f"({over_floor['min']}-{over_floor['max']})",
                "value": over_floor["median"],
                "unit": "x",
                "target": "reported",
            },
        ],
        **stamp(),
    }
    print(
        f"{documents:,} documents: load_dataset {load['median']} s, read_table {read['median']} s, floor "
        f"{floor['median']} s: ratio {ratio}x (target <= {TARGET_RATIO}), over the floor {over_floor['median']}x; "
        f"profile: {shares}"
    )
    write_json(out, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Batch import and exports of the annotation store (SQLite), against a bare batch insert of the same rows.

Data: synthetic documents of ~4,000 characters (bench/_synthetic.py) with complete spans of all four labels,
claims linked to actors, written as one JSONL file of records (what ``newsspan export`` writes). Each round uses
a fresh SQLite store with the documents loaded and the annotator added (not timed), then times:

- **import**: ``Store.import_file`` of the file (6,000 spans over 400 documents): read, check every record (the
  scheme's validator, links, ids), write rows and events, one transaction.
- **bare batch insert** (the baseline, same round, same SQLite file, same engine): the very rows the import
  wrote to ``annotations`` and ``events`` (read back after the import), inserted with one executemany per table
  into copies of the two tables (same columns, indexes and foreign keys), in one transaction. Nothing is read,
  parsed or checked: what any importer must pay to put these rows on disk.
- **exports** of the imported spans: ``Store.export_file`` as JSONL, Label Studio JSON (+ label_config.xml) and a
  brat folder (one .txt and .ann per document).

The large import (1,000,000 spans over 50,000 documents with ``--full``; 100,000 over 5,000 in quick mode) runs
in a child process that does only the import, on a copy of a store prepared by another child, so its peak RSS
(``ru_maxrss``) is the import's own. Medians of ``--rounds`` rounds (spread: min-max).
The 6,000-span import and its bare insert also run on a throwaway PostgreSQL cluster (fsync on; reported, no
target; ``--no-postgres`` skips it). Targets: import <= 3 s and <= 4x the bare insert; exports <= 1.5 s each;
1,000,000 spans <= 180 s, <= 1 GB.

    .venv/bin/python bench/import_export.py [--quick] [--full] [--rounds 5] [--large-rounds 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._report import figures, print_summary, stamp, write_json  # noqa: E402

IMPORT_DOCUMENTS, IMPORT_SPANS = 400, 15  # 6,000 spans
FULL_LARGE, QUICK_LARGE = 50_000, 5_000  # documents x 20 spans: 1,000,000 or 100,000 spans
LARGE_SPANS = 20
TARGET_IMPORT_S, TARGET_IMPORT_RATIO, TARGET_EXPORT_S = 3.0, 4.0, 1.5
TARGET_LARGE_S, TARGET_LARGE_MB = 180.0, 1024.0
PASSWORD = "bench-password-1"
FORMATS = {"jsonl": "out.jsonl", "labelstudio": "out.json", "brat": "brat"}


def prepare(folder: Path, documents: int, spans: int, url: str | None = None) -> tuple[str, Path]:
    """A store (SQLite in ``folder`` unless ``url``) with ``documents`` synthetic documents and the annotator
    ``ana``, and a JSONL file of ``spans`` records per document (not timed)."""
    from bench import _synthetic as synthetic
    from workbench.store import CLI_USER, open_store

    folder.mkdir(parents=True, exist_ok=True)
    os.environ["NEWSSPAN_HOME"] = str(folder)
    url = url or f"sqlite:///{folder / 'store.sqlite'}"
    store = open_store(url)
    store.load_documents(CLI_USER, synthetic.corpus(documents))
    store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
    path = folder / "records.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for document in synthetic.corpus(documents):
            for record in synthetic.records(document, spans, annotator="ana"):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return url, path


def shadow_tables(engine: Any) -> dict[str, Any]:
    """Copies of ``annotations`` and ``events`` (columns, indexes, foreign keys) named ``bench_*``."""
    from sqlalchemy import Index, MetaData, Table

    from workbench.store import tables as t

    metadata = MetaData()
    t.documents.to_metadata(metadata)  # the foreign key's target
    copies = {}
    for table in (t.annotations, t.events):
        copy = Table(f"bench_{table.name}", metadata, *[column._copy() for column in table.columns])
        for index in table.indexes:
            Index(
                f"bench_{index.name}",
                *[copy.c[column.name] for column in index.columns],
                unique=index.unique,
                **index.dialect_kwargs,
            )
        copies[table.name] = copy
    metadata.create_all(engine, tables=list(copies.values()))
    return copies


def bare_insert(store: Any) -> float:
    """Seconds to insert, again, the rows the import wrote (read back first, not timed)."""
    from sqlalchemy import insert, select

    from workbench.store import tables as t
    from workbench.store.engine import writer

    engine = writer(store.engine)
    with engine.connect() as connection:
        annotation_rows = [dict(row._mapping) for row in connection.execute(select(t.annotations))]
        event_rows = [
            {key: value for key, value in row._mapping.items() if key != "id"}
            for row in connection.execute(select(t.events).where(t.events.c.source.like("import:%")))
        ]
    copies = shadow_tables(store.engine)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(insert(copies["annotations"]), annotation_rows)
        connection.execute(insert(copies["events"]), event_rows)
    return time.perf_counter() - started


def one_round(folder: Path, url: str | None = None, exports: bool = True) -> dict[str, Any]:
    from workbench.store import CLI_USER, open_store
    from workbench.store.engine import dispose_engine

    url, path = prepare(folder, IMPORT_DOCUMENTS, IMPORT_SPANS, url)
    store = open_store(url)
    started, cpu = time.perf_counter(), time.process_time()
    report = store.import_file(CLI_USER, path, annotator="ana")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.imported == IMPORT_DOCUMENTS * IMPORT_SPANS and not report.errors, report.errors[:3]
    out: dict[str, Any] = {"import": seconds, "import_cpu": cpu, "bare": bare_insert(store)}
    for fmt, name in FORMATS.items() if exports else ():
        started, cpu = time.perf_counter(), time.process_time()
        written = store.export_file(CLI_USER, folder / name, fmt)
        out[fmt], out[f"{fmt}_cpu"] = time.perf_counter() - started, time.process_time() - cpu
        assert written == IMPORT_DOCUMENTS * IMPORT_SPANS
    dispose_engine(url)
    return out


def postgres_rounds(folder: Path, rounds: int) -> dict[str, Any]:
    """The 6,000-span import and its bare insert on a throwaway PostgreSQL cluster (fsync on), or why not."""
    from tests.throwaway_pg import Cluster, PostgresUnavailable

    try:
        with Cluster(durable=True) as cluster:
            runs = [
                one_round(folder / f"pg{n}", cluster.url(cluster.create_database()), exports=False)
                for n in range(rounds)
            ]
    except PostgresUnavailable as error:
        return {"skipped": str(error)}
    return {
        "import_seconds": figures([r["import"] for r in runs]),
        "bare_insert_seconds": figures([r["bare"] for r in runs]),
        "import_ratio": figures([r["import"] / r["bare"] for r in runs], 2),
    }


def large_child(folder: Path) -> dict[str, Any]:
    """Only the import of the prepared file (in its own process: ru_maxrss is the import's peak)."""
    from workbench.store import CLI_USER, open_store

    os.environ["NEWSSPAN_HOME"] = str(folder)
    store = open_store(f"sqlite:///{folder / 'store.sqlite'}")
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = store.import_file(CLI_USER, folder / "records.jsonl", annotator="ana")
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,  # user + system: what the import costs whatever else the machine runs
        "peak_rss_mb": after.ru_maxrss / 1024,
        "imported": report.imported,
        "errors": len(report.errors),
    }


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def large(folder: Path, documents: int, rounds: int) -> dict[str, Any]:
    prepared = folder / "large-prepared"
    started = time.perf_counter()
    run_child("--child", "prepare", "--folder", str(prepared), "--documents", str(documents))
    setup = time.perf_counter() - started
    runs = []
    for round_number in range(rounds):
        target = folder / f"large-{round_number}"
        shutil.copytree(prepared, target)
        runs.append(run_child("--child", "large", "--folder", str(target)))
        shutil.rmtree(target)
    assert all(run["imported"] == documents * LARGE_SPANS and not run["errors"] for run in runs), runs
    return {
        "documents": documents,
        "spans": documents * LARGE_SPANS,
        "setup_seconds": round(setup, 1),
        "file_mb": round((prepared / "records.jsonl").stat().st_size / 1e6, 1),
        "seconds": figures([run["seconds"] for run in runs], 1),
        "cpu_seconds": figures([run.get("cpu_seconds", 0.0) for run in runs], 1),
        "peak_rss_mb": figures([run["peak_rss_mb"] for run in runs], 0),
    }


def summary(result: dict[str, Any]) -> list[dict[str, Any]]:
    spans = f"{IMPORT_DOCUMENTS * IMPORT_SPANS:,} spans"
    imp, ratio = result["import_seconds"], result["import_ratio"]

    def spread(f: dict[str, Any]) -> str:
        return f" ({f['min']}-{f['max']})"

    rows = [
        {
            "name": f"import {spans} / {IMPORT_DOCUMENTS} docs: wall, median{spread(imp)}",
            "value": imp["median"],
            "unit": "s",
            "target": f"<= {TARGET_IMPORT_S:g}",
            "ok": imp["median"] <= TARGET_IMPORT_S,
        },
        {
            "name": f"import / bare batch insert of the same rows, median{spread(ratio)}",
            "value": ratio["median"],
            "unit": "x",
            "target": f"<= {TARGET_IMPORT_RATIO:g}",
            "ok": ratio["median"] <= TARGET_IMPORT_RATIO,
        },
    ]
    for fmt in FORMATS:
        f = result["export_seconds"][fmt]
        rows.append(
            {
                "name": f"export {spans} as {fmt}, median{spread(f)}",
                "value": f["median"],
                "unit": "s",
                "target": f"<= {TARGET_EXPORT_S:g}",
                "ok": f["median"] <= TARGET_EXPORT_S,
            }
        )
    cpu = result["cpu_seconds"]
    exports = ", ".join(f"{fmt} {cpu[fmt]['median']} s" for fmt in FORMATS)
    rows.append(
        {
            "name": f"CPU time of the process (SQLite runs in it), medians: import; exports {exports}",
            "value": cpu["import"]["median"],
            "unit": "s",
            "target": "reported",
        }
    )
    big = result["large_import"]
    label = f"import {big['spans']:,} spans / {big['documents']:,} docs"
    rows += [
        {
            "name": f"{label}: wall, median{spread(big['seconds'])}",
            "value": big["seconds"]["median"],
            "unit": "s",
            "target": f"<= {TARGET_LARGE_S:g}" + ("" if big["spans"] >= 1_000_000 else " (at 1,000,000)"),
            "ok": big["seconds"]["median"] <= TARGET_LARGE_S,
        },
        {
            "name": f"{label}: CPU time (user + system), median{spread(big['cpu_seconds'])}",
            "value": big["cpu_seconds"]["median"],
            "unit": "s",
            "target": "reported",
        },
        {
            "name": f"{label}: peak RSS, median{spread(big['peak_rss_mb'])}",
            "value": big["peak_rss_mb"]["median"],
            "unit": "MB",
            "target": f"<= {TARGET_LARGE_MB:g}",
            "ok": big["peak_rss_mb"]["median"] <= TARGET_LARGE_MB,
        },
    ]
    postgres = result.get("postgres", {})
    if "import_seconds" in postgres:
        pg, pg_ratio = postgres["import_seconds"], postgres["import_ratio"]
        rows += [
            {
                "name": f"import {spans} on PostgreSQL (fsync on): wall, median{spread(pg)}",
                "value": pg["median"],
                "unit": "s",
                "target": "reported",
            },
            {
                "name": f"import / bare batch insert on PostgreSQL, median{spread(pg_ratio)}",
                "value": pg_ratio["median"],
                "unit": "x",
                "target": "reported",
            },
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help=f"large import of {QUICK_LARGE * LARGE_SPANS:,} spans"
    )
    parser.add_argument(
        "--full", action="store_true", help=f"large import of {FULL_LARGE * LARGE_SPANS:,} spans"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the 6,000-span import and exports")
    parser.add_argument("--large-rounds", type=int, default=3)
    parser.add_argument(
        "--no-postgres", dest="postgres", action="store_false", help="skip the PostgreSQL import rounds"
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", choices=["prepare", "large"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--documents", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "prepare":
        prepare(args.folder, args.documents, LARGE_SPANS)
        print(json.dumps({"ok": True}))
        return 0
    if args.child == "large":
        print(json.dumps(large_child(args.folder)))
        return 0
    large_documents = FULL_LARGE if args.full else QUICK_LARGE
    with tempfile.TemporaryDirectory(prefix="newsspan-bench-import-") as folder:
        rounds = [one_round(Path(folder) / f"round{n}") for n in range(args.rounds)]
        big = large(Path(folder), large_documents, args.large_rounds)
        postgres = (
            postgres_rounds(Path(folder), args.rounds) if args.postgres else {"skipped": "--no-postgres"}
        )
    result: dict[str, Any] = {
        "benchmark": "store import (JSONL) vs bare executemany of the same rows; exports; large import",
        "import_seconds": figures([r["import"] for r in rounds]),
        "bare_insert_seconds": figures([r["bare"] for r in rounds]),
        "import_ratio": figures([r["import"] / r["bare"] for r in rounds], 2),
        "export_seconds": {fmt: figures([r[fmt] for r in rounds]) for fmt in FORMATS},
        # this process's CPU time (SQLite runs in it): the cost whatever else the machine is running
        "cpu_seconds": {
            kind: figures([r[key] for r in rounds])
            for kind, key in [("import", "import_cpu"), *((fmt, f"{fmt}_cpu") for fmt in FORMATS)]
        },
        "large_import": big,
        "postgres": postgres,
        "rounds": args.rounds,
        **stamp(),
    }
    result["summary"] = summary(result)
    print_summary(result["summary"])
    write_json(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

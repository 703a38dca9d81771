"""Save latency of the annotation store with 20 concurrent writers, on SQLite and PostgreSQL.

Each writer thread is an annotator saving spans through ``Store.save_annotation`` (access check, version check,
scheme validation, row + event in one transaction). The baseline, measured in the same run with the same
threads and the same engine, is a bare single-row INSERT per transaction; the ratio shows what the store adds.
PostgreSQL is a throwaway local cluster with fsync on (``--pg-url`` uses a server of yours instead).

    .venv/bin/python bench/store_latency.py [--backends sqlite,postgres] [--writers 20] [--saves 25] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Column, Integer, MetaData, String, Table, insert  # noqa: E402

from workbench.store import CLI_USER, open_store  # noqa: E402
from workbench.store.engine import dispose_engine, writer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
baseline_table = Table(
    "bench_baseline", MetaData(), Column("id", Integer, primary_key=True), Column("payload", String(200))
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def summary(latencies: list[float], wall: float) -> dict:
    ms = [value * 1000 for value in latencies]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "throughput_per_s": round(len(ms) / wall, 1),
    }


def run_threads(writers: int, work) -> tuple[list[float], float, list[BaseException]]:  # noqa: ANN001
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def body(index: int) -> None:
        try:
            barrier.wait()
            for step in work(index):
                started = time.perf_counter()
                step()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def seed_documents() -> list[dict]:
    from corpus.documents import build_document
    from corpus.readers import Article, read_inputs

    return [build_document(item) for item in read_inputs([REPO / "seeds"]) if isinstance(item, Article)]


def measure(url: str, writers: int, saves: int) -> dict:
    store = open_store(url)
    documents = seed_documents()
    store.load_documents(CLI_USER, documents)
    users = [
        store.create_user(CLI_USER, f"bench{i:02d}", "annotator", "bench-password") for i in range(writers)
    ]
    store.assign(CLI_USER, overlap=writers)
    baseline_table.create(store.engine, checkfirst=True)
    spans = {
        d["doc_id"]: [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{4,}", d["text"])]
        for d in documents
    }

    def save_work(index: int):  # noqa: ANN202
        user, document = users[index], documents[index % len(documents)]
        slot = index // len(documents)  # writers sharing a document take different words
        for start, end in spans[document["doc_id"]][slot * saves : (slot + 1) * saves]:
            record = {
                "doc_id": document["doc_id"],
                "start": start,
                "end": end,
                "label": "framing",
                "attributes": {"frame": "Other", "voice": "outlet"},
            }
            yield lambda record=record: store.save_annotation(user, record)

    engine = writer(store.engine)

    def insert_work(index: int):  # noqa: ANN202
        for step in range(saves):

            def one(step: int = step) -> None:
                with engine.begin() as connection:
                    connection.execute(insert(baseline_table).values(payload=f"writer {index} row {step}"))

            yield one

    # warm up: open the pool's connections and the caches (label set, statements) before timing
    run_threads(writers, lambda index: list(insert_work(index))[:1])
    base_latencies, base_wall, base_errors = run_threads(writers, insert_work)
    save_latencies, save_wall, save_errors = run_threads(writers, save_work)
    result = {
        "url": re.sub(r"//[^@/]*@", "//", url) if "@" in url else url.split("///")[0] + "///…",
        "writers": writers,
        "saves_per_writer": saves,
        "save": summary(save_latencies, save_wall),
        "baseline_insert": summary(base_latencies, base_wall),
        "errors": len(save_errors) + len(base_errors),
    }
    result["ratio_p50"] = round(result["save"]["p50_ms"] / result["baseline_insert"]["p50_ms"], 2)
    result["ratio_p95"] = round(result["save"]["p95_ms"] / result["baseline_insert"]["p95_ms"], 2)
    stored = len(store.records(CLI_USER))
    result["stored_ok"] = stored == writers * saves
    # Little's law: with every writer always waiting, mean latency = writers / throughput
    result["note"] = (
        "threads share one process (as in the Streamlit app): CPU work of a save runs under the GIL"
    )
    dispose_engine(url)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--saves", type=int, default=25)
    parser.add_argument("--pg-url", default=os.environ.get("NEWSSPAN_BENCH_PG_URL"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "date": time.strftime("%Y-%m-%d"),
        "backends": {},
    }
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                results["backends"]["sqlite"] = measure(
                    f"sqlite:///{folder}/bench.sqlite", args.writers, args.saves
                )
        elif backend == "postgres":
            if args.pg_url:
                results["backends"]["postgres"] = measure(args.pg_url, args.writers, args.saves)
                continue
            from tests.throwaway_pg import Cluster, PostgresUnavailable

            try:
                with Cluster(durable=True) as cluster:
                    url = cluster.url(cluster.create_database("bench"))
                    results["backends"]["postgres"] = measure(url, args.writers, args.saves)
            except PostgresUnavailable as error:
                results["backends"]["postgres"] = {"skipped": str(error)}
    for name, result in results["backends"].items():
        if "skipped" in result:
            print(f"{name}: skipped ({result['skipped']})")
            continue
        save, base = result["save"], result["baseline_insert"]
        print(
            f"{name}: {result['writers']} writers x {result['saves_per_writer']} saves: "
            f"save p50 {save['p50_ms']} ms, p95 {save['p95_ms']} ms ({save['throughput_per_s']}/s); "
            f"bare insert p50 {base['p50_ms']} ms, p95 {base['p95_ms']} ms; "
            f"ratio p50 {result['ratio_p50']}x, p95 {result['ratio_p95']}x; errors {result['errors']}; "
            f"all stored: {result['stored_ok']}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r.get("errors", 0) == 0 for r in results["backends"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

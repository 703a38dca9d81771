"""Save latency of the annotation store with 20 concurrent writers, on SQLite and PostgreSQL.

Each writer thread is an annotator saving spans through ``Store.save_annotation`` (access check, version check,
scheme validation, duplicate check, row + event; on PostgreSQL one statement, see workbench/store/saving.py).
The baseline, measured in the same run with the same threads, pacing and engine, is a bare single-row INSERT
per transaction; the ratio shows what the store adds. PostgreSQL is a throwaway local cluster with fsync on
(``--pg-url`` uses a server of yours instead).

Two loads, each against its own baseline:

- ``paced`` (the target: p50 <= 5 ms, p95 <= 20 ms on PostgreSQL): 20 writers, each waiting a random think time
  (exponential, mean ``--think-ms``, default 100 ms: ten saves a second per annotator, far above a person's
  pace) between saves. Latency is the service time of a save while 19 others are under way.
- ``saturated``: the same writers saving back to back, the server and the Python process at their limit; the
  latency is then mostly queueing (Little's law: mean latency = writers / throughput). Reported, no target.

Every figure is the median over ``--repeat`` runs (default 3), with the spread (min-max) beside it.

    .venv/bin/python bench/store_latency.py [--backends sqlite,postgres] [--writers 20] [--saves 25]
                                            [--think-ms 100] [--repeat 3] [--json OUT]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
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


TARGET_P50_MS = 5.0
TARGET_P95_MS = 20.0
LABELS = ("framing", "actor", "number", "claim")  # drafts (attributes come later): every label saves with {}


def run_threads(
    writers: int,
    work,  # noqa: ANN001
    think_s: float = 0.0,
) -> tuple[list[float], float, list[BaseException]]:
    """Run ``work(index)``'s steps in ``writers`` threads; with ``think_s``, each writer waits a random
    (exponential) think time of that mean before every step, untimed."""
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def body(index: int) -> None:
        pace = random.Random(index)
        try:
            barrier.wait()
            for step in work(index):
                if think_s:
                    time.sleep(pace.expovariate(1 / think_s))
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


def spread(runs: list[dict], key: str) -> dict:
    """Median of one figure over the runs, with its min and max."""
    values = [run[key] for run in runs]
    return {"median": round(statistics.median(values), 2), "min": min(values), "max": max(values)}


class Bench:
    """One store with ``writers`` annotators on the seed documents, and the two kinds of work."""

    def __init__(self, url: str, writers: int, saves: int) -> None:
        self.store = open_store(url)
        self.documents = seed_documents()
        self.store.load_documents(CLI_USER, self.documents)
        self.users = [
            self.store.create_user(CLI_USER, f"bench{i:02d}", "annotator", "bench-password-long")
            for i in range(writers)
        ]
        self.store.assign(CLI_USER, overlap=writers)
        baseline_table.create(self.store.engine, checkfirst=True)
        self.words = {
            d["doc_id"]: [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{4,}", d["text"])]
            for d in self.documents
        }
        self.saves = saves
        self.made = [
            0
        ] * writers  # spans each writer saved so far: the next ones take new (word, label) pairs
        self.engine = writer(self.store.engine)

    def save_work(self, index: int):  # noqa: ANN201
        user, document = self.users[index], self.documents[index % len(self.documents)]
        words = self.words[document["doc_id"]]
        for _ in range(self.saves):
            n = self.made[index]
            self.made[index] += 1
            start, end = words[n % len(words)]
            record = {
                "doc_id": document["doc_id"],
                "start": start,
                "end": end,
                "label": LABELS[(n // len(words)) % len(LABELS)],
                "attributes": {},
            }
            yield lambda record=record: self.store.save_annotation(user, record)

    def insert_work(self, index: int):  # noqa: ANN201
        for step in range(self.saves):

            def one(step: int = step) -> None:
                with self.engine.begin() as connection:
                    connection.execute(insert(baseline_table).values(payload=f"writer {index} row {step}"))

            yield one

    def run(self, writers: int, think_s: float) -> dict:
        """The baseline, then the saves, under the same load; their summaries and ratios."""
        base_latencies, base_wall, base_errors = run_threads(writers, self.insert_work, think_s)
        save_latencies, save_wall, save_errors = run_threads(writers, self.save_work, think_s)
        save, base = summary(save_latencies, save_wall), summary(base_latencies, base_wall)
        return {
            "save": save,
            "baseline_insert": base,
            "errors": len(save_errors) + len(base_errors),
            "p50_ms": save["p50_ms"],
            "p95_ms": save["p95_ms"],
            "ratio_p50": round(save["p50_ms"] / base["p50_ms"], 2),
            "ratio_p95": round(save["p95_ms"] / base["p95_ms"], 2),
        }


def measure(url: str, writers: int, saves: int, think_ms: float = 100.0, repeat: int = 3) -> dict:
    bench = Bench(url, writers, saves)
    # warm up: open the pool's connections and the caches (label set, documents, statements) before timing
    run_threads(writers, lambda index: list(bench.insert_work(index))[:1])
    run_threads(writers, lambda index: itertools.islice(bench.save_work(index), 2))
    loads = {"paced": think_ms / 1000, "saturated": 0.0}
    runs: dict[str, list[dict]] = {load: [] for load in loads}
    for _ in range(repeat):  # the loads interleaved, so that a noisy minute hits both
        for load, think_s in loads.items():
            runs[load].append(bench.run(writers, think_s))
    result: dict = {
        "url": re.sub(r"//[^@/]*@", "//", url) if "@" in url else url.split("///")[0] + "///…",
        "writers": writers,
        "saves_per_writer": saves,
        "think_ms": think_ms,
        "repeat": repeat,
        "errors": sum(run["errors"] for load in runs.values() for run in load),
    }
    for load, load_runs in runs.items():
        result[load] = {key: spread(load_runs, key) for key in ("p50_ms", "p95_ms", "ratio_p50", "ratio_p95")}
        result[load]["runs"] = load_runs
    stored = len(bench.store.records(CLI_USER))
    result["stored_ok"] = stored == sum(bench.made)
    result["note"] = (
        "threads share one process (as in the Streamlit app): CPU work of a save runs under the GIL; "
        "saturated: Little's law, mean latency = writers / throughput"
    )
    dispose_engine(url)
    return result


def summary_rows(results: dict) -> list[dict]:
    """Rows for bench/RESULTS.md (python -m bench): the paced figures against their targets, the rest reported."""
    rows = []
    for backend, figures in results["backends"].items():
        if "skipped" in figures:
            rows.append({"name": f"store save, {backend}", "value": "skipped", "unit": "", "target": ""})
            continue
        for load in ("paced", "saturated"):
            label = f"store save, {backend}, {figures['writers']} writers, {load}"
            for key, target in (("p50_ms", TARGET_P50_MS), ("p95_ms", TARGET_P95_MS)):
                value = figures[load][key]
                row = {
                    "name": f"{label}: {key[:3]} (median of {figures['repeat']}, {value['min']}-{value['max']})",
                    "value": value["median"],
                    "unit": "ms",
                    "target": "reported",
                }
                if backend == "postgres" and load == "paced":
                    row.update(target=f"<= {target:g}", ok=value["median"] <= target)
                rows.append(row)
            ratio = figures[load]["ratio_p50"]
            rows.append(
                {
                    "name": f"{label}: p50 / bare INSERT p50 ({ratio['min']}-{ratio['max']})",
                    "value": ratio["median"],
                    "unit": "x",
                    "target": "reported",
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--saves", type=int, default=25)
    parser.add_argument("--think-ms", type=float, default=100.0, help="mean think time of the paced load")
    parser.add_argument("--repeat", type=int, default=3, help="runs per load (the median is reported)")
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
                    f"sqlite:///{folder}/bench.sqlite", args.writers, args.saves, args.think_ms, args.repeat
                )
        elif backend == "postgres":
            if args.pg_url:
                results["backends"]["postgres"] = measure(
                    args.pg_url, args.writers, args.saves, args.think_ms, args.repeat
                )
                continue
            from tests.throwaway_pg import Cluster, PostgresUnavailable

            try:
                with Cluster(durable=True) as cluster:
                    url = cluster.url(cluster.create_database("bench"))
                    results["backends"]["postgres"] = measure(
                        url, args.writers, args.saves, args.think_ms, args.repeat
                    )
            except PostgresUnavailable as error:
                results["backends"]["postgres"] = {"skipped": str(error)}
    for name, result in results["backends"].items():
        if "skipped" in result:
            print(f"{name}: skipped ({result['skipped']})")
            continue
        for load in ("paced", "saturated"):
            figures = result[load]
            p50, p95, r50 = figures["p50_ms"], figures["p95_ms"], figures["ratio_p50"]
            base = statistics.median(run["baseline_insert"]["p50_ms"] for run in figures["runs"])
            print(
                f"{name} {load}: {result['writers']} writers x {result['saves_per_writer']} saves, "
                f"median of {result['repeat']}: save p50 {p50['median']} ms ({p50['min']}-{p50['max']}), "
                f"p95 {p95['median']} ms ({p95['min']}-{p95['max']}); bare insert p50 {base} ms; "
                f"ratio p50 {r50['median']}x ({r50['min']}-{r50['max']})"
            )
        print(f"{name}: errors {result['errors']}; all stored: {result['stored_ok']}")
    results["summary"] = summary_rows(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if all(r.get("errors", 0) == 0 for r in results["backends"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())

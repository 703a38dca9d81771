"""Annotate page with a big queue: page ready and document switch with 10,000 assigned documents against the same
with 5, measured in the same run, in headless Chromium on the real workbench.

Two projects, each served by its own app server: ``small`` (the five seed articles assigned to annotator ``ana``)
and ``big`` (the same five first in ana's queue, then 9,995 short synthetic articles). The five seed documents
have the same text and spans in both, so the only difference is the queue's size.

- **page ready**: from the click on "Log in" to the first animation frame in which the Annotate page is complete:
  the span selector has drawn the first document (``data-ready``, nothing pending), the queue list shows its
  page, and no element is stale (the rerun has reached the page). A new browser context every time.
- **document switch**: from the click on another document in the queue to the same state for that document.

Each of ``--runs`` runs (default 3) takes one page-ready time and ``--switches`` switch times per project,
the projects interleaved; the figures are the median over the runs of each run's median, with the spread
(min-max) beside them. Target: big / small <= 1.5 for both. Exit status 0 either way (a benchmark).

    .venv/bin/python bench/queue_latency.py [--documents 10000] [--runs 3] [--switches 6] [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser_fixtures import CHROMIUM_ARGS, StreamlitServer, ensure_chromium  # noqa: E402

APP = REPO / "workbench" / "server.py"
PASSWORD = "correct horse battery"
TARGET_RATIO = 1.5
SPANS_PER_SEED = 25

# The page is complete: the document drawn by the span selector (nothing pending), the queue list on screen,
# no stale element left from the rerun.
READY_JS = """([opening]) => {
  const find = (selector) => {
    const seen = [document];
    while (seen.length) {
      const root = seen.shift();
      const hit = root.querySelector(selector);
      if (hit) return hit;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) seen.push(el.shadowRoot);
    }
    return null;
  };
  const root = find('[data-testid="span-selector"]');
  const text = find('[data-testid="span-text"]');
  return !!(root && text && root.dataset.ready === 'true' && root.dataset.pending === '0'
    && text.textContent.startsWith(opening)
    && document.querySelector('[class*="st-key-queue-list"] button')
    && !document.querySelector('[data-stale="true"]'));
}"""


def filler(n: int) -> dict:
    text = f"Filler report {n} on the harbour budget. Officials met again.\nThe marker mk{n:05d} ends it."
    return {
        "doc_id": hashlib.sha256(text.encode()).hexdigest()[:16],
        "source_id": f"filler_{n:05d}",
        "text": text,
        "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
        "title": None,
        "story_id": None,
    }


def seed_documents() -> list[dict]:
    from corpus.documents import build_document
    from corpus.readers import Article, read_inputs

    return [build_document(item) for item in read_inputs([REPO / "seeds"]) if isinstance(item, Article)]


def make_project(folder: Path, seeds: list[dict], fillers: int) -> tuple[dict[str, str], str]:
    """A project folder with its store: ana's queue is the seeds (with spans) then ``fillers`` documents."""
    from workbench.store import CLI_USER, open_store
    from workbench.store.engine import dispose_engine

    env = {"NEWSSPAN_HOME": str(folder), "NEWSSPAN_DB_URL": f"sqlite:///{folder}/data/newsspan.sqlite"}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        store = open_store(env["NEWSSPAN_DB_URL"])
        extra = [filler(n) for n in range(fillers)]
        store.load_documents(CLI_USER, seeds + extra, release="0.1.0")
        ana = store.create_user(CLI_USER, "ana", "annotator", PASSWORD)
        store.assign(CLI_USER, 1, doc_ids=[d["doc_id"] for d in seeds], annotators=["ana"])
        if extra:
            store.assign(CLI_USER, 1, doc_ids=[d["doc_id"] for d in extra], annotators=["ana"])
        for document in seeds:
            words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z]{5,}", document["text"])]
            for start, end in words[:SPANS_PER_SEED]:
                record = {"doc_id": document["doc_id"], "start": start, "end": end, "label": "framing"}
                store.save_annotation(ana, {**record, "attributes": {}})
        dispose_engine(env["NEWSSPAN_DB_URL"])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return env, seeds[0]["doc_id"]


def wait_ready(page, opening: str) -> float:
    """Milliseconds from now until the page is complete for the document starting with ``opening``."""
    started = time.perf_counter()
    page.wait_for_function(READY_JS, arg=[opening], polling="raf", timeout=60_000)
    return (time.perf_counter() - started) * 1000


def time_page_ready(browser, url: str, opening: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.get_by_label("User name").fill("ana")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        button = page.get_by_role("button", name="Log in")
        button.wait_for()
        started = time.perf_counter()
        button.click()
        page.wait_for_function(READY_JS, arg=[opening], polling="raf", timeout=60_000)
        return (time.perf_counter() - started) * 1000
    finally:
        context.close()


def time_switches(browser, url: str, seeds: list[dict], count: int) -> list[float]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.get_by_label("User name").fill("ana")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        wait_ready(page, seeds[0]["text"][:40])
        times = []
        for step in range(count):
            target = seeds[(step + 1) % len(seeds)]
            button = page.locator(f".st-key-queue-doc-{target['doc_id']} button").first
            button.wait_for()
            started = time.perf_counter()
            button.click()
            page.wait_for_function(READY_JS, arg=[target["text"][:40]], polling="raf", timeout=60_000)
            times.append((time.perf_counter() - started) * 1000)
        return times
    finally:
        context.close()


def spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def run(documents: int, runs: int, switches: int) -> dict:
    from playwright.sync_api import sync_playwright

    seeds = seed_documents()
    chromium = ensure_chromium()
    sizes = {"small": 0, "big": max(0, documents - len(seeds))}
    with tempfile.TemporaryDirectory(prefix="queue-latency-") as tmp:
        servers, urls = {}, {}
        try:
            for name, fillers in sizes.items():
                folder = Path(tmp) / name
                folder.mkdir()
                started = time.perf_counter()
                env, _ = make_project(folder, seeds, fillers)
                print(
                    f"{name}: {len(seeds) + fillers} documents set up in {time.perf_counter() - started:.0f} s"
                )
                servers[name] = StreamlitServer(APP, env=env, log_dir=folder)
            for name, server in servers.items():
                urls[name] = server.wait_healthy()
            figures: dict[str, dict[str, list]] = {name: {"ready": [], "switch": []} for name in sizes}
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
                version = browser.version
                for name in sizes:  # warm up: first log-in and first rerun of each server
                    time_page_ready(browser, urls[name], seeds[0]["text"][:40])
                for _ in range(runs):
                    for name in sizes:
                        figures[name]["ready"].append(
                            time_page_ready(browser, urls[name], seeds[0]["text"][:40])
                        )
                        figures[name]["switch"].append(
                            statistics.median(time_switches(browser, urls[name], seeds, switches))
                        )
                browser.close()
        finally:
            for server in servers.values():
                server.stop()
    result: dict = {
        "benchmark": "Annotate page: page ready and document switch, big queue vs 5 documents",
        "documents": {"small": len(seeds), "big": len(seeds) + sizes["big"]},
        "runs": runs,
        "switches_per_run": switches,
        "small": {measure: spread(values) for measure, values in figures["small"].items()},
        "big": {measure: spread(values) for measure, values in figures["big"].items()},
        "raw_ms": figures,
        "environment": {
            "chromium": version,
            "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count() or 0} cpu",
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }
    result["ratios"] = {}
    for measure in ("ready", "switch"):
        per_run = [b / s for b, s in zip(figures["big"][measure], figures["small"][measure], strict=True)]
        result["ratios"][measure] = spread(per_run) | {"median": round(statistics.median(per_run), 2)}
    result["meets_target"] = all(result["ratios"][m]["median"] <= TARGET_RATIO for m in ("ready", "switch"))
    result["summary"] = [
        {
            "name": f"{label}, {result['documents']['big']:,} / {result['documents']['small']} documents "
            f"(median of {runs} runs, per-run ratios {result['ratios'][measure]['min']}-{result['ratios'][measure]['max']})",
            "value": result["ratios"][measure]["median"],
            "unit": "x",
            "target": f"<= {TARGET_RATIO:g}",
            "ok": result["ratios"][measure]["median"] <= TARGET_RATIO,
        }
        for measure, label in (("ready", "Annotate page ready"), ("switch", "document switch"))
    ] + [
        {
            "name": f"{label}, {size} queue (median of {runs} runs, {result[size][measure]['min']}-{result[size][measure]['max']})",
            "value": result[size][measure]["median"],
            "unit": "ms",
            "target": "reported",
        }
        for measure, label in (("ready", "page ready"), ("switch", "document switch"))
        for size in ("small", "big")
    ]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=10_000, help="documents in the big queue")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--switches", type=int, default=6, help="document switches timed per run")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    result = run(args.documents, args.runs, args.switches)
    for size in ("small", "big"):
        figures = result[size]
        print(
            f"{size} ({result['documents'][size]} documents): page ready {figures['ready']['median']} ms "
            f"({figures['ready']['min']}-{figures['ready']['max']}), switch {figures['switch']['median']} ms "
            f"({figures['switch']['min']}-{figures['switch']['max']})"
        )
    for measure, ratio in result["ratios"].items():
        print(f"ratio big/small {measure}: {ratio['median']}x ({ratio['min']}-{ratio['max']})")
    print(f"target <= {TARGET_RATIO}x: " + ("met" if result["meets_target"] else "NOT met"))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

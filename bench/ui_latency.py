"""UI latency of the span selector: hotkey press to the new highlight on screen, in headless Chromium.

On a 20,000-character article with 300 existing spans, for each of N new spans: selects a word, presses
the label hotkey and times, inside the page, from the ``keydown`` to the first animation frame in which
the server-confirmed highlight (``data-testid="span"`` with the expected code point offsets) is in the
DOM. Interleaved with that, a cheap Streamlit round trip on the same page gives a baseline from the same
run; the ratio is span latency / baseline.

Two apps (``--app``):

- ``workbench`` (default): the real workbench (workbench/app.py, Annotate page) on a temporary project:
  the article is ingested, released and loaded into a SQLite store, annotator ``ana`` gets it with 300
  saved (draft) spans, logs in through the form; every new span is a real ``store.save_annotation``.
  Baseline: clicking an existing span to select it (the component's ``select`` event: a full script
  rerun with the same store reads and the attribute panel, but no store write), timed from the ``click``
  to the frame in which the server-rendered attribute panel shows that span's offsets.
- ``demo``: the span selector alone in tests/apps/span_demo.py (spans kept in session state).
  Baseline: a plain ``st.button`` on the same page (click to the new count on screen). ``--mode``
  chooses how the demo receives events (``callback`` or returned value plus ``st.rerun()``).

    .venv/bin/python bench/ui_latency.py [--app workbench|demo] [--spans 40] [--mode callback|return]
                                         [--json out.json] [-v]

Targets: median <= 120 ms, p95 <= 250 ms (over at least 30 spans; fewer, e.g. ``--spans 5``, is allowed
for a quick look). Exit status 0 either way (a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from tests.browser_fixtures import CHROMIUM_ARGS, StreamlitServer, ensure_chromium, shadow_js  # noqa: E402

DEMO = REPO_ROOT / "tests" / "apps" / "span_demo.py"
WORKBENCH = REPO_ROOT / "workbench" / "app.py"
ANNOTATOR = "ana"
PASSWORD = "correct horse battery"
TEXT_CHARS = 20_000
EXISTING_SPANS = 300
TARGET_MEDIAN_MS = 120.0
TARGET_P95_MS = 250.0
MIN_SPANS = 30  # the requirement (issue 6): at least 30 spans
LABELS = [
    {"name": "L1", "color": "#4e79a7", "hotkeys": ["1"]},
    {"name": "L2", "color": "#f28e2b", "hotkeys": ["2"]},
    {"name": "L3", "color": "#59a14f", "hotkeys": ["3"]},
    {"name": "L4", "color": "#b07aa1", "hotkeys": ["4"]},
]
WORDS = [
    "the",
    "council",
    "said",
    "minister",
    "budget",
    "reform",
    "vote",
    "city",
    "mayor",
    "police",
    "report",
    "percent",
    "million",
    "growth",
    "election",
    "court",
    "ruling",
    "protest",
    "market",
    "energy",
    "prices",
    "health",
    "hospital",
    "school",
    "union",
    "strike",
    "talks",
]
EMOJI = ["🚀", "👩‍👩‍👧", "🇺🇦", "📈", "😀"]


def make_article(seed: int = 7) -> tuple[str, list[tuple[int, int]]]:
    """A deterministic article of TEXT_CHARS code points (with emoji) and its word ranges."""
    rng = random.Random(seed)
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    length = 0
    while length < TEXT_CHARS - 20:
        word = rng.choice(WORDS)
        if rng.random() < 0.03:
            word = rng.choice(EMOJI)
        sep = "\n\n" if rng.random() < 0.01 else " "
        if word not in EMOJI:
            words.append((length, length + len(word)))
        parts.append(word + sep)
        length += len(word) + len(sep)
    text = "".join(parts)
    text = text + "x" * (TEXT_CHARS - len(text))
    return text, words


def make_spans(words: list[tuple[int, int]], seed: int = 11) -> tuple[list[dict], list[tuple[int, int]]]:
    """EXISTING_SPANS spans (some multi-word, some nested) and the free words left for new spans."""
    rng = random.Random(seed)
    picks = sorted(rng.sample(range(len(words) - 3), EXISTING_SPANS))
    spans, covered = [], set()
    for n, i in enumerate(picks):
        width = 1 if n % 3 else 3  # every third span covers three words, so some spans nest
        start, end = words[i][0], words[i + width - 1][1]
        spans.append({"id": f"e{n}", "start": start, "end": end, "label": LABELS[n % 4]["name"]})
        covered.update(range(i, i + width))
    free = [w for j, w in enumerate(words) if j not in covered]
    return spans, free


SETUP_JS = (
    "([s16, e16, start, end]) => {\n  const find = "
    + shadow_js
    + """;
  const box = find('[data-testid="span-text"]');
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let total = 0;
  while (walker.nextNode()) { nodes.push([walker.currentNode, total]); total += walker.currentNode.data.length; }
  const at = (off) => {
    for (let i = nodes.length - 1; i >= 0; i--) if (nodes[i][1] <= off) return [nodes[i][0], off - nodes[i][1]];
  };
  const [a, ao] = at(s16);
  const [b, bo] = at(e16);
  const range = document.createRange();
  range.setStart(a, ao);
  range.setEnd(b, bo);
  // Bring the word to the middle of the viewport (Streamlit scrolls its main section, not the window).
  let sc = find('[data-testid="stMain"]') || document.scrollingElement;
  sc.scrollTop += range.getBoundingClientRect().top - window.innerHeight / 2;
  // As after a mouse selection, the component has the focus, so it receives the hotkey.
  find('[data-testid="span-selector"]').focus({ preventScroll: true });
  document.getSelection().setBaseAndExtent(a, ao, b, bo);
  const sel = `[data-testid="span"][data-start="${start}"][data-end="${end}"]`;
  return armTimer(() => box.querySelector(sel), 'keydown');
}"""
)

PING_JS = """([want]) => armTimer(() => {
  const el = document.querySelector('[data-testid="ping-count"]');
  return el && el.textContent.trim() === String(want);
}, 'click')"""

# Workbench baseline: click an existing span (not the selected one) to select it, and wait for the frame in
# which the server-rendered attribute panel shows that span's offsets ("start–end" in a code element).
SELECT_JS = (
    "([start, end]) => {\n  const find = "
    + shadow_js
    + """;
  const box = find('[data-testid="span-text"]');
  const el = box.querySelector(`[data-testid="span"][data-start="${start}"][data-end="${end}"]`);
  if (!el) throw new Error(`no span ${start}-${end} on the page`);
  document.getSelection().removeAllRanges();  // a click that ends a selection is not a span click
  const want = `${start}\u2013${end}`;
  const codes = () => document.querySelectorAll('[data-testid="stMarkdownContainer"] code');
  armTimer(() => Array.from(codes()).some((c) => c.textContent === want), 'click');
  el.click();
  return null;
}"""
)

# Installed once per page: time from the first `eventType` (capture phase) to the first animation frame in
# which `found()` holds, i.e. the frame that paints the change (`window.__timer`); then, on to the first frame
# in which no element of the page is stale any more, i.e. the whole rerun has reached the page
# (`window.__settled`). The next action waits for that, so that it never overlaps the tail of a rerun.
TIMER_JS = """() => {
  window.armTimer = (found, eventType) => {
    const state = { t0: null, found: null };
    const onEvent = () => { if (state.t0 === null) state.t0 = performance.now(); };
    window.addEventListener(eventType, onEvent, { capture: true, once: true });
    const deadline = performance.now() + 20000;
    let settle;
    window.__settled = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    window.__settled.catch(() => {});
    window.__timer = new Promise((resolve, reject) => {
      const tick = () => {
        const now = performance.now();
        if (state.found === null && state.t0 !== null && found()) {
          state.found = now - state.t0;
          resolve(state.found);
        }
        if (state.found !== null && !document.querySelector('[data-stale="true"]')) {
          settle.resolve(now - state.t0);
        } else if (now > deadline) {
          const error = new Error(`timed out (event seen: ${state.t0 !== null}, found: ${state.found !== null})`);
          reject(error);
          settle.reject(error);
        } else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    return null;
  };
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "mean_ms": round(statistics.fmean(values), 1),
        "min_ms": round(min(values), 1),
        "max_ms": round(max(values), 1),
    }


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


class DemoApp:
    """tests/apps/span_demo.py: spans in session state; baseline is a plain st.button (``ping``)."""

    name = "demo"
    script = DEMO
    baseline = "st.button click -> new count on screen (tests/apps/span_demo.py 'ping')"

    def __init__(self, folder: Path, text: str, spans: list[dict], mode: str) -> None:
        self.mode = mode
        self.hotkeys = [label["hotkeys"][0] for label in LABELS]
        (folder / "text.txt").write_text(text, encoding="utf-8")
        (folder / "spans.json").write_text(json.dumps(spans), encoding="utf-8")
        (folder / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
        self.env = {
            "SPAN_DEMO_TEXT_FILE": str(folder / "text.txt"),
            "SPAN_DEMO_SPANS_FILE": str(folder / "spans.json"),
            "SPAN_DEMO_LABELS_FILE": str(folder / "labels.json"),
            "SPAN_DEMO_MODE": mode,
        }
        self.pings = 0
        self.stored: list[tuple[int, int]] = []

    def open(self, page, url: str) -> None:
        page.goto(url)

    def time_baseline(self, page) -> float:
        self.pings += 1
        page.evaluate(PING_JS, [self.pings])
        page.get_by_role("button", name="ping").click()
        return page.evaluate("window.__timer")

    def collect(self, page) -> None:
        stored = json.loads(page.get_by_test_id("stored-spans").inner_text())
        self.stored = [(span["start"], span["end"]) for span in stored]


class WorkbenchApp:
    """workbench/app.py on a temporary project: the article ingested, released and loaded into the store,
    annotator ``ana`` with 300 saved (draft) spans; new spans go through the store. Baseline: selecting an
    existing span by clicking it.

    ``NEWSSPAN_HOME`` and ``NEWSSPAN_DB_URL`` must be set in this process (``project_env``) before it is
    created; the server inherits them."""

    name = "workbench"
    script = WORKBENCH
    baseline = (
        "click an existing span -> its offsets in the server-rendered attribute panel "
        "(select event: full rerun of the Annotate page with its store reads, no store write)"
    )
    mode = "callback"  # workbench/pages/annotate.py hands events to an on_event callback

    def __init__(self, folder: Path, text: str, spans: list[dict], db_url: str) -> None:
        from corpus.document_release import build_documents_release
        from corpus.ingest import ingest_paths
        from corpus.scheme import default_labelset
        from workbench.store import CLI_USER, open_store

        articles = folder / "articles"
        articles.mkdir()
        (articles / "latency_article.txt").write_text(text, encoding="utf-8")
        report = ingest_paths([articles])
        if report.problems or len(report.ingested) != 1 or report.ingested[0]["text"] != text:
            raise SystemExit(f"ingest changed or refused the article: {report.problems}")
        self.doc_id = report.ingested[0]["doc_id"]
        build_documents_release("0.1.0")
        self.store = open_store(db_url)
        self.store.load_release(CLI_USER)
        self.store.create_user(CLI_USER, ANNOTATOR, "annotator", PASSWORD)
        self.store.assign(CLI_USER, overlap=1)
        self.user = self.store.user(ANNOTATOR)
        labelset = default_labelset()
        self.labels = labelset.names
        self.hotkeys = [label.hotkeys[0] for label in labelset.labels]
        for n, span in enumerate(spans):
            record = {"doc_id": self.doc_id, "start": span["start"], "end": span["end"]}
            label = self.labels[n % len(self.labels)]
            self.store.save_annotation(self.user, {**record, "label": label, "attributes": {}})
        self.env: dict[str, str] = {}  # NEWSSPAN_HOME and NEWSSPAN_DB_URL come from this process
        self.existing = [(span["start"], span["end"]) for span in spans]
        self.clicks = 0
        self.stored: list[tuple[int, int]] = []

    def open(self, page, url: str) -> None:
        page.goto(url)
        page.get_by_label("User name").fill(ANNOTATOR)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    def time_baseline(self, page) -> float:
        # A different existing span every time (so never the selected one), spread over the article.
        start, end = self.existing[(self.clicks * 37) % len(self.existing)]
        self.clicks += 1
        page.evaluate(SELECT_JS, [start, end])
        return page.evaluate("window.__timer")

    def collect(self, page) -> None:
        self.stored = [(s["start"], s["end"]) for s in self.store.annotations(self.user, self.doc_id)]

    def server_side(self, free: list[tuple[int, int]], repeat: int = 20) -> dict:
        """The store and payload work of one create rerun, timed in this process on the same store."""
        from corpus.scheme import default_labelset
        from workbench.resources import label_bar
        from workbench.span_component import render_payload

        saves, reads, payloads = [], [], []
        size = 0
        for n, (start, end) in enumerate(free[:repeat]):
            record = {"doc_id": self.doc_id, "start": start, "end": end, "label": self.labels[n % 4]}
            t0 = time.perf_counter()
            self.store.save_annotation(self.user, {**record, "attributes": {}})
            t1 = time.perf_counter()
            # What the Annotate page reads from the store on every run.
            self.store.queue(self.user)
            document = self.store.document(self.user, self.doc_id)
            spans = self.store.annotations(self.user, self.doc_id)
            suggestions = self.store.suggestions(self.user, self.doc_id)
            t2 = time.perf_counter()
            data, _view = render_payload(
                document["text"], spans, label_bar(default_labelset()), suggestions=suggestions
            )
            t3 = time.perf_counter()
            size = len(json.dumps(data, ensure_ascii=False).encode("utf-8"))
            saves.append((t1 - t0) * 1000)
            reads.append((t2 - t1) * 1000)
            payloads.append((t3 - t2) * 1000)
        return {
            "note": f"median of {len(saves)}, timed in the benchmark process on the same SQLite store after "
            "the browser run; the server does this work in every create rerun",
            "store_save_annotation": round(statistics.median(saves), 2),
            "store_reads_per_run": round(statistics.median(reads), 2),
            "component_payload": round(statistics.median(payloads), 2),
            "component_payload_bytes": size,
        }


class project_env:  # noqa: N801 - a context manager, used like a function
    """Point this process (and the server it starts) at a temporary project; restore the environment after."""

    def __init__(self, folder: Path) -> None:
        self.db_url = f"sqlite:///{folder}/data/newsspan.sqlite"
        self.values = {
            "NEWSSPAN_HOME": str(folder),
            "NEWSSPAN_DB_URL": self.db_url,
            "NEWSSPAN_RELEASES": None,
        }

    def __enter__(self) -> str:
        self.saved = {key: os.environ.get(key) for key in self.values}
        self._apply(self.values)
        return self.db_url

    def __exit__(self, *exc: object) -> None:
        self._apply(self.saved)

    @staticmethod
    def _apply(values: dict[str, str | None]) -> None:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run(n_spans: int, mode: str, app: str = "workbench", warmup: int = 3, verbose: bool = False) -> dict:
    text, words = make_article()
    spans, free = make_spans(words)
    rng = random.Random(3)
    targets = sorted(rng.sample(free, n_spans + warmup))
    rng.shuffle(targets)
    unused = [w for w in free if w not in set(targets)]

    extra: dict = {}
    with tempfile.TemporaryDirectory(prefix="ui-latency-") as tmp:
        folder = Path(tmp)
        if app == "demo":
            bench: DemoApp | WorkbenchApp = DemoApp(folder, text, spans, mode)
            times, version = _measure(bench, folder, text, targets, warmup, verbose)
        else:
            with project_env(folder) as db_url:
                bench = WorkbenchApp(folder, text, spans, db_url)
                times, version = _measure(bench, folder, text, targets, warmup, verbose)
                extra["server_side_ms"] = bench.server_side(unused)

    created = sorted(set(bench.stored) - {(s["start"], s["end"]) for s in spans})
    if len(bench.stored) - EXISTING_SPANS != len(targets) or created != sorted(targets):
        raise SystemExit(
            f"expected {len(targets)} new spans at the chosen words; the app stored "
            f"{len(bench.stored) - EXISTING_SPANS}, {len(set(created) & set(targets))} of them as expected"
        )
    spans_s, base_s = summary(times["span"]), summary(times["base"])
    return {
        "benchmark": "span selector: hotkey press -> new highlight painted",
        "app": bench.name,
        "mode": bench.mode,
        "article_chars": len(text),
        "existing_spans": EXISTING_SPANS,
        "span_latency": spans_s,
        # The same key for both apps, so that results compare; what the baseline is, is in "baseline".
        "baseline_st_button": base_s,
        "baseline": bench.baseline,
        "ratio_median": round(spans_s["median_ms"] / base_s["median_ms"], 2),
        "ratio_p95": round(spans_s["p95_ms"] / base_s["p95_ms"], 2),
        # From the same event to the first frame in which the whole rerun is on the page (no stale element).
        "span_rerun_settled": summary(times["span_settled"]),
        "baseline_rerun_settled": summary(times["base_settled"]),
        "targets": {"median_ms": TARGET_MEDIAN_MS, "p95_ms": TARGET_P95_MS, "min_spans": MIN_SPANS},
        "meets_targets": spans_s["median_ms"] <= TARGET_MEDIAN_MS and spans_s["p95_ms"] <= TARGET_P95_MS,
        **extra,
        "environment": {
            "chromium": version,
            "python": platform.python_version(),
            "streamlit": _streamlit_version(),
            "machine": f"{platform.machine()}, {os.cpu_count() or 0} cpu",
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }


def _measure(
    bench: DemoApp | WorkbenchApp,
    folder: Path,
    text: str,
    targets: list[tuple[int, int]],
    warmup: int,
    verbose: bool,
) -> tuple[dict[str, list[float]], str]:
    """Start the app, then time every new span and, interleaved, the baseline: the lists of times, and the
    Chromium version."""
    from playwright.sync_api import sync_playwright

    chromium = ensure_chromium()
    server = StreamlitServer(bench.script, env=bench.env, log_dir=folder)
    try:
        url = server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            version = browser.version
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            bench.open(page, url)
            page.get_by_test_id("span-text").wait_for()
            page.locator('[data-testid="span"]').nth(EXISTING_SPANS - 1).wait_for(state="attached")
            page.evaluate(TIMER_JS)
            times: dict[str, list[float]] = {"span": [], "span_settled": [], "base": [], "base_settled": []}
            for i, (start, end) in enumerate(targets):
                page.evaluate(SETUP_JS, [utf16(text, start), utf16(text, end), start, end])
                page.keyboard.press(bench.hotkeys[i % len(bench.hotkeys)])
                elapsed = page.evaluate("window.__timer")
                settled = page.evaluate("window.__settled")
                elapsed_base = bench.time_baseline(page)
                settled_base = page.evaluate("window.__settled")
                if verbose:
                    print(
                        f"{i:3d} span {elapsed:7.1f} ms (settled {settled:7.1f})   "
                        f"baseline {elapsed_base:7.1f} ms (settled {settled_base:7.1f})",
                        file=sys.stderr,
                    )
                if i >= warmup:
                    for name, value in zip(
                        times, (elapsed, settled, elapsed_base, settled_base), strict=True
                    ):
                        times[name].append(value)
            bench.collect(page)
            browser.close()
    except Exception:
        print(f"--- streamlit log ---\n{server.logs()}", file=sys.stderr)
        raise
    finally:
        server.stop()
    return times, version


def _streamlit_version() -> str:
    import streamlit

    return streamlit.__version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--app", choices=["workbench", "demo"], default="workbench", help="app to measure")
    parser.add_argument(
        "--spans", type=int, default=40, help=f"new spans to time (the target asks {MIN_SPANS})"
    )
    parser.add_argument("--mode", choices=["callback", "return"], help="demo only (default callback)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every measurement")
    args = parser.parse_args(argv)
    if args.spans < 1:
        parser.error("--spans must be at least 1")
    if args.app == "workbench" and args.mode not in (None, "callback"):
        parser.error("--mode return exists only for --app demo (the workbench uses a callback)")
    if args.spans < MIN_SPANS:
        print(f"note: {args.spans} spans, fewer than the {MIN_SPANS} the target asks for", file=sys.stderr)
    result = run(args.spans, args.mode or "callback", app=args.app, verbose=args.verbose)
    s, b = result["span_latency"], result["baseline_st_button"]
    print(
        f"app {result['app']}: article {result['article_chars']} chars, {result['existing_spans']} spans, "
        f"mode {result['mode']}"
    )
    print(
        f"hotkey -> highlight  n={s['n']}  median {s['median_ms']} ms  p95 {s['p95_ms']} ms  max {s['max_ms']} ms"
    )
    print(
        f"baseline             n={b['n']}  median {b['median_ms']} ms  p95 {b['p95_ms']} ms  max {b['max_ms']} ms"
    )
    print(f"  baseline: {result['baseline']}")
    print(f"ratio to baseline    median x{result['ratio_median']}  p95 x{result['ratio_p95']}")
    rs, rb = result["span_rerun_settled"], result["baseline_rerun_settled"]
    print(
        f"whole rerun on page  span median {rs['median_ms']} ms  p95 {rs['p95_ms']} ms;  "
        f"baseline median {rb['median_ms']} ms  p95 {rb['p95_ms']} ms"
    )
    if "server_side_ms" in result:
        parts = result["server_side_ms"]
        print(
            f"server side          save_annotation {parts['store_save_annotation']} ms, store reads per run "
            f"{parts['store_reads_per_run']} ms, component payload {parts['component_payload']} ms "
            f"({parts['component_payload_bytes']} bytes)"
        )
    print(
        f"targets median <= {TARGET_MEDIAN_MS:.0f} ms, p95 <= {TARGET_P95_MS:.0f} ms: "
        + ("met" if result["meets_targets"] else "NOT met")
        + ("" if s["n"] >= MIN_SPANS else f" (on only {s['n']} spans)")
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

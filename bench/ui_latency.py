"""UI latency of the span selector in headless Chromium: keypress -> highlight, and keypress -> durably stored.

On a 20,000-character article with 300 existing spans, for each of N new spans: selects a word, presses the
label hotkey and times, inside the page, from the ``keydown``

- to the first animation frame in which the new span is drawn (``data-testid="span"`` at the expected code
  point offsets): the **highlight**. The component draws it at once, before the server answers;
- to the first frame in which that span is drawn from the server's answer (no ``data-pending``): the
  **durable** point. The server acknowledges a span only after the store's transaction committed it.

Interleaved with that, in the same page and run, the **baseline**: a round trip through the same page that
changes nothing (the component's ``ping``: trigger -> full rerun of the page with its store reads -> ack
drawn), from the call to the frame that shows its answer. Ratios are span figure / baseline figure.

What travels is measured too: the websocket bytes received per new span (the text and the component's script
travel once, when the document opens; afterwards only the changed span and its ack), and the first load.

Every figure is the median over ``--runs`` runs (default 3, each a fresh server and browser), with the spread
(min-max over the runs) beside it.

Two apps (``--app``):

- ``workbench`` (default): the real workbench (workbench/server.py -> app.py, Annotate page) on a temporary
  project: the article ingested, released and loaded into a SQLite store, annotator ``ana`` with 300 saved
  (draft) spans logs in through the form; every new span is a real ``store.save_annotation``.
- ``demo``: the span selector alone in tests/apps/span_demo.py (spans kept in session state).

    .venv/bin/python bench/ui_latency.py [--app workbench|demo] [--spans 40] [--runs 3] [--json out.json] [-v]

Targets (issue 14): highlight median <= 50 ms and p95 <= 100 ms; durable p95 <= 500 ms, over at least 30 spans
(fewer, e.g. ``--spans 5``, is allowed for a quick look). Exit status 0 either way (a benchmark, not a test).
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
WORKBENCH = REPO_ROOT / "workbench" / "server.py"  # the launcher of workbench/app.py
ANNOTATOR = "ana"
PASSWORD = "correct horse battery"
TEXT_CHARS = 20_000
EXISTING_SPANS = 300
TARGET_HIGHLIGHT_MEDIAN_MS = 50.0
TARGET_HIGHLIGHT_P95_MS = 100.0
TARGET_DURABLE_P95_MS = 500.0
MIN_SPANS = 30
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


# Select a word and arm the timers: window.__highlight (keydown -> the new span drawn) and window.__durable
# (keydown -> that span drawn from the server's answer), then window.__settled (the whole rerun on the page: no
# stale element left), so that the next action never overlaps the tail of a rerun.
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
  const sc = find('[data-testid="stMain"]') || document.scrollingElement;
  sc.scrollTop += range.getBoundingClientRect().top - window.innerHeight / 2;
  // As after a mouse selection, the component has the focus, so it receives the hotkey.
  const root = find('[data-testid="span-selector"]');
  root.focus({ preventScroll: true });
  document.getSelection().setBaseAndExtent(a, ao, b, bo);
  const sel = `[data-testid="span"][data-start="${start}"][data-end="${end}"]`;
  const t = { t0: null, highlight: null, durable: null };
  window.addEventListener('keydown', () => { if (t.t0 === null) t.t0 = performance.now(); },
                          { capture: true, once: true });
  const deadline = performance.now() + 30000;
  let done;
  window.__highlight = new Promise((resolve, reject) => {
    window.__durable = new Promise((resolveD, rejectD) => {
      window.__settled = new Promise((resolveS, rejectS) => {
        done = { resolve, reject, resolveD, rejectD, resolveS, rejectS };
      });
    });
  });
  for (const p of [window.__highlight, window.__durable, window.__settled]) p.catch(() => {});
  const tick = () => {
    const now = performance.now();
    if (t.t0 !== null) {
      const el = box.querySelector(sel);
      if (t.highlight === null && el) { t.highlight = now - t.t0; done.resolve(t.highlight); }
      if (t.durable === null && el && !el.hasAttribute('data-pending') && root.dataset.pending === '0') {
        t.durable = now - t.t0;
        done.resolveD(t.durable);
      }
      if (t.durable !== null && !document.querySelector('[data-stale="true"]')) {
        done.resolveS(now - t.t0);
        return;
      }
    }
    if (now > deadline) {
      const e = new Error(`timed out (key seen: ${t.t0 !== null}, drawn: ${t.highlight !== null})`);
      done.reject(e); done.rejectD(e); done.rejectS(e);
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return null;
}"""
)

# The baseline: a round trip through the page that changes nothing, timed to the frame that shows its answer,
# then on to the frame in which the whole rerun is on the page.
PING_JS = """() => new Promise((resolve, reject) => {
  const bus = window.__newsspan;
  const t0 = performance.now();
  const sent = bus.ping();
  if (!sent.length) { reject(new Error('no span selector to ping')); return; }
  const [key, op] = sent[0];
  let answered = null;
  const tick = () => {
    const now = performance.now();
    if (answered === null && bus.models.get(key).acked.has(op)) answered = now - t0;
    if (answered !== null && !document.querySelector('[data-stale="true"]')) { resolve([answered, now - t0]); return; }
    if (now - t0 > 30000) { reject(new Error('ping: no answer')); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


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
    """tests/apps/span_demo.py: spans in session state."""

    name = "demo"
    script = DEMO

    def __init__(self, folder: Path, text: str, spans: list[dict]) -> None:
        self.hotkeys = [label["hotkeys"][0] for label in LABELS]
        (folder / "text.txt").write_text(text, encoding="utf-8")
        (folder / "spans.json").write_text(json.dumps(spans), encoding="utf-8")
        (folder / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
        self.env = {
            "SPAN_DEMO_TEXT_FILE": str(folder / "text.txt"),
            "SPAN_DEMO_SPANS_FILE": str(folder / "spans.json"),
            "SPAN_DEMO_LABELS_FILE": str(folder / "labels.json"),
            "SPAN_DEMO_QUIET": "1",
        }
        self.stored: list[tuple[int, int]] = []
        self.page = None

    def open(self, page, url: str) -> None:
        self.page = page
        page.goto(url)

    def collect(self, page) -> None:
        # The demo keeps its spans in the session: read them from the component's own model.
        self.stored = [
            tuple(pair)
            for pair in page.evaluate(
                "() => Array.from([...window.__newsspan.models.values()][0].server.values())"
                ".filter((i) => i.kind === 'span').map((i) => [i.start, i.end])"
            )
        ]


class WorkbenchApp:
    """workbench/server.py on a temporary project: the article ingested, released and loaded into the store,
    annotator ``ana`` with 300 saved (draft) spans; new spans go through the store.

    ``NEWSSPAN_HOME`` and ``NEWSSPAN_DB_URL`` must be set in this process (``project_env``) before it is
    created; the server inherits them."""

    name = "workbench"
    script = WORKBENCH

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
        self.stored: list[tuple[int, int]] = []

    def open(self, page, url: str) -> None:
        page.goto(url)
        page.get_by_label("User name").fill(ANNOTATOR)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    def collect(self, page) -> None:
        self.stored = [(s["start"], s["end"]) for s in self.store.annotations(self.user, self.doc_id)]

    def server_side(self, free: list[tuple[int, int]], repeat: int = 20) -> dict:
        """The store and payload work of one create rerun, timed in this process on the same store, and the
        size of what the rerun sends: the channel's delta, against the whole span list and the text."""
        from corpus.scheme import default_labelset
        from workbench.span_component import Sync, label_specs, render_payload

        saves, payloads, deltas = [], [], []
        sync = Sync()
        document = self.store.document(self.user, self.doc_id)
        data, view = render_payload(
            document["text"], self.store.annotations(self.user, self.doc_id), label_specs(default_labelset())
        )
        full = sync.channel_data("k", view.items)
        sync.browser_has(full["rev"])
        for n, (start, end) in enumerate(free[:repeat]):
            record = {"doc_id": self.doc_id, "start": start, "end": end, "label": self.labels[n % 4]}
            t0 = time.perf_counter()
            self.store.save_annotation(self.user, {**record, "attributes": {}})
            t1 = time.perf_counter()
            spans = self.store.annotations(self.user, self.doc_id)
            _data, view = render_payload(document["text"], spans, label_specs(default_labelset()))
            delta = sync.channel_data("k", view.items)
            sync.browser_has(delta["rev"])
            t2 = time.perf_counter()
            saves.append((t1 - t0) * 1000)
            payloads.append((t2 - t1) * 1000)
            deltas.append(len(json.dumps(delta, ensure_ascii=False).encode("utf-8")))
        return {
            "note": f"median of {len(saves)}, timed in the benchmark process on the same SQLite store after the "
            "browser runs",
            "store_save_annotation_ms": round(statistics.median(saves), 2),
            "annotations_read_and_delta_ms": round(statistics.median(payloads), 2),
            "channel_delta_bytes": int(statistics.median(deltas)),
            "channel_full_bytes": len(json.dumps(full, ensure_ascii=False).encode("utf-8")),
            "component_data_bytes": len(json.dumps(data, ensure_ascii=False).encode("utf-8")),
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


class Bytes:
    """Websocket bytes the page receives, counted as Playwright reports the frames."""

    def __init__(self, page) -> None:
        self.total = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))

    def _add(self, payload: str | bytes) -> None:
        self.total += len(payload if isinstance(payload, bytes) else payload.encode())


def one_run(app: str, n_spans: int, warmup: int, verbose: bool) -> dict:
    """One fresh server and browser: every measurement of every new span, and the app's own figures."""
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
            bench: DemoApp | WorkbenchApp = DemoApp(folder, text, spans)
            times, version = _measure(bench, folder, text, targets, warmup, verbose)
        else:
            with project_env(folder) as db_url:
                bench = WorkbenchApp(folder, text, spans, db_url)
                times, version = _measure(bench, folder, text, targets, warmup, verbose)
                extra["server_side"] = bench.server_side(unused)
    created = sorted(set(bench.stored) - {(s["start"], s["end"]) for s in spans})
    if created != sorted(targets):
        raise SystemExit(
            f"expected {len(targets)} new spans at the chosen words; the app stored {len(created)}, "
            f"{len(set(created) & set(targets))} of them as expected"
        )
    return {"times": times, "chromium": version, **extra}


def _measure(
    bench: DemoApp | WorkbenchApp,
    folder: Path,
    text: str,
    targets: list[tuple[int, int]],
    warmup: int,
    verbose: bool,
) -> tuple[dict[str, list[float]], str]:
    from playwright.sync_api import sync_playwright

    chromium = ensure_chromium()
    server = StreamlitServer(bench.script, env=bench.env, log_dir=folder)
    names = ("highlight", "durable", "settled", "baseline", "baseline_settled", "bytes")
    times: dict[str, list[float]] = {name: [] for name in (*names, "first_load_bytes")}
    try:
        url = server.wait_healthy()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            version = browser.version
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            received = Bytes(page)
            bench.open(page, url)
            page.wait_for_function(
                "() => { const f = " + shadow_js + "; const r = f('[data-testid=\"span-selector\"]');"
                " return r && r.dataset.ready === 'true' && r.dataset.pending === '0'; }"
            )
            page.locator('[data-testid="span"]').nth(EXISTING_SPANS - 1).wait_for(state="attached")
            times["first_load_bytes"].append(received.total)
            for i, (start, end) in enumerate(targets):
                page.evaluate(SETUP_JS, [utf16(text, start), utf16(text, end), start, end])
                before = received.total
                page.keyboard.press(bench.hotkeys[i % len(bench.hotkeys)])
                values = [page.evaluate(f"window.__{name}") for name in ("highlight", "durable", "settled")]
                values.append(float(received.total - before))
                base, base_settled = page.evaluate(PING_JS)
                values[3:3] = [base, base_settled]
                if verbose:
                    print(
                        f"{i:3d} highlight {values[0]:6.1f}  durable {values[1]:6.1f}  settled {values[2]:6.1f}"
                        f"  ping {base:6.1f}  bytes {values[5]:7.0f}",
                        file=sys.stderr,
                    )
                if i >= warmup:
                    for name, value in zip(names, values, strict=True):
                        times[name].append(value)
            bench.collect(page)
            browser.close()
    except Exception:
        print(f"--- streamlit log ---\n{server.logs()}", file=sys.stderr)
        raise
    finally:
        server.stop()
    return times, version


def _spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def run(n_spans: int, app: str = "workbench", runs: int = 3, warmup: int = 3, verbose: bool = False) -> dict:
    per_run = []
    for r in range(runs):
        if verbose:
            print(f"--- run {r + 1} of {runs}", file=sys.stderr)
        outcome = one_run(app, n_spans, warmup, verbose)
        t = outcome["times"]
        highlight, durable, baseline = summary(t["highlight"]), summary(t["durable"]), summary(t["baseline"])
        per_run.append(
            {
                "highlight": highlight,
                "durable": durable,
                "rerun_settled": summary(t["settled"]),
                "baseline_ping": baseline,
                "baseline_settled": summary(t["baseline_settled"]),
                "ratio_highlight_median": round(highlight["median_ms"] / baseline["median_ms"], 3),
                "ratio_durable_p95": round(durable["p95_ms"] / baseline["p95_ms"], 3),
                "bytes_per_new_span_median": int(statistics.median(t["bytes"])),
                "first_load_bytes": int(t["first_load_bytes"][0]),
                "chromium": outcome["chromium"],
                **({"server_side": outcome["server_side"]} if "server_side" in outcome else {}),
            }
        )
    over = {
        "highlight_median_ms": _spread([r["highlight"]["median_ms"] for r in per_run]),
        "highlight_p95_ms": _spread([r["highlight"]["p95_ms"] for r in per_run]),
        "durable_median_ms": _spread([r["durable"]["median_ms"] for r in per_run]),
        "durable_p95_ms": _spread([r["durable"]["p95_ms"] for r in per_run]),
        "baseline_ping_median_ms": _spread([r["baseline_ping"]["median_ms"] for r in per_run]),
        "baseline_ping_p95_ms": _spread([r["baseline_ping"]["p95_ms"] for r in per_run]),
        "ratio_highlight_median_to_ping_median": _spread([r["ratio_highlight_median"] for r in per_run]),
        "ratio_durable_p95_to_ping_p95": _spread([r["ratio_durable_p95"] for r in per_run]),
        "bytes_per_new_span": _spread([r["bytes_per_new_span_median"] for r in per_run]),
        "first_load_bytes": _spread([r["first_load_bytes"] for r in per_run]),
    }
    meets = {
        "highlight_median": over["highlight_median_ms"]["median"] <= TARGET_HIGHLIGHT_MEDIAN_MS,
        "highlight_p95": over["highlight_p95_ms"]["median"] <= TARGET_HIGHLIGHT_P95_MS,
        "durable_p95": over["durable_p95_ms"]["median"] <= TARGET_DURABLE_P95_MS,
    }
    return {
        "benchmark": "span selector: keypress -> highlight and -> durably stored",
        "app": app,
        "article_chars": TEXT_CHARS,
        "existing_spans": EXISTING_SPANS,
        "spans_per_run": n_spans,
        "runs": runs,
        "baseline": "ping: a round trip through the same page that changes nothing (trigger -> full rerun of "
        "the page with its store reads -> answer drawn)",
        "over_runs": over,
        "per_run": per_run,
        "targets": {
            "highlight_median_ms": TARGET_HIGHLIGHT_MEDIAN_MS,
            "highlight_p95_ms": TARGET_HIGHLIGHT_P95_MS,
            "durable_p95_ms": TARGET_DURABLE_P95_MS,
            "min_spans": MIN_SPANS,
        },
        "meets_targets": meets,
        "summary": _summary_rows(over, meets),
        "environment": {
            "python": platform.python_version(),
            "streamlit": _streamlit_version(),
            "machine": f"{platform.machine()}, {os.cpu_count() or 0} cpu",
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        },
    }


def _summary_rows(over: dict, meets: dict) -> list[dict]:
    """Rows for bench/RESULTS.md (``python -m bench``): the median over the runs, the spread in the name."""

    def row(name: str, key: str, unit: str, target: str = "", ok: bool | None = None) -> dict:
        s = over[key]
        out = {
            "name": f"{name} (runs {s['min']:g}-{s['max']:g})",
            "value": s["median"],
            "unit": unit,
            "target": target,
        }
        return out if ok is None else {**out, "ok": ok}

    return [
        row("keypress -> highlight, median", "highlight_median_ms", "ms", "<= 50", meets["highlight_median"]),
        row("keypress -> highlight, p95", "highlight_p95_ms", "ms", "<= 100", meets["highlight_p95"]),
        row("keypress -> durably stored, median", "durable_median_ms", "ms", "reported"),
        row("keypress -> durably stored, p95", "durable_p95_ms", "ms", "<= 500", meets["durable_p95"]),
        row(
            "highlight median / ping round trip median",
            "ratio_highlight_median_to_ping_median",
            "x",
            "reported",
        ),
        row("durable p95 / ping round trip p95", "ratio_durable_p95_to_ping_p95", "x", "reported"),
        row("websocket bytes received per new span", "bytes_per_new_span", "B", "reported"),
    ]


def _streamlit_version() -> str:
    import streamlit

    return streamlit.__version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--app", choices=["workbench", "demo"], default="workbench", help="app to measure")
    parser.add_argument(
        "--spans", type=int, default=40, help=f"new spans per run (the target asks {MIN_SPANS})"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs, each a fresh server and browser (>= 3)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every measurement")
    args = parser.parse_args(argv)
    if args.spans < 1 or args.runs < 1:
        parser.error("--spans and --runs must be at least 1")
    if args.spans < MIN_SPANS:
        print(f"note: {args.spans} spans, fewer than the {MIN_SPANS} the target asks for", file=sys.stderr)
    result = run(args.spans, app=args.app, runs=args.runs, verbose=args.verbose)
    print(
        f"app {result['app']}: article {result['article_chars']} chars, {result['existing_spans']} spans, "
        f"{result['runs']} runs x {result['spans_per_run']} new spans (median over runs, min-max)"
    )
    for row in result["summary"]:
        verdict = "" if "ok" not in row else ("  met" if row["ok"] else "  NOT met")
        print(f"  {row['name']:<62} {row['value']:>9} {row['unit']:<3} {row['target']}{verdict}")
    o = result["over_runs"]
    print(
        f"  baseline ping round trip: median {o['baseline_ping_median_ms']['median']} ms, "
        f"p95 {o['baseline_ping_p95_ms']['median']} ms; first load {o['first_load_bytes']['median']:.0f} bytes"
    )
    side = result["per_run"][-1].get("server_side")
    if side:
        print(
            f"  server side (last run): save_annotation {side['store_save_annotation_ms']} ms; channel delta "
            f"{side['channel_delta_bytes']} B vs all spans {side['channel_full_bytes']} B; component data "
            f"(text, labels: sent once) {side['component_data_bytes']} B"
        )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m bench`` (``make bench``): run every ``bench/*.py`` benchmark and write ``bench/RESULTS.md``.

Each benchmark runs in its own process with ``--json bench/results/<name>.json`` (and ``--quick`` when it has that
option, unless ``--full``), under a time limit. ``RESULTS.md`` lists each ratio or percentile beside its target,
with the machine's core count and the date. A benchmark that fails or times out is reported as such; the others
still run. Files starting with ``_`` are helpers, not benchmarks.

    .venv/bin/python -m bench [--full] [--only NAME[,NAME]] [--timeout SECONDS]

The default (quick) sizes keep the whole run well under 15 minutes on 2 cores; ``--full`` runs the sizes the
issues name (100,000 documents for the release benchmarks).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
# Extra arguments per benchmark in quick mode, for those without a --quick option of their own.
QUICK_ARGS: dict[str, list[str]] = {"store_latency": [], "ui_latency": ["--spans", "30"]}
ORDER = [
    "cli_start",
    "agreement",
    "release_build",
    "load_dataset",
    "import_export",
    "suggest_corpus",
    "store_latency",
    "ui_latency",
]


def benchmarks() -> list[Path]:
    found = [p for p in BENCH.glob("*.py") if not p.name.startswith("_")]
    return sorted(found, key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem))


def run_one(script: Path, *, full: bool, timeout: float) -> dict[str, Any]:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{script.stem}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(script), "--json", str(out)]
    if not full:
        command += ["--quick"] if "--quick" in script.read_text() else QUICK_ARGS.get(script.stem, [])
    started = time.perf_counter()
    print(f"== {script.stem}: {' '.join(command[1:])}", flush=True)
    try:
        done = subprocess.run(command, timeout=timeout, cwd=BENCH.parent, text=True, capture_output=True)
    except subprocess.TimeoutExpired:
        return {"status": f"timed out after {timeout:.0f} s", "seconds": timeout}
    seconds = time.perf_counter() - started
    print(done.stdout.strip()[-2000:], flush=True)
    if done.returncode != 0 or not out.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"status": f"failed (exit {done.returncode}): {tail[0][:200]}", "seconds": seconds}
    return {"status": "ok", "seconds": seconds, "result": json.loads(out.read_text())}


def summary_rows(name: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of (name, value, unit, target, ok) from a benchmark's JSON: its ``summary`` list when it has one,
    else what the store and UI latency benchmarks report."""
    if "summary" in result:
        return result["summary"]
    rows = []
    if name == "store_latency":
        for backend, figures in result.get("backends", {}).items():
            if "skipped" in figures:
                rows.append({"name": f"store save, {backend}", "value": "skipped", "unit": "", "target": ""})
                continue
            save = figures["save"]
            label = f"store save, {backend}, {figures['writers']} writers"
            rows.append(
                {"name": f"{label}: p50", "value": save["p50_ms"], "unit": "ms", "target": "reported"}
            )
            rows.append(
                {"name": f"{label}: p95", "value": save["p95_ms"], "unit": "ms", "target": "reported"}
            )
            rows.append(
                {
                    "name": f"{label}: p95 / bare INSERT p95",
                    "value": figures["ratio_p95"],
                    "unit": "x",
                    "target": "reported",
                }
            )
    elif name == "ui_latency":
        spans, targets = result["span_latency"], result["targets"]
        rows.append(
            {
                "name": "hotkey -> highlight, median",
                "value": spans["median_ms"],
                "unit": "ms",
                "target": f"<= {targets['median_ms']:g}",
                "ok": spans["median_ms"] <= targets["median_ms"],
            }
        )
        rows.append(
            {
                "name": "hotkey -> highlight, p95",
                "value": spans["p95_ms"],
                "unit": "ms",
                "target": f"<= {targets['p95_ms']:g}",
                "ok": spans["p95_ms"] <= targets["p95_ms"],
            }
        )
        rows.append(
            {
                "name": "hotkey -> highlight, median / "
                + ("span-select rerun" if result.get("app") == "workbench" else "st.button"),
                "value": result["ratio_median"],
                "unit": "x",
            }
        )
    else:
        for key, value in result.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                rows.append({"name": key, "value": value, "unit": "", "target": ""})
    return rows


def write_results(outcomes: dict[str, dict[str, Any]], *, full: bool, wall: float) -> Path:
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        f"- Sizes: {'full (the sizes named in the issues)' if full else 'quick (python -m bench)'}; "
        f"whole run {wall / 60:.1f} min",
        "- Ratios compare with a baseline measured in the same run (see each script's docstring).",
        "",
        "| benchmark | measure | value | target | met |",
        "|---|---|---:|---|---|",
    ]
    for name, outcome in outcomes.items():
        if outcome["status"] != "ok":
            lines.append(f"| {name} | {outcome['status']} | | | |")
            continue
        for row in summary_rows(name, outcome["result"]):
            met = {True: "yes", False: "**no**"}.get(row.get("ok"), "")
            value = f"{row['value']} {row.get('unit', '')}".strip()
            lines.append(f"| {name} | {row['name']} | {value} | {row.get('target', '')} | {met} |")
    lines += ["", "Raw figures: `bench/results/*.json`. Run times:", ""]
    lines += [
        f"- {name}: {outcome['seconds']:.0f} s ({outcome['status']})" for name, outcome in outcomes.items()
    ]
    path = BENCH / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="the issues' full sizes (slower)")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument("--timeout", type=float, default=600, help="per benchmark, seconds")
    args = parser.parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else None
    started = time.perf_counter()
    outcomes = {}
    for script in benchmarks():
        if wanted is None or script.stem in wanted:
            outcomes[script.stem] = run_one(script, full=args.full, timeout=args.timeout)
    path = write_results(outcomes, full=args.full, wall=time.perf_counter() - started)
    print(path.read_text())
    return 0 if all(o["status"] == "ok" for o in outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

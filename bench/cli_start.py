"""CLI start-up: wall time of ``newsspan --help`` against ``python -c "import typer"``, in the same run.

Both are started as fresh processes, interleaved (one of each per round, so a noisy neighbour hits both), ten
rounds. The baseline is the least any typer CLI costs: the interpreter plus typer. The figure is the median of
the per-round ratios, with their spread (min-max) and each side's median. Target: ratio <= 2.

    .venv/bin/python bench/cli_start.py [--rounds 10] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 2.0
ROOT = Path(__file__).resolve().parents[1]


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="same size (it is quick already)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    newsspan = [str(Path(sys.executable).parent / "newsspan"), "--help"]
    baseline = [sys.executable, "-c", "import typer"]
    wall(newsspan), wall(baseline)  # warm the file cache once for both
    cli, base = [], []
    for _ in range(args.rounds):
        cli.append(wall(newsspan))
        base.append(wall(baseline))
    ratios = [c / b for c, b in zip(cli, base, strict=True)]
    ratio = statistics.median(ratios)
    out = {
        "benchmark": "newsspan --help against python -c 'import typer'",
        "rounds": args.rounds,
        "cli_median_ms": round(statistics.median(cli) * 1000, 1),
        "baseline_median_ms": round(statistics.median(base) * 1000, 1),
        "ratio_median": round(ratio, 2),
        "ratio_min": round(min(ratios), 2),
        "ratio_max": round(max(ratios), 2),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "summary": [
            {
                "name": f"newsspan --help / import typer (median of {args.rounds}, "
                f"spread {min(ratios):.2f}-{max(ratios):.2f})",
                "value": round(ratio, 2),
                "unit": "x",
                "target": f"<= {TARGET_RATIO:g}",
                "ok": ratio <= TARGET_RATIO,
            },
            {
                "name": "newsspan --help, median wall",
                "value": round(statistics.median(cli) * 1000, 1),
                "unit": "ms",
                "target": "reported",
            },
        ],
    }
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What every benchmark reports the same way: a median with its spread, the machine, and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any


def figures(values: list[float], digits: int = 3) -> dict[str, Any]:
    """Median, min, max and every run (figures are medians of several runs; the spread shows the noise)."""
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": [round(v, digits) for v in values],
    }


def stamp() -> dict[str, Any]:
    """The machine and the date a result was measured on."""
    return {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "date": time.strftime("%Y-%m-%d"),
    }


def write_json(result: dict[str, Any], path: Path | None) -> None:
    """Write ``result`` where ``--json`` asked (nothing when it was not given)."""
    if path:
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


def print_summary(rows: list[dict[str, Any]]) -> None:
    """One line per figure: name, value, unit and target."""
    for row in rows:
        print(f"{row['name']}: {row['value']} {row['unit']} (target {row['target']})")

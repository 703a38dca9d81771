"""Evaluation reports on disk: ``<models>/evaluations/<time>.json``, newest last by name, for the Progress page's
learning curve and for comparing runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corpus.learn.model import models_dir

EVALUATIONS = "evaluations"


def evaluations_dir(root: Path | None = None) -> Path:
    return (root or models_dir()) / EVALUATIONS


def save_evaluation(report: dict[str, Any], root: Path | None = None) -> Path:
    """Write ``report`` as ``<models>/evaluations/<created_at>.json`` (a numbered suffix if that exists)."""
    folder = evaluations_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    stem = str(report["created_at"]).replace(":", "").replace("-", "")
    path = folder / f"{stem}.json"
    suffix = 1
    while path.exists():
        suffix += 1
        path = folder / f"{stem}-{suffix}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def latest_evaluation(root: Path | None = None) -> dict[str, Any] | None:
    """The newest evaluation report, or None when ``learn --evaluate`` never ran."""
    folder = evaluations_dir(root)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    return json.loads(files[-1].read_text(encoding="utf-8")) if files else None

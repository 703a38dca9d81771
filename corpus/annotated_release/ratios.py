"""Split ratios of an annotated release: read from the command line, checked before anything is written."""

from __future__ import annotations

from collections.abc import Mapping

from corpus.errors import NewsspanError

SPLITS = ("train", "validation", "test")


def parse_ratios(text: str) -> dict[str, float]:
    """``"0.8,0.1,0.1"`` (or percentages ``"80,10,10"``) as train/validation/test ratios."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        values = []
    if len(values) != 3 or any(value < 0 for value in values) or not sum(values):
        raise NewsspanError(
            f"cannot read split ratios {text!r}",
            hint="give three numbers for train,validation,test: 0.8,0.1,0.1",
        )
    total = sum(values)
    if abs(total - 1.0) > 1e-6 and abs(total - 100.0) > 1e-6:
        raise NewsspanError(f"split ratios {text!r} add up to {total:g}", hint="they must sum to 1 (or 100)")
    return {name: value / total for name, value in zip(SPLITS, values, strict=True)}


def check_ratios(ratios: Mapping[str, float]) -> None:
    """Refuse ratios that are negative or do not sum to 1 (``corpus.splits`` needs both)."""
    if abs(sum(ratios.values()) - 1.0) > 1e-9 or any(value < 0 for value in ratios.values()):
        raise NewsspanError(
            f"split ratios must be non-negative and sum to 1, got {dict(ratios)}",
            hint="e.g. --ratios 0.8,0.1,0.1",
        )

"""Krippendorff's alpha, our own implementation (the ``krippendorff`` package on PyPI is GPL-3).

Two entry points:

* :func:`alpha` over general reliability data (units x coders, ``None`` for a missing value) at the nominal,
  ordinal, interval or ratio level, following Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability"
  (coincidence matrix, expected disagreement from the pairable values only; units with fewer than two values are
  left out).
* :class:`BinaryCoincidences`, the coincidence matrix of a binary nominal variable built from *counts*: "so many
  units where k of m coders said 1". Span agreement over characters (or tokens) uses it: a character is a unit,
  every annotator of the document codes it 1 when it lies in one of their spans of the label. Counting runs of
  characters with the same coverage instead of visiting every character keeps it fast on long documents.

``alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_{c,k} o_ck * delta2_ck / sum_{c,k} n_c * n_k * delta2_ck``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

LEVELS = ("nominal", "ordinal", "interval", "ratio")


def coincidences(units: Iterable[Sequence[Hashable | None]]) -> defaultdict[tuple[Hashable, Hashable], float]:
    """The coincidence matrix ``o_ck`` (value pair -> weight; weights are fractions) of pairable values."""
    matrix: defaultdict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = [value for value in unit if value is not None]
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    matrix[(c, k)] += pairs / (m - 1)
    return matrix


def _delta2(level: str, marginals: dict[Any, float]) -> Callable[[Any, Any], float]:
    """The squared difference function of a level of measurement (values of interval/ratio/ordinal levels are
    numbers or sortable; nominal values only need equality)."""
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ratio":
        return lambda c, k: 0.0 if c == k else ((c - k) / (c + k)) ** 2
    if level == "ordinal":
        ordered = sorted(marginals)
        rank = {value: index for index, value in enumerate(ordered)}
        cumulative = [0.0]
        for value in ordered:
            cumulative.append(cumulative[-1] + marginals[value])

        def ordinal(c: Any, k: Any) -> float:
            low, high = sorted((rank[c], rank[k]))
            if low == high:
                return 0.0
            between = cumulative[high + 1] - cumulative[low]  # n_g for g from low to high, inclusive
            return (between - (marginals[ordered[low]] + marginals[ordered[high]]) / 2) ** 2

        return ordinal
    raise ValueError(f"unknown level {level!r}; use one of {', '.join(LEVELS)}")


def alpha(units: Iterable[Sequence[Hashable | None]], level: str = "nominal") -> float | None:
    """Krippendorff's alpha of ``units`` (each a sequence with one value per coder, ``None`` when missing).

    Returns None when it is undefined: fewer than two pairable values, or no variation at all (every pairable
    value the same, D_e = 0).
    """
    matrix = coincidences(units)
    marginals: dict[Hashable, float] = {}
    for (c, _k), count in matrix.items():
        marginals[c] = marginals.get(c, 0.0) + count
    n = sum(marginals.values())
    if n < 2:
        return None
    delta2 = _delta2(level, marginals)
    observed = sum(count * delta2(c, k) for (c, k), count in matrix.items())
    expected = sum(n_c * n_k * delta2(c, k) for c, n_c in marginals.items() for k, n_k in marginals.items())
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


@dataclass
class BinaryCoincidences:
    """The coincidence matrix of a binary nominal variable (0 = outside, 1 = inside a span), accumulated
    from counts of units. Adding two of them pools their units (used for the all-labels figure)."""

    o00: float = 0.0
    o01: float = 0.0  # = o10
    o11: float = 0.0

    def add(self, coders: int, ones: int, units: int = 1) -> None:
        """``units`` units, each coded by ``coders`` coders of whom ``ones`` said 1."""
        if coders < 2 or units <= 0:
            return
        zeros = coders - ones
        weight = units / (coders - 1)
        self.o11 += ones * (ones - 1) * weight
        self.o00 += zeros * (zeros - 1) * weight
        self.o01 += ones * zeros * weight

    def __iadd__(self, other: BinaryCoincidences) -> BinaryCoincidences:
        self.o00 += other.o00
        self.o01 += other.o01
        self.o11 += other.o11
        return self

    def alpha(self) -> float | None:
        """Nominal alpha; None when undefined (no pairable values, or only one value ever used)."""
        n1 = self.o11 + self.o01
        n0 = self.o00 + self.o01
        n = n0 + n1
        if n < 2 or n0 == 0 or n1 == 0:
            return None
        # D_o / D_e with delta 1 off the diagonal: (2 * o01) / (2 * n0 * n1 / (n - 1))
        return 1.0 - (n - 1) * self.o01 / (n0 * n1)

"""Timing on a shared, noisy machine: warm-ups, interleaved runs, medians, and the result rows.

archmeta and its floor are timed alternately (A B A B ...) after one warm-up each, so a burst
of load from a neighbour hits both sides alike; each side's median is kept. Ratios of the two
are what the targets are stated in; seconds alone say little on a shared host.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


def timed(func: Callable[[], object]) -> float:
    """Seconds one call takes (a collection first, so garbage from the last run is not billed)."""
    gc.collect()
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def medians(funcs: list[Callable[[], object]], repeat: int, warmup: int = 1) -> list[float]:
    """The median seconds of each function over ``repeat`` interleaved runs after warm-ups."""
    for _ in range(warmup):
        for func in funcs:
            func()
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for index, func in enumerate(funcs):
            samples[index].append(timed(func))
    return [statistics.median(s) for s in samples]


@dataclass(frozen=True)
class Target:
    """A performance target: ``ratio <= limit`` (``at_most``) or ``ratio >= limit``.

    An ``absolute`` target compares archmeta's own value (a peak in MB, say) with the limit.
    """

    limit: float
    at_most: bool = True
    text: str = ""
    absolute: bool = False

    def met(self, ratio: float) -> bool:
        return ratio <= self.limit if self.at_most else ratio >= self.limit

    def describe(self) -> str:
        return self.text or (f"<= {self.limit:g}x" if self.at_most else f">= {self.limit:g}x")


@dataclass
class Row:
    """One line of the result table: archmeta's value, the floor's (or peer's), their ratio."""

    group: str
    work: str
    archmeta: float
    floor: float
    floor_name: str
    unit: str
    target: Target | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.archmeta / self.floor if self.floor else math.inf

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.target.met(self.archmeta if self.target.absolute else self.ratio)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = self.target.describe() if self.target else None
        data["ratio"] = self.ratio
        data["passed"] = self.passed
        return data


def _value(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "gain":
        return f"{value:+.0%}"
    if unit == "µs":
        return f"{value:.1f} µs" if value < 1000 else f"{value / 1000:.2f} ms"
    return f"{value:.3g} {unit}"


def _ratio(ratio: float) -> str:
    # Small ratios (archmeta far faster than a peer) keep two significant digits.
    return f"{ratio:.2f}x" if abs(ratio) >= 0.1 else f"{ratio:.2g}x"


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (readable in a terminal and in docs/performance.md)."""
    lines = [
        "| work | archmeta | floor / peer | floor | ratio | target | result |",
        "| --- | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        result = {None: "info", True: "pass", False: "**FAIL**"}[row.passed]
        lines.append(
            f"| {row.work} | {_value(row.archmeta, row.unit)} | {row.floor_name} | "
            f"{_value(row.floor, row.unit)} | {_ratio(row.ratio)} | "
            f"{row.target.describe() if row.target else ''} | {result} |"
        )
    return "\n".join(lines)

"""Figures of the benchmark: repeated measurements, their median, min and max, and ratios.

A figure is never one number: the machine may be busy, so each is at least three runs and
carries its spread. A ratio a/b is reported as the ratio of the medians, with the widest
range the runs allow: min(a)/max(b) to max(a)/min(b).
"""
import statistics


class Figure:
    def __init__(self, values, unit=""):
        values = [float(v) for v in values]
        if not values:
            raise ValueError("a figure needs at least one measurement")
        self.values = values
        self.unit = unit

    @property
    def median(self):
        return statistics.median(self.values)

    @property
    def min(self):
        return min(self.values)

    @property
    def max(self):
        return max(self.values)

    def scaled(self, factor, unit=None):
        """The same runs in another unit, e.g. samples/s → GFLOP/s."""
        return Figure([v * factor for v in self.values], self.unit if unit is None else unit)

    def ratio_to(self, other):
        """self / other: median of medians, range from the extremes."""
        return Ratio(self.median / other.median, self.min / other.max, self.max / other.min)

    def __str__(self):
        return f"{number(self.median)} ({number(self.min)}–{number(self.max)})"


class Ratio:
    def __init__(self, value, low, high):
        self.value, self.low, self.high = value, low, high

    def __str__(self):
        return f"{ratio_text(self.value)} ({ratio_text(self.low)}–{ratio_text(self.high)})"


def best(figures):
    """The figure with the highest median (a peer "at its best"), with its key."""
    key = max(figures, key=lambda k: figures[k].median)
    return key, figures[key]


def number(x):
    """Three significant figures, thousands separated: 4,310 · 61.2 · 0.0123."""
    if x == 0:
        return "0"
    magnitude = abs(x)
    if magnitude >= 1000:
        return f"{x:,.0f}"
    if magnitude >= 100:
        return f"{x:.0f}"
    if magnitude >= 10:
        return f"{x:.1f}"
    if magnitude >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def ratio_text(x):
    return f"{x:.0f}×" if x >= 100 else f"{x:.3g}×" if x >= 1 else f"{x:.2f}×"

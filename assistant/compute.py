"""Pure arithmetic over stated figures: shares, sums, changes, per-participant costs, budget use, and the
checks that a report's own numbers add up. Each result carries its formula in numbers ('15 / 36 = 41,7 %')."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.numbers import format_swedish
from index.tables import Difference

#: A stated percentage matches the recomputed one within rounding (0.5 points), or 1.5 points after "ca".
PERCENT_TOLERANCE = 0.5
APPROX_PERCENT_TOLERANCE = 1.5


@dataclass(frozen=True)
class Computed:
    value: float
    unit: str
    formula: str


@dataclass(frozen=True)
class Check:
    ok: bool
    discrepancy: float
    """Stated minus recomputed (0 when the check holds), in the unit of the checked figure."""
    unit: str
    formula: str


def _n(value: float, unit: str | None = None) -> str:
    return format_swedish(value, unit)


def share(part: float, whole: float) -> Computed:
    """part / whole as a percentage."""
    if whole == 0:
        raise ZeroDivisionError("andel av noll / share of zero")
    value = part / whole * 100
    return Computed(value, "procent", f"{_n(part)} / {_n(whole)} = {_n(value, 'procent')}")


def total(values: Sequence[float], unit: str | None = None) -> Computed:
    value = float(sum(values))
    terms = " + ".join(_n(v) for v in values)
    return Computed(value, unit or "antal", f"{terms} = {_n(value, unit)}")


def change(old: float, new: float) -> Computed:
    """Percentage change from old to new."""
    if old == 0:
        raise ZeroDivisionError("förändring från noll / change from zero")
    value = (new - old) / old * 100
    return Computed(value, "procent", f"({_n(new)} − {_n(old)}) / {_n(old)} = {_n(value, 'procent')}")


def difference(old: float, new: float, unit: str | None = None) -> Computed:
    value = new - old
    subtracted = f"({_n(old)})" if old < 0 else _n(old)  # '−1 070 000 − (−1 190 000)'
    return Computed(value, unit or "antal", f"{_n(new)} − {subtracted} = {_n(value, unit)}")


def per_unit(amount: float, count: float, unit: str = "kr") -> Computed:
    if count == 0:
        raise ZeroDivisionError("per noll / per zero")
    value = amount / count
    return Computed(value, unit, f"{_n(amount, unit)} / {_n(count)} = {_n(round(value), unit)} per deltagare")


def budget_used(outcome: float, budget: float) -> Computed:
    """Share of the budget used (utfall / budget)."""
    if budget == 0:
        raise ZeroDivisionError("budget noll / zero budget")
    value = outcome / budget * 100
    return Computed(
        value, "procent", f"utfall {_n(outcome, 'kr')} / budget {_n(budget, 'kr')} = {_n(value, 'procent')}"
    )


def check_parts(stated_total: float, parts: Sequence[float], unit: str | None = None) -> Check:
    """Do the parts (women and men, items of a list, rows of a table) add up to the stated total?"""
    summed = float(sum(parts))
    gap = stated_total - summed
    sign = "=" if gap == 0 else "≠"
    terms = " + ".join(_n(p) for p in parts)
    return Check(
        gap == 0, gap, unit or "antal", f"{terms} = {_n(summed, unit)} {sign} {_n(stated_total, unit)}"
    )


def check_percentage(stated: float, part: float, whole: float, approx: bool = False) -> Check:
    """Does a stated percentage match part / whole? Rounding (and 'ca') is allowed for."""
    recomputed = share(part, whole).value
    gap = stated - recomputed
    tolerance = APPROX_PERCENT_TOLERANCE if approx else PERCENT_TOLERANCE
    ok = abs(gap) <= tolerance
    sign = "≈" if ok else "≠"
    return Check(
        ok,
        gap,
        "procent",
        f"{_n(part)} / {_n(whole)} = {_n(recomputed, 'procent')} {sign} angivet {_n(stated, 'procent')}",
    )


def check_deviation(
    outcome: float, budget: float, deviation: float, direction: Difference = "utfall-budget"
) -> Check:
    """utfall − budget = avvikelse, as the table states it; budget − utfall for a table whose difference
    runs the other way ('Budget Utfall Differens')."""
    if direction == "budget-utfall":
        expected = budget - outcome
        terms = f"budget {_n(budget, 'kr')} − utfall {_n(outcome, 'kr')}"
    else:
        expected = outcome - budget
        terms = f"{_n(outcome, 'kr')} − {_n(budget, 'kr')}"
    gap = deviation - expected
    sign = "=" if gap == 0 else "≠"
    return Check(
        gap == 0,
        gap,
        "kr",
        f"{terms} = {_n(expected, 'kr')} {sign} angiven avvikelse {_n(deviation, 'kr')}",
    )

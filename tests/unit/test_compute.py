import pytest

from assistant.compute import (
    budget_used,
    change,
    check_deviation,
    check_parts,
    check_percentage,
    difference,
    per_unit,
    share,
    total,
)


@pytest.mark.parametrize(
    ("part", "whole", "expected", "formula"),
    [
        (15, 36, 41.6667, "15 / 36 = 41,7 %"),
        (33, 76, 43.4211, "33 / 76 = 43,4 %"),
        (12, 22, 54.5455, "12 / 22 = 54,5 %"),
        (0, 5, 0.0, "0 / 5 = 0,0 %"),
    ],
)
def test_share(part, whole, expected, formula):
    result = share(part, whole)
    assert result.value == pytest.approx(expected, abs=1e-4)
    assert result.unit == "procent" and result.formula == formula


def test_share_of_zero_is_an_error():
    with pytest.raises(ZeroDivisionError):
        share(3, 0)


@pytest.mark.parametrize(
    ("values", "unit", "expected", "formula"),
    [
        ([14, 26, 13], "personer", 53, "14 + 26 + 13 = 53 personer"),
        ([625000, 625000, 387500], "kr", 1637500, "625 000 + 625 000 + 387 500 = 1 637 500 kr"),
        ([], None, 0, " = 0"),
    ],
)
def test_total(values, unit, expected, formula):
    result = total(values, unit)
    assert result.value == expected and result.formula == formula


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [(107, 95, -11.215), (80, 96, 20.0), (100, 100, 0.0), (4, 10, 150.0)],
)
def test_change_matches_naive_formula(old, new, expected):
    result = change(old, new)
    assert result.value == pytest.approx((new - old) / old * 100)
    assert result.value == pytest.approx(expected, abs=1e-3)
    assert difference(old, new).value == new - old


def test_change_formula_reads_in_swedish():
    assert change(107, 95).formula == "(95 − 107) / 107 = -11,2 %"


def test_per_unit_and_budget_used():
    assert per_unit(1975068, 222).value == pytest.approx(1975068 / 222)
    assert "per deltagare" in per_unit(1975068, 222).formula
    used = budget_used(1975068, 3640753)
    assert used.value == pytest.approx(1975068 / 3640753 * 100)


@pytest.mark.parametrize(
    ("stated", "parts", "ok", "gap"),
    [
        (95, [48, 47], True, 0),
        (287, [125, 145], False, 17),  # 125 + 145 = 270
        (20, [7, 13], True, 0),
        (10, [6, 4, 1], False, -1),
    ],
)
def test_check_parts(stated, parts, ok, gap):
    result = check_parts(stated, parts, "personer")
    assert result.ok is ok and result.discrepancy == gap
    assert ("≠" in result.formula) is (not ok)


@pytest.mark.parametrize(
    ("stated", "part", "whole", "approx", "ok"),
    [
        (42, 15, 36, True, True),  # 41.7 % stated as "ca 42 %"
        (43, 3, 6, False, False),  # 50 % stated as 43 %
        (74, 20, 27, False, True),  # 74.07 %
        (41, 15, 36, False, False),  # 41.7 vs 41 without "ca": more than rounding
    ],
)
def test_check_percentage(stated, part, whole, approx, ok):
    result = check_percentage(stated, part, whole, approx)
    assert result.ok is ok
    assert result.discrepancy == pytest.approx(stated - part / whole * 100)


@pytest.mark.parametrize(
    ("outcome", "budget", "deviation", "ok"),
    [(0, 475000, -475000, True), (100000, 50000, 50000, True), (3911, 25000, -21090, False)],
)
def test_check_deviation(outcome, budget, deviation, ok):
    result = check_deviation(outcome, budget, deviation)
    assert result.ok is ok
    assert result.discrepancy == deviation - (outcome - budget)


# Rows of the 'Budget Utfall Differens' table of the 2016 årsredovisning (p. 19), whose Differens is
# budget − utfall; the last is the 2020 Webbredaktör row, which adds up under neither direction.
@pytest.mark.parametrize(
    ("outcome", "budget", "deviation", "ok"),
    [
        (5338201, 6004000, 665799, True),
        (536017, 220000, -316017, True),
        (7620472, 8350000, 729528, True),
        (3911, 25000, -21090, False),
    ],
)
def test_check_deviation_budget_minus_outcome(outcome, budget, deviation, ok):
    result = check_deviation(outcome, budget, deviation, "budget-utfall")
    assert result.ok is ok
    assert result.discrepancy == deviation - (budget - outcome)
    assert result.formula.startswith(f"budget {budget:,} kr − utfall {outcome:,} kr = ".replace(",", " "))
    assert ("≠" in result.formula) is (not ok)
    # read the other way round the same row is a false alarm (unless the difference is zero)
    assert check_deviation(outcome, budget, deviation).ok is False

"""Budget and result tables read from a report's text: headers, rows split into columns, sums checked.

PDF text exports lose the table grid: a row of the income statement arrives as one line,
'Piteå, Tidsam 0 475 000 -475 000 950 000', where the space is also the thousands separator. The digit
groups are cut into one number per column every way the number grammar allows, and the cut where
utfall − budget = avvikelse is taken. A printed cell may be blank ('Övriga kostnader 210000 278 155' under
Budget / Utfall / Differens): when no full cut fits, one empty cell is allowed if that reading is the only
one. When nothing fits, the row says so instead of guessing quietly.
Pure functions over text, no I/O.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

Difference = Literal["utfall-budget", "budget-utfall"]

CHECKED = ("utfall", "budget", "avvikelse")
"""Columns that check each other: avvikelse = utfall − budget (or budget − utfall, 'Differens')."""
DIFFERENCE_MEASURES: dict[Difference, str] = {
    "utfall-budget": "avvikelse",
    "budget-utfall": "avvikelse (budget − utfall)",
}
"""The measure a row's avvikelse gets as a figure (`index.extract.rows.table_row_figures`): a budget − utfall
difference is named so, which carries the sign convention to the checks and keeps it out of series of
utfall − budget avvikelser, whose sign means the opposite."""
MAX_LABEL_GROUPS = 1
"""Digit groups that may belong to the label when the columns only add up without them."""
MAX_AMOUNT = 100_000_000
"""A samordningsförbund's amounts stay below 100 million kronor (the largest turn over a few tens of
millions): only a prior for reading blank cells, where '260 000 193 294' could also be 260 000 193 | 294."""
MAX_HEADINGS = 5
"""Consecutive lines without figures (section rows, empty rows) before a table is taken to have ended."""
MAX_GROUPS = 30
"""More digit groups than this on one line is not a table row (and would make the enumeration slow)."""

_NAMED = {
    "utfall": "utfall",
    "budget": "budget",
    "avvikelse": "avvikelse",
    "differens": "avvikelse",
    "årsbudget": "årsbudget",
    "arsbudget": "årsbudget",
    "helårsbudget": "årsbudget",
    "helarsbudget": "årsbudget",
    "prognos": "prognos",
    "helårsprognos": "prognos",
}
_NAMED_OCR = [
    (re.compile(r"^(utfall|budget)jan-?$"), None),  # 'Utfalljan-' / 'budgetjan-': 'jan–dec' glued on
    (re.compile(r"^in[gq]\S?ende$"), "ingående"),  # Ingående, OCR 'Ingaende'
    (re.compile(r"^utg\S?ende$"), "utgående"),
]
_WHOLE_YEAR = {"helår", "helar", "helåret", "helaret"}
_QUALIFIERS = {"periodens", "aktuell", "ackumulerat", "ackumulerad", "års-", "ars-", "helårs-", "helars-"}
_YEAR_PREFIXES = {"års-", "ars-", "helårs-", "helars-"}
# A sentence that names columns ('Sammanställning av utfall och budget') is not a header.
_PROSE_WORDS = {"och", "av", "för", "for", "som", "är", "till", "med", "mot", "att", "har", "blev"}
# verbs of a sentence explaining the columns ('Kolumnen Differens visar utfall minus budget.')
_PROSE_WORDS |= {"visar", "anger", "avser", "redovisar", "innebär", "betyder", "beräknas", "räknas"}
# 'Avvikelse utfall - budget' names one column, as does 'Differens budget – utfall'.
_DESCRIBED = re.compile(r"(?i)\b(avvikelse|differens)\s+(?:utfall|budget)\s*[-–]\s*(?:utfall|budget)?")
_STRIP = "~|'\"()[]:;,."
_DATE = re.compile(r"^[-–]?((?:19|20)\d\d)-\d\d-\d\d$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_HAS_YEAR = re.compile(r"(?:19|20)\d\d")
_NUMBER_TOKEN = re.compile(r"^([-−–]?)(\d+)$")
_GLUED = re.compile(r"^(.*[^\W\d_].*?[^\d\s])(\d+)$")  # 'revisionskostnader.42', 'reseersättning11'
_NOISE = {"=", "~", "|", "'", "—", "‘"}  # OCR debris between table cells
_MINUS_TOKENS = {"-", "−", "–"}
_SUM_PREFIX = re.compile(r"^(?:summa|totalt|total)\b[\s:]*", re.IGNORECASE)
_CONTINUES = re.compile(r"(?:[-,]|\b(?:och|samt|eller|av|för|for|till|i|OCH|SAMT))$")


@dataclass(frozen=True)
class RowSplit:
    """One table line cut into its label and one value per column."""

    label: str
    values: dict[str, float]
    consistent: bool | None
    """Whether utfall − budget = avvikelse holds; None when the columns give no such check."""
    alternatives: int
    """How many cuts of the digit groups fit the number grammar (in the pool the choice was made from)."""
    problem: str | None = None
    """In Swedish, why the values cannot be trusted as they stand."""


@dataclass(frozen=True)
class TableHeader:
    columns: list[str]
    first: int
    last: int
    """Line indices of the header's first and last line (a header may span lines)."""
    heading: str = ""
    """What the row column holds, when the header names it ('Medlemsavgifter' in 'Medlemsavgifter (kr)
    2023 2022'): a row's figures are of that measure."""


@dataclass(frozen=True)
class TableRow:
    table: int
    """0-based number of the table in the text."""
    columns: tuple[str, ...]
    label: str
    values: dict[str, float]
    consistent: bool | None
    alternatives: int
    problem: str | None
    difference: Difference
    """The sign convention of the row's table: avvikelse = utfall − budget, or budget − utfall
    ('Budget Utfall Differens'); chosen per table by which one more rows add up under."""
    section: str | None
    """The innermost section row the row stands under ('INDIVIDINRIKTADE INSATSER')."""
    sections: tuple[str, ...]
    """Outer section, then inner (a mixed-case sub-heading under an upper-case one)."""
    is_sum: bool
    start: int
    end: int
    """Span of the row's line in the text (without its surrounding whitespace)."""
    scale: float = 1.0
    """Kronor per stated unit: 1 000 under a table headed '(tkr)' or 'tusen kronor', 10⁶ for 'mkr'."""
    heading: str = ""
    """The header's name for the row column ('Medlemsavgifter'); '' when it names none or only 'Post'."""


@dataclass(frozen=True)
class ColumnSum:
    column: str
    stated: float
    computed: float
    missing: tuple[str, ...]
    """Labels of the summed rows that have no value in this column."""

    @property
    def difference(self) -> float:
        return self.stated - self.computed


@dataclass(frozen=True)
class SumCheck:
    row: TableRow
    parts: tuple[TableRow, ...]
    columns: tuple[ColumnSum, ...]

    @property
    def ok(self) -> bool:
        return all(c.difference == 0 for c in self.columns)


@dataclass(frozen=True)
class _Group:
    negative: bool
    digits: str


@dataclass(frozen=True)
class _Candidate:
    values: dict[str, float]
    level: int
    """0: the grammar as printed; 1: a 4+-digit first group ('6132 484'); 2: any run of groups (OCR)."""
    skip: int


# --- headers ---------------------------------------------------------------------------------------


def _tokens(line: str) -> list[str]:
    return [t for t in (w.strip(_STRIP).lower() for w in line.split()) if t]


def named_column(token: str) -> str | None:
    if token in _NAMED:
        return _NAMED[token]
    for pattern, name in _NAMED_OCR:
        m = pattern.match(token)
        if m:
            return name or m.group(1)
    return None


def _is_amount(token: str) -> bool:
    return bool(_NUMBER_TOKEN.match(token)) and not _YEAR.match(token)


def _named_columns(line: str) -> list[str] | None:
    """Columns named in words: 'Utfall Budget Avvikelse budget', 'Budget Utfall Differens'."""
    toks = _tokens(_DESCRIBED.sub(r"\1 ", line))
    if not toks or any(_is_amount(t) for t in toks) or _PROSE_WORDS & set(toks):
        return None
    if line.rstrip().endswith(".") and len(toks) >= 4 and not named_column(toks[0]):
        return None  # a sentence about the columns, not their header
    named: list[str] = []
    for t in toks:
        if t in _WHOLE_YEAR and named and named[-1] == "budget":
            named[-1] = "årsbudget"  # 'Budget helår' in a half-year report is the year's budget
        elif named_column(t) or t == "bokslut":
            named.append(named_column(t) or "bokslut")
    words = [n for n in named if n != "bokslut"]
    if len(words) < 2 or len(named) < 0.3 * len(toks):
        return None
    return named


def _year_columns(line: str, caption: str = "") -> list[str] | None:
    """Year columns: '2016-12-31 2015-12-31', 'Belopp i kr. Not -2016-12-31 -2015-12-31', '2016 2015'.
    `caption` is the line above ('Tabell 1. Medlemsavgifter (tkr)' over 'Medlem 2024 2023')."""
    toks = _tokens(line)
    dates = []
    while toks and _DATE.match(toks[-1]):
        dates.insert(0, toks.pop())
    if len(dates) < 2:
        bare = _tokens(line)
        if bare and all(_YEAR.match(t) for t in bare) and len(set(bare)) == len(bare):
            return bare  # '2024' alone heads a one-column statement (resultaträkning, balansräkning)
        if labelled := _labelled_years(bare, caption):
            return labelled
        if len(dates) == 1 and not toks:
            return [_DATE.match(dates[0]).group(1)]  # type: ignore[union-attr]  # '2024-12-31' alone
        return None
    if any(_NUMBER_TOKEN.match(t) or _HAS_YEAR.search(t) for t in toks):
        return None
    years = [_DATE.match(d).group(1) for d in dates]  # type: ignore[union-attr]
    columns = years if len(set(years)) == len(years) else [d.lstrip("-–") for d in dates]
    return (["not"] if "not" in toks else []) + columns


def _labelled_years(toks: list[str], caption: str = "") -> list[str] | None:
    """'Post 2023 2022', 'Medlemsavgifter (kr) 2023 2022': a few words naming the row column, then two
    or more distinct years that head the value columns. Prose ('ökade mellan 2022 och 2023') has verbs
    and small words, and its years are not all at the end."""
    toks = list(toks)
    unit = bool(toks) and toks[-1] in _UNIT_WORDS and len(toks) >= 3
    if unit:
        toks.pop()  # 'Medlemsavgifter 2024 (kr)': the unit after the year
    # 'Tabell 1. Medlemsavgifter 2025 (kr)' over 'Medlem Avgift 2025': the caption says the unit
    unit = unit or bool(_money_caption(caption) and _UNIT_WORDS & set(_tokens(caption)))
    years: list[str] = []
    while toks and _YEAR.match(toks[-1]):
        years.insert(0, toks.pop())
    # One year heads a column only when the header also says its unit: 'Medlemsavgifter 2024 (kr)'
    # over 'Försäkringskassan 1 200 000' is a list of amounts, 'Medlemsavgifter 2023' alone may be a title.
    if len(years) < (1 if unit else 2) or len(set(years)) != len(years) or not toks or len(toks) > 4:
        return None
    if max(map(int, years)) - min(map(int, years)) > 10:
        return None
    if any(any(c.isdigit() for c in t) for t in toks) or _PROSE_WORDS & set(toks):
        return None
    # Rows under these columns become amounts in kr: the row column's name, or the table's caption
    # right above it ('Tabell 1. Medlemsavgifter (tkr)' over 'Medlem 2024 2023'), must say it holds money.
    return years if _MONEY_HEADING.search(" ".join(toks)) or _money_caption(caption) else None


#: A numbered caption ("Tabell 3.", "Tab. 2:"): it heads a table, and ends the previous one's body.
TABLE_NUMBER = re.compile(r"^\s*(?:tabell|tab)\.?\s*\d+[.:]?", re.IGNORECASE)


def _money_caption(line: str) -> str:
    """A short caption line that names money ('Tabell 1. Medlemsavgifter (tkr)'): its naming words."""
    toks = _tokens(TABLE_NUMBER.sub("", line))
    if (
        not toks
        or len(toks) > 8
        or any(_is_amount(t) for t in toks)
        or not _MONEY_HEADING.search(" ".join(toks))
    ):
        return ""
    words = [w.strip(_STRIP) for w in TABLE_NUMBER.sub("", line).split()]
    named = [w for w in words if w and not any(c.isdigit() for c in w) and w.lower() not in _GENERIC_HEADING]
    return " ".join(named)


_UNIT_WORDS = {"kr", "tkr", "mkr", "kronor"}
_GENERIC_HEADING = {"post", "poster", "belopp", "i", "kr", "tkr", "mkr", "kronor", "tusen", "not"}


def row_heading(line: str, caption: str = "") -> str:
    """The words before a labelled year header's years that name what its rows hold: 'Medlemsavgifter'
    in 'Medlemsavgifter (kr) 2023 2022', '' for 'Post 2023 2022' or 'Belopp i kr 2016 2015'."""
    words = [w.strip(_STRIP) for w in line.split()]
    named = [w for w in words if w and not _HAS_YEAR.search(w) and w.lower() not in _GENERIC_HEADING]
    if not _labelled_years(_tokens(line), caption):
        return ""
    money = [i for i, w in enumerate(named) if _MONEY_HEADING.search(w.lower())]
    if money:
        return " ".join(named[money[0] :])  # 'Medlem Avgift 2025': the row column's name is no measure
    return _money_caption(caption)  # 'Medlem 2024 2023' under 'Medlemsavgifter (tkr)': the caption's


_MONEY_HEADING = re.compile(
    r"\b(?:[mt]?kr|kronor|belopp|post|poster)\b|avgift|kostnad|intäkt|intakt|budget|resultat|utfall|bidrag|"
    r"medel\b|finansiering|tilldelning",
)


def _primary_columns(line: str, caption: str = "") -> list[str] | None:
    return _named_columns(line) or _year_columns(line, caption)


def _nonblank(lines: list[str], start: int, step: int, count: int, window: int = 4) -> list[int]:
    found: list[int] = []
    j = start
    while len(found) < count and 0 <= j < len(lines) and abs(j - start) < window:
        if lines[j].strip():
            found.append(j)
        j += step
    return found


def _compound(qualifier: str, column: str) -> str:
    return "årsbudget" if qualifier in _YEAR_PREFIXES and column == "budget" else column


def _unique(columns: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in columns:
        seen[c] = seen.get(c, 0) + 1
        out.append(c if seen[c] == 1 else f"{c}_{seen[c]}")
    return out


def _block_at(lines: list[str], j: int) -> TableHeader | None:
    """The header whose main line is `j`, with a qualifier line above and continuation lines below."""
    named = _named_columns(lines[j])
    if named is None:
        caption = lines[j - 1] if j > 0 else ""
        years = _year_columns(lines[j], caption)
        if years is None:
            return None
        last = j
        for k in _nonblank(lines, j + 1, 1, 2):
            if _year_columns(lines[k]) is None:
                break
            years, last = _year_columns(lines[k]) or years, k  # the period's end dates, with 'Not'
        return TableHeader(years, j, last, row_heading(lines[j], caption))
    first, last = j, j
    above = _nonblank(lines, j - 1, -1, 1)
    if above:
        quals = [t for t in _tokens(lines[above[0]])[-len(named) :] if t in _QUALIFIERS]
        if quals:  # 'Periodens Periodens Periodens Års-' over 'Utfall Budget Avvikelse budget'
            first = above[0]
            for offset, qual in enumerate(reversed(quals), start=1):
                named[-offset] = _compound(qual, named[-offset])
    years: list[str] = []
    for k in _nonblank(lines, j + 1, 1, 2):
        toks = _tokens(lines[k])
        if any(_is_amount(t) for t in toks) or not any(_HAS_YEAR.search(t) for t in toks) or len(toks) > 8:
            break
        years += [m.group(0) for t in toks if (m := _HAS_YEAR.search(t))]
        last = k
    columns = [(years[-1] if years else c) if c == "bokslut" else c for c in named]
    return TableHeader(_unique(columns), first, last)


def header_block(lines: list[str], at: int) -> TableHeader | None:
    """The table header at or around line `at` (a header may start on the line before or after)."""
    near = sorted({*_nonblank(lines, at - 1, -1, 2), at, *_nonblank(lines, at + 1, 1, 2)})
    blocks = [b for j in near if (b := _block_at(lines, j)) is not None]
    around = [b for b in blocks if b.first <= at <= b.last] or [b for b in blocks if b.first > at]
    return around[0] if around else None


def find_header(lines: list[str], at: int) -> list[str] | None:
    """Column names of the header at/around line `at`: utfall, budget, avvikelse, årsbudget, ingående,
    utgående, not, or a year ('2016')."""
    block = header_block(lines, at)
    return block.columns if block else None


# --- rows ------------------------------------------------------------------------------------------


def _numeric_tail(line: str) -> tuple[str, list[_Group]]:
    """The label and the digit groups that end the line ('Luleå kommun 62%' stays in the label)."""
    toks = line.split()
    groups: list[_Group] = []
    i = len(toks)
    prefix = ""
    while i > 0:
        tok = toks[i - 1]
        m = _NUMBER_TOKEN.match(tok)
        if m:
            groups.append(_Group(bool(m.group(1)), m.group(2)))
        elif tok in _NOISE:
            pass
        elif tok in _MINUS_TOKENS and groups and not groups[-1].negative:
            groups[-1] = _Group(True, groups[-1].digits)
        else:
            glued = _GLUED.match(tok) if groups else None
            if glued:
                groups.append(_Group(False, glued.group(2)))
                prefix = glued.group(1)
                i -= 1
            break
        i -= 1
    groups.reverse()
    label = " ".join([*toks[:i], prefix] if prefix else toks[:i])
    return (label, groups) if groups else (line.strip(), [])


def _number_ends(groups: list[_Group], start: int, max_level: int) -> Iterator[tuple[int, int]]:
    """(end, level) of each number that can start at group `start`."""
    first = groups[start].digits
    if len(first) > 1 and first.startswith("0"):
        return  # '000' or '047' never starts a number
    yield start + 1, 0
    if first == "0":
        return
    level = 0 if len(first) <= 3 else 1
    for end in range(start + 1, len(groups)):
        nxt = groups[end]
        if nxt.negative:
            return
        if len(nxt.digits) != 3:
            level = 2
        if level > max_level:
            return
        yield end + 1, level


def _cuts(groups: list[_Group], k: int, max_level: int) -> Iterator[tuple[tuple[int, ...], int]]:
    """Ways to cut `groups` into exactly k numbers: start index of each number and the level needed."""
    n = len(groups)

    def walk(start: int, left: int) -> Iterator[tuple[tuple[int, ...], int]]:
        if left == 0:
            if start == n:
                yield (), 0
            return
        if n - start < left:
            return
        for end, level in _number_ends(groups, start, max_level):
            for rest, rest_level in walk(end, left - 1):
                yield (start, *rest), max(level, rest_level)

    yield from walk(0, k)


def _value(groups: list[_Group]) -> float:
    number = float("".join(g.digits for g in groups))
    return -number if groups[0].negative else number


def _is_note(groups: list[_Group]) -> bool:
    return (
        len(groups) == 1 and not groups[0].negative and len(groups[0].digits) <= 2 and groups[0].digits != "0"
    )


def _candidates(groups: list[_Group], columns: list[str], max_level: int) -> list[_Candidate]:
    variants = [columns] + ([[c for c in columns if c != "not"]] if "not" in columns else [])
    out: list[_Candidate] = []
    for skip in range(MAX_LABEL_GROUPS + 1):
        if any(g.negative for g in groups[:skip]):
            break
        rest = groups[skip:]
        for cols in variants:
            for starts, level in _cuts(rest, len(cols), max_level):
                bounds = zip(starts, (*starts[1:], len(rest)), strict=True)
                parts = {c: rest[a:b] for c, (a, b) in zip(cols, bounds, strict=True)}
                if "not" in parts and not _is_note(parts["not"]):
                    continue
                out.append(_Candidate({c: _value(p) for c, p in parts.items()}, level, skip))
    return out


def residual(values: dict[str, float], difference: Difference = "utfall-budget") -> float | None:
    """utfall − budget − avvikelse (or budget − utfall − avvikelse); None without those columns."""
    if not all(c in values for c in CHECKED):
        return None
    u, b, a = (values[c] for c in CHECKED)
    return (u - b - a) if difference == "utfall-budget" else (b - u - a)


def _plausibility(values: dict[str, float]) -> tuple[int, float]:
    """Weak tie-breakers: årsbudget is the budget or twice it (a half-year); one item's values in
    year or balance columns are of a similar size."""
    penalty = 0
    if "årsbudget" in values and "budget" in values:
        year, half = abs(values["årsbudget"]), abs(values["budget"])
        penalty = 0 if year in (half, 2 * half) else 1 if year >= half else 2
    same = [v for c, v in values.items() if c[:1].isdigit() or c in ("ingående", "utgående")]
    spread = sum(abs(math.log10(abs(x) + 1) - math.log10(abs(y) + 1)) for x, y in itertools.pairwise(same))
    return penalty, spread


def _best(pool: list[_Candidate]) -> tuple[_Candidate, int]:
    """The most plausible candidate and how many others are just as plausible."""
    ranked = sorted(pool, key=lambda c: (c.level, *_plausibility(c.values)))
    key = (ranked[0].level, *_plausibility(ranked[0].values))
    ties = sum(1 for c in ranked if (c.level, *_plausibility(c.values)) == key)
    return ranked[0], ties


def relation(difference: Difference) -> str:
    """The check a table's rows are read under, in words."""
    return "utfall − budget = avvikelse" if difference == "utfall-budget" else "budget − utfall = avvikelse"


def _kr(amount: float) -> str:
    return f"{amount:+,.0f}".replace(",", " ") + " kr"


def _label(label: str, groups: list[_Group], skip: int) -> str:
    return " ".join([label, *("-" * g.negative + g.digits for g in groups[:skip])]) if skip else label


def _readings(groups: list[_Group], count: int, max_level: int) -> list[tuple[float, ...]]:
    """Every cut of the groups into `count` amounts that each stay below MAX_AMOUNT."""
    out = []
    for starts, _ in _cuts(groups, count, max_level):
        ends = (*starts[1:], len(groups))
        amounts = tuple(_value(groups[a:b]) for a, b in zip(starts, ends, strict=True))
        if all(abs(x) < MAX_AMOUNT for x in amounts):
            out.append(amounts)
    return out


def _has_blank_reading(groups: list[_Group], columns: list[str], max_level: int) -> bool:
    """Whether the groups also read as fewer plausible amounts than columns (some cells left blank):
    '524 933' under Ingående / Utgående may be one amount in one column."""
    amounts = len([c for c in columns if c != "not"])
    return any(_readings(groups, m, max_level) for m in range(1, amounts))


def _blank_cell(
    label: str, groups: list[_Group], columns: list[str], difference: Difference, max_level: int
) -> RowSplit | None:
    """A row that adds up, or reads one way only, with one cell left empty; None when that is not so.

    An empty column other than the checked ones keeps the check: the reading is taken when exactly one
    such reading adds up. An empty avvikelse leaves nothing to check, so the remaining amounts must be the
    only reading of the digit groups, with no other cut and no reading as fewer amounts (two blank cells):
    'Resultat -1441 678' may be −1 441 678 alone, and is left unread. Only the avvikelse is read as blank
    among the checked columns: an empty utfall or budget would fit the same digits just as well, and a
    computed difference is the cell most often left out. Tables with a note column are not tried.
    """
    if "not" in columns:
        return None
    fitting: list[tuple[str, dict[str, float]]] = []
    tried = 0
    for blank in (c for c in columns if c not in CHECKED):
        rest = [c for c in columns if c != blank]
        for amounts in _readings(groups, len(rest), max_level):
            tried += 1
            values = dict(zip(rest, amounts, strict=True))
            if residual(values, difference) == 0 and values not in [v for _, v in fitting]:
                fitting.append((blank, values))
    if len(fitting) == 1:
        blank, values = fitting[0]
        return RowSplit(label, values, True, tried, f"tom cell: {blank}")
    if fitting:
        return None  # several blank cells make the row add up: no reading is better than another
    rest = [c for c in columns if c != "avvikelse"]
    readings = _readings(groups, len(rest), max_level)
    if len(readings) != 1 or _has_blank_reading(groups, rest, max_level):
        return None
    return RowSplit(label, dict(zip(rest, readings[0], strict=True)), None, 1, "tom cell: avvikelse")


def _unchecked_problem(alternatives: int, blank_reading: bool) -> str | None:
    reasons = [f"{alternatives} uppdelningar passar siffergrupperna"] if alternatives > 1 else []
    if blank_reading:
        reasons.append("talen kan också läsas som färre belopp med tomma celler")
    return " och ".join(reasons) + "; kolumnerna ger ingen kontroll" if reasons else None


_CELL_GAP = re.compile(r"\s{2,}|\t")
_CELL_NUMBER = re.compile(r"^([-−–]?)(\d{1,3}(?: \d{3})*)$")


def _spaced_cells(line: str, count: int) -> tuple[str, list[float]] | None:
    """'Kansli      1 150      548      1 120' -> ('Kansli', [1150, 548, 1120]) when the line's last `count`
    cells, set apart by two or more spaces, are each a number with its thousands spaced by one."""
    cells = [c for c in _CELL_GAP.split(line.strip()) if c]
    if len(cells) < count + 1:
        return None
    tail = cells[-count:]
    parsed = [_CELL_NUMBER.match(c) for c in tail]
    if not all(parsed):
        return None
    label = " ".join(cells[:-count]).strip()
    if not label or any(_CELL_NUMBER.match(c) for c in cells[:-count]):
        return None
    values = [(-1 if m.group(1) else 1) * float(m.group(2).replace(" ", "")) for m in parsed]  # type: ignore[union-attr]
    return label, values


def split_row(
    line: str, columns: list[str], difference: Difference = "utfall-budget", original: str | None = None
) -> RowSplit:
    """Cut a table line into its label and one value per column (see the module docstring). `original`
    is the line as extracted, before cleaning joined its runs of spaces: where they set the columns
    apart, they decide the split."""
    label, groups = _numeric_tail(line)
    checked = all(c in columns for c in CHECKED)
    spaced = _spaced_cells(original if original is not None else line, len(columns))
    if spaced is not None and original is not None:
        # the label as cleaned (OCR repaired); the digits must be the same ones the cleaned line has
        same = "".join(g.digits for g in groups) == "".join(str(int(abs(v))) for v in spaced[1])
        spaced = (label.strip(), spaced[1]) if same and label.strip() else None
    if spaced is not None:
        # the columns are set apart by runs of spaces and each cell is one number: no guessing needed
        cells_label, values = spaced
        split = dict(zip(columns, values, strict=True))
        consistent = (residual(split, difference) == 0) if checked else None
        problem = None if consistent is not False else f"raden ger inte {relation(difference)}"
        return RowSplit(cells_label, split, consistent, 1, problem)
    if not groups or len(groups) > MAX_GROUPS:
        problem = "raden saknar tal" if not groups else "för många siffergrupper för en tabellrad"
        return RowSplit(label, {}, False if checked else None, 0, problem)
    # Looser grammars only where the digits themselves show an OCR'd or unspaced table.
    levels = (0, 1, 2) if any(len(g.digits) > 3 for g in groups) else (0,)
    every = _candidates(groups, columns, levels[-1])
    fallback: list[_Candidate] = []
    # Groups go to the label only when that makes the columns add up: without a check it is a guess.
    skips = range(MAX_LABEL_GROUPS + 1) if checked else range(1)
    for level in levels:
        for skip in skips:
            pool = [c for c in every if c.level <= level and c.skip == skip]
            if not pool:
                continue
            fallback = fallback or pool
            if not checked:
                best, _ = _best(pool)
                problem = _unchecked_problem(len(pool), _has_blank_reading(groups[skip:], columns, level))
                return RowSplit(_label(label, groups, skip), best.values, None, len(pool), problem)
            fitting = [c for c in pool if residual(c.values, difference) == 0]
            if fitting:
                best, ties = _best(fitting)
                problem = f"{ties} uppdelningar ger {relation(difference)}" if ties > 1 else None
                return RowSplit(_label(label, groups, skip), best.values, True, len(pool), problem)
    blank = _blank_cell(label, groups, columns, difference, levels[-1]) if checked else None
    if blank is not None:
        return blank
    if not fallback:
        problem = f"{len(groups)} siffergrupper går inte att dela upp i {len(columns)} kolumner"
        return RowSplit(label, {}, False if checked else None, 0, problem)
    best = min(fallback, key=lambda c: (abs(residual(c.values, difference) or 0), c.level))
    off = residual(best.values, difference) or 0
    problem = f"ingen uppdelning ger {relation(difference)} (närmast: skillnad {_kr(off)}"
    flipped = off != 0 and off == -2 * best.values["avvikelse"]
    problem += ", avvikelsen har fel tecken)" if flipped else ")"
    return RowSplit(_label(label, groups, best.skip), best.values, False, len(fallback), problem)


# --- tables ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    index: int
    label: str
    sections: tuple[str, ...]
    is_sum: bool


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in re.finditer(r"[\n\f]", text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _simple(name: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", name.lower()))


def same_name(a: str, b: str) -> bool:
    """Section names equal up to case, punctuation and a little OCR damage."""
    return fuzz.ratio(_simple(a), _simple(b)) >= 85


def sum_target(label: str) -> str | None:
    """'SUMMA ERHÅLLNA BIDRAG' → 'ERHÅLLNA BIDRAG'; '' for a bare 'Summa'; None for other rows."""
    m = _SUM_PREFIX.match(label)
    return label[m.end() :].strip() if m else None


def _is_prose(words: list[str], line: str) -> bool:
    return len(words) > 8 or (len(words) >= 6 and line.rstrip().endswith("."))


def _is_reference(groups: list[_Group]) -> bool:
    """'Bilaga 1', 'Not 3', 'Sammanställning av utfall och budget 2016': a heading, not a row."""
    if len(groups) != 1 or groups[0].negative:
        return False
    return len(groups[0].digits) <= 2 or bool(_YEAR.match(groups[0].digits))


def _table_body(lines: list[str], start: int) -> tuple[list[_Line], int]:
    """Row lines of the table that starts at line `start`, and where scanning resumes."""
    body: list[_Line] = []
    sections: tuple[str, ...] = ()
    blanks = headings = 0
    previous: _Line | None = None
    k = start
    for k in range(start, len(lines)):
        line = lines[k].strip()
        if not line:
            blanks += 1
            if blanks >= 3:
                break
            continue
        blanks = 0
        if _primary_columns(line, lines[k - 1]) or (body and TABLE_NUMBER.match(line)):
            return body, k  # the next table begins (its caption 'Tabell 4. …' or its header)
        label, groups = _numeric_tail(line)
        if _is_reference(groups):
            groups = []
        if groups and any(c.isalpha() for c in label):
            if len(label.split()) > 12:
                break
            target = sum_target(label)
            row = _Line(k, label, sections, target is not None)
            body.append(row)
            previous, headings = row, 0
            if target and sections and same_name(target, sections[-1]):
                sections = sections[:-1]  # 'SUMMA X' closes section X
            elif target and sections and same_name(target, sections[0]):
                sections = ()
            continue
        if groups or not any(c.isalpha() for c in line):
            continue  # a page number
        if _is_prose(line.split(), line):
            break
        headings += 1
        if headings > MAX_HEADINGS:
            break
        if previous is not None and previous.index == k - 1 and _CONTINUES.search(previous.label):
            continue  # the rest of a label broken over two lines
        if sum_target(line) is not None:
            continue  # 'Summa insatser' with no values: neither a row nor a section
        if _is_upper(line) or not sections or not _is_upper(sections[0]):
            sections = (line,)
        else:
            sections = (sections[0], line)
    return body, k + 1


def _difference_for(body: list[_Line], lines: list[str], columns: list[str]) -> Difference:
    """The table's sign convention: the one under which more rows add up (ties: utfall − budget)."""
    if not all(c in columns for c in CHECKED):
        return "utfall-budget"
    score = {
        d: sum(bool(split_row(lines[r.index], columns, d).consistent) for r in body)
        for d in ("utfall-budget", "budget-utfall")
    }
    return "budget-utfall" if score["budget-utfall"] > score["utfall-budget"] else "utfall-budget"


_TKR = re.compile(r"\btkr\b|tusentals kronor|tusen kronor|\bksek\b", re.IGNORECASE)
_MKR = re.compile(r"\bmkr\b|miljoner kronor|\bmsek\b", re.IGNORECASE)


def table_scale(head_lines: list[str]) -> float:
    """1 000 when the lines heading a table say its amounts are in tkr, 10⁶ for mkr, else 1."""
    text = " ".join(head_lines)
    if _TKR.search(text):
        return 1000.0
    if _MKR.search(text):
        return 1_000_000.0
    return 1.0


def _head_lines(lines: list[str], first: int) -> list[str]:
    """The lines that head a table: the three above its header, or from its numbered caption when a note
    stands between ('Tabell 3. Budget och utfall 2024 (tkr)' / 'Avvikelse = utfall minus budget. …')."""
    above = lines[max(0, first - 6) : first]
    captions = [k for k, line in enumerate(above) if TABLE_NUMBER.match(line)]
    return above[captions[-1] :] if captions else lines[max(0, first - 3) : first]


def parse_tables(text: str, original_of=None) -> list[TableRow]:
    """Every data row under every table header of a report's text, in order. `original_of(start, end)`
    gives a span's original text (its runs of spaces kept), where the text was cleaned."""
    spans = _line_spans(text)
    lines = [text[a:b] for a, b in spans]
    rows: list[TableRow] = []
    table = 0
    i = 0
    while i < len(lines):
        header = _block_at(lines, i) if _primary_columns(lines[i], lines[i - 1] if i else "") else None
        if header is None:
            i += 1
            continue
        body, i = _table_body(lines, header.last + 1)
        difference = _difference_for(body, lines, header.columns)
        scale = table_scale(_head_lines(lines, header.first) + lines[header.first : header.last + 1])
        for r in body:
            a, b = spans[r.index]
            original = original_of(a, b) if original_of else None
            split = split_row(lines[r.index], header.columns, difference, original)
            raw = text[a:b]
            start = a + len(raw) - len(raw.lstrip())
            rows.append(
                TableRow(
                    table=table,
                    columns=tuple(header.columns),
                    label=split.label,
                    values=split.values,
                    consistent=split.consistent,
                    alternatives=split.alternatives,
                    problem=split.problem,
                    difference=difference,
                    section=r.sections[-1] if r.sections else None,
                    sections=r.sections,
                    is_sum=r.is_sum,
                    start=start,
                    end=a + len(raw.rstrip()),
                    scale=scale,
                    heading=header.heading,
                )
            )
        table += 1 if body else 0
    return rows


# --- sums ------------------------------------------------------------------------------------------


def _parts(rows: list[TableRow], at: int) -> list[TableRow]:
    """The rows a sum row adds up: its section's rows, or the rows since the previous sum."""
    row = rows[at]
    before = [r for r in rows[:at] if r.table == row.table]
    target = sum_target(row.label) or ""
    named = [s for s in row.sections if target and same_name(target, s)]
    if named:
        return [r for r in before if not r.is_sum and named[-1] in r.sections]
    parts: list[TableRow] = []
    for r in reversed(before):
        if r.is_sum or r.sections != row.sections:
            break
        parts.insert(0, r)
    return parts


def check_sums(rows: list[TableRow]) -> list[SumCheck]:
    """Each sum row against the sum of the rows it stands for, per column (sum rows with nothing above
    them to add, such as a total of totals, are left out)."""
    checks: list[SumCheck] = []
    for at, row in enumerate(rows):
        if not row.is_sum:
            continue
        parts = _parts(rows, at)
        if not parts:
            continue
        columns = tuple(
            ColumnSum(
                column=c,
                stated=v,
                computed=sum(p.values[c] for p in parts if c in p.values),
                missing=tuple(p.label for p in parts if c not in p.values),
            )
            for c, v in row.values.items()
            if c != "not"
        )
        checks.append(SumCheck(row, tuple(parts), columns))
    return checks

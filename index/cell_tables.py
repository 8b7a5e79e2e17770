"""Tables laid out in columns of cells, read by where each cell stands under its header:

    Medlemsavgifter 2023

    Medlem                                 Belopp, kr     Andel
    Försäkringskassan (statens andel)       3 400 000    50,0 %
    Ekshult kommun                            382 500     5,6 %
    Summa                                   6 800 000   100,0 %

    Aktivitet                                       Tidpunkt     Deltagare
    Utbildningsdag: Psykisk ohälsa och arbetsliv    15 mars             64

A cell is a run of words separated by single spaces; two spaces or a tab part cells. A header is a line
of two or more short cells of words; a row is a label cell and cells that stand under the header's
cells. A value cell takes its column by the header cell its span overlaps most (or whose right edge is
nearest: numbers are right-aligned), so a column of text ('15 mars') or an empty cell does not shift
the others. What a column holds comes from its own words and the caption above the table: a unit
('kr', 'tkr', '%') in the cell, the header or the caption; the column's words are its measure. This is
the reader of last resort: tables the budget, count, breakdown and amount readers take are left to them
(index.pipeline drops a table here that overlaps one of theirs). Pure functions over the text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from index.lexical import fold
from index.tables import TABLE_NUMBER

_CELL = re.compile(r"\S+(?: \S+)*")
_NUMBER = re.compile(
    r"^(?P<sign>[-−–])?(?P<digits>\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:,(?P<decimals>\d+))?"
    r"\s*(?P<unit>%|kr|tkr|mkr|mnkr)?$",
    re.IGNORECASE,
)
_EMPTY = {"-", "–", "—"}
_YEAR = re.compile(r"(?<![\d-])((?:19|20)\d\d)(?![\d-])")
_DATE_WORD = re.compile(r"^(?:\d{1,2}/\d{1,2}|(?:19|20)\d\d(?:-\d\d-\d\d)?)$")
_SUM = re.compile(r"^(?:totalt|summa|samtliga|sammanlagt|total)\b", re.IGNORECASE)
_MONEY_UNIT = re.compile(r"(?<!\w)(tkr|mkr|mnkr|kr|kronor|tusen kronor)(?!\w)", re.IGNORECASE)
_PERCENT = re.compile(r"%|\bprocent\b|\bandel\b", re.IGNORECASE)
#: Nouns for the people a column or caption counts, in the order a caption's noun is taken by
#: ('Avslutade deltagare …' counts the finishers).
PEOPLE_NOUNS = (
    "avslutade",
    "nya",
    "inskrivna",
    "deltagare",
    "personer",
    "individer",
    "ungdomar",
    "elever",
    "unga",
)
_PEOPLE = frozenset({*PEOPLE_NOUNS, "deltagit", "kvinnor", "man", "nyinskrivna"})
_MAX_CELL_WORDS = 6
_MAX_CAPTION_WORDS = 12


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int
    """Column positions in the line."""


@dataclass(frozen=True)
class CellColumn:
    text: str
    """The header cell's words ('Belopp, kr', 'Deltagare')."""
    start: int
    end: int
    unit: str
    """'kr', 'procent', 'personer' or 'antal'."""
    scale: float
    """1000 for a tkr column: values are kept in kronor."""
    year: str
    """A year the header cell names ('Nya 2023'), or ''."""


@dataclass(frozen=True)
class CellRow:
    table: int
    label: str
    values: dict[int, float]
    """Column index -> value (in kronor for money columns)."""
    columns: tuple[CellColumn, ...]
    caption: str
    year: str
    """The one year the caption names, or ''."""
    is_sum: bool
    start: int
    end: int
    header_start: int
    units: dict[int, str] = field(default_factory=dict)
    """Column index -> unit of the cell ('kr', 'procent', 'personer', 'antal')."""
    by_label: bool = False
    """The row's label says what its cells are ('Medlemsavgifter, kr', 'Deltagare i insatser' under
    year columns): the row is a measure of the organisation, not an insats's row."""


def cells(line: str) -> list[Cell]:
    """The cells of a line: runs of words with single spaces inside and two or more between."""
    line = line.replace("\t", "  ")
    return [Cell(m.group(0), m.start(), m.end()) for m in _CELL.finditer(line)]


def number_of(text: str) -> tuple[float, str] | None:
    """'3 400 000' -> (3400000.0, ''); '50,0 %' -> (50.0, '%'); '–12' -> (-12.0, ''); words -> None."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    value = float(re.sub(r"\D", "", m.group("digits")) + "." + (m.group("decimals") or "0"))
    return (-value if m.group("sign") else value), (m.group("unit") or "").lower()


def _is_header(parts: list[Cell]) -> bool:
    if len(parts) < 2 or parts[-1].text.endswith("."):
        return False
    if all(_YEAR.fullmatch(c.text) for c in parts):
        return False  # years alone head the statements the budget tables read
    for cell in parts:
        words = cell.text.split()
        if _YEAR.fullmatch(cell.text):
            continue  # 'Medlem Andel 2024 2023': a year heads its column
        if len(words) > _MAX_CELL_WORDS or not any(ch.isalpha() for ch in cell.text):
            return False
        # digits only as a year or a date ('Nya 2023', 'Kvar 31/12'), never an amount
        if any(any(ch.isdigit() for ch in w) and not _DATE_WORD.match(w.strip("()[]:;,.")) for w in words):
            return False
    return True


def _unit_of(header: str, caption: str) -> tuple[str, float]:
    """A column's unit from its own words first, the caption's after: a share, an amount, people; ''
    for a column of note numbers ('Not')."""
    if fold(header.strip(".:")) in ("not", "noter", "not nr"):
        return "", 1.0
    if _PERCENT.search(header):
        return "procent", 1.0
    for words in (header, caption):
        money = _MONEY_UNIT.search(words)
        if money:
            unit = money.group(1).lower()
            return "kr", 1000.0 if unit in ("tkr", "tusen kronor") else 1e6 if unit in (
                "mkr",
                "mnkr",
            ) else 1.0
    folded = {fold(w.strip("()[]:;,.")) for w in header.split()}
    # 'Arbete Studier Övrigt' under 'Avslutade deltagare 2024 efter avslutsorsak': people, by the caption
    said = {fold(w.strip("()[]:;,.")) for w in caption.split()}
    return ("personer" if (folded | said) & _PEOPLE else "antal"), 1.0


def _column(cell: Cell, caption: str) -> CellColumn:
    unit, scale = _unit_of(cell.text, caption)
    years = _YEAR.findall(cell.text)
    return CellColumn(cell.text, cell.start, cell.end, unit, scale, years[0] if len(years) == 1 else "")


TOTAL_WORDS = frozenset({"totalt", "total", "summa", "antal", "sammanlagt"})


def _with_totals(columns: tuple[CellColumn, ...]) -> tuple[CellColumn, ...]:
    """'Kvinnor Män Totalt': beside columns of people, a column of their total counts people too."""
    if not any(c.unit == "personer" for c in columns):
        return columns
    return tuple(
        replace(c, unit="personer") if c.unit == "antal" and fold(c.text.lower()) in TOTAL_WORDS else c
        for c in columns
    )


def _overlap(a: Cell, column: CellColumn) -> int:
    return min(a.end, column.end) - max(a.start, column.start)


def _column_of(cell: Cell, columns: tuple[CellColumn, ...]) -> int:
    overlaps = [_overlap(cell, c) for c in columns]
    best = max(range(len(columns)), key=lambda k: overlaps[k])
    if overlaps[best] > 0:
        return best
    return min(range(len(columns)), key=lambda k: abs(columns[k].end - cell.end))


def _caption(lines: list[str], header: int) -> str:
    """The numbered caption within six lines above the header ('Tabell 3. Budget och utfall 2024 (tkr)'
    over a note on the columns), else the nearest non-blank line within two lines, when it is short and
    no sentence."""
    numbered = [k for k in range(max(0, header - 6), header) if TABLE_NUMBER.match(lines[k])]
    if numbered:
        return lines[numbered[-1]].strip()
    for k in range(header - 1, max(-1, header - 3), -1):
        line = lines[k].strip()
        if not line:
            continue
        if len(line.split()) <= _MAX_CAPTION_WORDS and not line.endswith(".") and not number_of(line):
            return line
        return ""
    return ""


def _label_unit(label: str) -> tuple[str, float] | None:
    """The unit a row's own label gives its cells where the columns give none ('Årets resultat, kr',
    'Andel kvinnor, %', 'varav kvinnor' under 'Nyckeltal 2023 2022'), or None."""
    if _PERCENT.search(label):
        return "procent", 1.0
    money = _MONEY_UNIT.search(label)
    if money:
        return "kr", _unit_scale(money.group(1).lower().replace("tusen kronor", "tkr"))
    words = [fold(w.strip("()[]:;,.")) for w in label.split()]
    if set(words) & _PEOPLE:
        return "personer", 1.0
    if words[:1] == ["antal"]:
        return "antal", 1.0  # 'Antal individinriktade insatser 5 5': a count the label names
    return None


@dataclass(frozen=True)
class _Parsed:
    label: str
    values: dict[int, float]
    units: dict[int, str]
    by_label: bool


def _row(line: str, columns: tuple[CellColumn, ...]) -> _Parsed | None:
    parts = cells(line)
    if len(parts) < 2:
        return None
    label = parts[0].text.strip(" :")
    if not any(ch.isalpha() for ch in label) or number_of(label):
        return None
    own = _label_unit(label)
    values: dict[int, float] = {}
    units: dict[int, str] = {}
    by_label = False
    for cell in parts[1:]:
        if cell.text in _EMPTY:
            continue
        parsed = number_of(cell.text)
        if parsed is None:
            continue  # a cell of words ('15 mars', 'Uppfyllt'): its column is no figure
        value, unit = parsed
        at = _column_of(cell, columns)
        if at in values:
            return None  # two numbers under one header cell: the columns are not these
        column = columns[at]
        if not column.unit or (unit == "%" and column.unit not in ("procent", "antal")):
            continue
        kind, scale = column.unit, column.scale
        if kind == "antal" and (unit == "%" or own):
            kind, scale = ("procent", 1.0) if unit == "%" else own  # type: ignore[misc]
            by_label = True
        values[at] = value * (scale if kind == "kr" and not unit else _unit_scale(unit))
        units[at] = kind
    if not values:
        return None
    return _Parsed(label, values, units, by_label)


def _unit_scale(unit: str) -> float:
    return 1000.0 if unit == "tkr" else 1e6 if unit in ("mkr", "mnkr") else 1.0


def parse_cell_tables(text: str, original: Callable[[int, int], str] | None = None) -> list[CellRow]:
    """Every row of every cell-aligned table of a text, with the row's span in the text. A table needs a
    header and at least two rows; it ends at a blank line after its rows or a line that is no row.
    `original(start, end)` gives a span of the text as the report had it: cleaning joins runs of spaces,
    and the cells are read from the layout before that."""
    plain = text.split("\n")
    offsets: list[int] = []
    pos = 0
    for line in plain:
        offsets.append(pos)
        pos += len(line) + 1
    lines = [original(o, o + len(x)) for o, x in zip(offsets, plain, strict=True)] if original else plain
    out: list[CellRow] = []
    table = 0
    i = 0
    while i < len(lines):
        head = cells(lines[i])
        # a header has a gap of two spaces somewhere: one run of words is a heading or a sentence
        if not _is_header(head) or not re.search(r"\S {2,}\S|\t", lines[i].strip()):
            i += 1
            continue
        caption = _caption(lines, i)
        columns = _with_totals(tuple(_column(c, caption) for c in head))
        years = _YEAR.findall(caption)
        year = years[0] if len(set(years)) == 1 else ""
        found: list[CellRow] = []
        j = i + 1
        while j < len(lines):
            line = lines[j]
            if not line.strip():
                if found or j > i + 1:
                    break
                j += 1
                continue
            parsed = _row(line, columns)
            if parsed is None:
                break
            lead = len(plain[j]) - len(plain[j].lstrip())
            found.append(
                CellRow(
                    table,
                    parsed.label,
                    parsed.values,
                    columns,
                    caption,
                    year,
                    bool(_SUM.match(parsed.label)),
                    offsets[j] + lead,
                    offsets[j] + len(plain[j].rstrip()),
                    offsets[i],
                    parsed.units,
                    parsed.by_label,
                )
            )
            j += 1
        if len(found) >= 2:
            out += found
            table += 1
            i = j
        else:
            i += 1
    return out


def cell_table_spans(rows: list[CellRow]) -> list[tuple[int, int]]:
    """Each table's span, header to last row."""
    spans: dict[int, tuple[int, int]] = {}
    for r in rows:
        start, _ = spans.get(r.table, (r.header_start, r.end))
        spans[r.table] = (start, r.end)
    return list(spans.values())


def sum_parts(rows: list[CellRow], at: int) -> dict[int, list[float]]:
    """For a sum row, each column's values in the rows above it since the previous sum row (two or more)."""
    row = rows[at]
    parts: list[CellRow] = []
    for r in reversed(rows[:at]):
        if r.table != row.table or r.is_sum:
            break
        parts.insert(0, r)
    if len(parts) < 2:
        return {}
    return {c: [p.values[c] for p in parts if c in p.values] for c in row.values}

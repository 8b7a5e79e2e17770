"""Tables of people per insats: a header of count columns and one row per insats.

    Insats Deltagare Kvinnor Män Avslutade Arbete Studier
    Vägen Framåt 47 29 18 26 9 5
    Totalt 166 96 65 97 27 14

A header is a line whose words, after an optional name for the row column ('Insats', 'Projekt'), are all
count columns (at least three, or two after a word for the row column); a row is a label followed by
exactly one whole number per column. Read as prose, such a table is one long 'sentence' whose numbers
take the wrong words; read as a table each cell is a figure of its row and column, and a 'Totalt' row
can be checked against the rows above it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.lexical import fold

# Folded column words -> measure. Two-word columns are joined first ('varav nya', 'till arbete').
_COLUMN_WORDS: dict[str, str] = {
    "deltagare": "deltagare",
    "deltagit": "deltagare",
    "antal": "deltagare",
    "personer": "deltagare",
    "individer": "deltagare",
    "totalt": "deltagare",
    "inskrivna": "inskrivna",
    "kvinnor": "kvinnor",
    "kv": "kvinnor",
    "man": "män",
    "nya": "nya",
    "nyinskrivna": "nya",
    "avslutade": "avslutade",
    "avslut": "avslutade",
    "utskrivna": "avslutade",
    "arbete": "till arbete",
    "jobb": "till arbete",
    "studier": "till studier",
    "utbildning": "till studier",
    "kvar": "inskrivna",
    "pagaende": "inskrivna",
    "kvarstaende": "inskrivna",
}
# Words that may join the next or previous one into a single column: 'varav nya', 'till arbete',
# 'arbete/studier', 'kvar 31/12'.
_JOINERS = {"varav", "darav", "till", "i", "gick", "eller"}
_ROW_COLUMN = {"insats", "insatser", "insatsen", "projekt", "verksamhet", "aktivitet", "namn", "kommun"}
_DATE_TAIL = re.compile(r"^(?:\d{1,2}/\d{1,2}|\d{4}-\d\d-\d\d|\d{1,2}\s*dec)$")
_SUM = re.compile(r"^(?:totalt|summa|samtliga|alla insatser|total)\b", re.IGNORECASE)
_INT = re.compile(r"^\d{1,4}$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True)
class CountColumn:
    measure: str
    text: str
    """The header's own words for the column ('Kvar 31/12'): a row's figure is named by them."""
    year: int | None = None
    """A column headed by a year ('Insats 2024 2023' under 'Tabell 2. Deltagare per insats')."""


@dataclass(frozen=True)
class CountRow:
    table: int
    label: str
    values: dict[int, float]
    """Column index -> value."""
    columns: tuple[CountColumn, ...]
    is_sum: bool
    start: int
    end: int
    year: int | None
    """A year the table's caption or header names ('Tabell 1. Deltagare per insats 2022')."""
    header_start: int = 0
    """Where the table's header line starts: the whole table, header included, is not prose."""


def count_columns(line: str) -> tuple[CountColumn, ...] | None:
    """The count columns a header line names, or None when it is not such a header."""
    raw = line.split()
    words = [fold(w.strip("()[]:;,.")) for w in raw]
    if not words:
        return None
    i = 0
    while i < len(words) and words[i] in _ROW_COLUMN:
        i += 1
    named_rows = i > 0
    columns: list[CountColumn] = []
    while i < len(words):
        w = words[i]
        if "/" in w and all(p in _COLUMN_WORDS for p in w.split("/") if p):
            parts = [p for p in w.split("/") if p]
            both = {_COLUMN_WORDS[p] for p in parts}
            either = both == {"till arbete", "till studier"}
            measure = "till arbete eller studier" if either else _COLUMN_WORDS[parts[0]]
            columns.append(CountColumn(measure, raw[i]))
            i += 1
            continue
        if w in _JOINERS and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt in _COLUMN_WORDS:
                measure = _COLUMN_WORDS[nxt]
                either = columns and {columns[-1].measure, measure} == {"till arbete", "till studier"}
                if w == "eller" and either:
                    prev = columns.pop()
                    text = f"{prev.text} {raw[i]} {raw[i + 1]}"
                    columns.append(CountColumn("till arbete eller studier", text))
                else:
                    columns.append(CountColumn(measure, f"{raw[i]} {raw[i + 1]}"))
                i += 2
                continue
            return None
        if w not in _COLUMN_WORDS:
            return None
        text = raw[i]
        i += 1
        if i < len(words) and _DATE_TAIL.match(raw[i]):
            text = f"{text} {raw[i]}"  # 'Kvar 31/12'
            i += 1
        columns.append(CountColumn(_COLUMN_WORDS[w], text))
    people = {c.measure for c in columns}
    # Two count columns make a header only after a word for the row column ('Insats Inskrivna
    # Avslutade'): two count words alone may be a line of prose or a caption.
    least = 2 if named_rows else 3
    if len(columns) < least or len(people) < least:
        return None
    return tuple(columns)


def year_columns(line: str, caption: str) -> tuple[CountColumn, ...] | None:
    """'Insats 2024 2023' under a caption that says what is counted ('Tabell 2. Deltagare per insats'):
    one column of that measure per year."""
    words = [fold(w.strip("()[]:;,.")) for w in line.split()]
    i = 0
    while i < len(words) and words[i] in _ROW_COLUMN:
        i += 1
    years = words[i:]
    if (
        i == 0
        or len(years) < 2
        or not all(_YEAR.fullmatch(y) for y in years)
        or len(set(years)) != len(years)
    ):
        return None
    counted = [
        _COLUMN_WORDS[w] for w in (fold(w.strip("()[]:;,.")) for w in caption.split()) if w in _COLUMN_WORDS
    ]
    people = [m for m in counted if m in ("deltagare", "inskrivna", "avslutade", "nya")]
    if not people:
        return None
    return tuple(CountColumn(people[0], f"{people[0]} {y}", int(y)) for y in years)


_MISSING = {"–", "-", "—"}


def _row(line: str, width: int) -> tuple[str, list[float | None]] | None:
    """'Vägen Framåt 47 29 18 26 9 5' -> ('Vägen Framåt', [47, 29, …]) when it has `width` numbers; a
    dash is an empty cell ('Balansgång 12 –')."""
    tokens = line.split()
    values: list[float | None] = []
    while tokens and (_INT.match(tokens[-1]) or (tokens[-1] in _MISSING and len(values) < width)):
        token = tokens.pop()
        values.insert(0, None if token in _MISSING else float(token))
    label = " ".join(tokens).strip(" :–-")
    if len(values) != width or not label or any(ch.isdigit() for ch in label):
        return None
    if all(v is None for v in values):
        return None
    return label, values


def _caption_year(lines: list[str], header: int) -> int | None:
    for line in reversed(lines[max(0, header - 3) : header + 1]):
        years = _YEAR.findall(line)
        if len(set(years)) == 1:
            return int(years[0])
    return None


def parse_count_tables(text: str) -> list[CountRow]:
    """Every row under every count-table header of a text, with the row's span in the text."""
    rows: list[CountRow] = []
    offsets: list[int] = []
    pos = 0
    lines = text.split("\n")
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    table = 0
    i = 0
    while i < len(lines):
        columns = count_columns(lines[i]) or year_columns(lines[i], lines[i - 1] if i else "")
        if columns is None:
            i += 1
            continue
        year = _caption_year(lines, i)
        j = i + 1
        found = 0
        while j < len(lines):
            line = lines[j]
            if not line.strip():
                if found:
                    break
                j += 1
                continue
            parsed = _row(line, len(columns))
            if parsed is None:
                break
            label, values = parsed
            lead = len(line) - len(line.lstrip())
            start = offsets[j] + lead
            rows.append(
                CountRow(
                    table=table,
                    label=label,
                    values={k: v for k, v in enumerate(values) if v is not None},
                    columns=columns,
                    is_sum=bool(_SUM.match(label)),
                    start=start,
                    end=offsets[j] + len(line.rstrip()),
                    year=year,
                    header_start=offsets[i],
                )
            )
            found += 1
            j += 1
        table += 1 if found else 0
        i = j if found else i + 1
    return rows


def table_spans(rows: list[CountRow]) -> list[tuple[int, int]]:
    """The text span of each table, header to last row: figures read from it as prose are dropped."""
    spans: dict[int, tuple[int, int]] = {}
    for r in rows:
        start, _ = spans.get(r.table, (r.header_start, r.end))
        spans[r.table] = (start, r.end)
    return list(spans.values())


def column_parts(rows: list[CountRow], at: int) -> dict[int, list[float]]:
    """For a sum row, each column's values in the rows above it since the previous sum row."""
    row = rows[at]
    parts = []
    for r in reversed(rows[:at]):
        if r.table != row.table or r.is_sum:
            break
        parts.insert(0, r)
    # a dash in a part's cell ('Balansgång 12 –') is no value of that column
    return {c: [p.values[c] for p in parts if c in p.values] for c in row.values} if len(parts) >= 2 else {}

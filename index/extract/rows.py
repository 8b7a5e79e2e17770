"""Each value of each budget/result table row as a figure: measure = column (utfall, budget, avvikelse,
årsbudget, or a year), phrase = row label and column header, amounts scaled by the table's unit (tkr)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.cell_tables import PEOPLE_NOUNS, TOTAL_WORDS
from index.extract.phrase import row_phrase
from index.lexical import fold
from index.models import Chunk, Figure, ReportMeta
from index.tables import named_column


def table_row_figures(report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk]) -> list[Figure]:
    """The values of one row share a group, so the row can be checked (utfall − budget = avvikelse). A
    'Differens' column that is budget − utfall gets the measure 'avvikelse (budget − utfall)'
    (tables.DIFFERENCE_MEASURES): the direction travels with the figures. A row whose digit groups can be
    split into the columns in several ways, none of which adds up, is not a table row of these columns
    ('Kassa och bank 1 512 400' under a budget table's header) and gives no figures."""
    from index.tables import DIFFERENCE_MEASURES, parse_tables

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    sums = sum_row_parts(cleaned)
    for row in parse_tables(cleaned.text, cleaned.mapped.original_slice):
        if not row.values or (row.is_sum and not row.label):
            continue
        if row.consistent is False and row.alternatives > 1:
            continue
        chunk = _chunk_at(spans, row.start)
        if chunk is None:
            continue
        group = f"{report_id}:rad:{row.start}"
        for column, value in row.values.items():
            measure = (
                DIFFERENCE_MEASURES[row.difference]
                if column == "avvikelse"
                else column
                if not column.isdigit()
                else (row.heading.lower() or "belopp")  # 'Medlemsavgifter (kr) 2023 2022': of that
            )
            out.append(
                _cell_figure(
                    report_id,
                    meta,
                    cleaned,
                    chunk,
                    row.start,
                    row.end,
                    f"{group}:{column}",
                    value=value * row.scale,
                    unit="kr",
                    measure=measure,
                    subject=row.label,
                    period=column if column.isdigit() else _column_period(column, meta),
                    group=group,
                    role="single",
                    phrase=row_phrase(row.label, f"{row.heading} {column}".strip()),
                    section=row.section or chunk.section,
                    column_parts=sums.get((row.start, column), []) if row.is_sum else [],
                )
            )
    return out


def sum_row_parts(cleaned) -> dict[tuple[int, str], list[float]]:
    """(sum row's start, column) -> the values it adds up, for the budget and year tables."""
    from index.tables import check_sums, parse_tables

    out: dict[tuple[int, str], list[float]] = {}
    for check in check_sums(parse_tables(cleaned.text, cleaned.mapped.original_slice)):
        rows = (check.row, *check.parts)
        if any(r.alternatives > 1 and r.consistent is not True for r in rows):
            continue  # a row whose digits could be split more ways than one: a sum of guesses proves nothing
        for column in check.columns:
            if column.missing:
                continue  # a row without this column: the sum cannot be checked from the rows
            if any(p.values[column.column] == column.stated for p in check.parts):
                continue  # a part as large as the sum: a subtotal among the rows, not a part of it
            # in kronor, as the sum row's own figure is ('(tkr)' tables scale every row)
            out[(check.row.start, column.column)] = [p.values[column.column] * p.scale for p in check.parts]
    return out


def count_table_figures(
    report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk], rows=None
) -> list[Figure]:
    """The cells of the tables of people per insats (index.count_tables): each a figure of its row's
    insats and its column's measure; women and men are parts of the row's total, and a 'Totalt' row's
    cells carry the column values they sum."""
    from index.count_tables import column_parts, parse_count_tables

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    rows = parse_count_tables(cleaned.text) if rows is None else rows
    for at, row in enumerate(rows):
        chunk = _chunk_at(spans, row.start)
        if chunk is None:
            continue
        group = f"{report_id}:tabellrad:{row.start}"
        measures = [c.measure for c in row.columns]
        split = {"kvinnor", "män"} <= set(measures)
        total_at = next((i for i, m in enumerate(measures) if m in ("deltagare", "inskrivna")), None)
        parts = column_parts(rows, at) if row.is_sum else {}
        for i, value in row.values.items():
            column = row.columns[i]
            role = "single"
            if split and total_at is not None:
                gender = column.measure in ("kvinnor", "män")
                role = "total" if i == total_at else "part" if gender else "single"
            out.append(
                _cell_figure(
                    report_id,
                    meta,
                    cleaned,
                    chunk,
                    row.start,
                    row.end,
                    f"{group}:{i}",
                    value=value,
                    unit="personer",
                    measure=column.measure,
                    subject=meta.organisation if row.is_sum else row.label,
                    period=str(column.year or row.year or "") or meta.period,
                    group=group,
                    role=role,
                    phrase=row_phrase(row.label, column.text.lower()),
                    section=chunk.section_at(row.start - chunk.char_start),
                    column_parts=parts.get(i, []),
                )
            )
    return out


def breakdown_figures(
    report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk], breakdowns=None
) -> list[Figure]:
    """The rows of a breakdown of people (index.breakdowns): each a part of its caption's group, the sum
    row its total with the parts it adds up. The insats is resolved as a sentence's is, from the section
    and the caption (its words are the figure's phrase), so these are not table rows."""
    from index.breakdowns import parse_breakdowns

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    for b in parse_breakdowns(cleaned.text) if breakdowns is None else breakdowns:
        lines = [
            _PeopleLine(
                r.start,
                r.end,
                float(r.value),
                r.measure,
                "total" if r.is_sum else "part",
                f"{b.caption} {r.label}",
                list(b.parts_of_sum) if r.is_sum else [],
            )
            for r in b.rows
        ]
        out += _people_lines(report_id, meta, cleaned, spans, f"{report_id}:fördelning:{b.start}", lines)
    return out


def amount_list_figures(
    report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk], lists=None
) -> list[Figure]:
    """The lines of a list of amounts (index.amount_lists): each line's amount belongs to the line's name
    (the member who pays it, the post it is spent on) with the caption's measure; a sum line is the
    total of the lines above it."""
    from index.amount_lists import parse_amount_lists

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    for block in parse_amount_lists(cleaned.text) if lists is None else lists:
        chunk = _chunk_at(spans, block.start)
        if chunk is None:
            continue
        group = f"{report_id}:belopp:{block.start}"
        parts = [r.amount for r in block.rows if not r.is_sum]
        for at, row in enumerate(block.rows):
            out.append(
                _cell_figure(
                    report_id,
                    meta,
                    cleaned,
                    chunk,
                    row.start,
                    row.end,
                    f"{group}:{at}",
                    value=row.amount,
                    unit="kr",
                    measure=block.measure,
                    subject=row.label,
                    period=block.year or meta.period,
                    group=group,
                    role="total" if row.is_sum else "part",
                    phrase=row_phrase(row.label, block.caption),
                    column_parts=parts if row.is_sum else [],
                )
            )
    return out


def key_value_figures(
    report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk], blocks=None
) -> list[Figure]:
    """'Antal deltagare: 48', 'Kvinnor: 21', 'Män: 27' (index.breakdowns.parse_key_values): each line a
    count of people of the section's insats; women and men are parts of the block's participants."""
    from index.breakdowns import parse_key_values

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    for block in parse_key_values(cleaned.text) if blocks is None else blocks:
        grouped = any(k.role != "single" for k in block)
        lines = [_PeopleLine(k.start, k.end, float(k.value), k.measure, k.role, k.label, []) for k in block]
        group = f"{report_id}:nyckeltal:{block[0].start}"
        out += _people_lines(report_id, meta, cleaned, spans, group, lines, grouped)
    return out


@dataclass(frozen=True)
class _PeopleLine:
    """One line of a block that counts people (a breakdown row, a 'Label: N' line)."""

    start: int
    end: int
    value: float
    measure: str
    role: str
    phrase: str
    column_parts: list[float]


def _people_lines(
    report_id: str, meta: ReportMeta, cleaned, spans: list[Chunk], group: str, lines, grouped: bool = True
) -> list[Figure]:
    """Figures of one block's lines: counts of people of the section's insats (resolved as a sentence's
    is, so not table rows), grouped so that a total can be checked against its parts."""
    chunk = _chunk_at(spans, lines[0].start) if lines else None
    if chunk is None:
        return []
    return [
        _cell_figure(
            report_id,
            meta,
            cleaned,
            chunk,
            line.start,
            line.end,
            f"{group}:{at}",
            value=line.value,
            unit="personer",
            measure=line.measure,
            subject="",
            period=meta.period,
            group=group if grouped and line.role != "single" else None,
            role=line.role,
            phrase=line.phrase,
            section=chunk.section_at(line.start - chunk.char_start),
            table_row=False,
            column_parts=line.column_parts,
        )
        for at, line in enumerate(lines)
    ]


def _chunk_at(spans: list[Chunk], start: int) -> Chunk | None:
    """The chunk (of chunks sorted by start) that holds the text at `start`."""
    return next((c for c in spans if c.char_start <= start < c.char_end), None)


def _cell_figure(
    report_id: str, meta: ReportMeta, cleaned, chunk: Chunk, start: int, end: int, figure_id: str, **fields
) -> Figure:
    """One cell of a table row: the row's line is its sentence and quote, in the report's organisation."""
    line = cleaned.text[start:end]
    return Figure(
        figure_id=figure_id,
        report_id=report_id,
        chunk_id=chunk.chunk_id,
        page=cleaned.page_at(start),
        sentence=line,
        char_start=start,
        char_end=end,
        raw=line,
        organisation=meta.organisation,
        **{"table_row": True, **fields},
    )


_WHOLE_YEAR_COLUMNS = ("årsbudget", "prognos")


def _column_period(column: str, meta: ReportMeta) -> str:
    """A half-year report's 'Budget helår' and 'Prognos helår' are of the whole year, its utfall of the
    half-year: the column says which."""
    if column in _WHOLE_YEAR_COLUMNS and len(meta.years) == 1:
        return str(meta.years[0])
    return meta.period


_CATEGORY_LABEL = re.compile(
    r"^(?:\d{1,2}\s*[-–]\s*\d{1,2}|\d{1,2}\s*ar|(?:under|over|yngre an|aldre an)\s+\d)"
)
_CATEGORY_HEADS = {"alder", "aldersgrupp", "kon", "kategori", "grupp"}


def cell_table_figures(
    report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk], rows=None
) -> list[Figure]:
    """The value cells of the cell-aligned tables no other reader took (index.cell_tables): each a figure
    of its row's label and its column's words, in the column's unit; an amount's measure is what its
    column, else the caption, says it is (money_measure), any other column's measure its own words. Women
    and men are parts of the row's people column; a sum row's cells carry the values they add up. A row
    whose label says what it is ('Medlemsavgifter, kr' under 'Nyckeltal 2023 2022') is a measure of the
    organisation, and a 'varav kvinnor' row under it a part of it."""
    from index.cell_tables import parse_cell_tables, sum_parts

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    rows = parse_cell_tables(cleaned.text, cleaned.mapped.original_slice) if rows is None else rows
    whole_of: dict[int, str] = {}  # column -> group of the last row that 'varav' rows below are parts of
    with_parts: set[str] = set()
    for at, row in enumerate(rows):
        chunk = _chunk_at(spans, row.start)
        if chunk is None:
            continue
        group = f"{report_id}:celltabell:{row.start}"
        parts = sum_parts(rows, at) if row.is_sum else {}
        roles = _cell_roles(row)
        part_of_above = row.by_label and fold(row.label).split()[0] in ("varav", "darav")
        # '20–24 år' under 'Ålder Kvinnor Män Totalt': a group of the section's insats, not an insats
        category = (
            bool(_CATEGORY_LABEL.match(fold(row.label))) or fold(row.columns[0].text) in _CATEGORY_HEADS
        )
        for k, value in row.values.items():
            column = row.columns[k]
            unit = row.units.get(k, column.unit)
            role, cell_group = roles.get(k, "single"), group
            if row.by_label:
                cell_group = f"{group}:{k}"
                if part_of_above and k in whole_of:
                    role, cell_group = "part", whole_of[k]
                    with_parts.add(cell_group)
                else:
                    whole_of[k] = cell_group
            out.append(
                _cell_figure(
                    report_id,
                    meta,
                    cleaned,
                    chunk,
                    row.start,
                    row.end,
                    f"{group}:{k}",
                    value=value,
                    unit=unit,
                    measure=_label_measure(row, unit) if row.by_label else _column_measure(row, k, roles),
                    subject=meta.organisation
                    if (row.is_sum or row.by_label)
                    else ""
                    if category
                    else row.label,
                    period=column.year or row.year or meta.period,
                    group=cell_group,
                    role=role,
                    phrase=row_phrase(row.label, f"{column.text.lower()} {row.caption}".strip()),
                    section=chunk.section_at(row.start - chunk.char_start),
                    column_parts=parts.get(k, []),
                    table_row=not category,
                )
            )
    for f in out:
        if f.group in with_parts and f.role == "single":
            f.role = "total"  # a key-figure row with 'varav' rows under it is their total
    return out


def _cell_roles(row) -> dict[int, str]:
    """'Kvinnor Män Totalt': the people total and its women and men parts, where a row has all three."""
    words = [fold(c.text).split() for c in row.columns]
    women = next((k for k, w in enumerate(words) if "kvinnor" in w), None)
    men = next((k for k, w in enumerate(words) if "man" in w), None)
    total = next(
        (
            k
            for k, c in enumerate(row.columns)
            if c.unit == "personer" and k not in (women, men) and k in row.values
        ),
        None,
    )
    if women is None or men is None or total is None:
        return {}
    return {total: "total", women: "part", men: "part"}


def _column_measure(row, k: int, roles: dict[int, str]) -> str:
    from index.extract.money import money_measure
    from index.extract.outcomes import outcome_in

    column = row.columns[k]
    named = named_column(fold(column.text).strip(" ,.:"))
    if column.unit == "kr" and named:
        return named  # 'Budget', 'Utfall', 'Avvikelse': the budget tables' own column names
    if column.unit == "kr":
        measure = money_measure(column.text)
        return money_measure(row.caption) if measure == "belopp" else measure
    if roles.get(k) == "part":
        return "kvinnor" if "kvinnor" in fold(column.text).split() else "män"
    if column.unit == "personer" and fold(column.text).split()[0] in TOTAL_WORDS:
        # 'Totalt 2024' beside 'Kvinnor Män' under 'Deltagare per insats': the caption's people noun
        return next((w for w in fold(row.caption).split() if w in PEOPLE_NOUNS), "deltagare")
    if column.unit == "personer":
        # 'Arbete' under 'Avslutade deltagare efter avslutsorsak' counts those who went to work
        after_exit = "avslut" in fold(row.caption)
        text = re.sub(r"(?<!\d)(?:19|20)\d\d(?!\d)", "", column.text).strip()  # 'Nya 2023' is 'nya'
        said = outcome_in(text) or (outcome_in(f"till {text}") if after_exit else None)
        return said or column.text.lower()
    return column.text.lower()


def _label_measure(row, unit: str) -> str:
    """What a row says it is by its label: an amount's money measure, the women or men, an outcome or the
    people noun, else the label's own words."""
    from index.extract.money import money_measure
    from index.extract.outcomes import outcome_in

    label = row.label
    folded = fold(label).split()
    if unit == "kr":
        return money_measure(label)
    if unit == "personer":
        if "kvinnor" in folded or "man" in folded:
            return "kvinnor" if "kvinnor" in folded else "män"
        said = outcome_in(label)
        return said or next((w for w in folded if w in PEOPLE_NOUNS), "deltagare")
    return label.lower().strip(" ,:")

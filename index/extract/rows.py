"""Each value of each budget/result table row as a figure: measure = column (utfall, budget, avvikelse,
årsbudget, or a year), phrase = row label and column header, amounts scaled by the table's unit (tkr)."""

from __future__ import annotations

from index.extract.phrase import row_phrase
from index.models import Chunk, Figure, ReportMeta


def table_row_figures(report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk]) -> list[Figure]:
    """The values of one row share a group, so the row can be checked (utfall − budget = avvikelse). A
    'Differens' column that is budget − utfall gets the measure 'avvikelse (budget − utfall)'
    (tables.DIFFERENCE_MEASURES): the direction travels with the figures. A row whose digit groups can be
    split into the columns in several ways, none of which adds up, is not a table row of these columns
    ('Kassa och bank 1 512 400' under a budget table's header) and gives no figures."""
    from index.tables import DIFFERENCE_MEASURES, parse_tables

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    for row in parse_tables(cleaned.text):
        if not row.values or (row.is_sum and not row.label):
            continue
        if row.consistent is False and row.alternatives > 1:
            continue
        chunk = next((c for c in spans if c.char_start <= row.start < c.char_end), None)
        if chunk is None:
            continue
        line = cleaned.text[row.start : row.end]
        group = f"{report_id}:rad:{row.start}"
        for column, value in row.values.items():
            measure = (
                DIFFERENCE_MEASURES[row.difference]
                if column == "avvikelse"
                else column
                if not column.isdigit()
                else "belopp"
            )
            out.append(
                Figure(
                    figure_id=f"{group}:{column}",
                    report_id=report_id,
                    chunk_id=chunk.chunk_id,
                    page=cleaned.page_at(row.start),
                    sentence=line,
                    char_start=row.start,
                    char_end=row.end,
                    value=value * row.scale,
                    unit="kr",
                    measure=measure,
                    subject=row.label,
                    period=column if column.isdigit() else meta.period,
                    raw=line,
                    group=group,
                    role="single",
                    phrase=row_phrase(row.label, column),
                    organisation=meta.organisation,
                    section=row.section or chunk.section,
                    table_row=True,
                )
            )
    return out

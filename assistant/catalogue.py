"""The catalogue: what the index holds, one row per report (`finsam reports` and the Rapporter screen).

Built from the live generation's manifest alone, so it opens in a moment without the model, the
passages or the figures."""

from __future__ import annotations

from pydantic import BaseModel

from index.catalog import Manifest, ReportEntry
from index.metadata import FILE_NAME, GUESS, MISSING, SIDECAR, TITLE_PAGE

READ_FROM_REPORT = frozenset({SIDECAR, TITLE_PAGE})
"""Sources that state a field: the sidecar, or the report's own title page. Anything else is inferred."""

FIELD_NAMES = {
    "title": "titel",
    "organisation": "organisation",
    "report_type": "typ",
    "period": "period",
    "years": "år",
}
SOURCE_ORDER = (SIDECAR, TITLE_PAGE, FILE_NAME, GUESS, MISSING)


class ReportRow(BaseModel):
    """One indexed report as the catalogue shows it."""

    report_id: str
    path: str
    format: str
    title: str
    organisation: str
    report_type: str
    period: str
    years: list[int]
    pages: int
    passages: int
    figures: int
    ocr_pages: list[int]
    ocr_confidence: float | None
    repaired_words: int
    sources: dict[str, str]
    """Field -> where it came from: sidecar, titelsida, filnamn, gissning or saknas."""
    guessed: dict[str, str]
    """The fields that were not stated by a sidecar or the title page, and where they came from."""


def guessed_fields(entry: ReportEntry) -> dict[str, str]:
    """Fields inferred from the file name or the body, or missing; {} when all were stated."""
    if entry.meta_sources:
        return {name: src for name, src in entry.meta_sources.items() if src not in READ_FROM_REPORT}
    # A manifest from before sources were recorded knows only which fields no sidecar gave.
    return dict.fromkeys(entry.missing_meta, GUESS)


def report_row(entry: ReportEntry) -> ReportRow:
    meta = entry.meta
    return ReportRow(
        report_id=entry.report_id,
        path=entry.path,
        format=entry.fmt,
        title=meta.title,
        organisation=meta.organisation,
        report_type=meta.report_type,
        period=meta.period,
        years=list(meta.years),
        pages=entry.pages,
        passages=entry.chunks,
        figures=entry.figures,
        ocr_pages=list(entry.ocr_pages),
        ocr_confidence=entry.ocr_confidence,
        repaired_words=entry.repaired_words,
        sources=dict(entry.meta_sources),
        guessed=guessed_fields(entry),
    )


def report_rows(manifest: Manifest) -> list[ReportRow]:
    """Every report, by organisation, then the years it covers, then title."""
    rows = [report_row(entry) for entry in manifest.reports.values()]
    return sorted(rows, key=lambda r: (r.organisation.casefold(), r.years or [0], r.title.casefold()))


def page_ranges(pages: list[int]) -> str:
    """[1, 2, 3, 5] -> '1–3, 5'."""
    spans: list[list[int]] = []
    for page in sorted(set(pages)):
        if spans and page == spans[-1][1] + 1:
            spans[-1][1] = page
        else:
            spans.append([page, page])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def ocr_label(row: ReportRow) -> str:
    """'s. 1–6 (94,7)': the OCR'd pages and their mean Tesseract confidence; '' when none was OCR'd."""
    if not row.ocr_pages:
        return ""
    label = f"s. {page_ranges(row.ocr_pages)}"
    if row.ocr_confidence is not None:
        label += f" ({row.ocr_confidence:.1f})".replace(".", ",")
    return label


def guessed_label(row: ReportRow) -> str:
    """'typ: filnamn, period: gissning': what was guessed and from where; '' when nothing was."""
    order = list(FIELD_NAMES)
    fields = sorted(row.guessed, key=lambda name: order.index(name) if name in order else len(order))
    named = [(FIELD_NAMES.get(name, name), row.guessed[name]) for name in fields if name != "years"]
    return ", ".join(f"{name}: {src}" for name, src in named)


def any_guessed(rows: list[ReportRow]) -> bool:
    return any(row.guessed for row in rows)

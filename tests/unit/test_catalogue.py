"""The catalogue rows of `finsam reports`: what was stated, what was guessed, OCR pages."""

from __future__ import annotations

import pytest

from assistant.catalogue import guessed_fields, guessed_label, ocr_label, page_ranges, report_row, report_rows
from index.catalog import Manifest, ReportEntry
from index.metadata import FILE_NAME, GUESS, MISSING, SIDECAR, TITLE_PAGE
from index.models import ReportMeta


def entry(report_id: str, *, organisation="Samordningsförbundet Alfa", years=(2019,), sources=None, **kw):
    meta = ReportMeta(
        title=kw.pop("title", f"Rapport {report_id}"),
        organisation=organisation,
        report_type="Årsredovisning",
        period=str(years[0]),
        years=list(years),
    )
    return ReportEntry(
        report_id=report_id,
        path=f"{report_id}.pdf",
        fmt="pdf",
        content_hash="x",
        meta=meta,
        missing_meta=kw.pop("missing_meta", []),
        chunks=kw.pop("chunks", 3),
        ocr_unknown_rate=0.0,
        ocr_damaged=False,
        repaired_words=kw.pop("repaired_words", 0),
        meta_sources=sources or {},
        **kw,
    )


@pytest.mark.parametrize(
    ("pages", "expected"),
    [([1, 2, 3, 5], "1–3, 5"), ([4], "4"), ([3, 1, 2], "1–3"), ([1, 3, 5], "1, 3, 5"), ([], "")],
)
def test_page_ranges(pages, expected):
    assert page_ranges(pages) == expected


@pytest.mark.parametrize(
    ("sources", "missing", "expected"),
    [
        (dict.fromkeys(("title", "organisation", "period"), SIDECAR), [], {}),
        ({"title": TITLE_PAGE, "report_type": TITLE_PAGE, "period": FILE_NAME}, [], {"period": FILE_NAME}),
        (
            {"organisation": GUESS, "report_type": MISSING},
            [],
            {"organisation": GUESS, "report_type": MISSING},
        ),
        # A manifest from before sources were recorded: what no sidecar gave counts as a guess.
        ({}, ["title", "period"], {"title": GUESS, "period": GUESS}),
    ],
)
def test_guessed_fields(sources, missing, expected):
    assert guessed_fields(entry("a", sources=sources, missing_meta=missing)) == expected


def test_row_carries_counts_and_ocr():
    row = report_row(entry("a", chunks=7, pages=6, figures=12, ocr_pages=[2, 3, 4], ocr_confidence=91.26))
    assert (row.pages, row.passages, row.figures, row.ocr_pages) == (6, 7, 12, [2, 3, 4])
    assert ocr_label(row) == "s. 2–4 (91,3)"
    assert ocr_label(report_row(entry("b"))) == ""


def test_guessed_label_names_field_and_source():
    row = report_row(entry("a", sources={"report_type": FILE_NAME, "period": GUESS, "years": GUESS}))
    assert guessed_label(row) == "typ: filnamn, period: gissning"
    row = report_row(entry("c", sources={"period": GUESS, "title": FILE_NAME}))
    assert guessed_label(row) == "titel: filnamn, period: gissning"
    assert guessed_label(report_row(entry("b", sources={"title": SIDECAR}))) == ""


def test_rows_by_organisation_then_year():
    manifest = Manifest(embedder="fake", pipeline_version=1)
    for e in (
        entry("b2020", organisation="Samordningsförbundet Beta", years=(2020,)),
        entry("a2021", years=(2021,)),
        entry("b2018", organisation="samordningsförbundet beta", years=(2018,)),
        entry("a2019", years=(2019,)),
    ):
        manifest.reports[e.report_id] = e
    assert [r.report_id for r in report_rows(manifest)] == ["a2019", "a2021", "b2018", "b2020"]

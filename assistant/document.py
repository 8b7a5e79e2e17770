"""A whole report rebuilt from its indexed passages, in reading order, for the report viewer.

The chunks of a report cover its text in order (a long section split in two may repeat a sentence at the
seam, which is trimmed here), each with the repaired text the user reads and the original as extracted, so the
viewer needs no second copy of the report and shows exactly what was indexed."""

from __future__ import annotations

from dataclasses import dataclass

from index.models import Chunk
from index.reader import IndexReader


@dataclass(frozen=True)
class DocumentPart:
    chunk_id: str
    page_start: int
    page_end: int
    section: str
    text: str
    original: str
    ocr_repaired: bool
    new_page: bool
    """The part starts on a later page than the one before it: the viewer marks the page."""
    new_section: bool
    """Its heading path differs from the part before it: the viewer shows the heading."""


@dataclass(frozen=True)
class ReportDocument:
    report_id: str
    title: str
    organisation: str
    period: str
    source: str
    """The report's file, as indexed."""
    parts: list[DocumentPart]

    @property
    def ocr_repaired(self) -> bool:
        return any(p.ocr_repaired for p in self.parts)


SEAM_PROBE = 24
"""Characters of a part's start sought at the end of the part before: enough not to match by chance."""


def without_seam(before: str, text: str) -> str:
    """`text` without the sentences it repeats from the end of `before` (where a split section overlaps)."""
    start = before.rfind(text[:SEAM_PROBE]) if len(text) > SEAM_PROBE else -1
    repeated = before[start:].rstrip() if start >= 0 else ""
    if not repeated.endswith((".", "!", "?", ":")) or not text.startswith(repeated):
        return text
    return text[len(repeated) :].lstrip()


def document_parts(chunks: list[Chunk]) -> list[DocumentPart]:
    """The report's chunks in reading order, marking where a page or a section begins."""
    parts: list[DocumentPart] = []
    page, section, text, original = None, None, "", ""
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        parts.append(
            DocumentPart(
                chunk_id=chunk.chunk_id,
                page_start=chunk.page_start,
                page_end=chunk.page_end,
                section=chunk.section,
                text=without_seam(text, chunk.text),
                original=without_seam(original, chunk.original),
                ocr_repaired=chunk.ocr_repaired,
                new_page=page is None or chunk.page_start > page,
                new_section=chunk.section != section,
            )
        )
        page, section, text, original = chunk.page_end, chunk.section, chunk.text, chunk.original
    return parts


def report_document(reader: IndexReader, report_id: str) -> ReportDocument:
    """The report `report_id` of the reader's generation; KeyError when the index does not hold it."""
    entry = reader.report(report_id)
    chunks = [c for c in reader.chunks if c.report_id == report_id]
    return ReportDocument(
        report_id=report_id,
        title=entry.meta.title,
        organisation=entry.meta.organisation,
        period=entry.meta.period,
        source=entry.path,
        parts=document_parts(chunks),
    )

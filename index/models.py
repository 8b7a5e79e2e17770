"""Typed records that cross module boundaries in the indexing pipeline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from index.textmap import MappedText

PageMarker = Literal["formfeed", "leading_space"]


class ReportMeta(BaseModel):
    """What a report is: read from its `.toml` sidecar, or inferred from the file when there is none."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    report_type: str = Field(
        min_length=1, description="Verksamhetsberättelse, Årsredovisning, Delårsrapport …"
    )
    period: str = Field(min_length=1, description="'2017' or '2020-01-01 – 2020-06-30'")
    years: list[int] = Field(default_factory=list, description="Calendar years the report covers")
    page_marker: PageMarker | None = Field(
        default=None, description="How a .txt marks page breaks; None means form feeds only"
    )
    source: str | None = None

    @model_validator(mode="after")
    def _years_from_period(self) -> ReportMeta:
        if not self.years:
            found = sorted({int(y) for y in re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", self.period)})
            if found:
                self.years = list(range(found[0], found[-1] + 1))
        for year in self.years:
            if not 1990 <= year <= 2100:
                raise ValueError(f"year {year} is outside 1990–2100")
        return self


@dataclass(frozen=True)
class Page:
    number: int
    """1-based page of the source (PDF page, or page-marker count for text exports)."""
    text: str


@dataclass
class LoadedReport:
    """A report file read into pages, before cleaning."""

    report_id: str
    """Stable name of the report: the file name without extension."""
    path: Path
    fmt: Literal["txt", "pdf", "docx"]
    meta: ReportMeta
    pages: list[Page]
    content_hash: str
    """sha256 of the file bytes plus its sidecar: decides whether a report must be re-indexed."""
    missing_meta: list[str] = field(default_factory=list)
    """Metadata fields that were inferred or defaulted because no sidecar gave them."""
    meta_sources: dict[str, str] = field(default_factory=dict)
    """Field -> where it came from: 'sidecar', 'titelsida', 'filnamn', 'gissning' or 'saknas'."""
    headings: dict[str, int] = field(default_factory=dict)
    """Heading text -> level, where the format knows its headings (DOCX styles)."""
    encoding: str = "utf-8"
    ocr_pages: list[int] = field(default_factory=list)
    """1-based pages read by OCR (scanned pages of a PDF)."""
    ocr_confidence: float | None = None
    """Mean Tesseract word confidence (0–100) over the OCR'd pages; None when no page was OCR'd."""


@dataclass(frozen=True)
class LoadProblem:
    """A file that could not be read, with the reason in plain words."""

    path: Path
    reason: str


@dataclass(slots=True)  # no per-object __dict__: an index holds 140 000 chunks in memory
class Chunk:
    """One passage with everything needed to cite it."""

    chunk_id: str
    report_id: str
    ordinal: int
    text: str
    """Cleaned (and OCR-repaired) passage: what the user sees."""
    original: str
    """The same span of the report as extracted, before cleaning and repair: for checking a citation."""
    embed_text: str
    """`title — section` header plus the text: what the embedder and lexical index see."""
    page_start: int
    page_end: int
    section: str
    """Heading path, e.g. 'Arbetsmarknadstorget, AMT › Resultat'."""
    char_start: int
    char_end: int
    """Span in the report's cleaned text (pages joined by form feeds)."""
    ocr_repaired: bool = False
    subsections: list = field(default_factory=list)
    """[offset in `text`, section label] of each heading inside the chunk after its start: a short
    introduction packed with its first sub-section ('4. Insatser … 4.1 Jobbspåret …') keeps, for the
    figures under '4.1 Jobbspåret', the section they stand in."""

    def section_at(self, offset: int) -> str:
        """The section of the text at `offset` in `text`."""
        section = self.section
        for start, label in self.subsections:
            if start <= offset:
                section = label
        return section

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class OcrAssessment:
    """Share of words that fail the Swedish word list, and whether that marks the text as OCR-damaged."""

    words: int
    unknown: int
    damaged: bool

    @property
    def unknown_rate(self) -> float:
        return self.unknown / self.words if self.words else 0.0


@dataclass
class CleanedReport:
    """A report's text after cleaning, mapped back to the extracted original."""

    report_id: str
    mapped: MappedText
    """Cleaned text of all pages joined by form feeds ('\\f'), with the map to the original."""
    page_starts: list[tuple[int, int]]
    """(page number, offset in the cleaned text where that page begins), in order."""
    ocr: OcrAssessment
    repaired_words: int = 0

    @property
    def text(self) -> str:
        return self.mapped.text

    def page_at(self, offset: int) -> int:
        page = self.page_starts[0][0] if self.page_starts else 1
        for number, start in self.page_starts:
            if start > offset:
                break
            page = number
        return page


# --- figures (issue: figures engine) ------------------------------------------------------------------

FigureUnit = Literal["personer", "kr", "procent", "antal", "år"]


@dataclass(frozen=True)
class NumberMention:
    """A number as written in a sentence, parsed: '1 441 678 kronor', 'ca 42 %', 'tjugo', '6 028 tkr'."""

    value: float
    unit: FigureUnit | None
    """kr (tkr/Mkr/miljoner converted), procent, or None when the text names no unit."""
    start: int
    end: int
    """Span in the sentence (or text) the mention was found in."""
    raw: str
    approx: bool = False
    """Preceded by 'ca', 'cirka', 'drygt', 'knappt', 'omkring', 'ungefär'."""
    word: bool = False
    """Written as a number word ('tjugo', 'sju')."""


@dataclass(slots=True)  # and half a million figures
class Figure:
    """A quantity a report states, with what it measures, whose it is, when, and where it stands."""

    figure_id: str
    report_id: str
    chunk_id: str
    page: int
    sentence: str
    """The quote: the sentence (or table row) stating the figure, as shown to the user."""
    char_start: int
    char_end: int
    """Span of the number in the report's cleaned text."""
    value: float
    unit: FigureUnit
    measure: str
    """From a small vocabulary: deltagare, kvinnor, män, avslutade, till arbete, till studier, kostnad,
    budget, utfall, avvikelse, årsbudget, resultat, eget kapital, medlemsavgift …"""
    subject: str
    """Canonical name of the insats/project/organisation the figure belongs to."""
    period: str
    raw: str
    approx: bool = False
    group: str | None = None
    """Figures stated together ('95 personer, varav 48 kvinnor och 47 män') share a group id."""
    role: Literal["total", "part", "single"] = "single"
    phrase: str = ""
    """The figure's own words: the clause around the number ('34 personer deltagit i Jobbspåret'), a
    list line's label, or a table row's label and column. Questions are matched against it."""
    organisation: str = ""
    section: str = ""
    """The section the figure stands in (not the chunk's first section)."""
    pair_id: str = ""
    pair_side: str = ""
    """'before' / 'after' for the two numbers of 'från 34 till 51'."""
    table_row: bool = False
    column_parts: list[float] = field(default_factory=list)
    """For a table's sum-row cell ('Totalt 166'), the values of its column in the rows it sums, so a
    check can show whether the table adds up; empty for every other figure."""

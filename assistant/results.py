"""Typed answers: what `finsam ask --json` prints and what the UI shows."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.answering.models import FigureOut

Mode = Literal["hybrid", "lexical", "dense"]


class Filters(BaseModel):
    """Hard filters chosen by the user; a question's own mentions are only soft preferences."""

    organisation: str | None = None
    year: int | None = None
    report_type: str | None = None

    def active(self) -> bool:
        return any(v is not None for v in (self.organisation, self.year, self.report_type))


class Passage(BaseModel):
    report: str
    title: str
    organisation: str
    period: str
    page: int
    section: str
    text: str
    score: float
    chunk_id: str
    page_end: int
    ocr_repaired: bool = False
    citation: str = ""
    """'Titel, Organisation, s. N, avsnitt X' (`assistant.citation`)."""
    highlights: list[tuple[int, int]] = Field(default_factory=list, exclude=True)
    """Character spans in `text` of words that match the question (for display, not JSON)."""


class Answer(BaseModel):
    question: str
    answer: str
    supported: bool
    passages: list[Passage]
    figures: list[FigureOut] = Field(default_factory=list)

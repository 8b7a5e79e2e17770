"""Typed results of the answering path: the figures shown, their sources, the question as constraints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

Operation = Literal[
    "lookup",
    "share",
    "change",
    "difference",
    "sum",
    "per_unit",
    "overrun",
    "budget_used",
    "check",
    "list",
    "when",
]


class Source(BaseModel):
    report: str
    """The report's id (its file stem), kept beside the citation for tools."""
    page: int
    quote: str
    section: str = ""
    citation: str = ""
    """'Titel, Organisation, s. N, avsnitt X' (`assistant.citation`), filled in by the engine."""


class FigureOut(BaseModel):
    label: str
    subject: str
    measure: str
    period: str
    value: float
    unit: str
    kind: Literal["stated", "computed", "check"]
    formula: str | None = None
    ok: bool | None = None
    sources: list[Source]


@dataclass(frozen=True)
class Side:
    """One side of a comparison: 'budget för 2025' | 'vad insatsen kostade 2024' — its own words, years
    and part of a year, read from the question's text on that side of 'än' / 'jämfört med'."""

    text: str
    measure: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    part_year: int | None = None
    head: str | None = None
    """The side's money noun ('kostnader', 'budget'): what it compares, beside the words around it."""


@dataclass(frozen=True)
class Ask:
    """What a question asks, as constraints and an operation."""

    text: str
    operation: Operation
    measure: tuple[str, ...] = ()
    """The words that say what is counted or measured ('deltagare', 'medlemsavgift', 'arbete studier')."""
    part: tuple[str, ...] = ()
    whole: tuple[str, ...] = ()
    """For a share: the words of the part ('kvinnor', 'gick till arbete') and of the whole ('avslutade')."""
    names: tuple[str, ...] = ()
    """Names the figures must be about: insatser the index knows, places, members ('Sandvik')."""
    years: tuple[int, ...] = ()
    organisations: tuple[str, ...] = ()
    unit: str | None = None
    """'kr', 'procent' or 'personer' when the question's wording says which kind of number it wants."""
    percent: bool = False
    """Asks for the result in percent ('i procent', 'hur många procent')."""
    absolute: bool = False
    """Asks for an absolute difference ('hur många fler', 'med hur mycket', an amount in kronor)."""
    asks_value: bool = True
    items: int | None = None
    """'tre insatser' → 3: how many items a sum has."""
    subset: bool = False
    """Asks how many of a group ('hur många av deltagarna … fick arbete'): the group's total never answers."""
    head: str | None = None
    """The noun the question counts ('hur många socialsekreterare …' → socialsekreterare)."""
    full_year: bool = False
    """Asks for a whole year ('för helåret 2020', 'under hela året'): a half-year's figure is no answer."""
    part_year: int | None = None
    """Asks for a part of a year: the month it ends ('årets första åtta månader', 'januari–augusti',
    'till och med augusti' → 8; 'första halvåret' → 6), 0 for a part without its month ('enligt
    delårsrapporten'). None for a question about whole years or none."""
    sides: tuple[Side, ...] = ()
    """The two sides of a comparison ('mer … än …', '… jämfört med …'), when the question has one."""
    moment: str | None = None
    """'end' or 'start' when the question asks for a balance at a point of the period ('när 2024 var slut',
    'vid årets början'): the closing, not the opening, eget kapital."""


@dataclass
class Verdict:
    """Whether the reports answer the question, and if not, which constraint failed and what is nearest."""

    supported: bool
    reason: str = ""
    nearest: FigureOut | None = None


@dataclass
class Answered:
    figures: list[FigureOut] = field(default_factory=list)
    verdict: Verdict = field(default_factory=lambda: Verdict(True))
    line: str = ""

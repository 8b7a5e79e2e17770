"""Sentences (and list lines) of a passage, with their spans: the unit a figure is read in."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])|\n(?=\s*[•\-–*])|\n\s*\n")
_ABBREVIATION_END = re.compile(
    r"(?:\b(?:fr\.o\.m|t\.o\.m|t\.ex|bl\.a|m\.m|m\.fl|d\.v\.s|dvs|ca|resp|inkl|exkl|st|kr|nr|mån)\.)$",
    re.IGNORECASE,
)
# A unit after an amount ('… ränteintäkter 12 400 kr. Kostnaderna uppgick …') ends its sentence when a
# word follows; only a number after it ('mån. 3') continues the sentence.
_UNIT_END = re.compile(r"\d\s*(?:st|kr|mån)\.$", re.IGNORECASE)


@dataclass(frozen=True)
class SentenceSpan:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[SentenceSpan]:
    """Sentences (and list lines) of a passage with their spans."""
    out: list[SentenceSpan] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        chunk = text[pos : m.start()]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(SentenceSpan(pos + lead, m.start(), " ".join(chunk.split())))
        pos = m.end()
    tail = text[pos:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        out.append(SentenceSpan(pos + lead, len(text), " ".join(tail.split())))
    return _join_abbreviations(out)


def _join_abbreviations(spans: list[SentenceSpan]) -> list[SentenceSpan]:
    """'Styrelsen består fr.o.m. 2014 av 5 ledamöter': no sentence ends at an abbreviation's full stop."""
    out: list[SentenceSpan] = []
    for span in spans:
        ends_unit = out and _UNIT_END.search(out[-1].text) and not span.text[:1].isdigit()
        if out and _ABBREVIATION_END.search(out[-1].text) and not ends_unit:
            prev = out.pop()
            span = SentenceSpan(prev.start, span.end, f"{prev.text} {span.text}")
        out.append(span)
    return out

"""Chunks of the shipped reports cite the right section and page.

Each passage below was chosen by reading the report; its section path is the heading path printed above
it in the report. Its page is counted here from the raw file, independently of the loader: the text
export starts the first line of every PDF page with one space, so the page of a passage is one more than
the number of such marker lines between the start of the file and the passage.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from index.chunk import MAX_WORDS, chunk_report, display_text
from index.clean import clean_report
from index.lexicon import SwedishLexicon
from index.load import load_report
from index.models import Chunk, CleanedReport

pytestmark = pytest.mark.functional

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PAGE_MARKER = re.compile(r"^ \S", re.MULTILINE)

R2015 = "skelleftea-norsjo_verksamhetsplan_2015"
R2016 = "skelleftea-norsjo_arsredovisning_2016"
R2017 = "skelleftea-norsjo_verksamhetsberattelse_2017"
R2020 = "sodra-norrbotten_delarsredovisning_2020"

PASSAGES = [
    (R2017, "Av de 95 deltagarna har 36 personer avslutats", "Arbetsmarknadstorget, AMT › Resultat"),
    (
        R2017,
        "Under 2017 har 96 personer med svårighet att nå egen försörjning",
        "MySam, Myndighetsgemensam samverkan › Resultat",
    ),
    (
        R2017,
        "Totalt deltog 11 personer (1 kvinna och 10 män)",
        "Destination Framtid (2017-04-01 – 2017-12-31) › Resultat",
    ),
    (R2015, "Målgruppen är personer i förvärvsaktiv ålder", "1. Inledning"),
    (R2015, "Ekonomi i balans.", "6. Samordningsförbundets styrning och ledning › Ekonomi › Mål"),
    # Section 1 opens with a short introduction, which is chunked together with its first sub-sections
    # (1.1 has no text of its own, 1.1.1 two sentences): the chunk belongs to section 1.
    (
        R2020,
        "Förbundet har under perioden bedrivit verksamhet för 1 975 068 kronor",
        "1. Förvaltningsberättelse",
    ),
    (
        R2020,
        "Samordningsförbunden i Luleå, Piteå och Älvsbyn gick samman",
        "1. Förvaltningsberättelse › 1.1 Sammanfattning av verksamhetsårets två första kvartal"
        " › 1.1.2 Verksamhetsutveckling i stort",
    ),
    (
        R2020,
        "I dagsläget har tjugo av dessa kommit sig ut i sysselsättning",
        "1. Förvaltningsberättelse › 1.1 Sammanfattning av verksamhetsårets två första kvartal"
        " › 1.1.3 Resultat på individnivå › Piteå",
    ),
    (
        R2020,
        "Projektmedarbetare ca 225% samt projektledare 90%",
        "Bilaga 1 › MoA Piteå 20190301–20220228 › Bemanning/resurser",
    ),
    # The OCR'd report: the passage is searched in the chunks' original (unrepaired) text.
    (
        R2016,
        "Resultatet har fallit val ut och Arbetsgivarna",
        "BILAGOR › Knut'n 2.0 (aug 2015 - mars 2016) › Resultat",
    ),
]


@cache
def lexicon() -> SwedishLexicon:
    return SwedishLexicon()


@cache
def report(report_id: str) -> tuple[CleanedReport, tuple[Chunk, ...]]:
    loaded = load_report(CORPUS / f"{report_id}.txt")
    cleaned = clean_report(loaded, lexicon())
    return cleaned, tuple(chunk_report(report_id, loaded.meta, cleaned, loaded.headings or None))


def raw_page(report_id: str, passage: str) -> int:
    raw = (CORPUS / f"{report_id}.txt").read_text(encoding="utf-8")
    assert raw.count(passage) == 1, f"passage must occur once in {report_id}"
    at = raw.index(passage)
    return 1 + sum(1 for m in PAGE_MARKER.finditer(raw) if 0 < m.start() <= at)


def in_section(label: str, expected: str) -> bool:
    """A chunk's section is the expected path, or its parent naming merged siblings ('P › A / B')."""
    if label == expected:
        return True
    parent, _, last = expected.rpartition(" › ")
    head, _, siblings = label.rpartition(" › ")
    return head == parent and last in siblings.split(" / ")


@pytest.mark.parametrize(("report_id", "passage", "section"), PASSAGES)
def test_passage_has_its_section_and_page(report_id, passage, section):
    cleaned, chunks = report(report_id)
    holding = [c for c in chunks if passage in " ".join(c.original.split())]
    assert holding, f"no chunk holds {passage!r}"
    page = raw_page(report_id, passage)
    for chunk in holding:  # several only where a chunk repeats the sentence before its start
        assert in_section(chunk.section, section), chunk.section
        assert chunk.page_start <= page <= chunk.page_end
    if passage in cleaned.text:
        assert cleaned.page_at(cleaned.text.index(passage)) == page
        assert any(passage in " ".join(c.text.split()) for c in holding)


@pytest.mark.parametrize("report_id", [R2015, R2016, R2017, R2020])
def test_chunks_are_consistent_with_the_cleaned_text(report_id):
    cleaned, chunks = report(report_id)
    last_page = cleaned.page_starts[-1][0]
    assert [c.chunk_id for c in chunks] == [f"{report_id}:{i:04d}" for i in range(len(chunks))]
    for chunk in chunks:
        span = cleaned.text[chunk.char_start : chunk.char_end]
        assert display_text(span) == chunk.text
        assert chunk.original == cleaned.mapped.original_slice(chunk.char_start, chunk.char_end)
        assert 1 <= chunk.page_start <= chunk.page_end <= last_page
        assert chunk.page_start == cleaned.page_at(chunk.char_start)
        assert chunk.word_count <= MAX_WORDS
        assert chunk.embed_text.endswith(chunk.text) and chunk.section in chunk.embed_text
    # Every word of the report is in some chunk, in order.
    starts = [c.char_start for c in chunks]
    assert starts == sorted(starts)
    covered = bytearray(len(cleaned.text))
    for chunk in chunks:
        covered[chunk.char_start : chunk.char_end] = b"\1" * (chunk.char_end - chunk.char_start)
    assert all(covered[i] for i, ch in enumerate(cleaned.text) if not ch.isspace())
    # Repaired text shows in the chunks exactly where cleaning repaired OCR damage.
    assert any(c.ocr_repaired for c in chunks) == (cleaned.repaired_words > 0)

"""The report rebuilt from its chunks for the viewer: reading order, page and section marks, seams."""

from __future__ import annotations

import pytest

from assistant.document import document_parts, without_seam
from index.models import Chunk


def chunk(ordinal: int, text: str, page: int, section: str, original: str | None = None) -> Chunk:
    return Chunk(
        chunk_id=f"r-{ordinal}",
        report_id="r",
        ordinal=ordinal,
        text=text,
        original=original if original is not None else text,
        embed_text=text,
        page_start=page,
        page_end=page,
        section=section,
        char_start=0,
        char_end=len(text),
    )


@pytest.mark.parametrize(
    ("before", "text", "expected"),
    [
        (
            "Första stycket. Den delade meningen om insatsen.",
            "Den delade meningen om insatsen. Nytt.",
            "Nytt.",
        ),
        (
            "Inget gemensamt här alls i texten.",
            "Helt annan text som börjar nytt här.",
            "Helt annan text som börjar nytt här.",
        ),
        ("", "Den första delen av rapporten börjar här.", "Den första delen av rapporten börjar här."),
        ("Kort.", "Kort.", "Kort."),  # too short to tell a seam from a repeated phrase
        (
            "A. Den delade meningen om insatsen",
            "Den delade meningen om insatsen fortsätter",
            "Den delade meningen om insatsen fortsätter",
        ),
    ],
)
def test_without_seam(before, text, expected):
    assert without_seam(before, text) == expected


def test_parts_follow_ordinal_and_mark_pages_and_sections():
    parts = document_parts(
        [
            chunk(2, "Tredje.", 2, "B"),
            chunk(0, "Första.", 1, "A"),
            chunk(1, "Andra.", 1, "A", original="Andra (ocr)."),
        ]
    )
    assert [p.text for p in parts] == ["Första.", "Andra.", "Tredje."]
    assert [p.new_page for p in parts] == [True, False, True]
    assert [p.new_section for p in parts] == [True, False, True]
    assert parts[1].original == "Andra (ocr)."

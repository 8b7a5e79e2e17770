"""Headings and chunks on small texts written here: levels, section paths, sizes, spans and pages."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.chunk import (
    MAX_WORDS,
    chunk_report,
    display_text,
    paragraph_spans,
    sentence_spans,
)
from index.headings import find_headings, is_table_row, looks_like_heading, numbering_depth, split_lines
from index.models import CleanedReport, OcrAssessment, ReportMeta
from index.textmap import MappedText

META = ReportMeta(
    title="Verksamhetsberättelse 2017",
    organisation="Samordningsförbundet Test",
    report_type="Verksamhetsberättelse",
    period="2017",
)


def cleaned(text: str, mapped: MappedText | None = None) -> CleanedReport:
    """A cleaned report of `text` whose pages are separated by form feeds, mapped one to one."""
    mapped = mapped or MappedText.identity(text)
    starts = [(1, 0)] + [(n + 2, m.end()) for n, m in enumerate(re.finditer("\f", mapped.text))]
    return CleanedReport("r", mapped, starts, OcrAssessment(0, 0, False))


def sentences(topic: str, n: int) -> str:
    """n distinct sentences of ten words each about `topic`."""
    return " ".join(f"Under år {2000 + i} arbetade {topic} vidare med insats nummer {i}." for i in range(n))


def paths(text: str) -> dict[str, str]:
    return {h.text: h.section for h in find_headings(text)}


def levels(text: str) -> dict[str, int]:
    return {h.text: h.level for h in find_headings(text)}


# --- headings ---------------------------------------------------------------------------------------------

NUMBERED = f"""1. Inledning

{sentences("förbundet", 2)}

1.1 Bakgrund

{sentences("förbundet", 2)}

1.1.3 Resultat på individnivå

{sentences("förbundet", 2)}

Luleå
{sentences("Luleå", 2)}

2. Organisation

{sentences("styrelsen", 2)}
"""


def test_numbered_headings_sit_at_the_depth_of_their_number():
    assert levels(NUMBERED) == {
        "1. Inledning": 1,
        "1.1 Bakgrund": 2,
        "1.1.3 Resultat på individnivå": 3,
        "Luleå": 4,
        "2. Organisation": 1,
    }
    assert paths(NUMBERED)["Luleå"] == "1. Inledning › 1.1 Bakgrund › 1.1.3 Resultat på individnivå › Luleå"
    assert paths(NUMBERED)["2. Organisation"] == "2. Organisation"


# Two activities described with the same recurring sub-headings, each sub-heading and each line of text
# separated by blank lines as in the PDF exports.
ACTIVITIES = f"""Stödinsatser för unga

Arbetstorget, AT

Vision

{sentences("Arbetstorget", 2)}

Målgrupp

{sentences("Arbetstorget", 2)}

Resultat

Av de 40 deltagarna har 12 personer avslutats, varav

5 kvinnor och 7 män.

Stegvis

Målgrupp

{sentences("Stegvis", 2)}

Resultat

{sentences("Stegvis", 2)}

Organisation/resurser

{sentences("Stegvis", 2)}
"""


def test_recurring_headings_are_sub_headings_of_the_unique_ones():
    found = paths(ACTIVITIES)
    assert found["Arbetstorget, AT"] == "Arbetstorget, AT"
    assert found["Stegvis"] == "Stegvis"
    assert levels(ACTIVITIES)["Stegvis"] == 1
    assert [h.section for h in find_headings(ACTIVITIES) if h.text == "Resultat"] == [
        "Arbetstorget, AT › Resultat",
        "Stegvis › Resultat",
    ]


def test_unique_heading_under_a_parent_stays_a_sub_heading():
    # 'Vision' occurs once but sits between the activity name and its recurring sub-headings.
    assert paths(ACTIVITIES)["Vision"] == "Arbetstorget, AT › Vision"
    assert levels(ACTIVITIES)["Vision"] == 2


def test_all_caps_heading_is_top_level_and_page_numbers_are_not_headings():
    text = (
        f"Ordförande har ordet\n\n{sentences('styrelsen', 2)}\n\n12\n\fFÖRVALTNINGSBERÄTTELSE\n\n"
        f"Sammanfattning av året\n{sentences('förbundet', 3)}\n"
    )
    found = find_headings(text)
    assert [(h.text, h.level) for h in found] == [
        ("Ordförande har ordet", 1),
        ("FÖRVALTNINGSBERÄTTELSE", 1),
        ("Sammanfattning av året", 2),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Målgrupp",
        "Arbetsmarknadstorget, AMT",
        "1.1.1. Ekonomiskt resultat",
        "6.2.Lokala samverkansgrupper",
        "3. Samordningsförbundets inriktning 2015.",
        "Vision 2017",
        "Destination Framtid (2017-04-01 – 2017-12-31)",
    ],
)
def test_heading_shapes(line):
    assert looks_like_heading(line)


@pytest.mark.parametrize(
    "line",
    [
        "12",
        "Sida 14",
        "Piteå Tidsam 37 15 22",
        "Totalt 9 320 551",
        "• hembesök",
        "Aktiviteter:",
        "Kommun: 18 personer (9 kvinnor och 9 män)",
        "Ekonomi i balans.",
        "finns. Ledning och styrning",
        "1. Livet är ditt och Hälsa för livet, lågtröskelverksamhet finansierad av",
        "Arbetsmarknadstorget skapar förutsättningar för ett självständigt liv genom stöd till arbete,",
    ],
)
def test_not_heading_shapes(line):
    assert not looks_like_heading(line)


def test_table_rows_and_running_text_with_figures():
    assert is_table_row("Staten AF/ FK 2 500 000")
    assert not is_table_row("Grundskola: 52 personer (23 kvinnor och 29 män)")
    assert not is_table_row("Vision 2017")
    assert numbering_depth("2.6.1. Vision") == 3
    assert numbering_depth("1 utvecklingsledare") == 0


def test_numbered_list_is_not_a_set_of_sections():
    text = (
        f"Målgrupper\n{sentences('förbundet', 2)}\n\n1. Unga som riskerar utanförskap\n\n"
        f"2. Nyanlända\n\n3. Personer med psykisk ohälsa\n\nInsatser\n\n{sentences('förbundet', 3)}\n"
    )
    assert [h.text for h in find_headings(text)] == ["Målgrupper", "Insatser"]


def test_list_of_short_lines_is_not_headings():
    text = (
        f"Aktiviteter\n\n{sentences('teamet', 2)}\n\nGemensamma bedömningsteam.\n\n"
        f"Gemensamma handlingsplaner\n\nSamlokalisering av handläggare.\n\nKunskapsutbyte.\n"
    )
    assert [h.text for h in find_headings(text)] == ["Aktiviteter"]


def test_known_headings_replace_the_guessing():
    text = f"Om oss\n\n{sentences('förbundet', 2)}\n\nEtt kort stycke\n\n{sentences('förbundet', 2)}\n"
    found = find_headings(text, {"Om oss": 1, "Ett kort stycke": 2})
    assert [(h.text, h.level, h.section) for h in found] == [
        ("Om oss", 1, "Om oss"),
        ("Ett kort stycke", 2, "Om oss › Ett kort stycke"),
    ]


# --- paragraphs and sentences ---------------------------------------------------------------------------


def test_double_spaced_lines_join_into_one_paragraph():
    text = (
        "Under 2017 har torget arbetat med 95 personer, varav\n\n48 kvinnor och 47 män. Samtliga har\n\n"
        "någon form av stöd.\n\nEn ny mening börjar ett nytt stycke.\n"
    )
    spans = paragraph_spans(text, split_lines(text), 0, len(text))
    assert [display_text(text[a:b]) for a, b in spans] == [
        "Under 2017 har torget arbetat med 95 personer, varav\n48 kvinnor och 47 män. Samtliga har\n"
        "någon form av stöd.",
        "En ny mening börjar ett nytt stycke.",
    ]


def test_sentences_do_not_end_at_abbreviations():
    text = "Insatser i form av bl.a. Handledning och praktik. Nästa mening här! Sista."
    assert [text[a:b] for a, b in sentence_spans(text, 0, len(text))] == [
        "Insatser i form av bl.a. Handledning och praktik.",
        "Nästa mening här!",
        "Sista.",
    ]


# --- chunks -------------------------------------------------------------------------------------------


def test_short_sibling_sections_merge_but_insatser_do_not():
    report = cleaned(ACTIVITIES)
    chunks = chunk_report("r", META, report)
    # Each sub-section is far below MIN_WORDS: siblings share a chunk, named after all of them, while the
    # two top-level insatser stay apart.
    assert [c.section for c in chunks] == [
        "Arbetstorget, AT › Vision / Målgrupp / Resultat",
        "Stegvis › Målgrupp / Resultat / Organisation/resurser",
    ]
    # The bare headings above 'Vision' open its chunk; the figure sentence is whole in its chunk.
    assert chunks[0].text.startswith("Stödinsatser för unga\nArbetstorget, AT\nVision\n")
    assert "12 personer avslutats, varav\n5 kvinnor och 7 män." in chunks[0].text
    assert "Stegvis" not in chunks[0].text
    assert [c.chunk_id for c in chunks] == [f"r:{i:04d}" for i in range(len(chunks))]
    assert chunks[0].embed_text == (
        "Verksamhetsberättelse 2017 (Samordningsförbundet Test, 2017) — "
        "Arbetstorget, AT › Vision / Målgrupp / Resultat\n" + chunks[0].text
    )


def test_long_sibling_sections_keep_their_own_chunks():
    long_body = sentences("Arbetstorget", 12)
    text = (
        f"Arbetstorget, AT\n\nVision\n\n{long_body}\n\nMålgrupp\n\n{long_body}\n\n"
        f"Resultat\n\n{long_body}\n\nStegvis\n\nMålgrupp\n\n{long_body}\n\nResultat\n\n{long_body}\n"
    )
    sections = [c.section for c in chunk_report("r", META, cleaned(text))]
    assert sections == [
        "Arbetstorget, AT › Vision",
        "Arbetstorget, AT › Målgrupp",
        "Arbetstorget, AT › Resultat",
        "Stegvis › Målgrupp",
        "Stegvis › Resultat",
    ]


def test_spans_text_original_and_pages_agree():
    text = (
        f"Inledning\n\n{sentences('förbundet', 5)}\n\fUppdrag\n\n{sentences('förbundet', 5)}\n\n"
        f"{sentences('kansliet', 4)}\n\f{sentences('kansliet', 3)}\n"
    )
    report = cleaned(text)
    chunks = chunk_report("r", META, report)
    assert [(c.section, c.page_start, c.page_end) for c in chunks] == [("Inledning", 1, 1), ("Uppdrag", 2, 3)]
    for c in chunks:
        assert display_text(text[c.char_start : c.char_end]) == c.text
        assert c.original == text[c.char_start : c.char_end]
        assert "\f" not in c.text and "\n\n" not in c.text
        assert not c.ocr_repaired


def test_long_section_is_cut_at_sentences_with_one_sentence_overlap():
    body = sentences("projektet", 40)  # one paragraph of 400 words
    text = f"Resultat\n\n{body}\n"
    chunks = chunk_report("r", META, cleaned(text))
    assert len(chunks) == 3
    assert all(c.word_count <= MAX_WORDS and c.section == "Resultat" for c in chunks)
    assert max(c.word_count for c in chunks) - min(c.word_count for c in chunks) <= 20
    for a, b in itertools.pairwise(chunks):
        last_sentence = a.text.split(". ")[-1]
        assert b.text.startswith(last_sentence)  # the cut repeats the sentence before it
        assert b.char_start < a.char_end


def test_long_section_of_paragraphs_is_cut_between_paragraphs():
    paragraphs = "\n\n".join(sentences(f"team{n}", 8) for n in range(6))  # six paragraphs of 80 words
    chunks = chunk_report("r", META, cleaned(f"Verksamhet\n\n{paragraphs}\n"))
    assert [c.word_count for c in chunks] == [1 + 2 * 80, 2 * 80, 2 * 80]
    assert all(a.char_end < b.char_start for a, b in itertools.pairwise(chunks))


def test_ocr_repair_shows_in_the_chunk_and_original_keeps_the_damage():
    text = f"Målgrupp\n\nFérbundet arbetar med unga. {sentences('förbundet', 3)}\n"
    mapped = MappedText.identity(text).sub("Férbundet", lambda m: "Förbundet")
    chunk = chunk_report("r", META, cleaned(text, mapped))[0]
    assert chunk.ocr_repaired
    assert "Förbundet arbetar" in chunk.text and "Férbundet arbetar" in chunk.original


def test_known_headings_give_the_sections():
    text = f"Om oss\n\n{sentences('förbundet', 3)}\n\nEtt kort stycke\n\n{sentences('förbundet', 3)}\n"
    guessed = chunk_report("r", META, cleaned(text))
    known = chunk_report("r", META, cleaned(text), {"Om oss": 1})
    assert [c.section for c in guessed] == ["Om oss", "Ett kort stycke"]
    assert [c.section for c in known] == ["Om oss"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Målgrupp", "Resultat", "Insats A", "Insats B"]),
            st.lists(st.integers(1, 40), min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_every_word_is_in_a_chunk_and_no_chunk_is_too_long(sections):
    parts = []
    for heading, paragraph_sizes in sections:
        parts.append(heading)
        parts.extend(sentences(heading.lower(), n) for n in paragraph_sizes)
    text = "\n\n".join(parts) + "\n"
    chunks = chunk_report("r", META, cleaned(text))
    covered = [False] * len(text)
    for c in chunks:
        assert c.word_count <= MAX_WORDS
        assert display_text(text[c.char_start : c.char_end]) == c.text
        covered[c.char_start : c.char_end] = [True] * (c.char_end - c.char_start)
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace())
    assert [c.char_start for c in chunks] == sorted(c.char_start for c in chunks)

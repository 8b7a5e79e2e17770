"""Cleaning: whitespace, bullets, hyphens, page starts, OCR repair of whole reports, all mapped back."""

from __future__ import annotations

import dataclasses

import pytest

from index.clean import clean_report, normalize, page_starts
from index.ocr import WORD_RE, assess
from index.textmap import MappedText
from tests.unit.conftest import CLEAN_REPORTS, OCR_REPORT, corpus_line


def norm(text: str, lexicon=None) -> MappedText:
    return normalize(MappedText.identity(text), lexicon)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("genom att sty-\nrelsen beslutat", "genom att styrelsen beslutat"),
        ("Genom att Arbets-\nformedlingen", "Genom att Arbetsformedlingen"),
        ("Samordningsförbundet Skellefteå-\nNorsjö", "Samordningsförbundet Skellefteå-Norsjö"),
        ("unga vuxna 16-\n29 år", "unga vuxna 16-29 år"),
        ("av ESF-\nprojekt", "av ESF-projekt"),
        ("kunskaps-\noch erfarenhetsutbyte", "kunskaps- och erfarenhetsutbyte"),
        ("landsting -\npsykiatrin", "landsting -\npsykiatrin"),
        ("ord  med \t mellanrum   \nnästa rad  ", "ord med mellanrum\nnästa rad"),
        (" Rubrik på sidan\ntext", "Rubrik på sidan\ntext"),
        ("\uf0b7 tidig och samordnad", "• tidig och samordnad"),
        ("•Behov av samordnat stöd", "• Behov av samordnat stöd"),
        ("* Kartliggning unga vuxna", "• Kartliggning unga vuxna"),
        ("Första stycket.\n\nAndra stycket.\n", "Första stycket.\n\nAndra stycket.\n"),
        ("1\u00a0975\u00a0068 kronor och 6 028 tkr", "1 975 068 kronor och 6 028 tkr"),
        ("ﬁnansiering", "finansiering"),
        ("rad\r\nrad", "rad\nrad"),
    ],
)
def test_normalize(raw, expected):
    assert norm(raw).text == expected


@pytest.mark.parametrize(
    ("raw", "word", "original"),
    [
        ("genom att sty-\nrelsen beslutat", "styrelsen", "sty-\nrelsen"),
        ("Genom att Arbets-\nformedlingen", "Arbetsformedlingen", "Arbets-\nformedlingen"),
        ("  Rubrik  med   luft", "med", "med"),
        ("x\n\uf0b7 tidig", "tidig", "tidig"),
    ],
)
def test_normalized_words_map_back_to_the_original(raw, word, original):
    mapped = norm(raw)
    start = mapped.text.index(word)
    assert mapped.original_slice(start, start + len(word)) == original


def test_page_breaks_survive_normalisation():
    raw = "slutet av sidan sty-\n\f nästa sida börjar\n\f sista"
    mapped = norm(raw)
    assert mapped.text.count("\f") == 2
    assert "sty-\n\fnästa" in mapped.text  # no word is joined across a page break
    assert page_starts(mapped.text, [1, 2, 3]) == [
        (1, 0),
        (2, mapped.text.index("nästa")),
        (3, mapped.text.index("sista")),
    ]


def test_hyphen_across_blank_line_joins_only_known_words(lexicon):
    # The 2017 report is double-spaced: a blank line follows most lines, hyphenated ones too.
    name = CLEAN_REPORTS[0]
    joined = corpus_line(name, "och Samordnings-") + "\n\n" + "förbundet som också"
    kept = corpus_line(name, "kommun (jan-") + "\n\n" + "juni 2018)"
    assert "Samordningsförbundet som också" in norm(joined, lexicon).text
    assert "(jan-\n\njuni 2018)" in norm(kept, lexicon).text
    assert "Samordnings-\n\nförbundet" in norm(joined).text  # without a lexicon: left alone


def test_real_ocr_lines_are_dehyphenated_before_repair(lexicon):
    first = corpus_line(OCR_REPORT, "genom att sty-")
    second = corpus_line(OCR_REPORT, "relsen beslutat")
    mapped = norm(first + "\n" + second, lexicon)
    assert "genom att styrelsen beslutat" in mapped.text


def test_ocr_pages_are_detected_and_repaired(loaded_reports, lexicon):
    loaded = loaded_reports[OCR_REPORT]
    excerpt = dataclasses.replace(loaded, pages=loaded.pages[:3])
    cleaned = clean_report(excerpt, lexicon)
    assert cleaned.ocr.damaged
    assert cleaned.repaired_words > 0.1 * cleaned.ocr.words
    assert "Samordningsförbundet Skellefteå-Norsjö utvecklat" in cleaned.text
    assert "genom att styrelsen beslutat" in cleaned.text
    assert cleaned.mapped.original == "\f".join(p.text for p in excerpt.pages)
    start = cleaned.text.index("uppdraget att öka möjligheterna") + len("uppdraget att ")
    assert cleaned.mapped.original_slice(start, start + len("öka")) == "6ka"  # kept for audit
    assert cleaned.mapped.changed_within(start, start + 3)
    assert [n for n, _ in cleaned.page_starts] == [1, 2, 3]
    assert cleaned.text[cleaned.page_starts[1][1] :].startswith("FÖRVALTNINGSBERÄTTELSE")


@pytest.mark.functional
def test_whole_ocr_report_is_detected_and_repaired(cleaned_ocr_report, loaded_reports):
    cleaned = cleaned_ocr_report
    assert cleaned.ocr.damaged
    assert cleaned.repaired_words > 0.1 * cleaned.ocr.words
    assert "Samordningsförbundet Skellefteå-Norsjö" in cleaned.text
    assert "férbundet" not in cleaned.text
    assert cleaned.mapped.original == "\f".join(p.text for p in loaded_reports[OCR_REPORT].pages)
    for m in list(WORD_RE.finditer(cleaned.text))[::97]:
        a, b = cleaned.mapped.original_span(m.start(), m.end())
        assert 0 <= a <= b <= len(cleaned.mapped.original)
        if not cleaned.mapped.changed_within(m.start(), m.end()):
            assert cleaned.mapped.original[a:b] == m.group(0)
    _assert_page_starts(cleaned, loaded_reports[OCR_REPORT].pages)


@pytest.mark.parametrize("name", CLEAN_REPORTS)
def test_clean_reports_are_not_detected_and_not_repaired(cleaned_reports, loaded_reports, lexicon, name):
    cleaned = cleaned_reports[name]
    assert not cleaned.ocr.damaged
    assert cleaned.repaired_words == 0
    raw = "\f".join(p.text for p in loaded_reports[name].pages)
    assert cleaned.text == norm(raw, lexicon).text


@pytest.mark.parametrize("name", CLEAN_REPORTS)
def test_page_starts_point_at_each_page(cleaned_reports, loaded_reports, lexicon, name):
    cleaned = cleaned_reports[name]
    pages = loaded_reports[name].pages
    _assert_page_starts(cleaned, pages)
    ends = [offset - 1 for _, offset in cleaned.page_starts[1:]] + [len(cleaned.text)]
    for (_, start), end, page in zip(cleaned.page_starts, ends, pages, strict=True):
        assert cleaned.text[start:end] == norm(page.text, lexicon).text


def _assert_page_starts(cleaned, pages) -> None:
    assert [number for number, _ in cleaned.page_starts] == [p.number for p in pages]
    for number, offset in cleaned.page_starts:
        assert offset == 0 or cleaned.text[offset - 1] == "\f"
        assert cleaned.page_at(offset) == number


def test_only_the_damaged_page_of_a_clean_report_is_repaired(loaded_reports, lexicon):
    clean = loaded_reports[CLEAN_REPORTS[0]]
    scanned = loaded_reports[OCR_REPORT].pages[0]
    pages = [*clean.pages[:-1], dataclasses.replace(scanned, number=len(clean.pages))]
    mixed = dataclasses.replace(clean, pages=pages)

    cleaned = clean_report(mixed, lexicon)

    assert not cleaned.ocr.damaged  # one bad page in 23 does not make the report damaged
    assert cleaned.repaired_words > 0
    last_start = cleaned.page_starts[-1][1]
    unrepaired = norm("\f".join(p.text for p in pages), lexicon).text
    assert cleaned.text[:last_start] == unrepaired[:last_start]
    last_page = cleaned.text[last_start:]
    assert "År 2016 har präglats" in last_page
    assert not assess(last_page, lexicon).damaged

"""OCR detection and repair on real lines of the OCR'd report (expected words verified by reading)."""

from __future__ import annotations

import logging
import re

import pytest

from index import lexicon as lexicon_module
from index.lexicon import MAX_WORD_LENGTH, SwedishLexicon
from index.ocr import (
    MAX_VARIANTS,
    OCR_THRESHOLD,
    assess,
    context_preference,
    repair_text,
    repair_word,
    restore_diacritics,
    variants,
)
from index.textmap import MappedText
from tests.unit.conftest import CLEAN_REPORTS, OCR_REPORT, corpus_line, corpus_text

# (a line of the OCR'd report, picked by this content; what its repaired text must contain)
REAL_LINES = [
    ("att 6ka mojligheterna", "att öka möjligheterna till egen försörj-"),
    ("Skellefte3-Norsj6 utvecklat", "Samordningsförbundet Skellefteå-Norsjö utvecklat"),
    ("1dngsiktigt hdllbar", "långsiktigt hållbar myndighetssamverkan"),
    ("16-30 ar. Styrelsen", "16-30 år. Styrelsen ser behov av att fortsätta"),
    ("16-30 ar. Styrelsen", "också under året öppnat"),
    ("kvinnor och 8 mén", "insatsens början, varav 10 kvinnor och 8 män"),
    ("kvinnor och 8 mén", "försörjningsstöd"),
    ("under Iang tid", "utanförskap under lång tid"),
    ("FORVALTNINGSBERATTELSE", "FÖRVALTNINGSBERÄTTELSE"),
    ("egen forsorjning. P4", "egen försörjning. På individnivå verkar samordningsförbundet"),
    ("att férbundet ar", "uppföljningssystem ska användas och att förbundet är"),
    ("Ar 2016 har", "År 2016 har präglats av ett inre arbete i förbundet"),
]


def repaired(line: str, lexicon: SwedishLexicon) -> tuple[MappedText, int]:
    return repair_text(MappedText.identity(line), lexicon)


@pytest.mark.parametrize(("containing", "expected"), REAL_LINES)
def test_repair_real_ocr_lines(lexicon, containing, expected):
    line = corpus_line(OCR_REPORT, containing)
    assert expected not in line
    out, changed = repaired(line, lexicon)
    assert expected in out.text
    assert changed >= 1


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("férbundet", "förbundet"),
        ("6ka", "öka"),
        ("Skellefte3", "Skellefteå"),
        ("forsorjning", "försörjning"),
        ("Samordningsférbundet", "Samordningsförbundet"),
        ("Férbundet", "Förbundet"),
        ("stéd", "stöd"),
    ],
)
def test_repair_word_words_seen_in_the_ocr_report(lexicon, damaged, expected):
    assert damaged in corpus_text(OCR_REPORT)
    assert repair_word(damaged, lexicon) == expected


def test_repaired_text_maps_back_to_the_damaged_original(lexicon):
    line = corpus_line(OCR_REPORT, "Skellefte3-Norsj6 utvecklat")
    out, _ = repaired(line, lexicon)
    start = out.text.index("Skellefteå-Norsjö")
    assert out.original_slice(start, start + len("Skellefteå")) == "Skellefte3"
    start = out.text.index("Samordningsförbundet")
    assert out.original_slice(start, start + len("Samordningsförbundet")) == "Samordningsférbundet"
    assert out.original == line


def test_web_address_is_left_alone(lexicon):
    line = corpus_line(OCR_REPORT, "http://samordningsforbund.se")
    out, changed = repaired(line, lexicon)
    assert (out.text, changed) == (line, 0)


@pytest.mark.parametrize("word", ["förbundet", "myndighetssamverkan", "AMA", "MySam", "Almgren"])
def test_known_words_acronyms_and_names_are_not_repaired(lexicon, word):
    assert repair_word(word, lexicon) is None


def test_restore_diacritics_needs_a_much_more_frequent_variant(lexicon):
    assert restore_diacritics("forbundet", lexicon) == "förbundet"
    assert restore_diacritics("pd", lexicon) == "på"
    assert restore_diacritics("stod", lexicon) is None  # stöd is hardly more frequent: ambiguous
    assert restore_diacritics("AMA", lexicon) is None


def test_context_decides_between_men_and_man(lexicon):
    text = "varav 10 kvinnor och 8 mén"
    start = text.index("mén")
    prefer = context_preference(text, start, start + 3)
    assert "män" in prefer
    assert restore_diacritics("mén", lexicon, prefer) == "män"


@pytest.mark.parametrize(
    ("before", "word", "expected"),
    [
        ("16-30 ", "ar", "år"),
        ("och 25 ", "man", "män"),
        ("kvinnor och ", "man", "män"),
        ("och 1 ", "man", None),  # "1 man" is singular
        ("det ", "man", None),
    ],
)
def test_context_preference_after_numbers_and_pairs(lexicon, before, word, expected):
    text = before + word + " i Skellefteå"
    prefer = context_preference(text, len(before), len(before) + len(word))
    result = restore_diacritics(word, lexicon, prefer)
    assert result == expected


def test_variants_are_bounded_and_ordered_by_edits():
    found = variants("individinriktade")
    assert 0 < len(found) <= MAX_VARIANTS
    assert [v.edits for v in found] == sorted(v.edits for v in found)
    assert "öka" in {v.text for v in variants("6ka")}
    assert all(not re.search(r"[é0-9&]", v.text) for v in variants("férsérjningsstéd"))


@pytest.mark.parametrize("length", [MAX_WORD_LENGTH + 1, 1500, 20_000])
def test_overlong_words_are_left_alone_without_recursing(lexicon, length):
    word = "Férbundet" + "x" * (length - len("Férbundet"))  # a damaged start glued to a long run
    assert variants(word) == []
    assert repair_word(word, lexicon) is None
    text, changed = repair_text(MappedText.identity(f"Det {word} och férbundet."), lexicon)
    assert word in text.text and "förbundet" in text.text and changed == 1


def test_ocr_page_is_detected_and_clean_pages_are_not(loaded_reports, lexicon):
    ocr_page = loaded_reports[OCR_REPORT].pages[0]
    assessment = assess(ocr_page.text, lexicon)
    assert assessment.damaged
    assert assessment.unknown_rate > 2 * OCR_THRESHOLD
    for name in CLEAN_REPORTS:
        page = loaded_reports[name].pages[2]
        result = assess(page.text, lexicon)
        assert result.words > 100
        assert not result.damaged
        assert result.unknown_rate < OCR_THRESHOLD / 2


def test_too_few_words_are_never_called_damaged(lexicon):
    assert not assess("férbundet 6ka Skellefte3", lexicon, min_words=40).damaged
    assert assess("férbundet 6ka Skellefte3", lexicon).damaged


def test_compounds_come_from_hunspell(lexicon):
    assert lexicon.frequency("samordningsförbundet") == 0.0
    assert lexicon.is_known("samordningsförbundet")
    assert not lexicon.is_known("forsorjning")
    assert not lexicon.is_known("6ka")


def test_missing_hunspell_falls_back_to_wordfreq_with_a_warning(monkeypatch, caplog):
    monkeypatch.setattr(lexicon_module, "find_hunspell_dictionary", lambda name="sv_SE": None)
    fallback = SwedishLexicon()
    with caplog.at_level(logging.WARNING, logger="index.lexicon"):
        assert not fallback.is_known("samordningsförbundet")
    assert fallback.is_known("förbundet")
    assert "hunspell" in caplog.text

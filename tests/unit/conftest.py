"""Fixtures for the unit tests of cleaning and OCR repair: one Swedish lexicon and the shipped reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.clean import clean_report
from index.lexicon import SwedishLexicon
from index.load import load_report
from index.models import CleanedReport, LoadedReport

CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"
OCR_REPORT = "skelleftea-norsjo_arsredovisning_2016"
CLEAN_REPORTS = (
    "skelleftea-norsjo_verksamhetsberattelse_2017",
    "skelleftea-norsjo_verksamhetsplan_2015",
    "sodra-norrbotten_delarsredovisning_2020",
)


def corpus_text(name: str) -> str:
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8")


def corpus_line(name: str, containing: str) -> str:
    """The first line of a shipped report that contains `containing` (tests pick real lines by content)."""
    for line in corpus_text(name).split("\n"):
        if containing in line:
            return line
    raise AssertionError(f"no line of {name} contains {containing!r}")


@pytest.fixture(scope="session")
def lexicon() -> SwedishLexicon:
    """The real lexicon (wordfreq + hunspell sv_SE); loading hunspell takes a few seconds, once."""
    return SwedishLexicon()


@pytest.fixture(scope="session")
def loaded_reports() -> dict[str, LoadedReport]:
    return {name: load_report(CORPUS / f"{name}.txt") for name in (OCR_REPORT, *CLEAN_REPORTS)}


@pytest.fixture(scope="session")
def cleaned_reports(loaded_reports, lexicon) -> dict[str, CleanedReport]:
    """The three clean reports through `clean_report` (≈1 s each)."""
    return {name: clean_report(loaded_reports[name], lexicon) for name in CLEAN_REPORTS}


@pytest.fixture(scope="session")
def cleaned_ocr_report(loaded_reports, lexicon) -> CleanedReport:
    """The whole OCR'd report through `clean_report`: ≈10 s of pure-Python hunspell, for functional tests."""
    return clean_report(loaded_reports[OCR_REPORT], lexicon)

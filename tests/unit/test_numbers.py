"""The Swedish number parser on phrases quoted from the shipped reports.

Each input string is copied from a `corpus/*.txt` report (a test checks that it is there); the expected
values are what a careful reader takes from it, and each needs the parser to work something out: thousands
grouping, a sign, a unit scale, a range, a number word, or that a string of digits is no figure at all."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.numbers import find_numbers, format_swedish, number_word_value, parse_grouped
from tests.unit.conftest import CLEAN_REPORTS, OCR_REPORT, corpus_text

# (phrase quoted from a report, [(value, unit), …] a careful reader takes from it)
CORPUS_CASES: list[tuple[str, list[tuple[float, str | None]]]] = [
    # thousands grouping, kronor
    ("verksamhet för 1 975 068 kronor.", [(1975068, "kr")]),
    ("Det ackumulerade egna kapitalet uppgår till 4 320 551 kr.", [(4320551, "kr")]),
    # a 4-digit first group never starts a grouped number
    ("var under oktober 2014 1438 personer över 25 år", [(2014, None), (1438, None), (25, None)]),
    ("år 2017 har 217 deltagare i åldern 10-15 år", [(2017, None), (217, None), (10, None), (15, None)]),
    # sign versus range
    ("derskott &n budgeterat, - 1 441 678 kr, det egna", [(-1441678, "kr")]),
    ("minusresultatet -1 441 678 kronor for 2016", [(-1441678, "kr"), (2016, None)]),
    ("riktar sig till unga vuxna 16-29 år som varken studerar", [(16, None), (29, None)]),
    ("personer i åldrarna 16 - 64 år som står utanför", [(16, None), (64, None)]),
    ("Tidsam 0 475 000 -475 000 950 000", [(0, None), (475000, None), (-475000, None), (950000, None)]),
    ("Sjukerséttning 1 4% 1 -100%", [(1, None), (4, "procent"), (1, None), (-100, "procent")]),
    ("Totalt  222 + - 101 + - 101", [(222, None), (101, None), (101, None)]),
    # too many groups: adjacent table cells
    ("kassan 625 000 625 000 0 1 250 000", [(625000, None), (625000, None), (0, None), (1250000, None)]),
    ("176 715 219 780 -43 065 439 560", [(176715, None), (219780, None), (-43065, None), (439560, None)]),
    # a table cell glued to its label by the PDF export
    ("reseersättning11 362 25 000 -13 638", [(11362, None), (25000, None), (-13638, None)]),
    # units and scales
    ("uppgår till 6 028 tkr varav Försäkringskassan", [(6028000, "kr")]),
    ("uppgår preliminärt till 280 miljoner kronor", [(280000000, "kr")]),
    ("50% män och 49% kvinnor", [(50, "procent"), (49, "procent")]),
    ("bemannar med 25–50% utifrån inflöde", [(25, "procent"), (50, "procent")]),
    ("arbete/utbildning/aktivitet mellan 33–74%.", [(33, "procent"), (74, "procent")]),
    ("sammanlagt 3,4 \n\ntjänster.", [(3.4, None)]),
    # across line breaks: the unit on the next line, a number broken in two
    ("kr från staten, 1 \n\n250 000 kr från Region Norrbotten", [(1250000, "kr")]),
    ("Resultat för perioden uppgår till 524 \n\n933 kronor.", [(524933, "kr")]),
    ("Piteå kommun och 75 000 \n\nkr från", [(75000, "kr")]),
    # written '2 497 180 miljoner kronor', meaning kronor (its balance sheet: 'Summa eget kapital 2497 180')
    ("uppgar vid arets slut till 2 497 180\nmiljoner kronor.", [(2497180, "kr")]),
    # approximations
    ("av dessa har 15 (ca 42 %) gått till arbete", [(15, None), (42, "procent")]),
    ("Cirka 90 personer har tagit del", [(90, None)]),
    # number words
    ("I dagsläget har tjugo av trettiosju deltagare kommit ut", [(20, None), (37, None)]),
    ("var tio deltagare (sex kvinnor och fyra män) inskrivna", [(10, None), (6, None), (4, None)]),
    ("(23 kvinnor och 29 män)", [(23, None), (29, None)]),
    # not figures
    ("Ny styrelse har tillträtt 2020-01-01 där parterna", []),
    ("som fortgår efter 2017-12-20 är insats inte aktuell för totalt 29", [(29, None)]),
    ("Fokus Långa sjukfall (2017-05-01 -  2018-03-31)", []),
    ("Norrbotten 1 januari 2020 och omfattar", [(2020, None)]),
    ("ekonomiska utfallet 20200101–20200630.", []),
    ("Sedan 200316 finns det deltagare i projektet, d.v.s. sedan 3,5 månad tillbaka.", [(3.5, None)]),
    ("rehabiliterings-insatser (2003:1210)", []),
    ("kommunal redovisning (1997:614) och kommunallagen (1991:900)", []),
    ("Av lagens 7§ framgår", []),
    ("1.1.3 Resultat på individnivå", []),
    ("7.2 Allmänna redovisningsprinciper", []),
    ("Box 353, 971 10 Luleå", []),
    ("Läs mera om projekt et under Plattform Arenan, sid 3.", []),
    ("Under vecka 51 deltog de i temadagarna", []),
    ("Aktiviteter med deltagare sker utifrån restriktioner kring  Covid-19.Man", []),
    ("Årskurs 6 har 3x30", []),
    ("Samordningsférbundet Skellefte3-Norsj6 utvecklat", []),
    ("Av totalt 163 unga vuxna med studiebevis GY11 har 8 studerat", [(163, None), (8, None)]),
    ("Arbetsmarknadstorget Unga 16-29 ar Totalt deltog107", [(16, None), (29, None), (107, None)]),
]

# Hard cases the brief names that are not verbatim in the reports (the reports say 'år 2017 har 217').
CONSTRUCTED_CASES: list[tuple[str, list[tuple[float, str | None]]]] = [
    ("år 2017 217 deltagare", [(2017, None), (217, None)]),
    ("2016 80 personer", [(2016, None), (80, None)]),
    ("−475 000 kr", [(-475000, "kr")]),
]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def corpus() -> str:
    return _squeezed(" ".join(corpus_text(name) for name in (OCR_REPORT, *CLEAN_REPORTS)))


def test_corpus_cases_are_quoted_from_the_reports(corpus):
    missing = [phrase for phrase, _ in CORPUS_CASES if _squeezed(phrase) not in corpus]
    assert missing == []


@pytest.mark.parametrize(("phrase", "expected"), CORPUS_CASES + CONSTRUCTED_CASES)
def test_find_numbers(phrase, expected):
    assert [(m.value, m.unit) for m in find_numbers(phrase)] == [(float(v), u) for v, u in expected]


@pytest.mark.parametrize(
    ("phrase", "raw", "approx"),
    [
        ("av dessa har 15 (ca 42 %) gått till arbete", "ca 42 %", True),
        ("Cirka 90 personer har tagit del", "Cirka 90", True),
        ("deltagarna, drygt 80 %, var vid", "drygt 80 %", True),
        ("Projektmedarbetare ca 225% samt projektledare 90%", "ca 225%", True),
        ("Projektmedarbetare ca 225% samt projektledare 90%", "90%", False),
        ("derskott &n budgeterat, - 1 441 678 kr, det egna", "- 1 441 678 kr", False),
        ("uppgar vid arets slut till 2 497 180\nmiljoner kronor.", "2 497 180\nmiljoner kronor", False),
    ],
)
def test_mention_spans_and_approx(phrase, raw, approx):
    mention = next(m for m in find_numbers(phrase) if m.raw == raw)
    assert phrase[mention.start : mention.end] == raw
    assert mention.approx is approx


def test_number_words_are_marked_and_whole_words_only():
    phrase = "I dagsläget har tjugo av trettiosju deltagare kommit ut"
    assert [(m.raw, m.word) for m in find_numbers(phrase)] == [("tjugo", True), ("trettiosju", True)]
    # 'sjukfall' holds no 'sju'; 'tjugotal' is an estimate, not a figure
    assert find_numbers("Gruppen långa sjukfall hade ökat markant") == []
    assert find_numbers("Ett tjugotal brukare har intervjuats.") == []


def test_en_and_ett_count_only_when_asked():
    phrase = "En kvinna till studier, två till arbete, en kvinna"
    assert [m.value for m in find_numbers(phrase)] == [2.0]
    assert [m.value for m in find_numbers(phrase, include_one=True)] == [1.0, 2.0, 1.0]


def test_page_numbers_and_list_numbers_are_no_figures():
    # a page number on its own line, then a numbered list item, as the 2017 report has them
    text = "sammanlagt 3,4 \n\ntjänster. \n\n12 \n\n1. MySam har en Samordnare på 60 % finansierad"
    assert [(m.value, m.unit) for m in find_numbers(text)] == [(3.4, None), (60.0, "procent")]


def test_phone_numbers_are_no_figures():
    # no report in the corpus prints one; this checks the Swedish phone format on its own
    assert find_numbers("Ring 0910-73 50 00 eller skriv") == []


def test_whole_reports_give_the_known_amounts():
    """Amounts the reports state in prose, found in the whole text with the right sign and scale."""
    found = {(m.value, m.unit) for m in find_numbers(corpus_text("sodra-norrbotten_delarsredovisning_2020"))}
    assert {(1975068.0, "kr"), (524933.0, "kr"), (1250000.0, "kr"), (-1481556.0, None)} <= found
    found = {(m.value, m.unit) for m in find_numbers(corpus_text(OCR_REPORT))}
    assert {(-1441678.0, "kr"), (2497180.0, "kr"), (1200000.0, "kr")} <= found
    assert not any(m.value > 10**9 for m in find_numbers(corpus_text(OCR_REPORT)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 975 068", 1975068.0),
        ("-1 441 678", -1441678.0),
        ("- 1 441 678", -1441678.0),
        ("\u22121 441 678", -1441678.0),
        ("3,4", 3.4),
        ("0", 0.0),
        ("2 497 180", 2497180.0),
        ("1\u00a0975\u2009068", 1975068.0),
        ("2017 217", None),
        ("1 97", None),
        ("2020-01-01", None),
        ("tjugo", None),
    ],
)
def test_parse_grouped(text, expected):
    assert parse_grouped(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("noll", 0),
        ("två", 2),
        ("sju", 7),
        ("tio", 10),
        ("elva", 11),
        ("nitton", 19),
        ("tjugo", 20),
        ("trettiosju", 37),
        ("tjugotvå", 22),
        ("fyrtiofem", 45),
        ("Tjugo", 20),
        ("nittionio", 99),
        ("hundra", 100),
        ("tvåhundra", 200),
        ("hundrafemtio", 150),
        ("tusen", 1000),
        ("tretusen", 3000),
        ("tjugoettusen", 21000),
        ("Tva", 2),
        ("en", None),
        ("ett", None),
        ("sjukfall", None),
        ("tiotal", None),
        ("trettiosjua", None),
        ("", None),
    ],
)
def test_number_word_value(word, expected):
    assert number_word_value(word) == expected


def test_number_word_one_only_when_allowed():
    assert number_word_value("ett", allow_one=True) == 1
    assert number_word_value("En", allow_one=True) == 1


_ONES = "noll ett två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton sjutton "
_ONES += "arton nitton"
_TENS = "_ _ tjugo trettio fyrtio femtio sextio sjuttio åttio nittio"


def _spell(n: int) -> str:
    """Reference speller for 1–999 999 (the way the words are built, not how the parser reads them)."""
    ones, tens = _ONES.split(), _TENS.split()
    if n >= 1000:
        return _spell(n // 1000) + "tusen" + (_spell(n % 1000) if n % 1000 else "")
    if n >= 100:
        return ones[n // 100] + "hundra" + (_spell(n % 100) if n % 100 else "")
    if n >= 20:
        return tens[n // 10] + (ones[n % 10] if n % 10 else "")
    return ones[n]


@given(st.integers(1, 999_999))
def test_number_words_against_reference_speller(n):
    assert number_word_value(_spell(n), allow_one=True) == n


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "expected"),
    [
        (1975068, "kr", None, "1 975 068 kr"),
        (15 / 36 * 100, "procent", None, "41,7 %"),
        (-11.2, "procent", None, "-11,2 %"),
        (6028 * 1000, "kr", None, "6 028 000 kr"),
        (20, "personer", None, "20 personer"),
        (3.4, None, None, "3,4"),
        (1234.5, "kr", None, "1 234,50 kr"),
        (-0.04, "procent", None, "0,0 %"),
        (0.05, "procent", 1, "0,1 %"),
        (2017, "år", None, "2017 år"),
        (-1441678, "kr", None, "-1 441 678 kr"),
    ],
)
def test_format_swedish(value, unit, decimals, expected):
    assert format_swedish(value, unit, decimals) == expected


_UNITS = [
    ("", None, 1),
    (" kr", "kr", 1),
    (" kronor", "kr", 1),
    (" tkr", "kr", 1000),
    (" Mkr", "kr", 10**6),
    (" %", "procent", 1),
    ("%", "procent", 1),
]


@given(
    n=st.integers(-999_999_999, 999_999_999),
    separator=st.sampled_from([" ", "\u00a0", "\u2009", "\u202f"]),
    minus=st.sampled_from(["-", "\u2212", "- "]),
    unit=st.sampled_from(_UNITS),
    approx=st.sampled_from(["", "ca ", "drygt "]),
)
def test_grouped_integers_are_found_exactly(n, separator, minus, unit, approx):
    suffix, expected_unit, factor = unit
    if factor == 10**6 and abs(n) >= 10**6:
        factor = 1  # a million-scale word after a number already in millions is read as kronor
    number = (minus if n < 0 else "") + f"{abs(n):,}".replace(",", separator)
    text = f"Utfallet för perioden: {approx}{number}{suffix} enligt tabellen."
    mentions = find_numbers(text)
    expected = [(float(n * factor), expected_unit, bool(approx))]
    assert [(m.value, m.unit, m.approx) for m in mentions] == expected
    assert text[mentions[0].start : mentions[0].end] == f"{approx}{number}{suffix}"


@given(
    value=st.one_of(st.integers(-(10**8), 10**8), st.decimals(-1000, 1000, places=1).map(float)),
    unit=st.sampled_from(["kr", "procent", None]),
)
def test_format_then_find_gives_the_value_back(value, unit):
    if unit != "procent":
        value = round(value)
    text = f"Summan är {format_swedish(value, unit)} totalt."
    assert [(m.value, m.unit) for m in find_numbers(text)] == [(float(value), unit)]


@given(st.integers(0, 10**12))
def test_format_groups_like_the_reference(n):
    assert format_swedish(n, None) == f"{n:,}".replace(",", " ")

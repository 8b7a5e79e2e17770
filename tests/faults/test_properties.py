"""Property-based tests on arbitrary input: the number parser, the chunker and the question handling never
crash, return typed results, and keep their invariants (spans point back into the text, chunks cover the
text within their size bounds, a cleaned question has no control characters). Example-based tests and the
format/parse round trips are in tests/unit/test_numbers.py and tests/unit/test_chunk.py."""

from __future__ import annotations

import math
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.answering.models import FigureOut, Source
from assistant.followup import Context, Resolved, context_from, resolve_followup
from assistant.question import (
    Question,
    QuestionRejected,
    check_question,
    clean_question,
    parse_question,
    restore_diacritics,
)
from assistant.results import Answer, Filters
from index.chunk import MAX_WORDS, chunk_report, display_text
from index.lexicon import SwedishLexicon
from index.models import CleanedReport, NumberMention, OcrAssessment, ReportMeta
from index.numbers import find_numbers, format_swedish, number_word_value, parse_grouped
from index.textmap import MappedText

META = ReportMeta(
    title="Verksamhetsberättelse 2019",
    organisation="Samordningsförbundet Test",
    report_type="Verksamhetsberättelse",
    period="2019",
)
UNITS = {"personer", "kr", "procent", "antal", "år", None}
ORGANISATIONS = ["Samordningsförbundet Skellefteå-Norsjö", "Samordningsförbundet Södra Norrbotten"]

# Text that looks like a report or a question: Swedish words, numbers in Swedish formats, punctuation,
# line and page breaks, markup, and now and then any unicode character at all.
SWEDISH_WORDS = st.sampled_from(
    "Under år 2017 har Arbetsmarknadstorget AMT arbetat med 95 personer varav 48 kvinnor och 47 män . , : ; "
    "Resultat Målgrupp tjugo av trettiosju deltagare 1 441 678 kr -475 000 6 028 tkr 42 % ca drygt bl.a. "
    "t.ex. Piteå Älvsbyn förbundet ( ) – - • [bold] [/bold] [link=x] 2016-2017 16-29 3,4 0 2003:1210 "
    "Samordningsförbundet Skellefteå-Norsjö Södra Norrbotten hur många manga forsorjning delår budget".split()
)
SEPARATORS = st.sampled_from([" ", " ", " ", "\n", "\n\n", "\f", "\t", "  ", "\u00a0", "\r\n", ". ", ": "])
ANY_CHAR = st.characters(codec="utf-8")  # every code point that can be in a str read from a file
TOKEN = st.one_of(SWEDISH_WORDS, SWEDISH_WORDS, SWEDISH_WORDS, st.text(ANY_CHAR, min_size=1, max_size=8))
REPORTISH = st.lists(st.tuples(TOKEN, SEPARATORS), max_size=400).map(lambda ps: "".join(a + b for a, b in ps))
ANY_TEXT = st.one_of(st.text(ANY_CHAR, max_size=300), REPORTISH)


# --- the number parser ------------------------------------------------------------------------------------


def _check_mentions(text: str, mentions: list[NumberMention]) -> None:
    previous_end = 0
    for m in mentions:
        assert isinstance(m, NumberMention)
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.raw
        assert m.raw.strip() == m.raw and m.raw
        assert math.isfinite(m.value)
        assert m.unit in UNITS
        assert m.start >= previous_end  # in text order, never overlapping
        previous_end = m.end


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT, st.booleans())
def test_find_numbers_spans_point_back_into_any_text(text, include_one):
    _check_mentions(text, find_numbers(text, include_one=include_one))


@settings(max_examples=200, deadline=None)
@given(prefix=REPORTISH, suffix=REPORTISH)
def test_a_grouped_amount_between_sentences_is_found_whole(prefix, suffix):
    """An amount in a sentence of its own is read the same whatever report text surrounds it."""
    text = f"{prefix}\n\nResultatet blev 1 441 678 kronor under året.\n\n{suffix}"
    mentions = find_numbers(text)
    _check_mentions(text, mentions)
    at = text.index("1 441 678")
    assert any(m.start == at and m.value == 1441678 and m.unit == "kr" for m in mentions)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_parse_grouped_gives_a_number_or_none(text):
    value = parse_grouped(text)
    assert value is None or (isinstance(value, float) and math.isfinite(value))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(ANY_CHAR, max_size=30), st.text("entvåtrefyrasjutiohundratusenjugotrettio", max_size=40)
    )
)
def test_number_word_value_gives_a_whole_number_or_none(word):
    value = number_word_value(word)
    assert value is None or (isinstance(value, int) and 0 <= value < 10**6)
    assert number_word_value(word, allow_one=True) in (value, 1)


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.sampled_from([*UNITS]),
)
def test_format_swedish_never_fails_and_uses_decimal_comma(value, unit):
    shown = format_swedish(value, unit)
    assert isinstance(shown, str) and "." not in shown.split(" ")[0]


# --- the chunker ------------------------------------------------------------------------------------------


def _cleaned(text: str) -> CleanedReport:
    """`text` as a cleaned report, mapped one to one, one page per form feed."""
    mapped = MappedText.identity(text)
    starts = [(1, 0)] + [(n + 2, m.end()) for n, m in enumerate(re.finditer("\f", text))]
    return CleanedReport("r", mapped, starts, OcrAssessment(0, 0, False))


LONG_LINE = st.integers(251, 700).map(lambda n: " ".join(f"ord{i}" for i in range(n)))  # no sentence end
HEADINGS = st.sampled_from(["Resultat", "1. Inledning", "1.1 Bakgrund", "MÅLGRUPP", "Ekonomi", "Insats A"])
STRUCTURED = st.lists(st.one_of(HEADINGS, REPORTISH, REPORTISH, LONG_LINE), max_size=12).map(
    lambda parts: "\n\n".join(parts)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ANY_TEXT, STRUCTURED))
def test_chunks_map_back_cover_the_text_and_stay_within_bounds(text):
    chunks = chunk_report("r", META, _cleaned(text))
    pages = text.count("\f") + 1
    covered = bytearray(len(text))
    for n, c in enumerate(chunks):
        assert c.ordinal == n and c.chunk_id == f"r:{n:04d}"
        assert 0 <= c.char_start < c.char_end <= len(text)
        assert display_text(text[c.char_start : c.char_end]) == c.text  # the span is the passage
        assert c.original == text[c.char_start : c.char_end]  # identity mapping: the source as it was
        assert c.text and c.word_count <= MAX_WORDS
        assert 1 <= c.page_start <= c.page_end <= pages
        covered[c.char_start : c.char_end] = b"\1" * (c.char_end - c.char_start)
    lost = [ch for i, ch in enumerate(text) if not covered[i] and not ch.isspace()]
    assert lost == []  # every visible character is in some chunk
    assert [c.char_start for c in chunks] == sorted(c.char_start for c in chunks)


# --- question handling ------------------------------------------------------------------------------------

QUESTIONS = st.one_of(
    st.text(ANY_CHAR, max_size=200),
    st.lists(TOKEN, max_size=30).map(" ".join),
    st.lists(TOKEN, max_size=8).map(lambda ws: "och " + " ".join(ws) + " då?"),
)


@settings(max_examples=300, deadline=None)
@given(QUESTIONS)
def test_clean_question_leaves_only_visible_text(text):
    cleaned = clean_question(text)
    assert clean_question(cleaned) == cleaned  # idempotent
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert not [c for c in cleaned if unicodedata.category(c) in ("Cc", "Cf", "Cs")]
    assert unicodedata.is_normalized("NFC", cleaned)
    cleaned.encode("utf-8")  # printable and JSON-able: no lone surrogate


@settings(max_examples=200, deadline=None)
@given(QUESTIONS, st.integers(10, 300))
def test_check_question_refuses_exactly_the_empty_and_the_too_long(text, limit):
    cleaned = clean_question(text)
    if not cleaned or len(cleaned) > limit:
        with pytest.raises(QuestionRejected, match=r"Frågan är (tom|för lång)"):
            check_question(text, limit)
    else:
        assert check_question(text, limit) == cleaned


@settings(max_examples=300, deadline=None)
@given(QUESTIONS)
def test_parse_question_is_typed(text):
    q = parse_question(text, ORGANISATIONS)
    assert isinstance(q, Question) and q.text == text
    assert all(isinstance(y, int) and 1990 <= y <= 2099 for y in q.years) and q.years == sorted(set(q.years))
    assert set(q.organisations) <= set(ORGANISATIONS)
    assert all(isinstance(s, str) and s for s in q.content_stems)
    assert isinstance(q.topic_text, str) and isinstance(q.asks_value, bool)


@pytest.fixture(scope="module")
def lexicon() -> SwedishLexicon:
    return SwedishLexicon(use_hunspell=False)  # what the engine uses for questions


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(QUESTIONS, st.text("abcdefghijklmnoprstuvy ", min_size=41, max_size=2000)))
def test_restore_diacritics_keeps_the_question_shape(lexicon, text):
    restored = restore_diacritics(text, lexicon)
    assert isinstance(restored, str)
    assert re.findall(r"\s+", restored) == re.findall(r"\s+", text)  # words repaired, never split or joined
    if re.search("[åäöÅÄÖ]", text):
        assert restored == text


SOURCES = st.builds(Source, report=st.text(max_size=10), page=st.integers(1, 99), quote=st.text(max_size=30))
FIGURES = st.builds(
    FigureOut,
    label=st.text(max_size=20),
    subject=st.text(max_size=20),
    measure=st.text(max_size=20),
    period=st.text(max_size=10),
    value=st.floats(allow_nan=False, allow_infinity=False),
    unit=st.sampled_from(["kr", "procent", "personer", ""]),
    kind=st.sampled_from(["stated", "computed", "check"]),
    formula=st.none() | st.text(max_size=20),
    ok=st.none() | st.booleans(),
    sources=st.lists(SOURCES, max_size=2),
)
CONTEXTS = st.builds(
    Context,
    question=QUESTIONS,
    subject=st.none() | st.text(ANY_CHAR, max_size=30),
    topic=st.text(ANY_CHAR, max_size=60),
    measure=st.none() | st.text(max_size=15),
    years=st.lists(st.integers(1990, 2099), max_size=3).map(tuple),
    filters=st.none() | st.builds(Filters, year=st.none() | st.integers(1990, 2099)),
)


@settings(max_examples=300, deadline=None)
@given(QUESTIONS, st.none() | CONTEXTS)
def test_resolve_followup_never_fails(text, context):
    resolved = resolve_followup(text, context)
    assert isinstance(resolved, Resolved) and isinstance(resolved.text, str)
    assert resolved.original == text.strip()
    if context is None or not resolved.followup:
        assert resolved.text == resolved.original
    assert isinstance(resolved.rewritten, bool)


@settings(max_examples=150, deadline=None)
@given(QUESTIONS, st.lists(FIGURES, max_size=2), st.lists(st.text(max_size=20), max_size=2))
def test_context_from_any_question_and_answer(text, figures, subjects):
    assume(text.strip())
    question = parse_question(text, ORGANISATIONS)
    answer = Answer(question=text, answer="", supported=False, passages=[], figures=figures)
    context = context_from(question, answer, subjects)
    assert isinstance(context, Context) and isinstance(context.label(), str)
    assert context.measure == (figures[0].measure if figures else None)
    follow = resolve_followup("och 2016?", context)
    assert isinstance(follow.text, str) and follow.followup

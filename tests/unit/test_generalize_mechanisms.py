"""Mechanisms added for reports nobody tuned for: relative years, percent comparisons, renamed insatser,
outcome verbs in the supine, restating percentages and meeting counts."""

from __future__ import annotations

import pytest

from assistant.answering.parse import operation_of, years_asked
from assistant.answering.similarity import word_similarity
from index.lexical import fold
from index.subjects import SubjectRegistry


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("Hur många deltagare hade Steget 2024 jämfört med året innan?", (2023, 2024)),
        ("Ökade kostnaden 2022 jämfört med föregående år?", (2021, 2022)),
        ("Hur många var inskrivna 2023 och året efter?", (2023, 2024)),
        ("Hur många deltagare hade Steget 2024?", (2024,)),
        ("Förändringen mellan 2021 och 2023, året innan räknas inte", (2021, 2023)),
    ],
)
def test_years_asked(question, years):
    assert years_asked(question, fold(question.lower())) == years


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("Hur många procent fler deltagare hade Steget 2024 än året innan?", "change"),
        ("Hur stor var ökningen i procent av anmälningarna 2024?", "change"),
        ("Med hur många procent minskade antalet ärenden?", "change"),
        ("Hur många procent av deltagarna ökade sin arbetsförmåga?", "share"),
        ("Hur många procent av de avslutade gick till arbete?", "share"),
        ("Hur stor del av den budgeterade kostnaden användes?", "budget_used"),
        ("Hur mycket av budgeten för Steget förbrukades?", "budget_used"),
    ],
)
def test_operation_of_percent_wordings(question, operation):
    assert operation_of(fold(question.lower())) == operation


def test_a_rename_in_running_text_joins_the_old_and_new_insats():
    registry = SubjectRegistry()
    for name, report in (("Lotsen", "vb2023"), ("Arbetslotsen", "vb2024"), ("Vägen In", "vb2024")):
        registry.add(name, report)
    text = "Lotsen permanentades den 1 januari 2024, bytte namn till Arbetslotsen och växte."
    assert registry.add_aliases_from_text(text) == 1
    found = registry.resolve("Lotsen", fuzzy=False)
    assert found is not None and found.name == "Arbetslotsen" and found.reports == {"vb2023", "vb2024"}
    assert registry.resolve("Vägen In", fuzzy=False).name == "Vägen In"


def test_a_rename_needs_two_known_subjects():
    registry = SubjectRegistry()
    registry.add("Arbetslotsen", "vb2024")
    assert registry.add_aliases_from_text("Föreningen bytte namn till Arbetslotsen.") == 0
    assert registry.resolve("Föreningen", fuzzy=False) is None


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("sammanträden", "möten", True),
        ("gånger", "sammanträden", True),
        ("träffades", "sammanträden", True),
        ("sammanträden", "deltagare", False),
    ],
)
def test_meeting_words_are_alike(a, b, alike):
    assert (word_similarity(a, b) >= 0.7) is alike


def _figures(text: str):
    from index.extract import extract_figures
    from index.models import ReportMeta
    from tests.unit.test_figures import chunk_of

    meta = ReportMeta(
        title="Verksamhetsberättelse 2024",
        organisation="Samordningsförbundet Norrvik",
        report_type="verksamhetsberättelse",
        period="2024",
    )
    return extract_figures(chunk_of(text), meta, "")


@pytest.mark.parametrize(
    ("text", "value", "measure"),
    [
        ("Av de 30 som avslutade Steget hade 9 fått ett arbete och 4 började studera.", 9, "till arbete"),
        ("Av de 30 som avslutade hade 6 påbörjat studier.", 6, "till studier"),
    ],
)
def test_an_outcome_verb_in_the_supine_is_no_noun(text, value, measure):
    found = [f for f in _figures(text) if f.value == value]
    assert [(f.measure, f.unit) for f in found] == [(measure, "personer")]


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        (
            "Av 20 avslutade gick 6 till arbete och 4 till studier, vilket motsvarar 50 procent.",
            "andel till arbete eller studier",
        ),
        ("Av 20 avslutade gick 6 till arbete, dvs. 30 procent.", "andel till arbete"),
        ("Budgeten ökade med 12 procent.", "andel"),
    ],
)
def test_a_restating_percent_is_a_share_of_the_clause_before(text, measure):
    (pct,) = [f for f in _figures(text) if f.unit == "procent"]
    assert pct.measure == measure

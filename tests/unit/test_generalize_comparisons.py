"""Issue 11: comparisons of two different things, tables named by their caption, and constraints a
report cannot meet (all texts invented here).

A question may compare a plan with what happened ('mer i budget för 2027 än vad insatsen kostade 2026'),
a forecast with the budget, or a forecast with the outcome reported later; a table may say what its
rows hold only in its caption ('Tabell 1. Medlemsavgifter (tkr)' over 'Medlem 2026 2025'); outcomes
counted in one sentence may add up to more than those who finished; a half-year report answers no
question about the year's second half. Numbers are written into the texts from the constants below and
every expected figure is computed here from the same constants.
"""

from __future__ import annotations

import pytest

from assistant.answering.operations import figure_kind, side_kind
from assistant.answering.parse import operation_of, parse_ask, part_of_year, without_request
from assistant.engine import Engine
from assistant.question import Question
from index.amount_lists import parse_amount_lists
from index.count_tables import parse_count_tables
from index.extract.counted import counted_before
from index.extract.money import money_measure
from index.extract.sentences import sentences
from index.lexical import fold
from index.tables import parse_tables
from tests.conftest import fake_engine, write_report

ORG = "Samordningsförbundet Kvarnbo"
TOWN = "Kvarn"  # a member whose name begins the federation's ('Kvarnbo')

BRON_BUDGET, BRON_COST, BRON_NEXT_BUDGET = 900_000, 812_300, 1_150_000
FEE_REGION, FEE_TOWN, FEE_TOWN_BEFORE = 1_400, 700, 650  # tkr
FEE_TOWN_NEXT = 760_000  # kr, in the half-year report
RESULT_BUDGET, RESULT_FORECAST = -640_000, -515_000
COSTS_FORECAST, COSTS_YEAR = 4_210_000, 4_187_650
FINISHED, TO_WORK, TO_STUDY, ELSEWHERE, DROPPED = 20, 8, 4, 6, 4  # 8 + 4 + 6 + 4 = 22 > 20
PEOPLE, WOMEN = 46, 27
ROWS = {"Bron": (31, 27), "Gläntan": (15, 12)}  # participants 2026, 2025
ROWS_NEW = ("Stigen", 9)  # started in 2026: no count for 2025


def sv(n: float) -> str:
    sign = "−" if n < 0 else ""
    return sign + f"{abs(int(n)):,}".replace(",", " ")


YEAR = f"""Verksamhetsberättelse 2026

{ORG}

\fFINANSIERING

Tabell 1. Medlemsavgifter (tkr)
Medlem                 2026    2025
Region Kvarnland      {FEE_REGION:>5}   {FEE_REGION:>5}
{TOWN} kommun            {FEE_TOWN:>5}   {FEE_TOWN_BEFORE:>5}

Resultat
Förbundets intäkter uppgick till 4 000 000 kr, varav räntor 12 000 kr. Kostnaderna uppgick till
{sv(COSTS_YEAR)} kr, vilket är lägre än budget.

\fINSATSER

Tabell 2. Deltagare per insats
Insats        2026   2025
Bron            {ROWS["Bron"][0]}     {ROWS["Bron"][1]}
Gläntan         {ROWS["Gläntan"][0]}     {ROWS["Gläntan"][1]}
{ROWS_NEW[0]}           {ROWS_NEW[1]}      –

Uppgifterna är hämtade ur SUS.

Bron
Deltagarna var {PEOPLE} till antalet ({WOMEN} kvinnor och {PEOPLE - WOMEN} män). Av de {FINISHED} som
avslutade insatsen återgick {TO_WORK} i arbete, {TO_STUDY} började studera, {ELSEWHERE} gick vidare till
annan insats och {DROPPED} avbröt.

\fEKONOMI

Post                 Budget      Utfall
Bron               {sv(BRON_BUDGET)}     {sv(BRON_COST)}

Planerad budget 2027 per insats:
Bron ........................... {sv(BRON_NEXT_BUDGET)} kr
Gläntan ........................ 600 000 kr
"""

DELAR = f"""Delårsrapport januari–juni 2026

{ORG}

\fEKONOMI OCH PROGNOS

Prognosen för helåret visar kostnader på {sv(COSTS_FORECAST)} kr, vilket är 10 000 kr mer än budget.

Tabell 3. Budget och prognos 2026 (kr)
Post                   Budget 2026   Utfall jan–jun   Prognos helår
Resultat               {sv(RESULT_BUDGET)}      −200 000        {sv(RESULT_FORECAST)}

Tabell 4. Medlemsavgifter 2027 (kr)
Medlem                 Avgift 2027
{TOWN} kommun              {sv(FEE_TOWN_NEXT)}
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    root = tmp_path_factory.mktemp("comparisons")
    corpus = root / "corpus"
    write_report(
        corpus, "kvarnbo_vb_2026", YEAR, title="Verksamhetsberättelse 2026", organisation=ORG, period="2026"
    )
    write_report(
        corpus,
        "kvarnbo_delar_2026",
        DELAR,
        title="Delårsrapport januari–juni 2026",
        organisation=ORG,
        period="2026-01-01 – 2026-06-30",
        report_type="Delårsrapport",
    )
    return fake_engine(root)


def ask(engine: Engine, question: str):
    return engine.ask(question, mode="hybrid", k=5)


# --- pure functions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hur mycket mer pengar har Bron i budget för 2027", "budget"),
        (" vad insatsen kostade 2026?", "utfall"),
        ("Hur väl träffade delårsprognosen för årets kostnader", "prognos"),
        (" hur det faktiskt blev?", "utfall"),
        ("Hur stor var helårsbudgeten", "budget"),
        (" 2025?", None),
    ],
)
def test_the_kind_of_a_side_of_a_comparison(text, kind):
    assert side_kind(text) == kind


@pytest.mark.parametrize(
    ("question", "sides"),
    [
        ("Hur mycket mer har Bron i budget för 2027 än vad insatsen kostade 2026?", ((2027,), (2026,))),
        ("Hur står sig prognosen mot budgeten för resultatet?", ((), ())),
        ("Hur träffade prognosen jämfört med utfallet 2026?", ((), (2026,))),
    ],
)
def test_a_comparison_is_read_as_two_sides_with_their_years(question, sides):
    parsed = parse_ask(Question(text=question))
    assert parsed.operation == "change"
    assert tuple(s.years for s in parsed.sides) == sides


@pytest.mark.parametrize(
    ("folded", "rest"),
    [
        ("kan du ta fram regionens avgift", "regionens avgift"),
        ("jag behover andelen kvinnor", "andelen kvinnor"),
        ("skulle du kunna visa hur manga", "hur manga"),
        ("hur manga deltog", "hur manga deltog"),
    ],
)
def test_requests_before_a_question_are_left_out(folded, rest):
    assert without_request(folded) == rest


def test_a_request_is_no_measure_word():
    assert "fram" not in parse_ask(Question(text="Kan du ta fram regionens medlemsavgift för 2026?")).measure


@pytest.mark.parametrize(
    ("question", "month"),
    [
        ("hur manga deltog under andra halvaret 2026", 12),
        ("hur manga deltog juli-december 2026", 12),
        ("hur manga deltog januari-december 2026", None),
        ("hur stort var kapitalet vid halvarsskiftet", 6),
    ],
)
def test_the_second_half_of_a_year_ends_in_december(question, month):
    assert part_of_year(question) == month


def test_how_many_times_is_no_count_of_people():
    parsed = parse_ask(Question(text="Hur många gånger sammanträdde styrelsen 2026?"))
    assert parsed.unit is None and parsed.head is None and "gånger" not in parsed.measure
    assert operation_of(fold("hur manga ganger sammantradde styrelsen")) == "lookup"


@pytest.mark.parametrize(
    ("before", "measure"),
    [
        ("Resultat Förbundets intäkter uppgick till ", "intäkter"),
        ("Under rubriken Resultat: Kostnaderna uppgick till ", "kostnad"),
        ("Årets resultat uppgick till ", "resultat"),
        ("Enligt budget för året ska det egna kapitalet uppgå till ", "eget kapital"),
    ],
)
def test_the_subject_of_a_value_verb_names_the_amount(before, measure):
    assert money_measure(before) == measure


def test_a_unit_after_an_amount_ends_its_sentence():
    text = (
        "Intäkterna var 12 400 kr. Kostnaderna uppgick till 5 000 kr. Styrelsen består fr.o.m. 2014 av fem."
    )
    assert [s.text[:11] for s in sentences(text)] == ["Intäkterna ", "Kostnaderna", "Styrelsen b"]


def test_people_named_before_the_copula_are_counted():
    text = f"Deltagarna var {PEOPLE} till antalet."
    assert counted_before(text, text.index(str(PEOPLE))) == ("personer", "deltagare")


def test_a_caption_says_what_a_year_table_holds():
    rows = {r.label: r for r in parse_tables(YEAR)}
    town = rows[f"{TOWN} kommun"]
    assert town.values == {"2026": FEE_TOWN, "2025": FEE_TOWN_BEFORE}
    assert town.scale == 1000 and town.heading == "Medlemsavgifter"
    one_column = {r.label: r for r in parse_tables(DELAR)}[f"{TOWN} kommun"]
    assert one_column.values == {"2027": FEE_TOWN_NEXT} and one_column.heading == "Avgift"


def test_a_count_table_with_year_columns_and_a_dash():
    rows = {r.label: r for r in parse_count_tables(YEAR)}
    assert [c.year for c in rows["Bron"].columns] == [2026, 2025]
    assert rows["Bron"].values == {0: ROWS["Bron"][0], 1: ROWS["Bron"][1]}
    assert rows[ROWS_NEW[0]].values == {0: ROWS_NEW[1]}  # the dash is no value


def test_the_kind_of_a_figure_by_its_own_words(engine):
    figures = [f for f in engine.reader.figures if f.value == COSTS_FORECAST]
    assert figures and figure_kind(figures[0]) == "prognos"
    actual = [f for f in engine.reader.figures if f.value == COSTS_YEAR]
    assert actual and figure_kind(actual[0]) == "utfall"


# --- through the engine ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Hur mycket mer pengar har Bron i budget för 2027 än vad insatsen kostade 2026?",
        "Hur mycket större är Brons budget för 2027 jämfört med vad den kostade 2026?",
    ],
)
def test_a_budget_against_what_was_spent_the_year_before(engine, question):
    answer = ask(engine, question)
    assert answer.figures[0].value == BRON_NEXT_BUDGET - BRON_COST  # not the budget of 2026


@pytest.mark.parametrize(
    "question",
    [
        "Hur står sig helårsprognosen för 2026 mot budgeten – hur stor är skillnaden i resultat?",
        "Hur mycket bättre är prognosen för resultatet än budgeten 2026?",
    ],
)
def test_a_forecast_against_the_budget(engine, question):
    answer = ask(engine, question)
    assert answer.figures[0].value == RESULT_FORECAST - RESULT_BUDGET


def test_a_forecast_against_what_it_became(engine):
    answer = ask(
        engine, "Hur väl träffade delårsprognosen för årets kostnader jämfört med hur det faktiskt blev?"
    )
    assert answer.figures[0].value == COSTS_FORECAST - COSTS_YEAR


def test_one_thing_in_two_years_is_an_ordinary_change(engine):
    answer = ask(engine, f"Med hur mycket höjdes {TOWN} kommuns avgift från 2026 till 2027?")
    assert answer.figures[0].value == FEE_TOWN_NEXT - FEE_TOWN * 1000


def test_a_member_is_not_met_by_the_federation_whose_name_it_begins(engine):
    answer = ask(engine, f"Vad betalade {TOWN} kommun i medlemsavgift 2026?")
    assert answer.figures[0].value == FEE_TOWN * 1000
    assert all(f.subject != ORG for f in answer.figures[:1])


def test_women_of_the_participants_named_before_the_copula(engine):
    answer = ask(engine, "Hur stor andel av deltagarna i Bron var kvinnor 2026?")
    assert answer.figures[0].value == round(WOMEN / PEOPLE * 100, 1)


def test_a_sum_over_a_year_table_with_an_empty_cell(engine):
    answer = ask(engine, "Hur många deltagare hade insatserna sammanlagt under 2026?")
    assert answer.figures[0].value == sum(r[0] for r in ROWS.values()) + ROWS_NEW[1]


def test_outcomes_beyond_the_finishers_fail_their_check(engine):
    answer = ask(engine, "Går siffrorna ihop för hur det gick för dem som avslutade Bron 2026?")
    failed = [f for f in answer.figures if f.kind == "check" and f.ok is False]
    assert failed and failed[0].value == TO_WORK + TO_STUDY + ELSEWHERE + DROPPED - FINISHED


@pytest.mark.parametrize(
    "question",
    [
        "Hur många deltagare hade Bron under andra halvåret 2026?",
        "Hur hög var sjukfrånvaron bland personalen 2026?",
    ],
)
def test_what_no_report_states_is_not_found(engine, question):
    answer = ask(engine, question)
    assert answer.supported is False


def test_lines_that_state_their_unit_under_a_paragraph_of_money_are_a_list():
    text = (
        "Finansiering\n\nMedlemmarna bidrog 2026 med sammanlagt 2 100 000 kr. Kommunernas andel fördelas"
        f" efter folkmängd.\n\nRegion Kvarnland      {sv(FEE_REGION * 1000)} kr\n{TOWN} kommun"
        f"          {sv(FEE_TOWN * 1000)} kr\n"
    )
    (found,) = parse_amount_lists(text)
    assert found.measure == "tilldelning" and found.year == "2026"
    assert [r.label for r in found.rows] == ["Region Kvarnland", f"{TOWN} kommun"]


def test_lines_under_a_paragraph_without_money_are_no_list():
    text = "Styrelsen har haft sju möten och två temadagar.\n\nBron    12 000 kr\nGläntan  9 000 kr\n"
    assert parse_amount_lists(text) == []


def test_a_change_with_the_years_after_its_numbers():
    text = "Antalet deltagare i Bron ökade från 27 under 2025 till 31 under 2026."
    assert counted_before(text, text.index("27")) == ("personer", "deltagare")
    assert counted_before(text, text.index("31")) == ("personer", "deltagare")

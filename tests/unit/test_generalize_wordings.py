"""Issue 11: wordings and periods found when staff reword questions and when a federation reports a part
of its year (all texts invented here).

Questions wrapped in a request ('Kan du räkna upp …'), a second sentence that opens with a capital, a
part of a year asked for ('årets första åtta månader', 'till och med augusti'), a count compared in one
sentence with the year before ('att jämföra med 49 föregående år'), goals and plans that are no counts,
and qualifiers (an age group, a follow-up) that a figure must state to answer. Numbers are written into the
texts from the constants below and every expected figure is computed here from the same constants.
"""

from __future__ import annotations

import pytest

from assistant.answering.evidence import mentions_strictly
from assistant.answering.parse import names_in, operation_of, parse_ask, part_of_year
from assistant.engine import Engine
from assistant.question import Question
from index.breakdowns import parse_breakdowns, parse_key_values
from index.clean import normalize
from index.count_tables import parse_count_tables
from index.extract.money import money_measure
from index.extract.outcomes import outcome_after
from index.lexical import fold
from index.textmap import MappedText
from tests.conftest import fake_engine, write_report

ORG = "Samordningsförbundet Bergsjö"

# the half-year report (January–August) and the year's report of the same insatser
LOTSEN_PART, LOTSEN_PART_WOMEN, LOTSEN_GOAL = 33, 18, 60
LOTSEN_YEAR, LOTSEN_PREVIOUS, LOTSEN_YEAR_WOMEN = 52, 41, 27
STEGET_PART, STEGET_YEAR, STEGET_PLANNED, STEGET_YEAR_WOMEN = 21, 30, 25, 12
LOTSEN_WORK = 9
ALL_YEAR, ALL_PREVIOUS = LOTSEN_YEAR + STEGET_YEAR, 70
ALL_WOMEN = LOTSEN_YEAR_WOMEN + STEGET_YEAR_WOMEN


def sv(n: int) -> str:
    return f"{n:,}".replace(",", " ")


DELAR = f"""Delårsrapport januari–augusti 2026

{ORG}

\fINSATSER

Lotsen
Lotsen stöder personer med sjukpenning på väg tillbaka till arbete. Under perioden deltog {LOTSEN_PART}
personer, varav {LOTSEN_PART_WOMEN} kvinnor. Målet för helåret är {LOTSEN_GOAL} deltagare.

Steget
Steget vänder sig till unga mellan 16 och 29 år. Under perioden deltog {STEGET_PART} personer. Insatsen
planeras ta emot cirka {STEGET_PLANNED} nya deltagare under hösten.
"""

YEAR = f"""Verksamhetsberättelse 2026

{ORG}

\fINLEDNING

Totalt deltog {ALL_YEAR} personer i förbundets insatser, jämfört med {ALL_PREVIOUS} under 2025.

\fINSATSER

Lotsen
Lotsen hade {LOTSEN_YEAR} deltagare under 2026, att jämföra med {LOTSEN_PREVIOUS} föregående år. Av
deltagarna var {LOTSEN_YEAR_WOMEN} kvinnor. Under året fick {LOTSEN_WORK} deltagare arbete.

Steget
Steget hade {STEGET_YEAR} deltagare under 2026.

\fDELTAGARE

Tabell 1. Deltagare 2026

Insats | Deltagare | Kvinnor | Män
|---|---|---|---|
Lotsen | {LOTSEN_YEAR} | {LOTSEN_YEAR_WOMEN} | {LOTSEN_YEAR - LOTSEN_YEAR_WOMEN}
Steget | {STEGET_YEAR} | {STEGET_YEAR_WOMEN} | {STEGET_YEAR - STEGET_YEAR_WOMEN}
Summa | {ALL_YEAR} | {ALL_WOMEN} | {ALL_YEAR - ALL_WOMEN}
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    root = tmp_path_factory.mktemp("wordings")
    corpus = root / "corpus"
    write_report(
        corpus,
        "bergsjo_delar_2026",
        DELAR,
        title="Delårsrapport januari–augusti 2026",
        organisation=ORG,
        period="2026-01-01 – 2026-08-31",
        report_type="Delårsrapport",
    )
    write_report(
        corpus, "bergsjo_vb_2026", YEAR, title="Verksamhetsberättelse 2026", organisation=ORG, period="2026"
    )
    return fake_engine(root)


def ask(engine: Engine, question: str):
    return engine.ask(question, mode="hybrid", k=5)


# --- the question: pure functions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        # a request before the question proper
        ("Kan du räkna upp förbundets medlemsorganisationer?", "list"),
        ("Kan du lista alla insatser som förbundet hade igång under 2024?", "list"),
        ("Det står ingen totalsiffra, så kan du räkna ihop hur många deltagare insatserna hade?", "sum"),
        ("Jag undrar hur många deltagare Lotsen hade 2024", "lookup"),
        # checks in other words than 'stämmer'
        ("Anges andelen till arbete i Lotsen, och är den siffran rätt räknad?", "check"),
        ("Kan du kontrollera om raden Summa kostnader verkligen motsvarar posterna ovanför?", "check"),
        # an overrun asked in budget_used's words, and after a 'stämmer det att …'
        (
            "Lotsen gick över budget 2023 – hur många procent av budgeten handlade överskridandet om?",
            "overrun",
        ),
        ("Stämmer det att Lotsen gick över budget 2024? Hur många procent blev överskridandet?", "overrun"),
        ("Enligt prognosen, hur mycket väntas Lotsen gå över sin budget?", "overrun"),
        # … but a stated figure to check, or 'stämmer' about a share, is a check
        ("Stämmer det att 52 procent av dem som avslutade Lotsen 2024 gick till arbete?", "check"),
        ("Stämmer uppgiften om hur stor andel av de avslutade som gick till arbete?", "check"),
        # one value in the definite form with its adjective is a lookup; an entity is a list
        ("Vad var den genomsnittliga tiden i insatsen för deltagarna i Lotsen?", "lookup"),
        ("Vilken var den största insatsen 2023?", "list"),
    ],
)
def test_operations_of_reworded_questions(question, operation):
    assert operation_of(fold(question)) == operation


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Stämmer det att Lotsen gick över budget 2024? Hur många procent blev det?", ["Lotsen"]),
        ("Vad gjorde förbundet för strukturövergripande arbete under 2024? Lista aktiviteterna.", []),
        ("Hur många deltagare hade Region Norrmark?", ["Region Norrmark"]),
    ],
)
def test_a_capital_that_opens_a_sentence_is_no_name(text, names):
    assert names_in(text, [], []) == names


@pytest.mark.parametrize(
    ("question", "month"),
    [
        ("Hur många deltagare hade Lotsen under årets första åtta månader?", 8),
        ("Hur många deltagare under januari–augusti 2026?", 8),
        ("Till och med augusti, hur mycket hade förbrukats?", 8),
        ("Hur många deltagare per 31 augusti 2026?", 8),
        ("Hur många deltagare första halvåret 2020?", 6),
        ("Hur många fler vid årets slut jämfört med läget i delårsrapporten?", 0),
        ("Hur många var fortfarande i arbete ett halvår senare?", None),
        ("Hur många deltagare hade Lotsen 2026?", None),
    ],
)
def test_the_part_of_a_year_a_question_asks_for(question, month):
    assert part_of_year(fold(question)) == month


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("Hur många månader pågick den sista omgången?", "tid"),
        ("Hur många deltagare hade Lotsen?", "personer"),
        ("vagen in 2023 hur manga av deltagarna var man", "personer"),
    ],
)
def test_the_unit_a_count_asks_for(question, unit):
    assert parse_ask(Question(text=question)).unit == unit


def test_men_typed_without_a_ring_after_var():
    parsed = parse_ask(Question(text="vagen in 2023 hur manga av deltagarna var man"))
    assert "män" in parsed.measure


@pytest.mark.parametrize(
    ("word", "text", "mentioned"),
    [
        ("enkät", "Deltagarenkäten besvarades av många.", True),  # a compound that ends with it
        ("medelåldern", "Medelåldern var 44 år.", True),
        ("medelåldern", "medelålder 44 år", True),  # an inflection
        ("deltagarenkäten", "Av deltagarna var 17 kvinnor.", False),  # only its first part
        ("sjukfrånvaron", "Kostnaderna för personal ökade.", False),
    ],
)
def test_a_word_mentioned_strictly(word, text, mentioned):
    assert mentions_strictly(word, [text]) is mentioned


# --- extraction: pure functions -----------------------------------------------------------------------


def test_the_equity_right_before_its_amount_is_the_equity():
    assert money_measure("Efter årets underskott var det egna kapitalet ") == "eget kapital"
    assert (
        money_measure("Ett planerat underskott avseende det egna kapitalet enligt beslut ca ") == "resultat"
    )


def test_a_clause_of_reason_after_a_count_is_not_its_outcome():
    text = "då Steget hade 57 deltagare, eftersom målgruppen avgränsades med den nya inriktningen"
    end = text.index("57") + 2
    assert outcome_after(text, end) is None
    assert outcome_after("Under året skrevs 47 nya deltagare in", 19) == "nya"


# --- through the engine --------------------------------------------------------------------------------


def test_a_part_of_the_year_is_answered_by_the_part(engine):
    for question in (
        "Hur många deltagare hade Lotsen under årets första åtta månader?",
        "Hur många deltagare hade Lotsen till och med augusti 2026?",
    ):
        answer = ask(engine, question)
        assert answer.figures[0].value == LOTSEN_PART, question


def test_the_year_is_answered_by_the_whole_year(engine):
    answer = ask(engine, "Hur många deltagare hade Lotsen 2026?")
    assert answer.figures[0].value == LOTSEN_YEAR


def test_a_goal_and_a_plan_are_no_counts(engine):
    answer = ask(engine, "Hur många deltagare hade Steget enligt delårsrapporten?")
    assert answer.figures[0].value == STEGET_PART
    assert answer.figures[0].value != STEGET_PLANNED
    goal = ask(engine, "Vilket mål har Lotsen för antalet deltagare under helåret?")
    assert any(f.value == LOTSEN_GOAL for f in goal.figures)


def test_the_year_against_its_part(engine):
    answer = ask(
        engine, "Hur många fler hade deltagit i Lotsen vid årets slut jämfört med läget i delårsrapporten?"
    )
    assert answer.figures[0].value == LOTSEN_YEAR - LOTSEN_PART


@pytest.mark.parametrize(
    "question",
    [
        "Med hur många procent ökade antalet deltagare i Lotsen jämfört med året innan?",
        "Hur stor var ökningen i procent av antalet deltagare i Lotsen 2026 jämfört med föregående år?",
    ],
)
def test_a_count_compared_with_the_year_before_in_one_sentence(engine, question):
    answer = ask(engine, question)
    assert answer.figures[0].value == round(100 * (LOTSEN_YEAR - LOTSEN_PREVIOUS) / LOTSEN_PREVIOUS, 1)


def test_the_total_compared_with_a_named_year_keeps_the_report_year(engine):
    answer = ask(engine, "Hur många fler deltog i förbundets insatser 2026 än 2025?")
    assert answer.figures[0].value == ALL_YEAR - ALL_PREVIOUS


@pytest.mark.parametrize(
    "question",
    [
        "Hur många av Lotsens deltagare var under 30 år gamla 2026?",
        "Hur många av dem som fick arbete via Lotsen var fortfarande i arbete ett halvår senare?",
    ],
)
def test_a_qualifier_no_figure_states_is_not_found(engine, question):
    answer = ask(engine, question)
    assert answer.supported is False, answer.answer


def test_a_heading_over_one_sentence_that_restates_it_is_a_section(engine):
    answer = ask(engine, "Hur många deltagare hade Steget 2026?")
    assert answer.figures[0].value == STEGET_YEAR


def test_what_the_participants_got_stands_after_the_noun(engine):
    answer = ask(engine, "Hur många deltagare i Lotsen fick arbete under 2026?")
    assert answer.figures[0].value == LOTSEN_WORK


def test_cells_split_by_pipes_read_as_a_table():
    text = "Insats | Deltagare | Kvinnor\n|---|---|---|\n| Lotsen | 52 | 27 |\nSumma | 82 | 39\nEtt | rör.\n"
    cleaned = normalize(MappedText.identity(text)).text
    rows = parse_count_tables(cleaned)
    assert [(r.label, list(r.values.values())) for r in rows] == [("Lotsen", [52, 27]), ("Summa", [82, 39])]
    assert "Ett | rör." in cleaned  # one pipe on a line is text


def test_key_value_lines_under_a_caption_are_no_breakdown():
    text = (
        "Deltagare januari–augusti 2026:\nAntal deltagare: 42\nKvinnor: 18\nMän: 24\nAvslutade: 14\n"
        "Till arbete: 5\n"
    )
    assert parse_breakdowns(text) == []
    [block] = parse_key_values(text)
    assert {k.measure: k.role for k in block}["deltagare"] == "total"


def test_share_of_women_over_all_insatser_is_the_total(engine):
    answer = ask(engine, "Hur stor andel av deltagarna i förbundets insatser 2026 var kvinnor?")
    women = STEGET_YEAR_WOMEN + LOTSEN_YEAR_WOMEN
    assert answer.figures[0].value == round(100 * women / (STEGET_YEAR + LOTSEN_YEAR), 1)


def test_a_sum_over_insatser_keeps_to_the_part_of_the_year(engine):
    answer = ask(engine, "Hur många personer deltog sammanlagt i insatserna under januari–augusti 2026?")
    assert answer.figures[0].value == LOTSEN_PART + STEGET_PART


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Medelålder: 22 år\n3\n3.3 Hälsolotsen riktar sig till unga.", False),  # page 3 ends here
        ("Antal deltagare\n48\nKvinnor\n21", True),  # no page of the chunk: a value on its own line
    ],
)
def test_a_page_number_on_its_own_line_is_no_figure(text, kept):
    from index.extract.figures import _without_page_numbers
    from index.models import Chunk

    chunk = Chunk("c", "r", 0, text, text, text, 3, 3, "", 0, len(text))
    blanked = _without_page_numbers(chunk)
    assert len(blanked) == len(text)
    assert ("48" in blanked) if kept else ("\n3\n" not in blanked)

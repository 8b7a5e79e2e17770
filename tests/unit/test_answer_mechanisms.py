"""Mechanisms behind answers that generalize, each over texts written here: a heading that shares a common
word with another heading still names its insats, an insats named by a common word is found where it is
written as a name, adjectives in their forms, a point of the period, one-column statements, bulleted lists
and a value over two years."""

from __future__ import annotations

import pytest

from assistant.answering.operands import is_whole_year, moment_fit
from assistant.answering.operations import bullets_after
from assistant.answering.parse import moment_of, operation_of, parse_ask
from assistant.answering.similarity import adjective_root, word_similarity
from assistant.question import parse_question
from index.lexical import fold
from index.subjects import SEPARATOR, SubjectRegistry
from index.tables import parse_tables


def _sections(*paths: str) -> list[tuple[str, str]]:
    return [("rapport", p) for p in paths]


def test_a_common_word_inside_another_heading_does_not_unname_an_insats():
    registry = SubjectRegistry.from_sections(
        _sections(
            "4. Insatser",
            f"4. Insatser{SEPARATOR}4.1 Unga Framåt",
            "7. Blick framåt",
        )
    )
    assert "unga framat" in registry.subjects


def test_a_heading_that_begins_with_another_heading_s_name_is_about_it():
    registry = SubjectRegistry.from_sections(
        _sections(
            "6. Insatser",
            f"6. Insatser{SEPARATOR}6.1 MoA Piteå",
            f"6. Insatser{SEPARATOR}6.2 Styrgrupp MoA",
        )
    )
    assert not any(key.startswith("styrgrupp") for key in registry.subjects)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Hur många deltagare hade Bryggan, Vägen Ut och Kompassen 2023?", True),
        ("Vad kostade Bryggan per deltagare?", True),
        ("Hur många deltagare hade bryggan 2023?", False),  # written as a common noun
        ("Bryggan vid hamnen byggdes om.", False),  # capitalised only as the first word of a sentence
    ],
)
def test_an_insats_named_by_a_common_word_counts_where_it_is_written_as_a_name(text, found):
    registry = SubjectRegistry()
    registry.add("Bryggan")
    assert bool(registry.find_in_text(text)) is found


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("egna", "eget", True),
        ("egen", "egna", True),
        ("stora", "stort", True),
        ("nya", "nytt", False),  # too short to strip safely: the root would be one letter
        ("egna", "eller", False),
        ("stora", "stark", False),
        ("deltagare", "deltagarna", True),
        # staff are never the people they serve, though the words start alike
        ("personal", "personer", False),
        ("personalen", "person", False),
        ("personal", "personalen", True),
    ],
)
def test_adjective_forms_are_one_word(a, b, same):
    assert (word_similarity(a, b) >= 0.5) is same


@pytest.mark.parametrize(
    ("word", "root"), [("egna", "eg"), ("stort", "stor"), ("kapital", None), ("en", None)]
)
def test_adjective_root(word, root):
    assert adjective_root(word) == root


@pytest.mark.parametrize(
    ("question", "moment"),
    [
        ("Hur stort var förbundets egna kapital när 2024 var slut?", "end"),
        ("Vilket eget kapital hade förbundet vid årets utgång?", "end"),
        ("Hur stort var det egna kapitalet den 31 december 2023?", "end"),
        ("Hur stort var det ingående egna kapitalet 2024?", "start"),
        ("Vad var kassan i början av året?", "start"),
        ("Hur stort var det egna kapitalet vid ingången av 2023?", "start"),
        ("Hur stort var det egna kapitalet 2024?", None),
    ],
)
def test_moment_of_the_period(question, moment):
    assert moment_of(fold(question)) == moment


@pytest.mark.parametrize(
    ("moment", "clause", "score"),
    [
        ("end", "uppgick förbundets eget kapital till 1 103 200 kr den 31 december 2024", 1.0),
        ("end", "Ingående eget kapital 2024-01-01 var 1 253 000 kr", -1.0),
        ("start", "Ingående eget kapital 2024-01-01 var 1 253 000 kr", 1.0),
        ("end", "Utgående balans 2023-12-31: 400 000 kr", 1.0),
        ("end", "Förbundet hade 12 deltagare", 0.0),
        ("end", "Det egna kapitalet uppgick till 2 340 000 kr vid ingången av 2023", -1.0),
    ],
)
def test_moment_fit(moment, clause, score):
    assert moment_fit(moment, clause) == score


def test_a_one_column_statement_keeps_whole_amounts():
    text = (
        "RESULTATRÄKNING (kr)\n\n"
        "                                2024\n"
        "Verksamhetens intäkter      4 800 000\n"
        "Verksamhetens kostnader    -4 912 300\n"
        "Årets resultat               -112 300\n\n"
        "BALANSRÄKNING (kr)\n\n"
        "                          2024-12-31\n"
        "Kassa och bank             2 411 900\n"
        "Eget kapital               1 987 600\n"
    )
    rows = {r.label: r for r in parse_tables(text)}
    assert rows["Verksamhetens kostnader"].values == {"2024": -4_912_300.0}
    assert rows["Eget kapital"].values == {"2024": 1_987_600.0}
    assert rows["Eget kapital"].columns == ("2024",)


@pytest.mark.parametrize(
    ("passage", "sentence", "items"),
    [
        (
            "Under året genomfördes följande aktiviteter:\n– en utbildningsdag\n– ett nätverk\n"
            "– tre träffar med brukarrådet\nUtbildningsdagen fick gott betyg.",
            "Under året genomfördes följande aktiviteter:",
            ["en utbildningsdag", "ett nätverk", "tre träffar med brukarrådet"],
        ),
        (
            "Styrelsen beslutade om två satsningar:\n\n1. Ett gemensamt kansli\n2. En ny webbplats\n",
            "Styrelsen beslutade om två satsningar:",
            ["Ett gemensamt kansli", "En ny webbplats"],
        ),
        ("Förbundet hade 40 deltagare.\n– en rad", "Förbundet hade 40 deltagare.", []),
        ("Följande gäller:\nInget mer att säga.", "Följande gäller:", []),
    ],
)
def test_bullets_after_a_colon(passage, sentence, items):
    assert bullets_after(passage, sentence) == items


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("Vad hände med antalet deltagare i Bryggan mellan 2022 och 2023?", "change"),
        ("Hur många deltagare hade Bryggan från 2022 till 2023?", "change"),
        ("Vilka insatser fanns mellan 2022 och 2023?", "list"),
        ("Hur många deltagare hade Bryggan 2023?", "lookup"),
    ],
)
def test_a_value_over_two_years_is_a_change(question, operation):
    assert operation_of(fold(question)) == operation


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("Vad blev avvikelsen (utfall minus budget) för Bryggan 2023?", "overrun"),
        ("Hur stor var skillnaden mellan budget och utfall för kansliet?", "overrun"),
        ("Differensen mot budgeten för Bryggan?", "overrun"),
        ("Hur mycket blev utfallet mot budget för Bryggan 2023?", "overrun"),
        # two years: a change of the budget, not a deviation from it
        ("Hur stor var skillnaden i budget mellan 2022 och 2023?", "change"),
        ("Hur stor var skillnaden mellan kvinnor och män i Bryggan?", "change"),
    ],
)
def test_a_deviation_from_the_budget_is_an_overrun(question, operation):
    assert operation_of(fold(question)) == operation


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("Vilken var medelåldern bland deltagarna i Bryggan 2023?", "lookup"),
        ("Vilket blev resultatet för 2023?", "lookup"),
        ("Vilken var den största insatsen 2023?", "list"),
        ("Vilka insatser hade förbundet 2023?", "list"),
    ],
)
def test_one_thing_in_the_definite_form_is_a_value_not_a_list(question, operation):
    assert operation_of(fold(question)) == operation


def test_keyword_search_asks_for_a_value():
    from assistant.question import Question

    assert parse_ask(Question("personal Bryggan 2023")).asks_value
    assert parse_ask(Question("medlemsavgift sandvik kommun 2023")).asks_value
    assert not parse_ask(Question("Beskriv Bryggan")).asks_value


@pytest.mark.parametrize(
    ("period", "whole"),
    [("2020", True), ("2020-01-01 – 2020-12-31", True), ("2020-01-01 – 2020-06-30", False), ("", True)],
)
def test_is_whole_year(period, whole):
    assert is_whole_year(period) is whole


@pytest.mark.parametrize(
    ("question", "full_year"),
    [
        ("Vilket resultat redovisade förbundet för helåret 2020?", True),
        ("Hur många deltagare hade Bryggan under hela året 2020?", True),
        ("Hur många deltagare hade Bryggan första halvåret 2020?", False),
        ("Hur många deltagare hade Bryggan 2020?", False),
    ],
)
def test_a_question_about_the_whole_year(question, full_year):
    assert parse_ask(parse_question(question)).full_year is full_year


@pytest.mark.parametrize(
    ("period", "reaches"),
    [
        ("2020", True),
        ("2020-01-01 – 2020-12-31", True),
        ("2020-07-01 – 2020-12-31", True),
        ("2020-01-01 – 2020-06-30", False),
    ],
)
def test_a_count_at_the_years_end_needs_a_period_that_reaches_it(period, reaches):
    from assistant.answering.operands import reaches_year_end

    assert reaches_year_end(period) is reaches

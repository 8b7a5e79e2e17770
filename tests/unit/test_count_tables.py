"""Tables of people per insats: header columns, rows, the sum row and its parts."""

from __future__ import annotations

import pytest

from index.count_tables import column_parts, count_columns, parse_count_tables

TABLE = """Tabell 1. Deltagare och resultat per insats 2022
Insats Deltagare Kvinnor Män Avslutade Arbete Studier
Vägen Framåt 47 29 18 26 9 5
Steg för steg 34 14 20 15 6 1
Totalt 86 43 38 41 15 6

Text efter tabellen med 12 personer.
"""


@pytest.mark.parametrize(
    ("header", "measures"),
    [
        (
            "Insats Deltagare Kvinnor Män Avslutade Arbete Studier",
            ["deltagare", "kvinnor", "män", "avslutade", "till arbete", "till studier"],
        ),
        (
            "Insats Inskrivna Varav nya Avslutade Arbete Studier Kvar 31/12",
            ["inskrivna", "nya", "avslutade", "till arbete", "till studier", "inskrivna"],
        ),
        (
            "Projekt Antal Kvinnor Män Arbete/studier",
            ["deltagare", "kvinnor", "män", "till arbete eller studier"],
        ),
        # not count headers
        ("Post Budget Utfall", None),
        ("Under året deltog kvinnor och män i arbete", None),
        ("Kvinnor Män", None),
        # two count columns are a header only after a word for the row column
        ("Insats Inskrivna Avslutade", ["inskrivna", "avslutade"]),
        ("Inskrivna Avslutade", None),
    ],
)
def test_count_columns(header, measures):
    columns = count_columns(header)
    assert (None if columns is None else [c.measure for c in columns]) == measures


def test_rows_values_year_and_the_sum_row():
    rows = parse_count_tables(TABLE)
    assert [(r.label, r.is_sum, r.year) for r in rows] == [
        ("Vägen Framåt", False, 2022),
        ("Steg för steg", False, 2022),
        ("Totalt", True, 2022),
    ]
    assert rows[0].values == {0: 47, 1: 29, 2: 18, 3: 26, 4: 9, 5: 5}
    assert TABLE[rows[1].start : rows[1].end] == "Steg för steg 34 14 20 15 6 1"
    # the sum row's columns and the values it adds up: 47 + 34 = 81, not the 86 it states
    parts = column_parts(rows, 2)
    assert parts[0] == [47, 34] and sum(parts[0]) != rows[2].values[0]


def test_a_row_with_another_number_of_values_ends_the_table():
    text = "Insats Deltagare Kvinnor Män\nBryggan 10 6 4\nBryggan 2023 10 6 4\nAnnat 5 3 2\n"
    assert [r.label for r in parse_count_tables(text)] == ["Bryggan"]

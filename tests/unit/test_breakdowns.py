"""Breakdowns of a group of people under a caption: rows as parts, a sum row as the total, and blocks
that cannot be shown to be breakdowns left alone."""

from __future__ import annotations

import pytest

from index.breakdowns import parse_breakdowns, row_measure

OUTCOMES = """Resultat för de 30 personer som lämnade Steget under året:
Arbete                                    9
Studier (hel- eller deltid)               6
Annan insats                              8
Övrigt                                    7
Totalt                                   30
"""


def test_rows_are_parts_and_the_sum_row_carries_them():
    (b,) = parse_breakdowns(OUTCOMES)
    assert [r.measure for r in b.rows] == [
        "till arbete",
        "till studier",
        "till annan insats",
        "övrigt",
        "totalt",
    ]
    assert [r.value for r in b.rows] == [9, 6, 8, 7, 30]
    assert b.rows[-1].is_sum and b.parts_of_sum == (9, 6, 8, 7)
    assert OUTCOMES[b.start : b.start + 6] == "Arbete"


def test_a_sum_row_that_does_not_add_up_is_kept_so_the_check_can_fail():
    text = OUTCOMES.replace(
        "Totalt                                   30", "Totalt                                   33"
    )
    (b,) = parse_breakdowns(text)
    assert b.rows[-1].value == 33 and sum(b.parts_of_sum) == 30


def test_caption_number_proves_a_breakdown_without_a_sum_row():
    text = "Av de 12 deltagare som avslutade gick:\nTill jobb 5\nVidare till kommunens insatser 7\n"
    (b,) = parse_breakdowns(text)
    assert [r.value for r in b.rows] == [5, 7]


@pytest.mark.parametrize(
    "text",
    [
        # no people in the caption
        "Sammanträden 2024:\nStyrelsen 7\nBeredningsgruppen 10\n",
        # rows that neither add up to the caption's number nor name outcomes
        "Deltagare per kommun (40 personer):\nÅby 12\nSandvik 9\n",
        # one row is no breakdown
        "Utfall för de 32 deltagare som avslutade:\nArbete 11\n",
        # amounts in kronor are not counts of people
        "Deltagarnas ersättning:\nResor 1 200 000\nLöner 3 400 000\n",
    ],
)
def test_blocks_that_are_not_breakdowns(text):
    assert parse_breakdowns(text) == []


@pytest.mark.parametrize(
    ("label", "measure"),
    [
        ("Arbete (helt eller delvis)", "till arbete"),
        ("Studier", "till studier"),
        ("Arbete eller studier", "till arbete eller studier"),
        ("Vård eller annan myndighet", "vård eller annan myndighet"),
    ],
)
def test_row_measure(label, measure):
    assert row_measure(label) == measure

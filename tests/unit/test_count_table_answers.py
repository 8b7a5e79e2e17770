"""A table of people per insats, answered through the whole pipeline (fake embedder): its cells are the
insatser's figures, its 'Totalt' row is checked against the rows, and the table is not read as prose."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from index.embed import FakeEmbedder
from index.pipeline import build_index
from index.settings import Settings
from tests.conftest import write_report

ORG = "Samordningsförbundet Lindås"
ROWS = {
    "Fyrbåken": (52, 30, 22, 20, 7, 3),
    "Nästa steg": (33, 12, 21, 14, 5, 2),
    "Broslaget": (15, 9, 6, 6, 1, 1),
}
STATED_TOTAL = 105  # the rows sum to 100: the report's own total is 5 too many
TEXT = (
    "Verksamhetsberättelse 2021\n\nInsatser\n\n"
    "Förbundet finansierade tre insatser under året. Tabell 2 visar deltagarna.\n\n"
    "Tabell 2. Deltagare per insats 2021\n"
    "Insats Deltagare Kvinnor Män Avslutade Arbete Studier\n"
    + "".join(f"{name} {' '.join(map(str, vals))}\n" for name, vals in ROWS.items())
    + f"Totalt {STATED_TOTAL} 51 49 40 13 6\n\n"
    "Fyrbåken\n\nFyrbåken är en insats för unga vuxna i Lindås kommun med stöd av två coacher.\n\n"
    "Ekonomi\n\nTabell 3. Kostnader per insats januari–juni 2021 (kr)\n"
    "Insats Utfall Budget Avvikelse Årsbudget\n"
    "Fyrbåken 200 000 300 000 -100 000 600 000\n"
    "Nästa steg 150 000 150 000 0 300 000\n"
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    root = tmp_path_factory.mktemp("count-table")
    write_report(
        root / "corpus",
        "lindas_2021",
        TEXT,
        title="Verksamhetsberättelse 2021",
        organisation=ORG,
        period="2021",
    )
    settings = Settings(corpus_dir=root / "corpus", data_dir=root / "data", model="fake")
    build_index(settings, FakeEmbedder())
    return Engine(settings, FakeEmbedder())


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("Hur många deltagare hade Nästa steg 2021?", ROWS["Nästa steg"][0]),
        ("Hur många kvinnor deltog i Broslaget 2021?", ROWS["Broslaget"][1]),
        ("Hur många av deltagarna i Fyrbåken gick till arbete 2021?", ROWS["Fyrbåken"][4]),
        ("Hur många deltagare hade insatserna sammanlagt 2021?", sum(v[0] for v in ROWS.values())),
        (
            "Hur stor andel av de avslutade i Nästa steg gick till arbete 2021?",
            round(ROWS["Nästa steg"][4] / ROWS["Nästa steg"][3] * 100, 1),
        ),
    ],
)
def test_table_cells_answer(engine, question, value):
    answer = engine.ask(question)
    assert answer.supported and answer.figures, answer.answer
    assert answer.figures[0].value == pytest.approx(value, abs=0.05), (question, answer.figures[0])


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("Hur stor del av årsbudgeten för Fyrbåken användes 2021?", round(200_000 / 600_000 * 100, 1)),
        ("Hur stor del av budgeten för Fyrbåken användes 2021?", round(200_000 / 300_000 * 100, 1)),
    ],
)
def test_the_years_budget_when_the_question_names_it(engine, question, value):
    answer = engine.ask(question)
    assert answer.figures and answer.figures[0].value == pytest.approx(value, abs=0.05), answer.figures[:1]


def test_the_sum_row_is_checked_against_the_rows(engine):
    answer = engine.ask("Stämmer totalraden i tabell 2 över deltagarna 2021?")
    failed = [f for f in answer.figures if f.kind == "check" and f.ok is False]
    assert failed and failed[0].value == STATED_TOTAL - sum(v[0] for v in ROWS.values()), answer.figures


def test_the_table_is_not_read_as_prose(engine):
    # read as one long sentence, 'Avslutade Arbete Studier Fyrbåken 52' made 52 a count of finishers
    wrong = [
        f
        for f in engine.reader.figures
        if f.report_id == "lindas_2021" and not f.table_row and f.value in {v[0] for v in ROWS.values()}
    ]
    assert wrong == []


EQUITY_OPENING, EQUITY_RESULT, EQUITY_CLOSING = 1_500_000, 120_000, 1_660_000  # 40 000 too much


def test_equity_is_checked_against_the_opening_balance_and_the_result(tmp_path):
    text = (
        "Delårsrapport januari–juni 2021\n\nEkonomi\n\n"
        f"Eget kapital uppgick vid årets ingång till {EQUITY_OPENING:,} kr. ".replace(",", " ")
        + f"Med periodens resultat på {EQUITY_RESULT:,} kr uppgår det egna kapitalet ".replace(",", " ")
        + f"per den 30 juni 2021 till {EQUITY_CLOSING:,} kr.\n".replace(",", " ")
    )
    write_report(
        tmp_path / "c", "lindas_dr", text, title="Delårsrapport 2021", organisation=ORG, period="2021"
    )
    settings = Settings(corpus_dir=tmp_path / "c", data_dir=tmp_path / "d", model="fake")
    build_index(settings, FakeEmbedder())
    answer = Engine(settings, FakeEmbedder()).ask("Stämmer det egna kapitalet per 30 juni 2021?")
    failed = [f for f in answer.figures if f.kind == "check" and f.ok is False]
    assert failed and failed[0].value == EQUITY_CLOSING - EQUITY_OPENING - EQUITY_RESULT, answer.figures


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("Hur stort var det egna kapitalet vid årets slut 2021?", 1_800_000),
        ("Hur stort var det egna kapitalet vid årets början 2021?", 2_000_000),
    ],
)
def test_the_two_numbers_of_a_change_are_the_periods_start_and_end(tmp_path, question, value):
    text = "Årsredovisning 2021\n\nEget kapital minskade under 2021 från 2 000 000 till 1 800 000 kr."
    write_report(
        tmp_path / "c", "lindas_ar", text, title="Årsredovisning 2021", organisation=ORG, period="2021"
    )
    settings = Settings(corpus_dir=tmp_path / "c", data_dir=tmp_path / "d", model="fake")
    build_index(settings, FakeEmbedder())
    answer = Engine(settings, FakeEmbedder()).ask(question)
    assert answer.figures and answer.figures[0].value == value, answer.figures[:2]

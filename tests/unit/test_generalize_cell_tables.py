"""Issue 11: tables laid out in columns of cells, results stated as deficits, and the wordings of what is
left of a budget (all texts invented here).

A table may carry a column of text ('Tidpunkt'), a share column beside the amounts ('Andel'), years as
its value columns, a column of note numbers, and outcome columns under a caption that says they count
those who finished; a sentence may state a result as 'ett underskott på …'; a question may ask what is
left of a budget, or how much of its own budget an insats used. Numbers are written into the texts from
the constants below and every expected figure is computed here from the same constants.
"""

from __future__ import annotations

import pytest

from assistant.answering.parse import operation_of
from assistant.engine import Engine
from index.cell_tables import cells, number_of, parse_cell_tables
from index.extract.figures import period_of
from index.lexical import fold
from index.models import ReportMeta
from tests.conftest import fake_engine, write_report

ORG = "Samordningsförbundet Lommaby"
FEES = {"Försäkringskassan (statens andel)": 2_400_000, "Region Lommland": 1_200_000, "Ekeby kommun": 505_000}
FEES_BEFORE_TKR = {"Försäkringskassan (statens andel)": 2_300, "Region Lommland": 1_150, "Ekeby kommun": 470}
EVENTS = {"Temadag om psykisk hälsa": ("14 mars", 61), "Nätverksträff, 3 träffar": ("mars–nov", 33)}
EVENTS_TOTAL = 101  # the table's own total: 61 + 33 = 94, so it is 7 too many
OUTCOMES = {"Steget": (6, 3, 5), "Bryggan": (4, 2, 1)}  # arbete, studier, övrigt
DEFICIT, PLANNED_DEFICIT = 187_400, 450_000
STEGET_BUDGET, STEGET_SPENT_TKR = 1_300, 1_151
STEGET_DEVIATION = STEGET_SPENT_TKR - STEGET_BUDGET
YEAR_BUDGET, SPENT_SO_FAR = 2_200_000, 1_348_250
PEOPLE, WOMEN = (140, 118), (75, 60)  # 2026, 2025 in the key figures


def sv(n: float) -> str:
    return f"{int(n):,}".replace(",", " ")


def _fee_rows() -> str:
    total = sum(FEES.values())
    lines = [f"{name:<38}{sv(v):>12}{v / total * 100:>9.1f} %".replace(".", ",") for name, v in FEES.items()]
    lines.append(f"{'Summa':<38}{sv(total):>12}{100:>9.1f} %".replace(".", ","))
    return "\n".join(lines)


YEAR = (
    f"""Årsredovisning 2026

{ORG}

ÅRET I SIFFROR

Nyckeltal                                        2026         2025
Deltagare i individinriktade insatser            {PEOPLE[0]:>4}         {PEOPLE[1]:>4}
  varav kvinnor                                  {WOMEN[0]:>4}         {WOMEN[1]:>4}
Antal individinriktade insatser                     4            3
Årets resultat, kr                          -{sv(DEFICIT)}     -{sv(PLANNED_DEFICIT)}

\fEKONOMI

Medlemsavgifter 2026

Medlem                                      Belopp, kr     Andel
{_fee_rows()}

Tabell 5. Medlemsavgifter 2025 och 2026 (tkr)

Medlem                                 2026        2025
"""
    + "\n".join(f"{n:<38}{sv(FEES[n] / 1000):>5}   {sv(v):>8}" for n, v in FEES_BEFORE_TKR.items())
    + f"""

Årets resultat blev ett underskott på {sv(DEFICIT)} kr. Styrelsen budgeterade för 2026 med ett underskott
om {sv(PLANNED_DEFICIT)} kr.

Tabell 6. Budget och utfall 2026 (tkr)
Avvikelse = utfall minus budget. Ett negativt tal innebär att kostnaden blev lägre än budget.

Post                                        Budget      Utfall    Avvikelse
Steget                              {sv(STEGET_BUDGET):>7}  {sv(STEGET_SPENT_TKR):>7}  {STEGET_DEVIATION:>7}

\fSTRUKTUR

Aktivitet                                   Tidpunkt        Deltagare
"""
    + "\n".join(f"{n:<44}{t:<16}{v:>5}" for n, (t, v) in EVENTS.items())
    + f"""
{"Totalt":<60}{EVENTS_TOTAL:>5}

Tabell 2. Avslutade deltagare 2026 efter avslutsorsak

Insats        Arbete   Studier   Övrigt   Summa
"""
    + "\n".join(f"{n:<14}{a:>6}{b:>10}{c:>9}{a + b + c:>8}" for n, (a, b, c) in OUTCOMES.items())
    + """

Genomsnittlig tid i Steget för dem som avslutades var 9 mån, vilket är något längre än 2025.
"""
)

DELAR = f"""Delårsrapport januari–augusti 2027

{ORG}

\fEKONOMI

Post                  Utfall jan–aug    Budget jan–aug    Årsbudget
Steget                 {sv(SPENT_SO_FAR)}         1 466 000     {sv(YEAR_BUDGET)}
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> Engine:
    root = tmp_path_factory.mktemp("cell_tables")
    corpus = root / "corpus"
    write_report(
        corpus, "lommaby_ar_2026", YEAR, title="Årsredovisning 2026", organisation=ORG, period="2026"
    )
    write_report(
        corpus,
        "lommaby_delar_2027",
        DELAR,
        title="Delårsrapport januari–augusti 2027",
        organisation=ORG,
        period="2027-01-01 – 2027-08-31",
        report_type="Delårsrapport",
    )
    return fake_engine(root)


def ask(engine: Engine, question: str):
    return engine.ask(question, mode="hybrid", k=5)


# --- pure functions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "texts"),
    [
        ("Medlem          Belopp, kr     Andel", ["Medlem", "Belopp, kr", "Andel"]),
        ("Ekeby kommun       505 000     12,3 %", ["Ekeby kommun", "505 000", "12,3 %"]),
        ("Temadag om psykisk hälsa   14 mars   61", ["Temadag om psykisk hälsa", "14 mars", "61"]),
        ("En mening med ett mellanslag", ["En mening med ett mellanslag"]),
        ("Post\tBudget\tUtfall", ["Post", "Budget", "Utfall"]),
    ],
)
def test_cells_are_parted_by_two_spaces_or_a_tab(line, texts):
    assert [c.text for c in cells(line)] == texts


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("3 400 000", (3_400_000.0, "")),
        ("50,0 %", (50.0, "%")),
        ("–146", (-146.0, "")),
        ("1 250 tkr", (1250.0, "tkr")),
        ("14 mars", None),
        ("Uppfyllt", None),
    ],
)
def test_a_cell_is_a_number_or_words(text, parsed):
    assert number_of(text) == parsed


def _table(label: str) -> dict[str, dict[str, tuple[float, str]]]:
    """Rows of the first table whose caption or header holds `label`: label -> column -> (value, unit)."""
    rows = [
        r
        for r in parse_cell_tables(YEAR)
        if label in r.caption or label in " ".join(c.text for c in r.columns)
    ]
    first = rows[0].table
    return {
        r.label: {r.columns[k].text: (v, r.units[k]) for k, v in r.values.items()}
        for r in rows
        if r.table == first
    }


def test_a_column_of_text_does_not_shift_the_counts():
    table = _table("Tidpunkt")
    for name, (_when, count) in EVENTS.items():
        assert table[name] == {"Deltagare": (count, "personer")}
    assert table["Totalt"] == {"Deltagare": (EVENTS_TOTAL, "personer")}


def test_amounts_and_shares_take_their_own_columns_units():
    table = _table("Belopp, kr")
    total = sum(FEES.values())
    for name, fee in FEES.items():
        assert table[name]["Belopp, kr"] == (fee, "kr")
        assert table[name]["Andel"] == (round(fee / total * 100, 1), "procent")


def test_year_columns_under_a_tkr_caption_are_kronor():
    table = _table("Tabell 5")
    for name, before in FEES_BEFORE_TKR.items():
        assert table[name]["2025"] == (before * 1000, "kr")
        assert table[name]["2026"] == (FEES[name], "kr")


def test_outcome_columns_under_a_caption_of_finishers_count_people():
    table = _table("avslutsorsak")
    for name, (work, study, other) in OUTCOMES.items():
        assert table[name]["Arbete"] == (work, "personer")
        assert table[name]["Summa"] == (work + study + other, "personer")


def test_key_figure_rows_say_their_own_units():
    table = _table("Nyckeltal")
    assert table["Deltagare i individinriktade insatser"]["2026"] == (PEOPLE[0], "personer")
    assert table["varav kvinnor"]["2025"] == (WOMEN[1], "personer")
    assert table["Antal individinriktade insatser"]["2026"] == (4, "antal")
    assert table["Årets resultat, kr"]["2026"] == (-DEFICIT, "kr")


def test_a_sentence_with_single_spaces_is_no_table():
    assert parse_cell_tables("Under året deltog 44 personer.\nAv dem gick 12 till arbete.\n") == []


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("Tiden var 9 mån, vilket är något längre än 2025.", "2026"),
        ("Tiden var 9 mån jämfört med 2025.", "2026"),
        ("Under 2025 deltog 40 personer.", "2025"),
    ],
)
def test_a_year_compared_with_is_not_the_figures_period(sentence, period):
    meta = ReportMeta(
        title="Årsredovisning 2026", organisation=ORG, report_type="Årsredovisning", period="2026"
    )
    assert period_of(sentence, meta) == period


@pytest.mark.parametrize(
    ("question", "operation"),
    [
        ("Hur stor del av sin budget använde Steget 2026?", "budget_used"),
        ("Hur mycket av budgeten förbrukade Steget?", "budget_used"),
        ("Hur mycket finns kvar av Stegets årsbudget efter augusti?", "overrun"),
        ("Hur mycket återstår av budgeten för Steget?", "overrun"),
        ("Hur mycket pengar har Steget kvar i budgeten?", "overrun"),
    ],
)
def test_what_is_left_of_a_budget_and_how_much_was_used(question, operation):
    assert operation_of(fold(question)) == operation


# --- answers over the invented reports -----------------------------------------------------------------


def first(answer):
    assert answer.figures, answer.answer
    return answer.figures[0]


def test_a_member_fee_from_a_table_of_cells(engine):
    fig = first(ask(engine, "Vad betalade Ekeby kommun i medlemsavgift 2026?"))
    assert fig.value == FEES["Ekeby kommun"]


def test_a_payer_named_in_the_genitive_without_accents(engine):
    fig = first(ask(engine, "Vad var Ekeby kommuns avgift for 2026?"))
    assert fig.value == FEES["Ekeby kommun"]


def test_a_fee_change_across_year_columns(engine):
    fig = first(ask(engine, "Hur mycket mer betalade Region Lommland 2026 jämfört med 2025?"))
    assert fig.value == FEES["Region Lommland"] - FEES_BEFORE_TKR["Region Lommland"] * 1000


def test_a_deficit_is_a_negative_result_and_the_plan_is_not_the_result(engine):
    fig = first(ask(engine, "Vilket ekonomiskt resultat fick förbundet 2026?"))
    assert fig.value == -DEFICIT


def test_the_share_of_its_own_budget_an_insats_used(engine):
    fig = first(ask(engine, "Hur stor del av sin budget använde Steget 2026?"))
    assert fig.unit == "procent"
    assert fig.value == pytest.approx(round(STEGET_SPENT_TKR / STEGET_BUDGET * 100, 1))


def test_what_is_left_of_the_year_budget(engine):
    fig = first(ask(engine, "Hur mycket finns kvar av Stegets årsbudget 2027 efter augusti?"))
    assert fig.value == YEAR_BUDGET - SPENT_SO_FAR


def test_a_table_that_does_not_add_up_fails_its_check(engine):
    answer = ask(engine, "Stämmer totalen i tabellen över aktiviteter 2026?")
    failing = [f for f in answer.figures if f.kind == "check" and f.ok is False]
    assert failing and abs(failing[0].value) == EVENTS_TOTAL - sum(v for _, v in EVENTS.values())


def test_a_change_between_the_years_of_a_key_figure_table(engine):
    question = "Med hur många personer ökade antalet deltagare i insatserna mellan 2025 och 2026?"
    fig = first(ask(engine, question))
    assert fig.value == PEOPLE[0] - PEOPLE[1]


def test_the_share_of_women_from_a_key_figure_table(engine):
    question = "Hur stor andel av deltagarna i de individinriktade insatserna var kvinnor 2026?"
    fig = first(ask(engine, question))
    assert fig.value == pytest.approx(round(WOMEN[0] / PEOPLE[0] * 100, 1))

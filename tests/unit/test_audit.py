"""The figure audit: series over periods, corpus checks deduplicated and failed first, subject filtering,
and the Swedish tables. Figures are built here from sentences and values read in the shipped reports."""

from __future__ import annotations

import json

import pytest
from rich.console import Console

from assistant.answering.models import FigureOut, Source
from assistant.audit import (
    answer_series,
    audit,
    corpus_checks,
    matching_subjects,
    period_shape,
    render_audit,
    row_label,
    series,
)
from index.models import Figure
from index.subjects import SubjectRegistry

AR_2016 = "skelleftea-norsjo_arsredovisning_2016"
VB_2017 = "skelleftea-norsjo_verksamhetsberattelse_2017"
DR_2020 = "sodra-norrbotten_delarsredovisning_2020"
AMT = "Arbetsmarknadstorget (AMT)"
ORG = "Samordningsförbundet Skellefteå-Norsjö"

AMT_2016 = (
    "Under 2016 har AMT sammanlagt arbetat med 107 personer i åldrarna 16-29 år, varav 50 kvinnor och 57 män."
)
AMT_2016_AF = "Fördelning av remisser Arbetsförmedlingen: 74 personer, varav 31 kvinnor och 43 män"
AMT_2017 = "Under 2017 har Arbetsmarknadstorget arbetat med 95 personer, varav 48 kvinnor och 47 män."
AMT_2017_AF = "Arbetsförmedlingen: 52 personer (23 kvinnor och 29 män)"
AMT_2017_FK = "Försäkringskassan: 0 personer"
AMT_2017_RESULT = (
    "Av de 95 deltagarna har 36 personer avslutats och av dessa har 15 (ca 42 %) gått till arbete eller "
    "studier."
)  # fmt: skip
ORG_2016 = (
    "Individinriktat stöd via Samordningsförbundet Skellefteå-Norsjö Under året har 287 personer (varav "
    "125 kvinnor och 145 män) deltagit i någon form av individinriktad myndighets samverkan och 206 "
    "individer har deltagit i förebyggande verksamhet."
)
FOKUS_2017 = "Fortsatt rehab erbjuds totalt 104 deltagare varav 68 kvinnor och 35 män."
RESULT_2016 = (
    "Ekonomiskt utfall Ekonomisk sammanfattning Förbundet visar på minusresultatet -1 441 678 kronor för "
    "2016 och ett eget kapital vid årets slut på 2 497 180 kr."
)
RESULT_2015 = (
    "Vid utgången av 2015 var resultatet 1 746 598 kronor, vilket medförde att det egna kapitalet vid "
    "bokslut 2015 hamnade på en alltför hög nivå (3 938 859 kr)"
)


def fig(
    report: str,
    page: int,
    chunk: int,
    sentence: str,
    raw: str,
    value: float,
    measure: str,
    subject: str,
    period: str,
    *,
    unit: str = "personer",
    role: str = "single",
    group: str | None = None,
    approx: bool = False,
    at: int = 0,
) -> Figure:
    """A figure as extraction makes it: its id ends with the number's offset in the chunk's text."""
    offset = at + sentence.index(raw)
    chunk_id = f"{report}:{chunk:04d}"
    return Figure(
        figure_id=f"{chunk_id}#{offset}",
        report_id=report,
        chunk_id=chunk_id,
        page=page,
        sentence=sentence,
        char_start=offset,
        char_end=offset + len(raw),
        value=value,
        unit=unit,  # type: ignore[arg-type]
        measure=measure,
        subject=subject,
        period=period,
        raw=raw,
        approx=approx,
        group=f"{chunk_id}#{at + sentence.index(group)}" if group else None,
        role=role,  # type: ignore[arg-type]
    )


def split(report, page, chunk, sentence, subject, period, total, women, men, measure="deltagare", at=0):
    """'107 personer, varav 50 kvinnor och 57 män': a total and its two parts in one group."""
    (traw, tval), (wraw, wval), (mraw, mval) = total, women, men
    common = {"group": traw, "at": at}
    return [
        fig(report, page, chunk, sentence, traw, tval, measure, subject, period, role="total", **common),
        fig(report, page, chunk, sentence, wraw, wval, "kvinnor", subject, period, role="part", **common),
        fig(report, page, chunk, sentence, mraw, mval, "män", subject, period, role="part", **common),
    ]


def table_row(report, page, line, values: dict[str, float], subject=ORG, period="2016") -> list[Figure]:
    """A budget/result table line's values, as `table_row_figures` stores them (one group per row)."""
    group = f"{report}:rad:{abs(hash(line)) % 100000}"
    return [
        Figure(
            figure_id=f"{group}:{column}",
            report_id=report,
            chunk_id=f"{report}:0036",
            page=page,
            sentence=line,
            char_start=0,
            char_end=len(line),
            value=value,
            unit="kr",
            measure=column if not column.isdigit() else "belopp",
            subject=subject,
            period=column if column.isdigit() else period,
            raw=line,
            group=group,
        )
        for column, value in values.items()
    ]


@pytest.fixture
def amt_figures() -> list[Figure]:
    """AMT's participants in the annual report 2016 and the activity report 2017 (given out of order)."""
    return [
        *split(VB_2017, 1, 0, AMT_2017, AMT, "2017", ("95 personer", 95), ("48", 48), ("47", 47)),
        *split(AR_2016, 21, 42, AMT_2016_AF, AMT, "2016", ("74", 74), ("31", 31), ("43", 43)),
        *split(AR_2016, 20, 41, AMT_2016, AMT, "2016", ("107", 107), ("50", 50), ("57", 57)),
        *split(VB_2017, 1, 1, AMT_2017_AF, AMT, "2017", ("52", 52), ("23", 23), ("29", 29)),
        fig(VB_2017, 1, 1, AMT_2017_FK, "0", 0, "deltagare", AMT, "2017", at=300),
    ]


# --- series ------------------------------------------------------------------------------------------


def test_series_orders_periods_and_takes_the_stated_total(amt_figures):
    found = {s.measure: s for s in series(amt_figures)}
    assert set(found) == {"deltagare", "kvinnor", "män"}
    people = found["deltagare"]
    assert [(p.period, p.value) for p in people.points] == [("2016", 107), ("2017", 95)]
    assert [(p.source.report, p.source.page) for p in people.points] == [(AR_2016, 20), (VB_2017, 1)]
    assert people.points[0].source.quote == AMT_2016
    assert people.points[0].others == (74,)
    assert people.points[1].others == (0, 52)
    diff, rel = people.changes
    assert (diff.kind, diff.value, diff.unit, diff.period) == ("computed", -12, "personer", "2016 → 2017")
    assert diff.formula == "95 − 107 = -12 personer"
    assert (rel.value, rel.unit, rel.formula) == (-11.2, "procent", "(95 − 107) / 107 = -11,2 %")
    assert {s.quote for s in rel.sources} == {AMT_2016, AMT_2017}
    as_json = json.loads(json.dumps(people.as_dict()))
    source = as_json["points"][1]["source"]
    assert {k: source[k] for k in ("report", "page", "quote")} == {
        "report": VB_2017,
        "page": 1,
        "quote": AMT_2017,
    }
    assert as_json["changes"][1]["kind"] == "computed"


def test_without_a_total_the_largest_value_of_a_period_is_its_point():
    # Livet är ditt: 12 participants in the autumn of 2016 (stated twice), 10 in 2017
    s2016 = "Livet är ditt Unga kvinnor 20-30 år, sjukskrivna 12 deltagare hösten 2016, varav 9 har avslutat."
    s2017 = "Livet är ditt har under 2017 haft 10 deltagare."
    figures = [
        fig(AR_2016, 26, 70, s2016, "9", 9, "deltagare", "Livet är ditt", "2016"),
        fig(AR_2016, 26, 70, s2016, "12", 12, "deltagare", "Livet är ditt", "2016"),
        fig(AR_2016, 26, 71, s2016, "12", 12, "deltagare", "Livet är ditt", "2016"),
        fig(VB_2017, 5, 10, s2017, "10", 10, "deltagare", "Livet är ditt", "2017", role="total"),
    ]
    (found,) = series(figures)
    assert [p.value for p in found.points] == [12, 10]
    assert found.points[0].others == (9,)
    assert [c.formula for c in found.changes] == ["10 − 12 = -2 personer", "(10 − 12) / 12 = -16,7 %"]


def test_one_period_vague_measures_and_unlike_periods_make_no_series():
    budget_year = "Budget för 2020 är 3 640 753 kr."
    budget_half = "Budget för perioden 2 958 995 kr."
    figures = [
        fig(AR_2016, 21, 42, AMT_2016_AF, "74", 74, "deltagare", AMT, "2016"),
        # 'belopp' and 'andel' say not what they count
        fig(AR_2016, 14, 33, RESULT_2015, "3 938 859 kr", 3938859, "belopp", ORG, "2015", unit="kr"),
        fig(AR_2016, 14, 33, RESULT_2016, "2 497 180 kr", 2497180, "belopp", ORG, "2016", unit="kr", at=400),
        # a whole year is no earlier period of its own first half
        fig(DR_2020, 12, 30, budget_year, "3 640 753 kr", 3640753, "budget", ORG, "2020", unit="kr"),
        fig(DR_2020, 12, 30, budget_half, "2 958 995 kr", 2958995, "budget", ORG, "2020-01-01 – 2020-06-30",
            unit="kr"),
    ]  # fmt: skip
    assert series(figures) == []
    assert period_shape("2020-01-01 – 2020-06-30") == "ÅÅÅÅ-01-01 – ÅÅÅÅ-06-30" != period_shape("2020")


def test_a_share_changes_in_percentage_points():
    s2016 = "e minst 50 % av deltagarna går till arbete eller studier"
    s2017 = "Målet var att minst 50 % går till arbete eller studier, 43 % har gått till arbete eller studier."
    figures = [
        fig(AR_2016, 29, 82, s2016, "50 %", 50, "andel till arbete eller studier", "Co-Active", "2016",
            unit="procent"),
        fig(VB_2017, 20, 50, s2017, "43 %", 43, "andel till arbete eller studier", "Co-Active", "2017",
            unit="procent"),
    ]  # fmt: skip
    (found,) = series(figures)
    (change,) = found.changes  # no change "in percent" of a percentage
    assert (change.value, change.unit) == (-7.0, "procentenheter")
    assert change.formula == "43 − 50 = -7 procentenheter"


def test_table_year_columns_form_series_of_their_row_unless_they_repeat_one():
    figures = [
        fig(AR_2016, 14, 33, RESULT_2016, "-1 441 678 kronor", -1441678, "resultat", ORG, "2016", unit="kr"),
        fig(AR_2016, 14, 33, RESULT_2015, "1 746 598 kronor", 1746598, "resultat", ORG, "2015", unit="kr",
            at=400),
        # the balance sheet repeats the result the text states: no series of its own
        *table_row(AR_2016, 16, "Årets resultat -1441678 1746 598", {"2016": -1441678, "2015": 1746598}),
        *table_row(AR_2016, 16, "Kassa och bank 4377 204 5067 384", {"2016": 4377204, "2015": 5067384}),
        *table_row(AR_2016, 15, "Verksamhetens kostnader 2 -7620472 -4 453977",
                   {"not": 2, "2016": -7620472, "2015": -4453977}),
        # 'Summa' ends two tables on one page: each row is its own series
        *table_row(AR_2016, 18, "Summa 6178 794 6200575", {"2016": 6178794, "2015": 6200575}),
        *table_row(AR_2016, 18, "Summa 7620472 4453977", {"2016": 7620472, "2015": 4453977}),
    ]  # fmt: skip
    found = series(figures)
    by_name: dict[str, list] = {}
    for s in found:
        by_name.setdefault(s.name, []).append(s)
    assert sorted(by_name) == ["Kassa och bank", "Summa", "Verksamhetens kostnader", "resultat"]
    (cash,) = by_name["Kassa och bank"]
    assert [(p.period, p.value) for p in cash.points] == [("2015", 5067384), ("2016", 4377204)]
    assert cash.changes[0].formula == "4 377 204 − 5 067 384 = -690 180 kr"
    (costs,) = by_name["Verksamhetens kostnader"]
    assert len(costs.changes) == 1  # from a negative amount a change in percent says nothing
    assert sorted(s.points[0].value for s in by_name["Summa"]) == [4453977, 6200575]
    (result,) = by_name["resultat"]
    assert result.row is None and result.points[0].source.page == 14


def test_row_label_drops_the_cells():
    assert row_label("Årets resultat -1441678 1746 598") == "Årets resultat"
    assert row_label("Luleå kommun 62% 387 500 387 500 0 775 000") == "Luleå kommun 62%"


# --- checks ------------------------------------------------------------------------------------------


def _check_figures() -> list[Figure]:
    return [
        *split(AR_2016, 20, 41, AMT_2016, AMT, "2016", ("107", 107), ("50", 50), ("57", 57)),
        *split(VB_2017, 17, 43, FOKUS_2017, "Fokus Långa sjukfall", "2017", ("104", 104), ("68", 68),
               ("35", 35)),
        # the same statement in two overlapping passages of one report, on two pages
        *split(AR_2016, 8, 18, ORG_2016, ORG, "2016", ("287", 287), ("125", 125), ("145", 145)),
        *split(AR_2016, 9, 19, ORG_2016, ORG, "2016", ("287", 287), ("125", 125), ("145", 145)),
        *table_row(DR_2020, 13, "Webbredaktör/ Hemsida 3 911 25 000 -21 090 50 000",
                   {"utfall": 3911, "budget": 25000, "avvikelse": -21090, "årsbudget": 50000},
                   subject="Samordningsförbundet Södra Norrbotten", period="2020-01-01 – 2020-06-30"),
        fig(VB_2017, 1, 0, AMT_2017_RESULT, "36", 36, "avslutade", AMT, "2017", at=500),
        fig(VB_2017, 1, 0, AMT_2017_RESULT, "15", 15, "till arbete eller studier", AMT, "2017", at=500),
        fig(VB_2017, 1, 0, AMT_2017_RESULT, "42 %", 42, "andel till arbete eller studier", AMT, "2017",
            unit="procent", approx=True, at=500),
    ]  # fmt: skip


def test_corpus_checks_are_deduplicated_failed_first_by_report_and_page():
    checks = corpus_checks(_check_figures())
    assert [c.ok for c in checks] == [False, False, False, True, True]
    failed = [(c.sources[0].report, c.sources[0].page, c.formula) for c in checks if not c.ok]
    assert failed == [
        (AR_2016, 8, "125 + 145 = 270 personer ≠ 287 personer"),
        (VB_2017, 17, "68 + 35 = 103 personer ≠ 104 personer"),
        (DR_2020, 13, "3 911 kr − 25 000 kr = -21 089 kr ≠ angiven avvikelse -21 090 kr"),
    ]
    assert [s.page for s in checks[0].sources] == [8, 9]  # one check, found on both pages
    assert checks[3].sources[0].report == AR_2016  # passed checks by report too
    assert checks[4].formula == "15 / 36 = 41,7 % ≈ angivet 42,0 %"


# --- subjects ----------------------------------------------------------------------------------------

SECTIONS = [
    (AR_2016, "BILAGOR › Arbetsmarknadstorget, AMT › Målgrupp"),
    (AR_2016, "BILAGOR › Arbetsmarknadstorget, AMT › Resultat"),
    (AR_2016, "BILAGOR › MySam, Myndighetsgemensam samverkan (från 2016) › Målgrupp"),
    (AR_2016, "BILAGOR › MySam, Myndighetsgemensam samverkan (från 2016) › Resultat MySam 2016"),
    (VB_2017, "Arbetsmarknadstorget › Målgrupp"),
    (VB_2017, "Arbetsmarknadstorget › Resultat"),
    (VB_2017, "Fokus Långa sjukfall (2017-05-01 - 2018-03-31) › Målgrupp"),
    (VB_2017, "Fokus Långa sjukfall (2017-05-01 - 2018-03-31) › Resultat"),
]


@pytest.fixture(scope="module")
def registry() -> SubjectRegistry:
    return SubjectRegistry.from_sections(SECTIONS)


NAMES = [AMT, "MySam (Myndighetsgemensam samverkan)", "Fokus Långa sjukfall", ORG]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("amt", AMT),
        ("Arbetsmarknadstorgets", AMT),  # genitive
        ("Arbetsmarknadstorqet", AMT),  # OCR-damaged spelling
        ("arbetsmarknadstorget", AMT),
        ("mysam", "MySam (Myndighetsgemensam samverkan)"),
        ("fokus", "Fokus Långa sjukfall"),  # one word of the name
        ("skellefteå", ORG),
    ],
)
@pytest.mark.parametrize("with_registry", [True, False])
def test_a_typed_subject_finds_its_figures(registry, typed, meant, with_registry):
    assert matching_subjects(typed, NAMES, registry if with_registry else None) == {meant}


def test_unknown_subject_matches_nothing(registry):
    assert matching_subjects("Tidsam", NAMES, registry) == set()
    assert matching_subjects("Tidsam", NAMES) == set()


def test_audit_of_one_subject(registry, amt_figures):
    everything = [*amt_figures, *_check_figures()]
    result = audit(everything, "amt", registry=registry)
    assert result.subjects == [AMT]
    assert {f.subject for f in result.figures} == {AMT}
    assert {s.subject for s in result.series} == {AMT}
    assert {c.subject for c in result.checks} == {AMT}
    assert [c.ok for c in result.checks] == [True, True, True, True, True]
    counts = {c.report: (c.figures, c.checks, c.failed) for c in result.counts}
    assert counts == {AR_2016: (6, 2, 0), VB_2017: (10, 3, 0)}

    whole = audit(everything, only_failed=True)
    assert len(whole.checks) == 3 and all(c.ok is False for c in whole.checks)
    assert {f.report_id for f in whole.figures} == {AR_2016, VB_2017, DR_2020}
    assert all(f.subject != AMT for f in whole.figures)
    assert whole.series == []


# --- rendering ---------------------------------------------------------------------------------------


def test_render_in_swedish_with_report_text_printed_literally(amt_figures):
    # report text that looks like markup, and would break it ('[/]' closes nothing)
    odd = ORG_2016.replace("Individinriktat stöd", "[bold]Individinriktat[/bold] [/]stöd")
    figures = [
        *amt_figures,
        *table_row(AR_2016, 16, "Kassa och bank 4377 204 5067 384", {"2016": 4377204, "2015": 5067384}),
        *split(AR_2016, 8, 18, odd, "Samverkan [i]Skellefteå[/i]", "2016", ("287", 287), ("125", 125),
               ("145", 145)),
    ]  # fmt: skip
    console = Console(record=True, width=120)
    render_audit(audit(figures), console)
    text = console.export_text()
    for expected in (
        "Siffror", "Serier", "Kontroller", "Per rapport", "107 personer", "4 377 204 kr", "-690 180 kr",
        "(95 − 107) / 107 = -11,2 %", "Kassa och bank", "✓", "✗", "270 personer ≠ 287 personer",
        "Samverkan [i]Skellefteå[/i]", "[bold]Individinriktat[/bold]", "[/]stöd",
    ):  # fmt: skip
        assert expected in text, expected
    assert text.index("✗") < text.index("✓")  # the failed check first


def out(figure: Figure, kind: str = "stated") -> FigureOut:
    """The figure as an answer lists it."""
    source = Source(report=figure.report_id, page=figure.page, quote=figure.sentence)
    fields = {k: getattr(figure, k) for k in ("subject", "measure", "period", "value", "unit")}
    return FigureOut(label=figure.measure, kind=kind, sources=[source], **fields)


def test_answer_series_is_the_series_the_leading_stated_figure_belongs_to(amt_figures):
    women_2017 = next(f for f in amt_figures if f.measure == "kvinnor" and f.period == "2017")
    total_2017 = next(f for f in amt_figures if f.role == "total" and f.period == "2017" and f.value == 95)
    computed = out(total_2017, kind="computed")
    found = answer_series([computed, out(women_2017), out(total_2017)], amt_figures)
    assert found is not None and found.measure == "kvinnor"
    assert [(p.period, p.value) for p in found.points] == [("2016", 50), ("2017", 48)]
    found = answer_series([out(total_2017)], amt_figures)
    assert found is not None and [(p.period, p.value) for p in found.points] == [("2016", 107), ("2017", 95)]


def test_answer_series_none_when_the_figure_is_in_no_series(amt_figures):
    total_2017 = next(f for f in amt_figures if f.role == "total" and f.period == "2017" and f.value == 95)
    assert answer_series([out(total_2017).model_copy(update={"value": 96})], amt_figures) is None
    assert answer_series([out(total_2017).model_copy(update={"unit": "kr"})], amt_figures) is None
    assert answer_series([], amt_figures) is None

"""Sidecar reading and validation messages, and metadata inference from file name and text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.load import load_report
from index.metadata import (
    GUESS,
    INFERRED_FIELDS,
    MISSING,
    TITLE_PAGE,
    UNKNOWN,
    ReportLoadError,
    infer_meta,
    infer_organisation,
    read_sidecar,
    sidecar_path,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
REAL_REPORTS = sorted(CORPUS.glob("*.txt"))

VALID = """
title = "Årsredovisning 2018"
organisation = "Samordningsförbundet Exempel"
report_type = "Årsredovisning"
period = "2018"
"""


def test_real_corpus_is_present():
    assert len(REAL_REPORTS) == 4
    assert all(sidecar_path(p).is_file() for p in REAL_REPORTS)


def test_sidecar_path_is_same_stem_toml(tmp_path):
    assert sidecar_path(tmp_path / "sub" / "x.txt") == tmp_path / "sub" / "x.toml"
    assert sidecar_path(tmp_path / "a.b.pdf") == tmp_path / "a.b.toml"


def test_read_sidecar_absent_is_none(tmp_path):
    assert read_sidecar(tmp_path / "x.txt") is None


def test_read_sidecar_valid_derives_years(tmp_path):
    (tmp_path / "x.toml").write_text(VALID + 'page_marker = "leading_space"\n', encoding="utf-8")
    meta = read_sidecar(tmp_path / "x.txt")
    assert meta is not None
    assert (meta.organisation, meta.years, meta.page_marker) == (
        "Samordningsförbundet Exempel",
        [2018],
        "leading_space",
    )


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (VALID.replace('period = "2018"\n', ""), "fältet 'period' saknas / field 'period' is missing"),
        (VALID + 'author = "Anna"\n', "okänt fält 'author' / unknown field 'author'"),
        (VALID.replace('"Årsredovisning 2018"', '"  "'), "fältet 'title' är tomt / field 'title' is empty"),
        (VALID + 'page_marker = "tab"\n', "fältet 'page_marker' måste vara"),
        (VALID + "years = [2018, 2500]\n", "2500"),
        (VALID + 'years = "2018"\n', "fältet 'years' ska vara en lista med årtal"),
        (VALID.replace('period = "2018"', "period = 2018"), "fältet 'period' ska vara text"),
        ('title = "Oavslutad\n', "ogiltig TOML / invalid TOML"),
    ],
)
def test_invalid_sidecar_names_file_and_field(tmp_path, toml, expected):
    (tmp_path / "rapport.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ReportLoadError) as caught:
        read_sidecar(tmp_path / "rapport.txt")
    assert caught.value.reason.startswith("rapport.toml: ")
    assert expected in caught.value.reason
    assert "pydantic" not in caught.value.reason and "errors.pydantic.dev" not in caught.value.reason


def test_sidecar_not_utf8(tmp_path):
    (tmp_path / "r.toml").write_bytes(VALID.encode("latin-1"))
    with pytest.raises(ReportLoadError, match=r"^r\.toml: metadatafilen är inte UTF-8"):
        read_sidecar(tmp_path / "r.txt")


def test_several_errors_are_all_named(tmp_path):
    (tmp_path / "r.toml").write_text('title = "T"\n', encoding="utf-8")
    with pytest.raises(ReportLoadError) as caught:
        read_sidecar(tmp_path / "r.txt")
    for name in ("organisation", "report_type", "period"):
        assert f"fältet '{name}' saknas" in caught.value.reason


@pytest.mark.parametrize("report", REAL_REPORTS, ids=lambda p: p.stem)
def test_inference_without_sidecar_matches_real_sidecar(tmp_path, report):
    truth = read_sidecar(report)
    assert truth is not None
    copy = tmp_path / report.name
    shutil.copyfile(report, copy)
    loaded = load_report(copy)
    meta = loaded.meta
    assert meta.organisation == truth.organisation
    assert meta.report_type == truth.report_type
    assert meta.years and meta.years[0] == truth.years[0]
    assert set(meta.years) <= set(truth.years)
    # The page convention of these exports is detected rather than declared, and said so.
    assert meta.page_marker == truth.page_marker
    assert set(loaded.missing_meta) == {*INFERRED_FIELDS, "page_marker"}
    assert len(loaded.pages) == len(load_report(report).pages)


@pytest.mark.parametrize("report", REAL_REPORTS, ids=lambda p: p.stem)
def test_year_and_organisation_from_text_alone(report):
    truth = read_sidecar(report)
    assert truth is not None
    text = report.read_text(encoding="utf-8")
    inferred = infer_meta(Path("rapport.txt"), text)
    assert inferred.meta.years == [truth.years[0]]
    assert inferred.meta.organisation == truth.organisation


def test_interim_period_from_text_matches_sidecar():
    report = CORPUS / "sodra-norrbotten_delarsredovisning_2020.txt"
    truth = read_sidecar(report)
    assert truth is not None
    inferred = infer_meta(Path("rapport.txt"), report.read_text(encoding="utf-8")).meta
    assert (inferred.report_type, inferred.period, inferred.title) == (
        truth.report_type,
        truth.period,
        truth.title,
    )


def test_ocr_damaged_organisation_is_repaired():
    text = (
        "Samordningsférbundet Skellefte3-Norsj6 har arbetat.\n"
        "Samordningsforbundet Skellefted-\nNorsjo beslutade.\n"
        "Samordningsförbundet Pyramis bjöd in.\n"
    )
    assert infer_organisation(text) == "Samordningsförbundet Skellefteå-Norsjö"


def test_organisation_two_word_names_and_genitive():
    text = (
        "Samordningsförbundet Södra Norrbotten bildades.\n"
        "Samordningsförbundet Södra Norrbottens styrelse.\n"
        "Samordningsförbundet Pyramis.\nSamordningsförbundet Pyramis.\n"
        "Samordningsförbundet Södra Norrbotten Periodens resultat\n"
    )
    assert infer_organisation(text) == "Samordningsförbundet Södra Norrbotten"


def test_samordningsforbund_without_article():
    assert infer_organisation("Vi är Samordningsförbund Gävleborg sedan 2010.") == (
        "Samordningsförbundet Gävleborg"
    )


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("x.txt", "Delårsrapport januari–juni 2021\nÅrsredovisningen följer.", "Delårsrapport"),
        ("x.txt", "Inledning\nDenna årsredovisning avser 2021.", "Årsredovisning"),
        ("x.txt", "VERKSAMHETSBERÄTTELSE 2019", "Verksamhetsberättelse"),
        ("x.txt", "Verksamhetsplan och budget 2022", "Verksamhetsplan"),
        ("x.txt", "Inga nyckelord här.", UNKNOWN),
        # A word in the body (prose, no title page) never beats the file name.
        (
            "verksamhetsplan_och_budget_2015.txt",
            "Styrelsen godkände förbundets årsredovisning för 2014 vid sitt möte i mars.",
            "Verksamhetsplan",
        ),
        (
            "arsredovisning_2016.txt",
            "I delårsrapporten för 2016 redovisades ett överskott på 2 miljoner kronor.",
            "Årsredovisning",
        ),
        ("delarsredovisning_2020.txt", "", "Delårsredovisning"),
    ],
)
def test_report_type(name, text, expected):
    assert infer_meta(Path(name), text).meta.report_type == expected


def test_years_from_file_name_range():
    meta = infer_meta(Path("plan_2016-2018.txt"), "Året 2010 nämns ofta: 2010, 2010.").meta
    assert (meta.years, meta.period) == ([2016, 2017, 2018], "2016–2018")


def test_unknowns_are_okand_and_listed():
    inferred = infer_meta(Path("dokument.txt"), "bara gemener utan rubrik eller årtal.")
    meta = inferred.meta
    assert (meta.organisation, meta.report_type, meta.period, meta.title) == (UNKNOWN,) * 4
    assert meta.years == []
    assert set(inferred.missing) == set(INFERRED_FIELDS)


def test_title_falls_back_to_first_heading_line():
    text = "\n  Arbetsmarknadstorget \nDet här är en mening som slutar med punkt.\n"
    assert infer_meta(Path("x.txt"), text).meta.title == "Arbetsmarknadstorget"


PROSE = (
    "\n\nUnder året har förbundet finansierat sex insatser för personer som står långt från arbetsmarknaden."
)


@pytest.mark.parametrize(
    ("name", "title_page", "report_type", "organisation", "period"),
    [
        # The title page beats a file name that says something else, or nothing.
        (
            "arsredovisning_2016.txt",
            "Verksamhetsberättelse 2017\nSamordningsförbundet Västra Dalälven",
            "Verksamhetsberättelse",
            "Samordningsförbundet Västra Dalälven",
            "2017",
        ),
        (
            "scan_0042.pdf",
            "ÅRSREDOVISNING 2024\nSAMORDNINGSFÖRBUNDET VÄSTRA DALÄLVEN",
            "Årsredovisning",
            "Samordningsförbundet Västra Dalälven",
            "2024",
        ),
        (
            "rapport.pdf",
            "Delårsrapport\njanuari–juni 2021\nFinsam Gävleborg",
            "Delårsrapport",
            "Samordningsförbundet Gävleborg",  # one federation, one name, whatever form the page uses
            "2021-01-01 – 2021-06-30",
        ),
        (
            "vp.docx",
            "Verksamhetsplan och budget\n2022–2024\nSamordningsförbundet Centrala Östergötland",
            "Verksamhetsplan",
            "Samordningsförbundet Centrala Östergötland",
            "2022–2024",
        ),
        (
            "x.pdf",
            "Social redovisning 2019\nSamordningsförbundet Skåne Nordväst",
            "Social redovisning",
            "Samordningsförbundet Skåne Nordväst",
            "2019",
        ),
        # Not a federation's report: the publisher stands on its own line.
        (
            "x.pdf",
            "Socialförsäkringsrapport 2020:3\nFörsäkringskassan",
            "Socialförsäkringsrapport",
            "Försäkringskassan",
            "2020",
        ),
    ],
)
def test_title_page_is_read_first(name, title_page, report_type, organisation, period):
    inferred = infer_meta(Path(name), title_page + PROSE)
    assert (inferred.meta.report_type, inferred.meta.organisation, inferred.meta.period) == (
        report_type,
        organisation,
        period,
    )
    assert {inferred.sources[f] for f in ("report_type", "organisation", "period")} == {TITLE_PAGE}


def test_a_heading_after_the_name_in_prose_is_not_part_of_it():
    text = (
        "Resultaträkning\n"
        "Samordningsförbundet Södra Norrbotten Periodens resultat var 2 miljoner kronor under året 2019."
    )
    assert infer_meta(Path("x.txt"), text).meta.organisation == "Samordningsförbundet Södra Norrbotten"


def test_the_budget_a_report_mentions_is_not_its_type():
    text = (
        "Förbundets budget för 2021 uppgick till 12 miljoner kronor och fördelades på sex insatser i länet."
    )
    inferred = infer_meta(Path("x.txt"), text)
    assert inferred.meta.report_type == UNKNOWN and inferred.sources["report_type"] == MISSING


def test_what_is_only_guessed_is_said_so():
    text = "Inledning\n\nSamordningsförbundet Norra Bohuslän har under 2018 finansierat fyra insatser."
    inferred = infer_meta(Path("dokument.txt"), text)
    assert inferred.meta.organisation == "Samordningsförbundet Norra Bohuslän"
    assert inferred.sources["organisation"] == GUESS and inferred.sources["period"] == GUESS


@pytest.mark.parametrize(
    ("title_page", "body", "organisation"),
    [
        ("Hällebygdens samordningsförbund\nÅrsredovisning 2023", "Insatser i Hällebygden.", "Hällebygden"),
        ("Finsam Hällebygden\nDelårsrapport 2024", "", "Hällebygden"),
        ("Kramfors samordningsförbund\nÅrsredovisning 2023", "Insatser i kommunen.", "Kramfors"),
        ("Borås samordningsförbund\nÅrsredovisning 2023", "Insatser i Borås.", "Borås"),
        ("Finsamförbundet Norra Klarälv\nÅrsredovisning 2023", "", "Norra Klarälv"),
        # a title in capitals is no name; the body's 'Finsamförbundet X bildades' is
        (
            "FINSAMFÖRBUNDET NORRA KLARÄLV\nÅRSREDOVISNING 2022",
            "Finsamförbundet Norra Klarälv bildades.",
            "Norra Klarälv",
        ),
    ],
)
def test_a_federations_name_in_any_form_is_one_organisation(title_page, body, organisation):
    text = f"{title_page}\n\n{body} Under året har förbundet finansierat fyra insatser i länet och mer."
    assert infer_meta(Path("x.txt"), text).meta.organisation == f"Samordningsförbundet {organisation}"

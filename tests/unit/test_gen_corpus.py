"""The synthetic corpus generator: deterministic per seed; renames, shifts years, scales figures."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

import gen_corpus  # noqa: E402

from index.load import load_report  # noqa: E402

SHIPPED_PLACES = ("Skellefteå", "Norsjö", "Luleå", "Piteå", "Älvsbyn", "Norrbotten")
VARAV = re.compile(r"(\d+) (?:personer|deltagare)?,? ?varav (\d+) kvinnor och (\d+) män")


@pytest.fixture(scope="module")
def templates():
    return gen_corpus.load_templates(REPO / "corpus")


@pytest.fixture(scope="module")
def reports(templates):
    return gen_corpus.generate(templates, 30, seed=11)


def test_same_seed_same_corpus_other_seed_other_corpus(templates, reports):
    again = gen_corpus.generate(templates, 30, seed=11)
    assert again == reports
    other = gen_corpus.generate(templates, 30, seed=12)
    assert [r.text for r in other] != [r.text for r in reports]


def test_ids_unique_and_every_report_distinct(reports):
    assert len({r.report_id for r in reports}) == len(reports)
    assert len({r.text for r in reports}) == len(reports)  # the indexer skips byte-identical duplicates


def test_shipped_organisations_and_places_are_renamed(reports):
    for report in reports:
        assert not any(place in report.text for place in SHIPPED_PLACES), report.report_id
        assert report.sidecar["organisation"].startswith("Samordningsförbundet ")
        assert report.sidecar["organisation"] in report.text
    organisations = {r.sidecar["organisation"] for r in reports}
    assert len(organisations) == -(-len(reports) // gen_corpus.REPORTS_PER_FEDERATION)


def test_written_reports_load_with_their_sidecars(reports, tmp_path):
    gen_corpus.write_corpus(reports[:6], tmp_path)
    for report in reports[:6]:
        loaded = load_report(tmp_path / f"{report.report_id}.txt")
        assert loaded.missing_meta == []
        assert loaded.meta.organisation == report.sidecar["organisation"]
        assert loaded.meta.period == report.sidecar["period"]
        assert len(loaded.pages) > 1  # form feeds keep the page structure
        raw = tomllib.loads((tmp_path / f"{report.report_id}.toml").read_text(encoding="utf-8"))
        assert raw == report.sidecar


def test_years_are_shifted_consistently(templates, reports):
    year = re.compile(r"(?<![\d.,:])(?:19[89]\d|20[0-3]\d)(?![\d:])")
    for template in templates:
        text = "\n".join(template.pages)
        years = [int(y) for y in year.findall(text)]
        assert years
        assert [int(y) for y in year.findall(gen_corpus.shift_years(text, 5))] == [y + 5 for y in years]
    assert gen_corpus.shift_years("enligt lag 2003:1210", 5) == "enligt lag 2003:1210"
    by_name = {t.name: t for t in templates}
    for report in reports:
        template = by_name[report.template]
        shift = int(report.report_id.rsplit("_", 1)[1].split("-")[0]) - template.base_year
        assert report.sidecar["period"] == gen_corpus.shift_years(template.meta["period"], shift)


@pytest.mark.parametrize("factor", [2, 3])
def test_scaled_gender_splits_still_add_up_as_before(templates, factor):
    lines = [line for t in templates for page in t.pages for line in page.split("\n") if VARAV.search(line)]
    assert lines, "the shipped reports state gender splits"
    for line in lines:
        before = [int(x) for x in VARAV.search(line).groups()]
        after = [int(x) for x in VARAV.search(gen_corpus.scale_figures(line, factor)).groups()]
        assert after == [factor * x for x in before]
        assert (after[0] == after[1] + after[2]) == (before[0] == before[1] + before[2])


def test_percentages_years_dates_and_table_rows_are_not_scaled():
    assert (
        gen_corpus.scale_figures("15 (ca 42 %) gick vidare under 2017", 2)
        == "30 (ca 42 %) gick vidare under 2017"
    )
    assert gen_corpus.scale_figures("perioden 20200101–20200630", 3) == "perioden 20200101–20200630"
    assert gen_corpus.scale_figures("1.1.2 Verksamhet 2020-01-01", 3) == "1.1.2 Verksamhet 2020-01-01"
    row = "Tidsam 0 475 000 -475 000 950 000"
    assert gen_corpus.scale_figures(row, 2) == row
    assert gen_corpus.scale_figures("uppgår till 1 234 567 kronor", 2) == "uppgår till 2 469 134 kronor"


def test_invented_places_avoid_real_and_repeated_names():
    import random

    rng = random.Random(0)
    taken: set[str] = set()
    names = [gen_corpus.invented_place(rng, taken) for _ in range(200)]
    assert len(set(names)) == 200
    assert not set(names) & gen_corpus._REAL
    assert not set(names) & set(SHIPPED_PLACES)


@pytest.mark.parametrize("pages", [20, 55])
def test_reports_grow_to_about_the_asked_page_count_without_repeating_a_page(templates, pages):
    available = sum(len(t.pages) for t in templates)
    for report in gen_corpus.generate(templates, 8, seed=3, pages_per_report=pages):
        count = len(report.text.split("\f"))
        assert count <= available
        assert count >= min(round(pages * 0.85), available - 3), report.report_id
        assert count <= max(round(pages * 1.15), 40), report.report_id  # 40: longest template

"""`finsam reports` as a user runs it: the catalogue of a corpus where one report has a sidecar, one only a
title page (under a misleading file name) and one neither. The fake embedder keeps it fast."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import write_report

REQUIRED = {"report_id", "title", "organisation", "report_type", "period", "years", "pages", "passages"}
REQUIRED |= {"figures", "ocr_pages", "ocr_confidence", "repaired_words", "guessed"}

PROSE = (
    "Under året har förbundet finansierat fyra insatser för personer som står långt från arbetsmarknaden. "
    "Totalt deltog 120 personer, varav 70 kvinnor och 50 män, och 30 av dem gick vidare till arbete.\n"
)


def finsam(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("reports")
    corpus = root / "corpus"
    write_report(
        corpus,
        "alfa_vb_2019",
        PROSE,
        title="Verksamhetsberättelse 2019",
        organisation="Samordningsförbundet Alfa",
        period="2019",
    )
    # The title page says what the file name does not.
    (corpus / "arsredovisning_2016.txt").write_text(
        "Social redovisning 2022\nSamordningsförbundet Centrala Östergötland\n\n" + PROSE, encoding="utf-8"
    )
    (corpus / "dokument.txt").write_text(
        "Inledning\n\nSamordningsförbundet Norra Bohuslän har under 2018 arbetat med sin budget. " + PROSE,
        encoding="utf-8",
    )
    return {
        **os.environ,
        "FINSAM_DATA_DIR": str(root / "data"),
        "FINSAM_CORPUS_DIR": str(corpus),
        "FINSAM_MODEL": "fake",
        "COLUMNS": "100",
    }


def test_index_points_to_the_catalogue_when_something_was_guessed(env):
    run = finsam(["index"], env)
    assert run.returncode == 0, run.stderr
    assert "finsam reports" in run.stderr


def test_reports_json_one_object_per_report(env):
    run = finsam(["reports", "--json"], env)
    assert run.returncode == 0, run.stderr
    rows = {row["report_id"]: row for row in map(json.loads, run.stdout.splitlines())}
    assert set(rows) == {"alfa_vb_2019", "arsredovisning_2016", "dokument"}
    for row in rows.values():
        assert set(row) >= REQUIRED
        assert row["pages"] >= 1 and row["passages"] >= 1 and row["ocr_pages"] == []

    sidecar = rows["alfa_vb_2019"]
    assert (sidecar["title"], sidecar["years"], sidecar["guessed"]) == (
        "Verksamhetsberättelse 2019",
        [2019],
        {},
    )
    assert sidecar["figures"] >= 3  # 120 deltagare, 70 kvinnor, 50 män, 30 till arbete

    titled = rows["arsredovisning_2016"]
    assert (titled["report_type"], titled["organisation"], titled["period"]) == (
        "Social redovisning",
        "Samordningsförbundet Centrala Östergötland",
        "2022",
    )
    assert titled["guessed"] == {} and titled["sources"]["report_type"] == "titelsida"

    guessed = rows["dokument"]
    assert guessed["organisation"] == "Samordningsförbundet Norra Bohuslän"
    assert guessed["guessed"]["organisation"] == "gissning"
    assert guessed["guessed"]["report_type"] == "saknas"  # 'budget' in the body is not a report type


def test_reports_table_fits_100_columns(env):
    run = finsam(["reports"], env)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert "Social redovisning 2022" in run.stdout and "Gissat" in run.stdout
    assert "saknas" in run.stdout and "organisation:" in run.stdout

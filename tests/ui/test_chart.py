"""The series chart: drawn when the answer's figure has values for several periods, hidden otherwise."""

from __future__ import annotations

import shutil

import pytest

from assistant.engine import Engine
from assistant.ui import make_app
from assistant.ui.widgets import SeriesChart
from index.embed import FakeEmbedder
from index.pipeline import build_index
from tests.conftest import write_report
from tests.ui.pilot_kit import ABSENT_QUESTION, ALPHA_QUESTION, ask, screen_text

ALPHA_2018 = """Alfaprojektet 2018

Resultat

Under 2018 har Alfaprojektet arbetat med 31 personer, varav 16 kvinnor och 15 män.
"""


@pytest.mark.anyio
async def test_chart_shows_the_series_of_the_answers_figure(settings, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    write_report(corpus, "alfa-2018", ALPHA_2018, title="Verksamhetsberättelse 2018",
                 organisation="Samordningsförbundet Alfa", period="2018")  # fmt: skip
    two_years = settings.model_copy(update={"corpus_dir": corpus, "data_dir": tmp_path / "data"})
    build_index(two_years, FakeEmbedder())
    app = make_app(two_years, lambda: Engine(two_years, FakeEmbedder()))
    async with app.run_test(size=(120, 40)) as pilot:
        chart = app.query_one(SeriesChart)
        assert not chart.display
        await ask(pilot, ALPHA_QUESTION)
        series = app.exchanges[0].series
        leading = app.exchanges[0].answer.figures[0]
        assert series is not None and (series.subject, series.measure) == (leading.subject, leading.measure)
        assert [(p.period, p.value) for p in series.points] == [("2018", 31), ("2019", 40)]
        assert chart.display
        drawn = screen_text(chart)
        assert series.subject in drawn and "2018" in drawn and "2019" in drawn
        await ask(pilot, ABSENT_QUESTION)  # no figure of a series: no chart
        assert app.exchanges[1].series is None and not chart.display

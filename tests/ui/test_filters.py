"""The filter dialog: choices come from the index, the choice narrows the passages and shows in the header."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from assistant.results import Filters
from assistant.ui.commands import filter_options
from assistant.ui.filter_screen import FilterScreen
from tests.ui.pilot_kit import ALPHA_QUESTION, ask, screen_text, settle


@pytest.mark.anyio
async def test_filter_dialog_offers_what_the_index_holds_and_narrows_results(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        organisations = dialog.query_one("#filter-organisation", Select)
        options = filter_options(app.engine.reader.manifest.reports)
        assert options.organisations == ["Samordningsförbundet Alfa", "Samordningsförbundet Beta"]
        assert options.years == [2019] and options.report_types == ["Verksamhetsberättelse", "Årsredovisning"]
        organisations.focus()
        await pilot.press("enter")  # open the list
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # past "alla" and Alfa to Beta
        await pilot.pause()
        assert organisations.value == "Samordningsförbundet Beta"
        await pilot.click("#filter-apply")
        await pilot.pause()
        assert not isinstance(app.screen, FilterScreen)
        assert app.filters == Filters(organisation="Samordningsförbundet Beta")
        assert "organisation Samordningsförbundet Beta" in screen_text(app.query_one("#filters"))
        await ask(pilot, ALPHA_QUESTION)  # about Alfa, but only Beta's report may answer
        assert {p.report for p in app.exchanges[0].answer.passages} == {"beta"}


@pytest.mark.anyio
async def test_filter_dialog_keeps_current_filters_on_escape_and_clears_on_rensa(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.set_filters(Filters(year=2019))
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.screen.query_one("#filter-year", Select).value == 2019
        await pilot.press("escape")
        await pilot.pause()
        assert app.filters == Filters(year=2019)
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.click("#filter-clear")
        await pilot.pause()
        assert app.filters is None
        assert "Filter: inga" in screen_text(app.query_one("#filters"))

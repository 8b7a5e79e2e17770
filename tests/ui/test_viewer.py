"""The report viewer: opened from a passage card, scrolled to the passage, originals beside on request."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll

from assistant.ui.viewer import DocumentPartView, ReportViewer
from assistant.ui.widgets import PassageCard
from tests.ui.pilot_kit import ALPHA_QUESTION, BETA_QUESTION, ask, screen_text


@pytest.mark.anyio
async def test_enter_on_a_passage_card_opens_its_report_at_the_passage(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, BETA_QUESTION)
        card = app.query(PassageCard).first()
        card.focus()
        await pilot.press("enter")
        await pilot.pause()
        viewer = app.screen
        assert isinstance(viewer, ReportViewer)
        assert viewer.document.report_id == card.passage.report
        (target,) = viewer.query(".target")
        assert isinstance(target, DocumentPartView) and target.part.chunk_id == card.passage.chunk_id
        assert "Årsredovisning 2019" in screen_text(viewer.query_one("#viewer-title"))
        body = screen_text(viewer.query_one("#viewer-body"))
        assert "Betainsatsen vänder sig till unga vuxna" in body and "s. 1" in body
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportViewer)


@pytest.mark.anyio
async def test_ctrl_o_opens_the_first_passage_and_o_shows_the_original(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+o")  # nothing answered yet: stays on the chat
        assert not isinstance(app.screen, ReportViewer)
        await ask(pilot, ALPHA_QUESTION)
        await pilot.press("ctrl+o")
        await pilot.pause()
        viewer = app.screen
        assert isinstance(viewer, ReportViewer)
        first = app.exchanges[0].answer.passages[0]
        assert viewer.query_one(".target").part.chunk_id == first.chunk_id
        original = viewer.query_one(".target .original")
        assert not original.display
        await pilot.press("o")
        await pilot.pause()
        assert original.display and viewer.has_class("with-original")
        assert "originalet" in screen_text(viewer.query_one("#viewer-status"))


@pytest.mark.anyio
async def test_viewer_scrolls_a_long_report_to_the_passage(settings, tmp_path):
    from assistant.engine import Engine
    from assistant.ui import make_app
    from index.embed import FakeEmbedder
    from index.pipeline import build_index
    from tests.conftest import write_report

    sections = [
        f"Avsnitt {n}\n\n"
        + " ".join(f"Stycke {n} handlar om insats nummer {n} och dess arbete." for _ in range(12))
        for n in range(1, 30)
    ]
    sections[24] += " Här står den unika meningen om kvantfysik i samordningen."
    long_settings = settings.model_copy(update={"corpus_dir": tmp_path / "c", "data_dir": tmp_path / "d"})
    text = "\n\n".join(sections)
    write_report(tmp_path / "c", "lang", text, title="Lång rapport", organisation="Förbundet", period="2021")
    build_index(long_settings, FakeEmbedder())
    app = make_app(long_settings, lambda: Engine(long_settings, FakeEmbedder()))
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, "Vad står om kvantfysik?")
        assert "kvantfysik" in app.exchanges[0].answer.passages[0].text
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.pause()
        viewer = app.screen
        body = viewer.query_one("#viewer-body", VerticalScroll)
        assert body.scroll_y > 0  # not left at the top of the report
        assert "kvantfysik" in screen_text(body)


@pytest.mark.anyio
async def test_chat_keys_are_off_over_the_viewer(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ReportViewer)
        footer = screen_text(app.screen.query_one("Footer"))
        assert "Tillbaka" in footer and "Filter" not in footer and "Uppdatera index" not in footer
        await pilot.press("ctrl+f")  # would open the filter dialog over the report
        await pilot.pause()
        assert isinstance(app.screen, ReportViewer)
        await pilot.press("escape", "ctrl+f")
        await pilot.pause()
        assert not isinstance(app.screen, ReportViewer)  # on the chat the key works again

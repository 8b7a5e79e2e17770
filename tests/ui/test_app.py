"""The chat UI driven by Pilot over a small index built here with the fake embedder (no torch)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from textual.coordinate import Coordinate

from assistant.answering.models import FigureOut, Source
from assistant.engine import Engine
from assistant.export import answer_markdown
from assistant.results import Filters, Passage
from assistant.ui import FinsamApp, make_app
from assistant.ui.help_screen import HelpScreen
from assistant.ui.widgets import (
    ExchangeItem,
    FiguresTable,
    PassagesPanel,
    QuestionInput,
    Transcript,
    exchange_text,
    figure_cells,
    passage_text,
)
from index.embed import FakeEmbedder
from index.settings import Settings
from tests.conftest import REPO
from tests.ui.pilot_kit import ABSENT_QUESTION, ALPHA, ALPHA_QUESTION, BETA_QUESTION, ask, screen_text, settle


@pytest.mark.anyio
async def test_first_screen_paints_before_the_engine_is_ready(settings):
    release = threading.Event()

    def slow_engine() -> Engine:
        release.wait(10)
        return Engine(settings, FakeEmbedder())

    app = make_app(settings, slow_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Laddar modellen" in screen_text(app.query_one("#status"))
        assert app.engine is None
        await pilot.click("#question")
        await pilot.press(*ALPHA_QUESTION, "enter")  # asked while loading: queued, not lost
        await pilot.pause()
        assert "Söker" in screen_text(app.query_one(Transcript))
        release.set()
        await settle(pilot)
        assert app.engine is not None
        assert "Klar" in screen_text(app.query_one("#status"))
        assert "Verksamhetsberättelse 2019" in screen_text(app.query_one(PassagesPanel))


@pytest.mark.anyio
async def test_question_shows_answer_passages_and_figures(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        transcript = screen_text(app.query_one(Transcript))
        assert "40 personer" in transcript  # the sentence from ALPHA
        # the card's citation may wrap: read it without the borders and line breaks
        passages = " ".join(screen_text(app.query_one(PassagesPanel)).replace("│", " ").split())
        assert "Verksamhetsberättelse 2019, Samordningsförbundet Alfa, s. 1" in passages
        table = app.query_one(FiguresTable)
        assert table.row_count > 0
        # The table's cells, not its rendering (a repaint may still be pending): format_swedish of the 40.
        cells = [str(table.get_cell_at(Coordinate(row, 3))) for row in range(table.row_count)]
        assert "40 personer" in cells
        # the source as a board cites it, never the file stem
        sources = [str(table.get_cell_at(Coordinate(row, 4))) for row in range(table.row_count)]
        cited = "Verksamhetsberättelse 2019, Samordningsförbundet Alfa, s. "
        assert any(s.startswith(cited) for s in sources), sources
        assert not any(s.startswith("alfa,") for s in sources), sources
        assert not app.query_one(PassagesPanel).loading


@pytest.mark.anyio
async def test_unsupported_question_still_offers_passages(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ABSENT_QUESTION)
        assert "Finns inte i rapporterna" in screen_text(app.query_one(Transcript))
        assert len(app.query(".passage-card")) > 0


@pytest.mark.anyio
async def test_selecting_an_earlier_question_shows_its_passages(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        await ask(pilot, BETA_QUESTION)
        first, second = (item.exchange for item in app.query(ExchangeItem))
        assert first.answer and second.answer
        assert second.answer.passages[0].report == "beta"
        assert first.answer.passages[0].report == "alfa"
        assert app.query_one("#passages").border_subtitle == "fråga 2"
        await pilot.click("#transcript")
        await pilot.press("up", "enter")
        await pilot.pause()
        assert app.query_one("#passages").border_subtitle == "fråga 1"
        first_card = screen_text(app.query(".passage-card").first())
        assert "Alfaprojektet arbetat med 40" in first_card


@pytest.mark.anyio
async def test_history_with_up_and_down(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        await ask(pilot, BETA_QUESTION)
        box = app.query_one(QuestionInput)
        await pilot.press(*"utkast")
        await pilot.press("up")
        assert box.value == BETA_QUESTION
        await pilot.press("up")
        assert box.value == ALPHA_QUESTION
        await pilot.press("up")
        assert box.value == ALPHA_QUESTION
        await pilot.press("down", "down")
        assert box.value == "utkast"


@pytest.mark.anyio
async def test_markup_in_questions_is_shown_literally(app):
    question = "[bold]x[/bold] och [link=x]y"
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, question, typed=True)
        assert app.exchanges[0].question == question
        assert question in screen_text(app.query_one(Transcript))


@pytest.mark.anyio
async def test_help_screen_opens_and_closes(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("#help-text")
        content = str(help_text.render())  # the whole text; at 80×24 part of it is scrolled out of view
        assert all(key in content for key in ("Ctrl+Q", "Ctrl+K", "Ctrl+Y", "Ctrl+S", "F1"))
        assert "Hjälp – tangenter" in screen_text(help_text)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.click("#transcript")  # "?" types into the question line, so only outside it
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)


@pytest.mark.anyio
async def test_reports_screen_lists_the_index_and_where_fields_came_from(app):
    from textual.widgets import DataTable

    from assistant.ui.reports_screen import ReportsScreen

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await ask(pilot, ALPHA_QUESTION)
        await pilot.press("f2")
        assert isinstance(app.screen, ReportsScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        titles = {table.get_cell_at(Coordinate(row, 0)).plain.split("\n")[0] for row in range(2)}
        assert titles == {"Verksamhetsberättelse 2019", "Årsredovisning 2019"}
        details = screen_text(app.screen.query_one("#report-details"))
        assert "(sidecar)" in details and "organisation" in details
        await pilot.press("down")
        assert screen_text(app.screen.query_one("#report-details")) != details  # follows the cursor
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportsScreen)
        assert app.query_one(Transcript).children  # the chat is as it was


@pytest.mark.anyio
async def test_palette_clears_filters(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"Rensa filter", "Hjälp", "Avsluta"} <= set(titles)
        app.set_filters(Filters(organisation="Samordningsförbundet Beta"))
        assert "Samordningsförbundet Beta" in screen_text(app.query_one("#filters"))
        await pilot.press("ctrl+p")
        await pilot.press(*"Rensa filter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.filters is None
        assert "Filter: inga" in screen_text(app.query_one("#filters"))


@pytest.mark.anyio
async def test_filter_restricts_passages(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.set_filters(Filters(organisation="Samordningsförbundet Beta"))
        await ask(pilot, ALPHA_QUESTION)
        answer = app.exchanges[0].answer
        assert answer is not None and answer.passages
        assert {p.report for p in answer.passages} == {"beta"}


@pytest.mark.anyio
async def test_engine_failure_is_shown(settings):
    def broken() -> Engine:
        raise RuntimeError("ingen modell")

    app = make_app(settings, broken)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "ingen modell" in screen_text(app.query_one("#status"))
        await ask(pilot, ALPHA_QUESTION)
        transcript = screen_text(app.query_one(Transcript))
        assert "Söker" not in transcript and "Fel:" in transcript


@pytest.mark.anyio
async def test_followup_is_rewritten_and_context_clears(app):
    async with app.run_test(size=(120, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        assert app.context is not None and app.context.subject == "Alfaprojektet"
        assert "Sammanhang: Alfaprojektet" in screen_text(app.query_one("#context"))
        await ask(pilot, "och 2016?")
        second = app.exchanges[1]
        assert second.question == "och 2016?"
        assert second.rewritten == "Hur många personer arbetade Alfaprojektet med 2016?"
        assert second.answer is not None and second.answer.question == second.rewritten  # what the engine got
        row = exchange_text(second)  # the rendered row; the screen wraps it at the panel's width
        assert row.plain.startswith("2. och 2016?\n→ Hur många personer arbetade Alfaprojektet med 2016?")
        assert any(
            "dim" in str(span.style) and row.plain[span.start : span.end].startswith("→")
            for span in row.spans
        )
        assert "2016" in screen_text(app.query_one("#context"))  # the follow-up's year is now the context
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert app.context is None and not app.query_one("#context").display
        await ask(pilot, "och 2016?")  # without a context it is sent as typed
        assert app.exchanges[2].rewritten is None
        assert app.exchanges[2].answer is not None and app.exchanges[2].answer.question == "och 2016?"
        await ask(pilot, ALPHA_QUESTION)
        assert app.context is not None
        assert "Rensa sammanhang" in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("ctrl+p")
        await pilot.press(*"Rensa sammanhang")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.context is None


def test_engine_does_not_import_textual():
    code = "import assistant.engine, sys; assert 'textual' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_passage_card_highlights_matches_and_marks_ocr():
    text = ALPHA.split("\n\n")[2]
    start = text.index("Alfaprojektet")
    passage = Passage(
        report="alfa",
        title="[b]Titel[/b]",
        organisation="Samordningsförbundet Alfa",
        period="2019",
        page=3,
        page_end=4,
        section="Resultat",
        text=text,
        score=1.0,
        chunk_id="alfa-1",
        ocr_repaired=True,
        highlights=[(start, start + len("Alfaprojektet"))],
    )
    card = passage_text(passage, 1)
    assert "[b]Titel[/b]" in card.plain and "s. 3–4" in card.plain and "OCR-korrigerad" in card.plain
    offset = card.plain.index(text.replace("\n", " ")[:40])
    marked = [card.plain[s.start : s.end] for s in card.spans if "reverse" in str(s.style)]
    assert marked == ["Alfaprojektet"]
    assert offset + start == card.plain.index("Alfaprojektet", offset)


def test_failed_check_row_is_marked_and_red():
    source = Source(report="alfa", page=1, quote="varav 22 kvinnor och 18 män")
    check = FigureOut(
        label="kvinnor + män = deltagare",
        subject="Alfaprojektet",
        measure="deltagare",
        period="2019",
        value=41,
        unit="personer",
        kind="check",
        formula="22 + 18 = 40 ≠ 41",
        ok=False,
        sources=[source],
    )
    mark, what, period, value, cited = figure_cells(check)
    assert mark.plain == "✗" and value.plain == "41 personer" and period.plain == "2019"
    assert "22 + 18 = 40 ≠ 41" in what.plain  # the formula under the label
    assert cited.plain == "alfa, s. 1"  # no citation filled in: the report id and page still show
    assert all("red" in str(cell.style) for cell in (mark, what, period, value, cited))
    ok_mark = figure_cells(check.model_copy(update={"ok": True, "value": 40}))[0]
    assert ok_mark.plain == "✓" and "red" not in str(ok_mark.style)


# --- export: copy, save, memo ----------------------------------------------------------------------------
def export_app(settings: Settings, folder, monkeypatch) -> tuple[FinsamApp, list[tuple[str, dict]]]:
    """An app that exports to `folder` and records its notifications."""
    exporting = settings.model_copy(update={"export_dir": folder})
    app = make_app(exporting, lambda: Engine(exporting, FakeEmbedder()))
    notes: list[tuple[str, dict]] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: notes.append((message, kw)))
    return app, notes


@pytest.mark.anyio
async def test_save_answer_writes_quote_and_page(settings, tmp_path, monkeypatch):
    app, notes = export_app(settings, tmp_path / "pm", monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        await pilot.press("ctrl+s")
        await pilot.pause()
    (path,) = (tmp_path / "pm").glob("*.md")
    text = path.read_text(encoding="utf-8")
    answer = app.exchanges[0].answer
    assert answer is not None and answer.passages[0].report == "alfa"
    first_line = answer.passages[0].text.strip().splitlines()[0]
    assert "> " + first_line.strip() in text.splitlines()
    assert "Alfaprojektet arbetat med 40 personer" in text
    assert "— *Verksamhetsberättelse 2019*, Samordningsförbundet Alfa (2019), s. 1" in text
    assert notes[-1] == (str(path), {"title": "Sparat"})


@pytest.mark.anyio
async def test_copy_puts_the_shown_answer_on_the_clipboard(settings, tmp_path, monkeypatch):
    app, notes = export_app(settings, tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+y")  # nothing answered yet: a warning, an empty clipboard
        assert app.clipboard == "" and notes[-1][1]["severity"] == "warning"
        await ask(pilot, ALPHA_QUESTION)
        await ask(pilot, BETA_QUESTION)
        await pilot.press("ctrl+y")
        assert app.clipboard.startswith("# " + BETA_QUESTION)
        await pilot.click("#transcript")
        await pilot.press("up", "enter")  # show the first answer: copy takes the shown one
        await pilot.pause()
        await pilot.press("ctrl+y")
        first = app.exchanges[0].answer
        assert first is not None
        assert app.clipboard == answer_markdown(first)
        assert "Alfaprojektet arbetat med 40" in app.clipboard and ", s. 1" in app.clipboard
        assert "kopierat som Markdown" in notes[-1][0]


@pytest.mark.anyio
async def test_palette_exports_the_session_as_a_memo(settings, tmp_path, monkeypatch):
    app, _ = export_app(settings, tmp_path, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        await ask(pilot, BETA_QUESTION)
        await pilot.press("ctrl+p")
        await pilot.press(*"Exportera sessionen")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
    (path,) = tmp_path.glob("finsam-pm-*.md")
    memo = path.read_text(encoding="utf-8")
    assert memo.startswith("# finsam – PM\n\nDatum: ")
    assert memo.index("## 1. " + ALPHA_QUESTION) < memo.index("## 2. " + BETA_QUESTION)
    assert "Betainsatsen vänder sig till unga vuxna" in memo


@pytest.mark.anyio
async def test_unwritable_export_folder_is_reported(settings, tmp_path, monkeypatch):
    in_the_way = tmp_path / "export"
    in_the_way.write_text("en fil", encoding="utf-8")
    app, notes = export_app(settings, in_the_way, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, ALPHA_QUESTION)
        await pilot.press("ctrl+s")
        await pilot.pause()
        message, options = notes[-1]
        assert "Kan inte skapa mappen" in message and "sökvägen är en fil" in message
        assert options["severity"] == "error"
        assert app.is_running  # the app stays up


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ([], [0, 3, 6, 5, 5]),  # the labels: "", "vad", "period", "värde", "källa"
        ([("=", "kort", "2019", "40 personer", "Alfa, s. 1")], [1, 4, 6, 11, 10]),
        # "vad" and the source capped (they wrap); a formula line under the label counts by its own width
        ([("✗", "x" * 60 + "\n" + "f" * 10, "2020 jan–jun", "1 441 678 kr", "y" * 300)], [1, 24, 12, 12, 36]),
    ],
)
def test_figure_column_widths(cells, expected):
    from rich.text import Text

    from assistant.ui.widgets import column_widths

    assert column_widths([tuple(Text(c) for c in row) for row in cells]) == expected


@pytest.mark.anyio
async def test_too_long_question_is_refused_with_its_reason(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, "Hur många deltagare? " * 200)
        row = exchange_text(app.exchanges[0]).plain  # the row is taller than the screen
        assert "Fel: Frågan är för lång" in row and "QuestionRejected" not in row
        assert app.exchanges[0].answer is None and app.is_running

"""The Textual chat assistant. The engine is created and questions are answered in thread workers that post
messages back, so the first screen paints at once and the UI never waits on the model or the index."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, ProgressBar, Static

from assistant.export import ExportError, answer_markdown, export_folder, session_markdown, write_markdown
from assistant.followup import Context, context_from, resolve_followup
from assistant.question import QuestionRejected
from assistant.ui.commands import FilterCommands, filter_options
from assistant.ui.filter_screen import FilterScreen
from assistant.ui.help_screen import HelpScreen
from assistant.ui.indexing import (
    WATCH_SECONDS,
    CorpusChanged,
    IndexBuilder,
    IndexProgress,
    IndexRebuilt,
    UiProgress,
    real_index_builder,
    rebuild_summary,
)
from assistant.ui.reports_screen import ReportsScreen
from assistant.ui.viewer import ReportViewer
from assistant.ui.widgets import (
    Exchange,
    ExchangeItem,
    FiguresTable,
    PassageCard,
    PassagesPanel,
    QuestionInput,
    SeriesChart,
    Transcript,
    filters_label,
)

if TYPE_CHECKING:
    from assistant.audit import Series
    from assistant.engine import Engine
    from assistant.results import Answer, Filters, Passage
    from index.settings import Settings
    from index.watch import CorpusChanges

EngineFactory = Callable[[], "Engine"]

LOADING = "Laddar modellen…"
READY = "Klar – skriv en fråga."


class EngineReady(Message):
    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine


class EngineFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


@dataclass
class AnswerReady(Message):
    number: int
    answer: Answer
    context: Context | None = None
    """What a follow-up to this question leans on."""
    series: Series | None = None


@dataclass
class AnswerFailed(Message):
    number: int
    error: str


class ContextLabel(Static):
    """The active follow-up context in the top bar; hidden when there is none."""

    DEFAULT_CSS = "ContextLabel { width: auto; max-width: 40%; padding: 0 1; color: $accent; display: none; }"

    def show(self, context: Context | None) -> None:
        self.display = context is not None
        label = f"Sammanhang: {context.label()} – ctrl+k rensar" if context else ""
        self.update(Text(label, overflow="ellipsis", no_wrap=True))


def real_engine_factory(settings: Settings) -> EngineFactory:
    """The engine over the live index and the real model; builds the index first when there is none."""

    def factory() -> Engine:
        from assistant.engine import Engine
        from index.embed import load_embedder
        from index.pipeline import build_index, rebuild_reason

        def embedder():
            return load_embedder(settings)

        if rebuild_reason(settings):  # none yet, or built by another finsam version or model
            build_index(settings, embedder)
        return Engine(settings, embedder)

    return factory


CHAT_ACTIONS = frozenset(
    {"choose_filters", "clear_filters", "clear_context", "copy_answer", "save_answer", "open_source"}
    | {"rebuild_index", "show_reports"}
)
"""Actions that act on the chat's shown answer or filters."""


class FinsamApp(App[None]):
    CSS_PATH = "finsam.tcss"
    TITLE = "finsam"
    COMMANDS = App.COMMANDS | {FilterCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Avsluta", priority=True),
        Binding("f1", "help", "Hjälp"),
        Binding("question_mark", "help", "Hjälp", show=False),
        Binding("ctrl+f", "choose_filters", "Filter"),
        Binding("ctrl+l", "clear_filters", "Rensa filter", show=False),
        # priority: the question line's own ctrl+k (delete to end of line) would take it otherwise
        Binding("ctrl+k", "clear_context", "Rensa sammanhang", show=False, priority=True),
        # Not in the footer (it is full at 80 columns); the command palette names them.
        Binding("ctrl+y", "copy_answer", "Kopiera svar", show=False),
        Binding("ctrl+s", "save_answer", "Spara svar", show=False),
        Binding("ctrl+o", "open_source", "Öppna källa"),
        Binding("ctrl+r", "rebuild_index", "Uppdatera index"),
        Binding("f2", "show_reports", "Rapporter"),
    ]

    def __init__(
        self, settings: Settings, engine_factory: EngineFactory, index_builder: IndexBuilder
    ) -> None:
        super().__init__()
        self.settings = settings
        self.engine_factory = engine_factory
        self.index_builder = index_builder
        self.rebuilding = False
        self.offered: CorpusChanges | None = None  # the corpus changes last offered for indexing
        self.engine: Engine | None = None
        self.filters: Filters | None = None
        self.context: Context | None = None  # the last answered question, for follow-ups to lean on
        self.exchanges: list[Exchange] = []
        self._waiting: list[Exchange] = []  # asked before the engine was ready
        self._engine_lock = threading.Lock()  # the engine's lazy state is not built for parallel questions
        self.engine_error: str | None = None
        self.mounted_at: float | None = None
        self.shown: Exchange | None = None  # the exchange in the passages and figures panels

    # --- layout ------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="top-bar"):
            yield Static(Text("finsam"), id="app-name")
            yield Static(Text(filters_label(None)), id="filters")
            yield ContextLabel(id="context")
            yield Static(Text(LOADING), id="status")
        with Vertical(id="main"):
            with Horizontal(id="upper"):
                yield Transcript(id="transcript")
                with Vertical(id="results"):
                    yield PassagesPanel(id="passages")
                    yield SeriesChart(id="chart")
            # the whole width: label, period, value and the source's title, organisation and page
            yield FiguresTable(id="figures")
        with Horizontal(id="index-bar"):
            yield Label("Indexet byggs", id="index-stage")
            yield ProgressBar(id="index-progress", show_eta=False)
        yield QuestionInput(placeholder="Skriv en fråga och tryck Enter", id="question")
        yield Footer()

    def on_mount(self) -> None:
        import time

        self.mounted_at = time.perf_counter()
        self.query_one("#transcript").border_title = "Samtal"
        self.query_one("#passages").border_title = "Passager"
        self.query_one("#figures").border_title = "Siffror"
        self.query_one(PassagesPanel).show(None)
        self.query_one(QuestionInput).focus()
        self.query_one("#index-bar").display = False
        self.query_one(SeriesChart).show(None)
        self.load_engine()
        self.set_interval(WATCH_SECONDS, self.watch_corpus)

    def set_status(self, text: str, style: str = "") -> None:
        self.query_one("#status", Static).update(Text(text, style=style))

    # --- engine ------------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="engine")
    def load_engine(self) -> None:
        """Create the engine and open its index, model and word list here, off the UI thread."""
        try:
            engine = self.engine_factory()
            _ = engine.reader, engine.embedder, engine.lexicon
        except Exception as exc:  # shown in the status line; the app stays usable for help and quitting
            self.post_message(EngineFailed(f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(EngineReady(engine))

    def on_engine_ready(self, message: EngineReady) -> None:
        self.engine = message.engine
        self.set_status(READY, "green")
        for exchange in self._waiting:
            self.ask(exchange)
        self._waiting.clear()

    def on_engine_failed(self, message: EngineFailed) -> None:
        self.engine_error = message.error
        self.set_status("Kunde inte starta: " + message.error, "bold red")
        for exchange in self._waiting:
            self._finish(exchange.number, error=message.error)
        self._waiting.clear()

    # --- questions ---------------------------------------------------------------------------------------
    @on(QuestionInput.Submitted, "#question")
    def submit(self, event: QuestionInput.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        box.value = ""
        exchange = Exchange(len(self.exchanges) + 1, question, filters_text=filters_label(self.filters))
        resolved = resolve_followup(question, self.context)
        exchange.rewritten = resolved.text if resolved.rewritten else None
        self.exchanges.append(exchange)
        transcript = self.query_one(Transcript)
        transcript.append(ExchangeItem(exchange))
        transcript.index = len(transcript) - 1
        if self.engine_error is not None:
            self._finish(exchange.number, error="finsam kunde inte starta: " + self.engine_error)
            return
        self.query_one(PassagesPanel).loading = True
        if self.engine is None:
            self._waiting.append(exchange)
            self.set_status(LOADING + " frågan ställs när modellen är klar.")
        else:
            self.ask(exchange)

    def ask(self, exchange: Exchange) -> None:
        self.set_status("Söker …", "italic")
        self.run_ask(exchange.number, exchange.rewritten or exchange.question, self.filters)

    @work(thread=True, group="ask")
    def run_ask(self, number: int, question: str, filters: Filters | None) -> None:
        assert self.engine is not None
        try:
            with self._engine_lock:
                answer = self.engine.ask(question, filters=filters)
                understood = self.engine.understand(question)
                context = context_from(understood, answer, self.engine.subjects_in(understood), filters)
                from assistant.audit import answer_series  # with the engine's modules, not at first paint

                reader = self.engine.reader
                series = None  # no chart beside "Finns inte i rapporterna": those figures answer nothing
                if answer.supported:
                    series = answer_series(answer.figures, reader.figures, reader.subjects)
        except QuestionRejected as rejected:  # empty or too long: the message says what to do
            self.post_message(AnswerFailed(number, str(rejected)))
            return
        except Exception as exc:  # shown on the question's transcript row
            self.post_message(AnswerFailed(number, f"{type(exc).__name__}: {exc}"))
            return
        self.post_message(AnswerReady(number, answer, context, series))

    def on_answer_ready(self, message: AnswerReady) -> None:
        if message.number == len(self.exchanges):  # an older answer arriving late must not take over
            self.set_context(message.context)
        self.exchanges[message.number - 1].series = message.series
        self._finish(message.number, answer=message.answer)

    def on_answer_failed(self, message: AnswerFailed) -> None:
        self._finish(message.number, error=message.error)

    def _finish(self, number: int, answer: Answer | None = None, error: str | None = None) -> None:
        exchange = self.exchanges[number - 1]
        exchange.answer, exchange.error, exchange.pending = answer, error, False
        for item in self.query(ExchangeItem):
            if item.exchange is exchange:
                item.refresh_text()
        if not any(e.pending for e in self.exchanges):
            self.query_one(PassagesPanel).loading = False
            self.set_status(
                READY if error is None else "Frågan misslyckades.", "green" if error is None else "red"
            )
        if number == len(self.exchanges):  # the newest answer is the one the user waits for
            self.show_exchange(exchange)

    def show_exchange(self, exchange: Exchange) -> None:
        self.shown = exchange
        self.query_one(PassagesPanel).show(exchange.answer)
        self.query_one(FiguresTable).show(exchange.answer)
        self.query_one(SeriesChart).show(exchange.series)
        self.query_one("#passages").border_subtitle = f"fråga {exchange.number}"
        count = len(exchange.answer.figures) if exchange.answer else 0
        self.query_one("#figures").border_subtitle = f"{count} st" if count else "inga siffror"

    @on(Transcript.Selected, "#transcript")
    def select_exchange(self, event: Transcript.Selected) -> None:
        if isinstance(event.item, ExchangeItem):
            self.show_exchange(event.item.exchange)

    # --- sources -----------------------------------------------------------------------------------------
    @on(PassageCard.Open)
    def open_passage(self, event: PassageCard.Open) -> None:
        self.open_report(event.passage)

    def action_open_source(self) -> None:
        """The focused passage card's report, else the first passage's."""
        focused = self.focused
        if isinstance(focused, PassageCard):
            self.open_report(focused.passage)
        elif self.shown is not None and self.shown.answer is not None and self.shown.answer.passages:
            self.open_report(self.shown.answer.passages[0])
        else:
            self.notify("Ingen passage att öppna ännu.", severity="warning")

    def open_report(self, passage: Passage) -> None:
        if self.engine is None:
            self.notify("Indexet är inte öppnat ännu.", severity="warning")
            return
        from assistant.document import report_document

        try:
            document = report_document(self.engine.reader, passage.report)
        except KeyError:  # the index was rebuilt without this report since the answer was given
            self.notify(f"Rapporten {passage.report} finns inte längre i indexet.", severity="error")
            return
        self.push_screen(ReportViewer(document, passage))

    # --- index management --------------------------------------------------------------------------------
    def action_rebuild_index(self) -> None:
        if self.rebuilding:
            self.notify("Indexet byggs redan.", severity="warning")
            return
        self.rebuilding = True
        self.offered = None
        self.query_one("#index-bar").display = True
        self.query_one("#index-stage", Label).update("Indexet byggs: letar efter ändringar")
        self.query_one("#index-progress", ProgressBar).update(total=None, progress=0)
        self.run_rebuild()

    @work(thread=True, exclusive=True, group="index")
    def run_rebuild(self) -> None:
        """Build the next generation here; questions go on against the live one until it is switched in."""
        from index.lock import IndexBusy

        try:
            result = self.index_builder(UiProgress(self))
        except IndexBusy:
            self.post_message(IndexRebuilt(error="en annan finsam-process bygger indexet just nu"))
            return
        except Exception as exc:  # shown in a notification; the live index is untouched
            self.post_message(IndexRebuilt(error=f"{type(exc).__name__}: {exc}"))
            return
        if self.engine is not None:
            with self._engine_lock:  # waits for a question in flight, then reads the new generation
                self.engine.refresh()
        self.post_message(IndexRebuilt(result))

    def on_index_progress(self, message: IndexProgress) -> None:
        bar = self.query_one("#index-progress", ProgressBar)
        if message.stage is not None:
            self.query_one("#index-stage", Label).update(f"Indexet byggs: {message.stage}")
            if message.total:
                bar.update(total=message.total, progress=0)
        if message.advance:
            bar.advance(message.advance)

    def on_index_rebuilt(self, message: IndexRebuilt) -> None:
        self.rebuilding = False
        self.query_one("#index-bar").display = False
        self.query_one(SeriesChart).show(None)
        if message.result is None:
            self.notify(f"Indexet kunde inte byggas: {message.error}", severity="error", timeout=10)
            return
        self.notify(rebuild_summary(message.result), title="Index", timeout=8)

    def watch_corpus(self) -> None:
        if not self.rebuilding and self.engine is not None:
            self.run_watch()

    @work(thread=True, exclusive=True, group="watch")
    def run_watch(self) -> None:
        from index.watch import corpus_changes

        try:
            changes = corpus_changes(self.settings)
        except OSError:  # the folder is being changed under us; look again next time
            return
        if changes.any:
            self.post_message(CorpusChanged(changes))

    def on_corpus_changed(self, message: CorpusChanged) -> None:
        if self.rebuilding or message.changes == self.offered:
            return  # offered once; a build or a further change offers again
        self.offered = message.changes
        self.notify(
            message.changes.describe() + " i rapportmappen. Ctrl+R indexerar.",
            title="Nya rapporter",
            timeout=15,
        )

    # --- export ------------------------------------------------------------------------------------------
    def shown_markdown(self) -> str | None:
        """The answer in the panels as Markdown; None (after telling the user) when there is none yet."""
        if self.shown is None or self.shown.answer is None:
            self.notify("Inget svar att exportera ännu.", severity="warning")
            return None
        return answer_markdown(self.shown.answer)

    def action_copy_answer(self) -> None:
        markdown = self.shown_markdown()
        if markdown is not None:
            self.copy_to_clipboard(markdown)  # OSC 52: the terminal must allow it (most do)
            self.notify(f"Svaret kopierat som Markdown ({len(markdown)} tecken).")

    def action_save_answer(self) -> None:
        markdown = self.shown_markdown()
        if markdown is not None and self.shown is not None:
            self.save_markdown(markdown, "finsam-svar-" + self.shown.question)

    def action_export_session(self) -> None:
        if not any(e.answer is not None for e in self.exchanges):
            self.notify("Inga besvarade frågor att exportera.", severity="warning")
            return
        today = date.today()
        self.save_markdown(session_markdown(self.exchanges, today=today), f"finsam-pm-{today}")

    def save_markdown(self, markdown: str, stem: str) -> None:
        try:
            path = write_markdown(markdown, export_folder(self.settings), stem)
        except ExportError as error:
            self.notify(str(error), title="Kunde inte spara", severity="error", timeout=10)
            return
        self.notify(str(path), title="Sparat")

    # --- filters, help, commands ------------------------------------------------------------------------
    def set_filters(self, filters: Filters | None) -> None:
        self.filters = filters
        self.query_one("#filters", Static).update(Text(filters_label(filters)))

    def action_choose_filters(self) -> None:
        if self.engine is None:
            self.notify("Indexet är inte öppnat ännu.", severity="warning")
            return
        options = filter_options(self.engine.reader.manifest.reports)
        self.push_screen(FilterScreen(options, self.filters), callback=self.set_filters)

    def action_clear_filters(self) -> None:
        self.set_filters(None)
        self.notify("Filter rensade.")

    def set_context(self, context: Context | None) -> None:
        self.context = context
        self.query_one(ContextLabel).show(context)

    def action_clear_context(self) -> None:
        self.set_context(None)
        self.notify("Sammanhang rensat: nästa fråga ställs som den skrivs.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The chat's own keys are off (and out of the footer) over the report viewer and filter dialog."""
        over = ReportViewer | FilterScreen | ReportsScreen
        return not (action in CHAT_ACTIONS and isinstance(self.screen, over))

    def action_show_reports(self) -> None:
        """The catalogue of the live index, read from its manifest: it opens before the model is loaded."""
        from assistant.catalogue import report_rows
        from index.catalog import Manifest
        from index.generations import current_generation

        generation = current_generation(self.settings.index_dir)
        if generation is None:
            self.notify("Inget index ännu: tryck Ctrl+R för att bygga det.", severity="warning")
            return
        try:
            rows = report_rows(Manifest.load(generation))
        except (OSError, ValueError, KeyError) as error:
            self.notify(f"Kunde inte läsa indexets katalog: {error}", severity="error")
            return
        self.push_screen(ReportsScreen(rows))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Välj filter", "Organisation, år och rapporttyp ur indexet (Ctrl+F)", self.action_choose_filters
        )
        yield SystemCommand("Rensa filter", "Ta bort alla filter (Ctrl+L)", self.action_clear_filters)
        yield SystemCommand(
            "Rapporter i indexet",
            "Titel, typ, period, OCR och vad som gissades (F2)",
            self.action_show_reports,
        )
        yield SystemCommand(
            "Rensa sammanhang", "Nästa fråga lutar sig inte mot den förra (Ctrl+K)", self.action_clear_context
        )
        yield SystemCommand(
            "Kopiera svar som Markdown", "Svaret med citat och källor (Ctrl+Y)", self.action_copy_answer
        )
        yield SystemCommand(
            "Spara svar som Markdown", "Till en fil i exportmappen (Ctrl+S)", self.action_save_answer
        )
        yield SystemCommand(
            "Exportera sessionen som PM", "Alla besvarade frågor i en fil", self.action_export_session
        )
        yield SystemCommand(
            "Öppna källa",
            "Hela rapporten vid den valda passagen, med originaltexten (Ctrl+O)",
            self.action_open_source,
        )
        yield SystemCommand(
            "Uppdatera index", "Indexera nya och ändrade rapporter (Ctrl+R)", self.action_rebuild_index
        )
        yield SystemCommand("Hjälp", "Visa tangenterna och vad panelerna visar", self.action_help)
        yield SystemCommand("Avsluta", "Avsluta finsam", self.action_quit)
        yield SystemCommand("Tema", "Byt färgtema", self.action_change_theme)


def make_app(
    settings: Settings, engine_factory: EngineFactory | None = None, index_builder: IndexBuilder | None = None
) -> FinsamApp:
    """The one way to build the app, for the CLI and the tests."""
    engine_factory = engine_factory or real_engine_factory(settings)
    return FinsamApp(settings, engine_factory, index_builder or real_index_builder(settings))

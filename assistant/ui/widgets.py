"""The chat assistant's widgets. Every piece of report text or question is rendered as `rich.text.Text`,
never as a markup string, so "[bold]" in a question or a report shows literally."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Input, ListItem, ListView, Static
from textual_plotext import PlotextPlot

if TYPE_CHECKING:
    from assistant.answering.models import FigureOut
    from assistant.audit import Series
    from assistant.results import Answer, Filters, Passage

NOT_IN_REPORTS = "Finns inte i rapporterna"
PASSAGE_PREVIEW = 600
"""Characters of a passage shown on its card; whole chunks would push the other cards out of view."""


@dataclass
class Exchange:
    """One question in the transcript and, once the worker is done, its answer or error."""

    number: int
    question: str
    answer: Answer | None = None
    error: str | None = None
    pending: bool = True
    filters_text: str = field(default="")
    rewritten: str | None = None
    """The whole question a follow-up ('och 2016?') was sent to the engine as; None when sent as typed."""
    series: Series | None = None
    """The series over periods the answer's leading figure belongs to, drawn beside the figures."""


def filters_label(filters: Filters | None) -> str:
    if filters is None or not filters.active():
        return "Filter: inga"
    parts = [
        f"organisation {filters.organisation}" if filters.organisation else "",
        f"år {filters.year}" if filters.year is not None else "",
        f"typ {filters.report_type}" if filters.report_type else "",
    ]
    return "Filter: " + ", ".join(p for p in parts if p)


def exchange_text(exchange: Exchange) -> Text:
    """The transcript entry: the question, then the short answer (or its state)."""
    text = Text(f"{exchange.number}. ", style="bold") + Text(exchange.question, style="bold")
    text.append("\n")
    if exchange.rewritten:
        text.append(Text("→ " + exchange.rewritten, style="dim italic"))
        text.append("\n")
    if exchange.error is not None:
        text.append(Text("Fel: ", style="bold red") + Text(exchange.error, style="red"))
    elif exchange.answer is None:
        text.append("Söker …", style="italic dim")
    elif not exchange.answer.supported:
        text.append(f"{NOT_IN_REPORTS} – närmaste passager visas.", style="bold yellow")
    else:
        text.append(Text(exchange.answer.answer, style="green"))
    return text


class ExchangeItem(ListItem):
    """A transcript row; selecting it shows its passages and figures."""

    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self._label = Static(exchange_text(exchange), classes="exchange-text")
        super().__init__(self._label)

    def refresh_text(self) -> None:
        self._label.update(exchange_text(self.exchange))  # may run before the item is mounted


class Transcript(ListView):
    """Questions and short answers, newest last."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "Visa svar", show=True)]


def passage_text(passage: Passage, rank: int) -> Text:
    """A passage card: title, organisation, period, page, section, then the text with matches highlighted."""
    from assistant.citation import citation

    # the citation a board can use ('Titel, Organisation, s. N'), then the period and the section path
    cited = citation(passage.title, passage.organisation, passage.page, passage.page_end)
    head = Text(f"[{rank}] ", style="bold") + Text(cited, style="bold cyan")
    head.append("\n")
    head.append(Text(passage.period, style="dim"))
    if passage.section:
        head.append(Text(" · ", style="dim") + Text(passage.section, style="italic"))
    if passage.ocr_repaired:
        head.append("  OCR-korrigerad", style="bold magenta")
    head.append("\n")
    body = Text(passage.text.replace("\n", " "))  # one-for-one, so the highlight offsets stay valid
    for start, end in passage.highlights:
        body.stylize("bold reverse", start, end)
    if len(body) > PASSAGE_PREVIEW:
        body.truncate(PASSAGE_PREVIEW)
        body.append(" …", style="dim")
    return head + body


class PassageCard(Static, can_focus=True):
    """One passage; Enter or a click opens its report in the viewer."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Öppna rapporten")]

    class Open(Message):
        def __init__(self, passage: Passage) -> None:
            super().__init__()
            self.passage = passage

    def __init__(self, passage: Passage, rank: int) -> None:
        super().__init__(passage_text(passage, rank), classes="passage-card")
        self.passage = passage

    def action_open(self) -> None:
        self.post_message(self.Open(self.passage))

    def on_click(self) -> None:
        self.action_open()


class PassagesPanel(VerticalScroll):
    """Cards of the passages behind the selected answer."""

    def show(self, answer: Answer | None) -> None:
        self.remove_children()
        if answer is None:
            self.mount(Static(Text("Inga passager ännu.", style="dim"), classes="empty"))
            return
        if not answer.passages:
            self.mount(Static(Text("Inga passager hittades.", style="dim"), classes="empty"))
            return
        cards = [PassageCard(p, i) for i, p in enumerate(answer.passages, start=1)]
        self.mount_all(cards)
        self.scroll_home(animate=False)


FIGURE_COLUMNS = (("", 1), ("vad", 24), ("period", 12), ("värde", 14), ("källa", 36))
"""(label, widest). A long label or source wraps onto more lines of its row, so the period, the value
and the page are never cut: the table at 100 columns shows all of them."""


def figure_cells(figure: FigureOut) -> tuple[Text, Text, Text, Text, Text]:
    """One figures-table row: mark (= computed, ✓/✗ check), what (its formula or quote below, dimmed),
    period, Swedish value, and the source as a board cites it ('Titel, Organisation, s. N')."""
    from assistant.citation import short_period
    from index.numbers import format_swedish

    failed = figure.kind == "check" and figure.ok is False
    style = "bold red" if failed else ("bold" if figure.kind == "computed" else "")
    mark = {"stated": "", "computed": "=", "check": "✓" if figure.ok else "✗"}[figure.kind]
    what = Text(figure.label, style=style)
    if figure.subject and figure.subject not in figure.label:
        what.append(f" – {figure.subject}")
    source = figure.sources[0] if figure.sources else None
    if figure.formula:  # a stated figure's quote is in its passage; a computed one shows how
        what.append("\n" + figure.formula, style=style or "dim")
    cited = (source.citation or f"{source.report}, s. {source.page}") if source else ""
    if len(figure.sources) > 1:
        cited += f" (+{len(figure.sources) - 1})"
    # an empty cell renders no segment at all, which DataTable's auto-height rows cannot take: a space
    return (
        Text(mark or " ", style=style or ("green" if figure.kind == "check" else "")),
        what,
        Text(short_period(figure.period) or " ", style=style, no_wrap=True),
        Text(format_swedish(figure.value, figure.unit), style=style, justify="right", no_wrap=True),
        Text(cited or " ", style=style or "dim"),
    )


def column_widths(rows: list[tuple[Text, ...]]) -> list[int]:
    """Each column as wide as its widest line (or label), capped: given, not measured later by the
    table, so a screen drawn right after an answer already has its final columns."""
    widths = []
    for column, (label, cap) in enumerate(FIGURE_COLUMNS):
        lines = [line for row in rows for line in row[column].plain.split("\n")]
        widest = max([len(label), *(len(line) for line in lines)])
        widths.append(min(widest, cap))
    return widths


class FiguresTable(DataTable):
    """Stated and computed figures of the selected answer; failed checks in red."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.show(None)

    def show(self, answer: Answer | None) -> None:
        rows = [figure_cells(figure) for figure in (answer.figures if answer else [])]
        self.clear(columns=True)  # new columns, so their widths fit the new rows
        for (label, _), width in zip(FIGURE_COLUMNS, column_widths(rows), strict=True):
            self.add_column(label, width=width)
        for row in rows:
            self.add_row(*row, height=None)  # wrapped label and source lines make the row taller


class SeriesChart(PlotextPlot):
    """A bar per period of the series the answer's figure belongs to; hidden when there is none."""

    def show(self, series: Series | None) -> None:
        self.display = series is not None
        plt = self.plt
        plt.clear_figure()
        if series is None:
            return
        from index.numbers import format_swedish

        # The value under each bar: the axis alone rounds it ("35.7") and uses a decimal point.
        labels = [f"{p.period}: {format_swedish(p.value, None)}" for p in series.points]
        plt.bar(labels, [p.value for p in series.points])
        plt.title(f"{series.subject}: {series.name} ({series.unit})")
        self.refresh()


class QuestionInput(Input):
    """The question line, with ↑/↓ through earlier questions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Tidigare fråga", show=False),
        Binding("down", "history(1)", "Senare fråga", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0
        self._draft = ""

    def remember(self, question: str) -> None:
        if not self.history or self.history[-1] != question:
            self.history.append(question)
        self._position = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._position == len(self.history):
            self._draft = self.value
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self._draft if self._position == len(self.history) else self.history[self._position]
        self.cursor_position = len(self.value)

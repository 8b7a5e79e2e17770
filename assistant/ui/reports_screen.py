"""The catalogue screen (F2): every indexed report, and for the chosen one where each field came from."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from assistant.catalogue import FIELD_NAMES, READ_FROM_REPORT, ReportRow, guessed_label, ocr_label

COLUMNS = ("Rapport / organisation", "Typ / period", "Sidor", "Pass.", "Siffror", "OCR", "Gissat")


def row_cells(row: ReportRow) -> tuple[str | Text, ...]:
    """Two lines a report: title over organisation, type over period, so 100 columns hold a row."""
    guessed = guessed_label(row)
    return (
        Text.assemble(row.title, "\n", (row.organisation, "dim")),
        Text.assemble(row.report_type, "\n", row.period),
        str(row.pages),
        str(row.passages),
        str(row.figures),
        ocr_label(row),
        Text(guessed or "–", style="yellow" if guessed else "dim", overflow="ellipsis"),
    )


def details(row: ReportRow) -> Text:
    """The chosen report: its file, and each field with where it came from (guesses in yellow)."""
    text = Text()
    text.append(f"{row.title}\n", style="bold")
    text.append(
        f"{row.path} ({row.format}), {row.pages} sidor, {row.passages} passager, {row.figures} siffror"
    )
    if row.repaired_words:
        text.append(f", {row.repaired_words} OCR-reparerade ord")
    text.append("\n")
    if row.ocr_pages:
        text.append(f"OCR: {ocr_label(row)} – medelkonfidens 0–100 från Tesseract\n")
    values = {"title": row.title, "organisation": row.organisation, "report_type": row.report_type}
    values |= {"period": row.period, "years": ", ".join(map(str, row.years)) or "–"}
    for name, value in values.items():
        source = row.sources.get(name) or row.guessed.get(name) or "okänd källa"
        stated = source in READ_FROM_REPORT
        text.append(f"  {FIELD_NAMES[name]:<13}", style="bold")
        text.append(f"{value}  ")
        text.append(f"({source})\n", style="green" if stated else "yellow")
    if row.guessed:
        text.append("Gissade fält anges säkert med en .toml-fil bredvid rapporten.", style="dim")
    return text


class ReportsScreen(Screen[None]):
    """Read-only: opening it changes nothing in the chat."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Tillbaka"),
        Binding("f2", "dismiss", "Tillbaka", show=False),
        Binding("q", "dismiss", "Tillbaka", show=False),
    ]

    def __init__(self, rows: list[ReportRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="reports-box"):
            yield Static(Text(f"Indexerade rapporter ({len(self.rows)})", style="bold"), id="reports-heading")
            yield DataTable(id="reports-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="report-details")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        for row in self.rows:
            table.add_row(*row_cells(row), key=row.report_id, height=2)
        self.show_details(0)
        table.focus()

    def show_details(self, index: int) -> None:
        box = self.query_one("#report-details", Static)
        if not self.rows:
            box.update(Text("Indexet har inga rapporter. Lägg rapporter i corpus-mappen och tryck Ctrl+R."))
            return
        box.update(details(self.rows[min(index, len(self.rows) - 1)]))

    @on(DataTable.RowHighlighted, "#reports-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_details(event.cursor_row)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)

"""The report viewer: the whole report a passage came from, scrolled to the passage and highlighting it, with
the original (OCR) text beside the repaired one on request."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from assistant.document import DocumentPart, ReportDocument
    from assistant.results import Passage

TARGET_STYLE = "on #2d3b55"
"""Background of the passage the viewer was opened on."""


def part_heading(part: DocumentPart) -> Text | None:
    """The page and section lines shown above a part where a page or a section begins."""
    lines = []
    if part.new_page:
        lines.append(Text(f"── s. {part.page_start} ──", style="dim"))
    # The heading path, unless the part's text opens with the heading itself (most chunks do).
    if part.new_section and part.section and not part.text.lstrip().startswith(part.section.split(" › ")[-1]):
        lines.append(Text(part.section, style="bold cyan"))
    return Text("\n").join(lines) if lines else None


def part_text(part: DocumentPart, passage: Passage | None) -> Text:
    """A part's repaired text; the passage the viewer opened on is shaded with its matching words marked."""
    text = Text(part.text)
    if passage is not None and passage.chunk_id == part.chunk_id:
        text.stylize(TARGET_STYLE)
        shift = len(passage.text) - len(part.text)  # the part may have lost a repeated seam at its start
        for start, end in passage.highlights:
            if start - shift >= 0:
                text.stylize("bold reverse", start - shift, end - shift)
    return text


class DocumentPartView(Horizontal):
    """One part: the repaired text, and the original beside it when the viewer shows originals."""

    def __init__(self, part: DocumentPart, passage: Passage | None) -> None:
        super().__init__(classes="part target" if passage and passage.chunk_id == part.chunk_id else "part")
        self.part = part
        self.passage = passage

    def compose(self) -> ComposeResult:
        yield Static(part_text(self.part, self.passage), classes="repaired")
        original = Text(self.part.original, style="dim" if self.part.original == self.part.text else "")
        yield Static(original, classes="original")


class ReportViewer(Screen[None]):
    """Full report, opened from a passage card; Esc goes back to the chat."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Tillbaka"),
        Binding("q", "close", "Tillbaka", show=False),
        Binding("o", "toggle_original", "Original bredvid"),
        Binding("g", "to_passage", "Till passagen"),
    ]

    def __init__(self, document: ReportDocument, passage: Passage | None = None) -> None:
        super().__init__()
        self.document = document
        self.passage = passage

    def compose(self) -> ComposeResult:
        doc = self.document
        head = Text(doc.title, style="bold") + Text(f"  {doc.organisation} · {doc.period}", style="dim")
        if doc.ocr_repaired:
            head.append("  OCR-korrigerad", style="bold magenta")
        yield Static(head, id="viewer-title")
        with VerticalScroll(id="viewer-body"):
            for part in doc.parts:
                heading = part_heading(part)
                if heading is not None:
                    yield Static(heading, classes="part-heading")
                yield DocumentPartView(part, self.passage)
        yield Static(Text(self.status_line(), style="dim"), id="viewer-status")
        yield Footer()

    def status_line(self) -> str:
        where = "Visar korrigerad text."
        if self.has_class("with-original"):
            where = "Vänster korrigerad text, höger originalet."
        return f"{self.document.source} · {len(self.document.parts)} avsnitt · {where}"

    def on_mount(self) -> None:
        self.query_one("#viewer-body").border_title = "Rapport"
        self.call_after_refresh(self.action_to_passage)

    def action_to_passage(self) -> None:
        targets = self.query(".target")
        if targets:
            self.query_one("#viewer-body", VerticalScroll).scroll_to_widget(
                targets.first(), animate=False, top=True
            )

    def action_toggle_original(self) -> None:
        self.toggle_class("with-original")
        self.query_one("#viewer-status", Static).update(Text(self.status_line(), style="dim"))
        self.call_after_refresh(self.action_to_passage)  # the text re-wraps; keep the passage in view

    def action_close(self) -> None:
        self.dismiss()

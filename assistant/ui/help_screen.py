"""The help screen (F1 or ?): the keys and what the panels show."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("Enter", "ställ frågan (i frågeraden) / visa svaret (i samtalet)"),
    ("↑ / ↓", "tidigare och senare frågor (i frågeraden)"),
    ("Tab / Shift+Tab", "byt mellan frågerad, samtal, passager och siffror"),
    ("Ctrl+P", "kommandopaletten: filter, sammanhang, export, hjälp, avsluta, tema"),
    ("Ctrl+F", "välj filter: organisation, år och rapporttyp ur indexet (visas i översta raden)"),
    ("Ctrl+L", "rensa filter"),
    ("Ctrl+K", "rensa sammanhanget (följdfrågor som ”och 2016?” bygger på förra frågan)"),
    ("Ctrl+Y", "kopiera det visade svaret som Markdown (citat, rapport, sida, siffror)"),
    ("Ctrl+S", "spara det visade svaret som Markdown-fil; hela sessionen som PM via paletten"),
    ("Ctrl+O / Enter", "öppna rapporten vid passagen (Enter på ett passagekort); där visar o originaltexten"),
    ("Ctrl+R", "uppdatera indexet med nya och ändrade rapporter; frågor går att ställa under tiden"),
    ("F2", "rapporterna i indexet: titel, typ, period, sidor, OCR och vilka fält som gissades"),
    ("F1 eller ?", "den här hjälpen"),
    ("Esc", "stäng hjälpen, rapportvisaren, rapportlistan eller filterdialogen"),
    ("Ctrl+Q", "avsluta"),
)

ABOUT = (
    "Svaren är utdrag ur rapporterna. Till höger visas passagerna bakom svaret (rapport, sida, avsnitt; "
    "orden som matchar frågan är markerade) och siffrorna: utlästa värden, beräknade värden (=) med formel "
    "och kontroller (✓ stämmer, ✗ stämmer inte, i rött). Om svaret inte finns i rapporterna står det "
    "”Finns inte i rapporterna” och de närmaste passagerna visas ändå."
)


def help_text() -> Text:
    text = Text("Hjälp – tangenter\n\n", style="bold")
    for key, what in KEYS:
        text.append(f"{key:<17}", style="bold cyan")
        text.append(what + "\n")
    text.append("\n" + ABOUT, style="dim")
    return text


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Stäng"),
        Binding("f1", "dismiss", "Stäng", show=False),
        Binding("question_mark", "dismiss", "Stäng", show=False),
        Binding("q", "dismiss", "Stäng", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(help_text(), id="help-text")

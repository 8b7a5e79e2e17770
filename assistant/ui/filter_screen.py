"""The filter dialog (Ctrl+F): organisation, year and report type, each chosen from what the index holds."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select

from assistant.results import Filters
from assistant.ui.commands import FilterOptions

ANY = "alla"


def choice_list(values: list, current: object, widget_id: str) -> Select:
    """A drop-down of `values` with "alla" first, showing `current` when the index still holds it."""
    start = current if current in values else Select.NULL
    return Select([(str(v), v) for v in values], prompt=ANY, value=start, id=widget_id)


class FilterScreen(ModalScreen[Filters | None]):
    """Dismisses with the chosen Filters (None when none is chosen); Esc keeps the filters as they were."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Avbryt")]

    def __init__(self, options: FilterOptions, current: Filters | None) -> None:
        super().__init__()
        self.options = options
        self.current = current or Filters()

    def compose(self) -> ComposeResult:
        current = self.current
        with Vertical(id="filter-box"):
            yield Label("Filter – visa bara passager ur", id="filter-heading")
            yield Label("Organisation")
            yield choice_list(self.options.organisations, current.organisation, "filter-organisation")
            yield Label("År")
            yield choice_list(self.options.years, current.year, "filter-year")
            yield Label("Rapporttyp")
            yield choice_list(self.options.report_types, current.report_type, "filter-type")
            with Horizontal(id="filter-buttons"):
                yield Button("Använd", variant="primary", id="filter-apply")
                yield Button("Rensa", id="filter-clear")
                yield Button("Avbryt", id="filter-cancel")

    def chosen(self) -> Filters | None:
        def value(selector: str):
            picked = self.query_one(selector, Select).value
            return None if picked is Select.NULL else picked

        filters = Filters(
            organisation=value("#filter-organisation"),
            year=value("#filter-year"),
            report_type=value("#filter-type"),
        )
        return filters if filters.active() else None

    @on(Button.Pressed, "#filter-apply")
    def apply(self) -> None:
        self.dismiss(self.chosen())

    @on(Button.Pressed, "#filter-clear")
    def clear(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#filter-cancel")
    def action_cancel(self) -> None:
        self.dismiss(self.current if self.current.active() else None)

"""Command-palette filters: one command per organisation, year and report type in the index."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content


@dataclass(frozen=True)
class FilterOptions:
    """What the index holds to filter on."""

    organisations: list[str]
    years: list[int]
    report_types: list[str]


def filter_options(reports) -> FilterOptions:
    """The organisations, years and report types of the manifest's reports, sorted."""
    metas = [entry.meta for entry in reports.values()]
    return FilterOptions(
        organisations=sorted({m.organisation for m in metas}),
        years=sorted({y for m in metas for y in m.years}),
        report_types=sorted({m.report_type for m in metas}),
    )


def filter_choices(reports) -> Iterator[tuple[str, dict]]:
    """(command title, Filters fields) for every organisation, year and report type in the manifest."""
    options = filter_options(reports)
    for organisation in options.organisations:
        yield f"Filter: organisation {organisation}", {"organisation": organisation}
    for year in options.years:
        yield f"Filter: år {year}", {"year": year}
    for report_type in options.report_types:
        yield f"Filter: typ {report_type}", {"report_type": report_type}


class FilterCommands(Provider):
    """Filters from the index; titles come from report metadata, so they are shown as plain `Content`."""

    def _choices(self) -> list[tuple[str, dict]]:
        engine = getattr(self.app, "engine", None)
        return list(filter_choices(engine.reader.manifest.reports)) if engine is not None else []

    def _apply(self, fields: dict) -> None:
        from assistant.results import Filters

        current = self.app.filters or Filters()  # type: ignore[attr-defined]
        self.app.set_filters(current.model_copy(update=fields))  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for title, fields in self._choices():
            yield DiscoveryHit(Content(title), partial(self._apply, fields), text=title)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, fields in self._choices():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, Content(title), partial(self._apply, fields), text=title)

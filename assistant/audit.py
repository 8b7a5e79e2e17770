"""The figure audit for board preparation: every stated figure, the series a subject's figures form over
the years (with the changes and their formulas), and every consistency check of the corpus, failed first.

Pure functions over the extracted `Figure` records; `render_audit` prints the audit as Swedish rich tables.
Report text is user data: it is always printed as `rich.text.Text`, never parsed as markup.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table
from rich.text import Text

from assistant import compute
from assistant.answering.checks import checks_for
from assistant.answering.models import FigureOut, Source
from index.lexical import fold
from index.models import Figure
from index.numbers import format_swedish
from index.subjects import SubjectRegistry, nearest, parse_name, subject_key

VAGUE_MEASURES = frozenset({"belopp", "andel", "delmängd av deltagarna", "not"})
"""Measures that do not say what is counted ('belopp' is any sum of kronor, 'andel' a share of something
unnamed, 'not' a note reference in a financial table): a series of them would join unrelated numbers.
A table row's columns are the exception: the row's label says what the amount is."""
ROW_MARK = ":rad:"
"""`index.extract.rows.table_row_figures` gives a table row's values the group '<report>:rad:<offset>'."""
QUOTE_CHARS = 90
"""Quotes are shortened to this many characters in the checks table; the full quote is in the JSON."""

SeriesKey = tuple[str, str | None, str, str]
"""subject, folded table-row label (None for sentences), measure, unit"""
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_CELL = re.compile(r"^(?:[-−–]?\d+|[-−–=~|'‘—])$")


# --- records ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One period's value of a series, with where it is stated."""

    value: float
    period: str
    source: Source
    others: tuple[float, ...] = ()
    """Other values stated for the same subject, measure and period (the ones not chosen)."""


@dataclass
class Series:
    subject: str
    measure: str
    unit: str
    points: list[Point]
    """In period order, one per period."""
    changes: list[FigureOut]
    """Computed, between consecutive points: the difference, and the change in percent where it means
    something (from a positive value; percentages change in percentage points only)."""
    row: str | None = None
    """The table row's label when the series is one row's columns ('Årets resultat')."""

    @property
    def name(self) -> str:
        if self.row is None:
            return self.measure
        return self.row if self.measure == "belopp" else f"{self.row}: {self.measure}"

    def as_dict(self) -> dict:
        """JSON-ready: the points with their sources, the changes in the `FigureOut` shape."""
        points = [
            {"value": p.value, "period": p.period, "source": p.source.model_dump(), "others": list(p.others)}
            for p in self.points
        ]
        changes = [c.model_dump() for c in self.changes]
        return {**{k: getattr(self, k) for k in ("subject", "measure", "unit", "row")}, "points": points,
                "changes": changes}  # fmt: skip


@dataclass(frozen=True)
class ReportCount:
    report: str
    figures: int
    checks: int
    failed: int


@dataclass
class Audit:
    subject: str | None
    """What the user asked for; None for the whole corpus."""
    subjects: list[str]
    """The figure subjects that `subject` matched (all of them for the whole corpus)."""
    figures: list[Figure]
    series: list[Series]
    checks: list[FigureOut]
    counts: list[ReportCount] = field(default_factory=list)

    @property
    def failed(self) -> list[FigureOut]:
        return [c for c in self.checks if c.ok is False]


# --- subjects ---------------------------------------------------------------------------------------


def _forms(name: str) -> set[str]:
    """Keys a figure subject is known by: 'Arbetsmarknadstorget (AMT)' → arbetsmarknadstorget, amt."""
    parsed = parse_name(name)
    return ({parsed.key, parsed.core} | {parse_name(a).core for a in parsed.aliases}) - {""}


def matching_subjects(query: str, names: Iterable[str], registry: SubjectRegistry | None = None) -> set[str]:
    """The figure subjects (`names`) a user-typed subject means: through the index's registry when it knows
    the name ('amt', a genitive, an OCR-damaged spelling); else by key or alias, then by a near spelling,
    then by a whole word of the folded name ('skellefteå' → the förbund and the insatser placed there)."""
    names = set(names)
    if registry is not None:
        target = registry.resolve(query)
        if target is not None:
            return {n for n in names if n == target.name or _resolved_key(registry, n) == target.key}
    forms = {n: _forms(n) for n in names}
    known = set().union(*forms.values()) if forms else set()
    key, core = subject_key(query, known), _genitive_core(query, known)
    found = {n for n, fs in forms.items() if key in fs or core in fs}
    if found:
        return found
    near = nearest(core, known)
    if near:
        return {n for n, fs in forms.items() if near in fs}
    words = fold(query).split()
    if not words:
        return set()
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b")
    return {n for n in names if pattern.search(fold(n))}


def _genitive_core(query: str, known: set[str]) -> str:
    core = parse_name(query).core
    return subject_key(core, known) if core else core


def _resolved_key(registry: SubjectRegistry, name: str) -> str | None:
    found = registry.resolve(name)
    return found.key if found else None


def _filter(
    figures: Sequence[Figure], subject: str | None, registry: SubjectRegistry | None
) -> tuple[list[Figure], list[str]]:
    names = sorted({f.subject for f in figures})
    if subject is None:
        return list(figures), names
    chosen = matching_subjects(subject, names, registry)
    return [f for f in figures if f.subject in chosen], sorted(chosen)


# --- series -----------------------------------------------------------------------------------------


def is_table_row(figure: Figure) -> bool:
    return bool(figure.group) and ROW_MARK in figure.group  # type: ignore[operator]


def row_label(line: str) -> str:
    """A table line without its trailing cells: 'Årets resultat -1441678 1746 598' → 'Årets resultat'."""
    tokens = line.split()
    while tokens and _CELL.match(tokens[-1]):
        tokens.pop()
    return " ".join(tokens) or line.strip()


def period_years(period: str) -> tuple[int, int] | None:
    years = [int(y) for y in _YEAR.findall(period)]
    return (min(years), max(years)) if years else None


def period_shape(period: str) -> str:
    """What kind of period it is, years left out: '2016' → 'ÅÅÅÅ', the half year '2020-01-01 – 2020-06-30'
    → 'ÅÅÅÅ-01-01 – ÅÅÅÅ-06-30'. Only periods of one shape form a series: a half year is not compared
    with a whole year, nor a plan's period with the years it plans."""
    return _YEAR.sub("ÅÅÅÅ", " ".join(period.split()))


def _in_series(figure: Figure) -> bool:
    return figure.measure != "not" and (is_table_row(figure) or figure.measure not in VAGUE_MEASURES)


def _series_key(figure: Figure) -> SeriesKey:
    row = fold(row_label(figure.sentence)) if is_table_row(figure) else None
    return figure.subject, row, figure.measure, figure.unit


def _order(figure: Figure) -> tuple[str, int, int]:
    return figure.report_id, figure.page, figure.char_start


def _unique(figures: Iterable[Figure]) -> list[Figure]:
    """In report order, each figure once: one passed twice would count twice in a group's sum."""
    return list({f.figure_id: f for f in sorted(figures, key=_order)}.values())


def _point(stated: list[Figure]) -> Point:
    """The value of one period. A stated total ('107 personer, varav 50 kvinnor och 57 män') is the whole
    by the report's own words; failing one, the largest value, because the other counts a period states
    for a subject and measure are its parts (one group, one municipality, those with one outcome) and the
    overall count contains them. `others` keeps the values passed over, so the reader sees the choice."""
    best = max(sorted(stated, key=_order), key=lambda f: (f.role == "total", f.value))
    others = tuple(sorted({f.value for f in stated} - {best.value}))
    return Point(
        best.value, best.period, Source(report=best.report_id, page=best.page, quote=best.sentence), others
    )


def _changed(s: Series, span: str, suffix: str, result: compute.Computed, sources: list[Source]) -> FigureOut:
    unit = "procentenheter" if s.unit == "procent" and not suffix else result.unit
    value = result.value if unit in ("kr", "personer", "antal") else round(result.value, 1)
    formula = f"{result.formula} procentenheter" if unit == "procentenheter" else result.formula
    return FigureOut(
        label=f"förändring {s.name} {span}{suffix}", subject=s.subject, measure=s.measure, period=span,
        value=value, unit=unit, kind="computed", formula=formula, sources=sources,
    )  # fmt: skip


def _changes(s: Series) -> list[FigureOut]:
    """The difference between consecutive points, and the change in percent from a positive count or
    amount. Percentages differ in percentage points only: their change in percent would mislead."""
    out: list[FigureOut] = []
    for old, new in itertools.pairwise(s.points):
        span, sources = f"{old.period} → {new.period}", [old.source, new.source]
        unit = None if s.unit == "procent" else s.unit
        out.append(_changed(s, span, "", compute.difference(old.value, new.value, unit), sources))
        if s.unit != "procent" and old.value > 0:  # from zero or from a deficit a percentage says nothing
            out.append(_changed(s, span, " i procent", compute.change(old.value, new.value), sources))
    return out


def _period_order(period: str) -> tuple[int, int, str]:
    years = period_years(period) or (0, 0)
    return years[0], years[1], period


def _series_of(key: SeriesKey, stated: list[Figure]) -> list[Series]:
    subject, _, measure, unit = key
    row = row_label(stated[0].sentence) if key[1] is not None else None
    by_shape: dict[str, dict[str, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for f in stated:
        if period_years(f.period):
            by_shape[period_shape(f.period)][f.period].append(f)
    out: list[Series] = []
    for periods in by_shape.values():
        if len(periods) < 2:
            continue
        points = [_point(periods[p]) for p in sorted(periods, key=_period_order)]
        s = Series(subject, measure, unit, points, [], row)
        s.changes = _changes(s)
        out.append(s)
    return out


def _rows(key: SeriesKey, stated: list[Figure]) -> list[list[Figure]]:
    """The figures of one series key, or, for a table label that two rows of a period share with
    different values ('Summa' under each table), each row by itself."""
    if key[1] is None:
        return [stated]
    values: dict[str, set[float]] = defaultdict(set)
    for f in stated:
        values[f.period].add(f.value)
    if all(len(v) == 1 for v in values.values()):
        return [stated]
    rows: dict[str | None, list[Figure]] = defaultdict(list)
    for f in stated:
        rows[f.group].append(f)
    return list(rows.values())


def series(
    figures: Sequence[Figure], subject: str | None = None, registry: SubjectRegistry | None = None
) -> list[Series]:
    """For each subject, measure and unit stated in two or more periods of one kind, the value of each
    period and the changes between consecutive periods. Only stated values are used (a share is compared
    only between periods that state it). A table row's columns form a series of that row; one that only
    repeats the points of another series (the same result in the income statement and the balance
    sheet, or a table restating a sentence) is left out."""
    chosen, _ = _filter(figures, subject, registry)
    groups: dict[SeriesKey, list[Figure]] = defaultdict(list)
    for f in _unique(chosen):
        if _in_series(f):
            groups[_series_key(f)].append(f)
    found = [
        s for key, stated in groups.items() for part in _rows(key, stated) for s in _series_of(key, part)
    ]
    # Sentences first: a table series is dropped when a series already kept has all its points.
    found.sort(key=lambda s: (s.row is not None, s.points[0].source.report, s.points[0].source.page))
    kept: list[Series] = []
    for s in found:
        pts = {(p.period, p.value) for p in s.points}
        if s.row is not None and any(
            k.unit == s.unit and pts <= {(p.period, p.value) for p in k.points} for k in kept
        ):
            continue
        kept.append(s)
    return sorted(kept, key=lambda s: (fold(s.subject), s.row is not None, fold(s.name)))


# --- checks -----------------------------------------------------------------------------------------


def _holds(s: Series, figure: FigureOut) -> bool:
    """The series states the figure: the same value (chosen or not) for its period, in its unit."""
    return s.unit == figure.unit and any(
        p.period == figure.period and figure.value in (p.value, *p.others) for p in s.points
    )


def answer_series(
    answer_figures: Sequence[FigureOut], figures: Sequence[Figure], registry: SubjectRegistry | None = None
) -> Series | None:
    """The series over periods that the answer's leading figure belongs to, for a chart beside it: the first
    stated figure that some series of its subject holds. None when no stated figure is part of a series."""
    cache: dict[str, list[Series]] = {}
    for figure in answer_figures:
        if figure.kind != "stated" or not figure.subject:
            continue
        if figure.subject not in cache:
            found = series(figures, figure.subject, registry)
            cache[figure.subject] = [s for s in found if s.subject == figure.subject]
        found = [s for s in cache[figure.subject] if _holds(s, figure)]
        if found:  # a sentence's series before a table row's restating it, as `series` orders them
            return next((s for s in found if s.measure == figure.measure), found[0])
    return None


def _check_key(check: FigureOut) -> tuple:
    return check.label, check.formula, check.ok, tuple(sorted({(s.report, s.quote) for s in check.sources}))


def _check_order(check: FigureOut) -> tuple:
    first = check.sources[0] if check.sources else Source(report="", page=0, quote="")
    return check.ok is not False, first.report, first.page, check.label


def corpus_checks(figures: Sequence[Figure]) -> list[FigureOut]:
    """Every consistency check of the corpus (`checks_for` on each passage's figures, as answers use it),
    failed first, then by report and page. A check of the same sentences with the same result counts once;
    the pages it was found on are all kept among its sources."""
    by_chunk: dict[str, list[Figure]] = defaultdict(list)
    for f in _unique(figures):
        by_chunk[f.chunk_id].append(f)
    merged: dict[tuple, FigureOut] = {}
    for chunk_id in sorted(by_chunk):
        for check in checks_for(by_chunk[chunk_id]):
            key = _check_key(check)
            if key not in merged:
                merged[key] = check
                continue
            kept = merged[key]
            seen = {(s.report, s.page, s.quote) for s in kept.sources}
            extra = [s for s in check.sources if (s.report, s.page, s.quote) not in seen]
            merged[key] = kept.model_copy(update={"sources": [*kept.sources, *extra]})
    return sorted(merged.values(), key=_check_order)


# --- the audit --------------------------------------------------------------------------------------


def _cited(figure: Figure, checks: Sequence[FigureOut]) -> bool:
    return any(s.report == figure.report_id and s.quote == figure.sentence for c in checks for s in c.sources)


def _counts(figures: Sequence[Figure], checks: Sequence[FigureOut]) -> list[ReportCount]:
    reports = sorted({f.report_id for f in figures} | {s.report for c in checks for s in c.sources[:1]})
    return [
        ReportCount(
            report,
            sum(f.report_id == report for f in figures),
            sum(c.sources[0].report == report for c in checks if c.sources),
            sum(c.sources[0].report == report and c.ok is False for c in checks if c.sources),
        )
        for report in reports
    ]


def audit(
    figures: Sequence[Figure],
    subject: str | None = None,
    only_failed: bool = False,
    registry: SubjectRegistry | None = None,
) -> Audit:
    """The audit of the corpus, or of one subject as the user types it ('amt', 'Arbetsmarknadstorget').
    Checks are made over all figures and kept when their figure is the subject's (a percentage may be
    checked against counts of a neighbouring sentence). With `only_failed`, the failed checks and the
    figures they cite, and no series."""
    chosen, names = _filter(figures, subject, registry)
    wanted = set(names)
    checks = [c for c in corpus_checks(figures) if subject is None or c.subject in wanted]
    listed = _unique(chosen)
    found = series(chosen)
    if only_failed:
        checks = [c for c in checks if c.ok is False]
        listed = [f for f in listed if _cited(f, checks)]
        found = []
    return Audit(subject, names, listed, found, checks, _counts(listed, checks))


# --- rendering --------------------------------------------------------------------------------------


def _value(value: float, unit: str, approx: bool = False) -> str:
    text = format_swedish(value, unit if unit != "procentenheter" else None)
    text += " procentenheter" if unit == "procentenheter" else ""
    return f"ca {text}" if approx else text


def _short(quote: str, limit: int = QUOTE_CHARS) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= limit else quote[: limit - 1].rstrip() + "…"


def _own(report_id: str) -> str:
    return report_id


def _sources(sources: Sequence[Source], name_of: Callable[[str], str] = _own) -> str:
    return "\n".join(f"{name_of(s.report)}, s. {s.page}: ”{_short(s.quote)}”" for s in sources)


def _counts_table(audit: Audit, name_of: Callable[[str], str] = _own) -> Table:
    table = Table(title="Per rapport", title_justify="left")
    for name in ("Rapport", "Siffror", "Kontroller", "Varav fel"):
        table.add_column(name, justify="left" if name == "Rapport" else "right", overflow="fold")
    for c in audit.counts:
        table.add_row(Text(name_of(c.report)), str(c.figures), str(c.checks), str(c.failed))
    return table


def _figures_table(figures: Sequence[Figure], name_of: Callable[[str], str] = _own) -> Table:
    table = Table(title="Siffror", title_justify="left")
    table.add_column("Ämne", overflow="fold", min_width=14)
    table.add_column("Mått", overflow="fold", min_width=12)
    table.add_column("Period", overflow="fold", min_width=9)
    table.add_column("Värde", justify="right", no_wrap=True)
    table.add_column("Rapport", overflow="fold", min_width=14)
    table.add_column("Sida", justify="right")
    for f in figures:
        measure = f"{row_label(f.sentence)}: {f.measure}" if is_table_row(f) else f.measure
        table.add_row(
            Text(f.subject),
            Text(measure),
            Text(f.period),
            Text(_value(f.value, f.unit, f.approx)),
            Text(name_of(f.report_id)),
            str(f.page),
        )
    return table


def _series_table(found: Sequence[Series], name_of: Callable[[str], str] = _own) -> Table:
    table = Table(title="Serier", title_justify="left", show_lines=True)
    table.add_column("Ämne och mått", overflow="fold", min_width=16)
    table.add_column("Värden", overflow="fold", min_width=14)
    table.add_column("Förändring", overflow="fold", min_width=14)
    table.add_column("Källor", overflow="fold", min_width=14)
    for s in found:
        points = "\n".join(
            f"{p.period}: {_value(p.value, s.unit)}" + (f" (+{len(p.others)} andra)" if p.others else "")
            for p in s.points
        )
        sources = "\n".join(f"{name_of(p.source.report)}, s. {p.source.page}" for p in s.points)
        changes = "\n".join(c.formula or "" for c in s.changes)
        table.add_row(Text(f"{s.subject}\n{s.name}"), Text(points), Text(changes), Text(sources))
    return table


def _checks_table(checks: Sequence[FigureOut], name_of: Callable[[str], str] = _own) -> Table:
    """Formula and discrepancy stay on one line each (they are read as a whole); the check's name and its
    sources wrap beside them."""
    table = Table(title="Kontroller", title_justify="left", show_lines=True)
    table.add_column("", no_wrap=True)
    table.add_column("Kontroll och källor", overflow="fold", min_width=22)
    table.add_column("Formel", overflow="fold", min_width=22)
    table.add_column("Avvikelse", justify="right", no_wrap=True)
    for c in checks:
        mark = Text("✓", style="green") if c.ok else Text("✗", style="bold red")
        gap = _value(c.value, c.unit) if c.ok is False else ""
        what = Text(f"{c.label} ({c.subject})\n")
        what.append(_sources(c.sources, name_of), style="dim")
        table.add_row(mark, what, Text(c.formula or ""), Text(gap))
    return table


def render_audit(audit: Audit, console: Console, name_of: Callable[[str], str] = _own) -> None:
    """The audit as Swedish tables: per report, Siffror, Serier, Kontroller; `name_of` gives a report's
    'Titel, Organisation' for its id."""
    heading = Text("Granskning av siffror", style="bold")
    if audit.subject is not None:
        heading.append(f" – {audit.subject}")
        heading.append(f" ({', '.join(audit.subjects)})" if audit.subjects else " (inget ämne hittades)")
    console.print(heading)
    failed = len(audit.failed)
    console.print(
        Text(
            f"{len(audit.figures)} siffror, {len(audit.series)} serier, "
            f"{len(audit.checks)} kontroller varav {failed} som inte stämmer."
        )
    )
    if audit.counts:
        console.print(_counts_table(audit, name_of))
    for title, rows, table in (
        ("siffror", audit.figures, _figures_table),
        ("serier", audit.series, _series_table),
        ("kontroller", audit.checks, _checks_table),
    ):
        if rows:
            console.print(table(rows, name_of))  # type: ignore[operator]
        else:
            console.print(Text(f"Inga {title}."))

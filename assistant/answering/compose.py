"""The one-sentence answer, composed by code from the leading figure and its source (no language model)."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answering.models import FigureOut, Source, Verdict
from index.numbers import format_swedish

NOT_FOUND = "Finns inte i rapporterna."


def _shown_unit(figure: FigureOut) -> str | None:
    return figure.unit if figure.unit in ("kr", "procent") else None


def cite(figure: FigureOut, cite_source: Callable[[Source], str]) -> str:
    """The leading source as a board can cite it ('Verksamhetsberättelse 2017, Samordningsförbundet X,
    s. 4'); `cite_source` knows the reports' titles and organisations."""
    return cite_source(figure.sources[0]) if figure.sources else ""


def _value(figure: FigureOut) -> str:
    text = format_swedish(figure.value, _shown_unit(figure))
    if figure.unit in ("personer", "antal") and figure.measure not in figure.label.split(" (")[0]:
        return f"{text} {figure.measure}"
    return f"{text} personer" if figure.unit == "personer" else text  # 'Deltagare (Alfa) 2019: 40 personer'


def answer_line(figure: FigureOut, cite_source: Callable[[Source], str]) -> str:
    where = cite(figure, cite_source)
    period = f" {figure.period}" if figure.period and figure.period not in figure.label else ""
    if figure.kind == "check":
        verdict = "Stämmer" if figure.ok else "Stämmer inte"
        # two percentages differ by percentage points, not by a percent of either
        amount = (
            f"{format_swedish(figure.value, None)} procentenheter"
            if figure.unit == "procent"
            else format_swedish(figure.value, _shown_unit(figure))
        )
        gap = "" if figure.ok else f", skillnad {amount}"
        return f"{verdict}{period}: {figure.formula}{gap} ({where})."
    head = figure.label[:1].upper() + figure.label[1:]
    formula = f" ({figure.formula})" if figure.kind == "computed" and figure.formula else ""
    return f"{head}{period}: {_value(figure)}{formula}, {where}."


def not_found_line(verdict: Verdict, cite_source: Callable[[Source], str]) -> str:
    line = NOT_FOUND[:-1]
    if verdict.reason:
        line += f": {verdict.reason}"
    if verdict.nearest is not None:
        n = verdict.nearest
        period = f"{n.period}, " if n.period else ""
        line += f"; närmast: {period}{n.label} {_value(n)} ({cite(n, cite_source)})"
    return line + "."

"""Checks that a report's own figures add up: women + men against their total, stated percentages against
the counts they are shares of, budget rows (utfall − budget = avvikelse) and a table's sum row against
the rows it sums."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant import compute
from assistant.answering.models import FigureOut, Source
from assistant.citation import last_section
from index.extract.counted import gender_of
from index.extract.outcomes import STATUS_OUTCOMES
from index.lexical import fold
from index.models import Figure
from index.tables import DIFFERENCE_MEASURES, relation


def sources_of(*figures: Figure) -> list[Source]:
    seen: dict[tuple[str, int, str], Source] = {}
    for f in figures:
        seen.setdefault(
            (f.report_id, f.page, f.sentence),
            Source(report=f.report_id, page=f.page, quote=f.sentence, section=last_section(f.section)),
        )
    return list(seen.values())


def outcome_of(measure: str) -> str:
    """The outcome part of a measure ('kvinnor till studier' → 'till studier')."""
    gender = gender_of(measure)
    return measure[len(gender) + 1 :] if gender and measure != gender else measure


def share_parts(figures: Sequence[Figure], outcomes: Sequence[str]) -> list[Figure]:
    """The figures that count people with the asked outcome, without counting anyone twice: a stated
    combined figure if there is one, else per-outcome totals, else the women/men counts."""
    targets = set(outcomes)
    if "till arbete eller studier" in targets:
        # 'Åtta av dem gick till arbete eller studier' is a part of those who finished, and still the count
        direct = [f for f in figures if f.measure == "till arbete eller studier"]
        if direct:
            return sorted(direct, key=lambda f: f.role == "part")[:1]
        targets = {"till arbete", "till studier"}
    # a part of another group still counts its outcome ('15 av dem gick till arbete'); the women and men
    # of an outcome are never counted beside it, their measure names the gender
    totals = [f for f in figures if f.measure in targets and f.unit == "personer"]
    if totals:
        # one figure per outcome: the same outcome stated twice is the group restated ('Av de 20 personer
        # som gått till egen försörjning: 5 personer … via arbete') or a part of it, never more people
        largest: dict[str, Figure] = {}
        for f in totals:
            if f.measure not in largest or f.value > largest[f.measure].value:
                largest[f.measure] = f
        return list(largest.values())
    return [
        f
        for f in figures
        if outcome_of(f.measure) in targets
        and f.measure != outcome_of(f.measure)
        and f.role != "part"
        and f.unit == "personer"
    ]


def checks_for(figures: Sequence[Figure]) -> list[FigureOut]:
    """Consistency checks over the figures of some passages: women + men against their total, stated
    percentages against the counts, and budget rows (utfall − budget = avvikelse, or budget − utfall)."""
    out: list[FigureOut] = []
    groups: dict[str, list[Figure]] = {}
    for f in figures:
        if f.group:
            groups.setdefault(f.group, []).append(f)
    for members in groups.values():
        total = next((f for f in members if f.role == "total"), None)
        parts = [f for f in members if f.role == "part"]
        if total and len(parts) >= 2:
            check = compute.check_parts(total.value, [p.value for p in parts], total.unit)
            out.append(_check_out(f"delar mot total: {total.measure}", total, check, members))
        row = {f.measure: f for f in members if f.unit == "kr"}
        # A table row's avvikelse is named after its direction (index.tables.DIFFERENCE_MEASURES).
        for direction, deviation in DIFFERENCE_MEASURES.items():
            if {"utfall", "budget", deviation} <= row.keys():
                check = compute.check_deviation(
                    row["utfall"].value, row["budget"].value, row[deviation].value, direction
                )
                out.append(_check_out(relation(direction), row["utfall"], check, members))
    out += _equity_checks(figures)
    out += _outcome_checks(figures)
    for total in (f for f in figures if len(f.column_parts) >= 2):
        # a table's 'Totalt'/'Summa' cell against the rows above it in its column
        check = compute.check_parts(total.value, total.column_parts, total.unit)
        out.append(_check_out(f"tabellens summa: {total.measure}", total, check, [total]))
    for chunk_id in dict.fromkeys(f.chunk_id for f in figures):
        in_chunk = [f for f in figures if f.chunk_id == chunk_id]
        for pct in (f for f in in_chunk if f.unit == "procent" and f.measure.startswith("andel ")):
            outcome = pct.measure[len("andel ") :]
            if outcome == "avslutade":
                continue  # the share of those who finished is measured against everyone, not against itself
            if _STATED_BASE.search(fold(pct.sentence)):
                continue  # "33 % av deltagarna …" is a share of all participants, not of those who finished
            near = _preceding(in_chunk, pct)
            parts = share_parts([f for f in near if f is not pct], [outcome])
            wholes = [
                f for f in near if f.measure == "avslutade" and f.role != "part" and f.unit == "personer"
            ]
            part = sum(p.value for p in parts)
            # the nearest count of those who finished that can hold the parts ('… och 6 avslutades av
            # övriga skäl' is one more reason to leave, not everyone who left)
            wholes = [f for f in wholes if f.value >= part and f.value > 0]
            if not parts or not wholes:
                continue
            whole = max(wholes, key=_offset)
            check = compute.check_percentage(pct.value, part, whole.value, pct.approx)
            out.append(_check_out(f"angiven andel {outcome}", pct, check, [pct, *parts, whole]))
    return out


def _outcome_checks(figures: Sequence[Figure]) -> list[FigureOut]:
    """'Av de 23 som avslutade insatsen återgick 9 i arbete, 3 började studera, 7 gick vidare till annan
    insats och 6 avbröt': where those who finished went, counted in one sentence, cannot be more than
    those who finished (fewer is allowed: not every way out need be named)."""
    out: list[FigureOut] = []
    by_sentence: dict[tuple[str, str], list[Figure]] = {}
    for f in figures:
        if f.unit == "personer":
            by_sentence.setdefault((f.chunk_id, f.sentence), []).append(f)
    for members in by_sentence.values():
        for whole in (f for f in members if f.measure == "avslutade" and f.role != "part"):
            parts = [
                f
                for f in members
                if f.char_start > whole.char_start
                and f.role != "part"
                and not gender_of(f.measure)
                and outcome_of(f.measure) == f.measure
                and f.measure not in STATUS_OUTCOMES
            ]
            measures = [p.measure for p in parts]
            overlapping = "till arbete eller studier" in measures and (
                "till arbete" in measures or "till studier" in measures
            )
            if len(parts) < 2 or len(set(measures)) != len(measures) or overlapping:
                continue
            if sum(p.value for p in parts) <= whole.value:
                continue
            check = compute.check_parts(whole.value, [p.value for p in parts], "personer")
            out.append(_check_out("utfall mot avslutade", whole, check, [whole, *parts]))
    return out


def _equity_checks(figures: Sequence[Figure]) -> list[FigureOut]:
    """'Eget kapital uppgick vid årets ingång till A. Med periodens resultat på R uppgår det egna kapitalet
    per den 30 juni till B': within one passage, B should be A + R."""
    from assistant.answering.operands import moment_fit

    out: list[FigureOut] = []
    for chunk_id in dict.fromkeys(f.chunk_id for f in figures if f.measure == "eget kapital"):
        here = sorted((f for f in figures if f.chunk_id == chunk_id and f.unit == "kr"), key=_offset)
        equity = [f for f in here if f.measure == "eget kapital"]
        opening = next(
            (f for f in equity if moment_fit("start", f.phrase) > 0 or f.pair_side == "before"), None
        )
        if opening is None:
            continue
        result = next((f for f in here if f.measure == "resultat" and _offset(f) > _offset(opening)), None)
        if result is None:
            continue
        closing = next(
            (f for f in equity if _offset(f) > _offset(result) and moment_fit("start", f.phrase) <= 0), None
        )
        if closing is None:
            continue
        check = compute.check_parts(closing.value, [opening.value, result.value], "kr")
        out.append(
            _check_out("eget kapital: ingående + resultat", closing, check, [opening, result, closing])
        )
    return out


# a percent of everyone; 'procent av de avslutade' is a share of the finishers, which is what is checked
_STATED_BASE = re.compile(r"(?:%|procent)\s*(?:av|utav)\s+(?!de avslutade\b|dem som (?:har |hade )?avslut)")


def _offset(figure: Figure) -> int:
    """Where the figure stands in its report's text: prose and list rows alike."""
    return figure.char_start


def _preceding(figures: Sequence[Figure], anchor: Figure, sentences: int = 5) -> list[Figure]:
    """Figures of the anchor's sentence and the few sentences before it: a percentage stated after
    "Sex deltagare … avslutat. En kvinna till studier, två män till arbete." is a share of those counts,
    not of other insatser described earlier in the same passage."""
    starts = sorted({_offset(f) - f.sentence.find(f.raw) for f in figures})
    own = _offset(anchor) - anchor.sentence.find(anchor.raw)
    earlier = [x for x in starts if x <= own][-sentences:]
    lowest = earlier[0] if earlier else own
    return [f for f in figures if lowest <= _offset(f) < own + len(anchor.sentence)]


def _check_out(label: str, anchor: Figure, check: compute.Check, sources: Sequence[Figure]) -> FigureOut:
    return FigureOut(
        label=label,
        subject=anchor.subject,
        measure=anchor.measure,
        period=anchor.period,
        value=abs(round(check.discrepancy, 1)),
        unit=check.unit,
        kind="check",
        formula=check.formula,
        ok=check.ok,
        sources=sources_of(*sources),
    )

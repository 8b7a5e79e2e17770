"""One function per operation: the figures it computes from the operands it finds. Arithmetic is in
`assistant.compute` (pure, tested); here only the choice of operands and the formula shown with them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant import compute
from assistant.answering.checks import checks_for, share_parts, sources_of
from assistant.answering.models import Ask, FigureOut, Side, Source
from assistant.answering.operands import (
    DURATION_MEASURES,
    Pool,
    admissible,
    asked_text,
    fit,
    is_part_of_year,
    is_whole_year,
    moment_fit,
    names_measure,
    own_phrase,
    ranked,
    unit_fits,
)
from assistant.answering.parse import LEFT_OF_BUDGET
from assistant.answering.similarity import contains_name
from index.extract.counted import gender_of
from index.extract.outcomes import destination_in, outcomes_in
from index.lexical import fold
from index.models import Figure
from index.numbers import format_swedish

_COSTS = ("utfall", "kostnad")
_PEOPLE_TOTALS = ("deltagare", "inskrivna", "unga", "ungdomar", "elever", "klienter")


def stated(figure: Figure) -> FigureOut:
    return FigureOut(
        label=f"{figure.measure} ({figure.subject})" if figure.subject else figure.measure,
        subject=figure.subject,
        measure=figure.measure,
        period=figure.period,
        value=figure.value,
        unit=figure.unit,
        kind="stated",
        sources=sources_of(figure),
    )


def _computed(
    label: str,
    subject: str,
    measure: str,
    period: str,
    value: float,
    unit: str,
    formula: str,
    operands: Sequence[Figure],
) -> FigureOut:
    return FigureOut(
        label=label,
        subject=subject,
        measure=measure,
        period=period,
        value=value,
        unit=unit,
        kind="computed",
        formula=formula,
        sources=sources_of(*operands),
    )


@dataclass
class Result:
    lead: list[FigureOut]
    operands: list[Figure]


def lookup(ask: Ask, pool: Pool) -> Result:
    fits = [f for f in pool.figures if admissible(f, ask, pool=pool) and names_measure(ask, f)]
    fits = [f for f in fits if unit_fits(f, ask.unit)] or []
    best = ranked(fits, ask, pool)
    return Result([stated(best[0])] if best else [], best[:1])


# --- shares ----------------------------------------------------------------------------------------


def _gender_asked(text: str) -> str | None:
    t = fold(text)
    if re.search(r"kvinn|flick|tjej", t):
        return "kvinnor"
    if re.search(r"\bman\b|\bmannen\b|pojk|kill", t):
        return "män"
    return None


def same_insats(a: Figure, b: Figure) -> bool:
    """One organisation's one insats: a computation never joins a figure of one federation to
    another's, however alike their insatser are named ('Bryggan' in two federations)."""
    if a.organisation != b.organisation:
        return False
    sa, sb = fold(a.subject), fold(b.subject)
    return sa == sb or (
        bool(sa) and bool(sb) and (contains_name(a.subject, b.subject) or contains_name(b.subject, a.subject))
    )


def _same_place(a: Figure, b: Figure) -> bool:
    return a.report_id == b.report_id and a.subject == b.subject and a.period == b.period


def _people_total(candidates: Sequence[Figure], like: Figure, ask: Ask, pool: Pool) -> Figure | None:
    totals = [
        f
        for f in candidates
        if _same_place(f, like)
        and f.unit == "personer"
        and f.role != "part"
        and not gender_of(f.measure)
        and (f.measure in _PEOPLE_TOTALS or f.role == "total")
        and f.pair_side != "before"
    ]
    return max(totals, key=lambda f: (f.role == "total", f.chunk_id == like.chunk_id, f.value), default=None)


def _of_everyone(measure: str, gender: str) -> bool:
    """'kvinnor', 'kvinnor inskrivna': the women among all; not 'kvinnor till arbete'."""
    rest = measure.split()[1:]
    return measure.split()[:1] == [gender] and all(w in _PEOPLE_TOTALS for w in rest)


def share(ask: Ask, pool: Pool) -> Result:
    cands = [f for f in pool.figures if admissible(f, ask, pool=pool)]
    gender = _gender_asked(" ".join(ask.part))
    if gender:
        parts = [
            f
            for f in cands
            if gender_of(f.measure) == gender and _of_everyone(f.measure, gender) and f.unit == "personer"
        ]
        for part in ranked(parts, ask, pool, ask.part):
            whole = next((f for f in cands if f.group and f.group == part.group and f.role == "total"), None)
            whole = whole or _people_total(cands, part, ask, pool)
            if whole and whole.value > 0 and part.value <= whole.value:
                r = compute.share(part.value, whole.value)
                return Result(
                    [
                        _computed(
                            f"andel {gender}",
                            whole.subject,
                            f"andel {gender}",
                            whole.period,
                            round(r.value, 1),
                            "procent",
                            r.formula,
                            [part, whole],
                        )
                    ],
                    [part, whole],
                )
    outcome = destination_in(asked_text(ask.text))
    if outcome and outcome not in ("avslutade", "inskrivna"):
        finished = "avslutade" in outcomes_in(ask.text)  # 'av de avslutade', 'av dem som lämnade'
        seen: set[tuple[str, str, str]] = set()
        for anchor in ranked(cands, ask, pool, ask.part):
            key = (anchor.report_id, anchor.subject, anchor.period)
            if key in seen or anchor.unit != "personer":
                continue
            seen.add(key)
            here = [f for f in cands if _same_place(f, anchor) and f.pair_side != "before"]
            if not share_parts(here, [outcome]):
                continue
            if finished:
                wholes = [
                    f for f in here if f.measure == "avslutade" and f.role != "part" and f.unit == "personer"
                ]
                whole = max(wholes, key=lambda f: (f.chunk_id == anchor.chunk_id, f.value), default=None)
            else:
                whole = _people_total(here, anchor, ask, pool)
            # the parts the whole's own passage states; another passage's counts are of another group
            near = [f for f in here if whole is not None and f.chunk_id == whole.chunk_id]
            parts = share_parts(near, [outcome]) or share_parts(here, [outcome])
            part_value = sum(p.value for p in parts)
            if whole is None or whole.value == 0 or part_value > whole.value:
                continue
            r = compute.share(part_value, whole.value)
            formula = (
                r.formula
                if len(parts) == 1
                else (
                    f"({' + '.join(format_swedish(p.value, None) for p in parts)}) / "
                    f"{format_swedish(whole.value, None)} = {format_swedish(r.value, 'procent')}"
                )
            )
            base = "avslutade" if finished else "deltagare"
            return Result(
                [
                    _computed(
                        f"andel {outcome} av {base}",
                        whole.subject,
                        f"andel {outcome}",
                        whole.period,
                        round(r.value, 1),
                        "procent",
                        formula,
                        [*parts, whole],
                    )
                ],
                [*parts, whole],
            )
    # No counts to divide: a stated percentage of the same kind, else a named item of a whole.
    stated_pct = [f for f in cands if f.unit == "procent" and names_measure(ask, f, ask.part or ask.measure)]
    best = ranked(stated_pct, ask, pool, ask.part or ask.measure)
    own_named = [f for f in best if any(contains_name(n, own_phrase(f)) for n in ask.names)]
    # an outcome asked of a named insats is a count of that outcome, never another figure of the insats
    if (
        ask.names
        and not own_named
        and not gender
        and not (outcome and outcome not in ("avslutade", "inskrivna"))
    ):
        of_whole = _share_of_named(ask, pool, cands)
        if of_whole.lead:
            return of_whole
    return Result([stated(best[0])] if best else [], best[:1])


_AGE_ASKED = re.compile(r"\b(?:yngre|aldre) an\b|\b(?:under|over) \d+ ar\b|\balder\w*|\b\d+ ?[-–] ?\d+ ar\b")


def _share_of_named(ask: Ask, pool: Pool, cands: Sequence[Figure]) -> Result:
    """A named item's share of the whole it is part of: 'hur många procent av medlemsavgifterna kom från
    Sandvik kommun' is Sandvik kommun's amount over the stated total of the same report and period."""
    whole_words = ask.whole or ask.measure
    if _AGE_ASKED.search(fold(ask.text)):
        return Result([], [])  # 'andel … yngre än 30 år' asks for an age group: no named item's share is it

    def named(f: Figure) -> str | None:
        own = own_phrase(f)
        return next((n for n in ask.names if contains_name(n, own) or contains_name(n, f.subject)), None)

    parts = [f for f in cands if f.unit in ("kr", "personer") and f.pair_side != "before" and named(f)]
    for part in ranked(parts, ask, pool)[:3]:
        wholes = [
            w
            for w in pool.figures
            if w.report_id == part.report_id
            and w.period == part.period
            and w.unit == part.unit
            and w.value > part.value
            and not any(contains_name(n, own_phrase(w)) for n in ask.names)
            and names_measure(ask, w, whole_words)
            # an insats's count is a share of the organisation's or a stated total, never of another
            # insats's own count; a payer's line (a list row) is a share of its list's caption
            and (
                part.table_row
                or w.subject == w.organisation
                or w.role == "total"
                or w.subject.lower().startswith(("summa", "totalt"))
            )
        ]
        if not wholes:
            continue
        whole = max(wholes, key=lambda w: (fit(w, ask, pool, whole_words), w.role == "total", w.value))
        r = compute.share(part.value, whole.value)
        name = named(part) or ""
        return Result(
            [
                _computed(
                    f"andel {name} av {whole.measure}",
                    name,
                    f"andel av {whole.measure}",
                    whole.period,
                    round(r.value, 1),
                    "procent",
                    r.formula,
                    [part, whole],
                )
            ],
            [part, whole],
        )
    return Result([], [])


# --- changes and differences -----------------------------------------------------------------------


def _series_point(
    cands: Sequence[Figure], ask: Ask, pool: Pool, year: int, like: Figure | None
) -> Figure | None:
    points = [
        f
        for f in cands
        if str(year) in f.period
        and (like is None or ((f.measure == like.measure or _same_kind(f, like)) and same_insats(f, like)))
        and (like is None or f.unit == like.unit)
    ]
    # a report may call the year's participants 'inskrivna' and the next 'deltagare': the same kind; a
    # year is compared by its whole-year figure where there is one, not by a half-year's
    return max(
        points,
        key=lambda f: (is_whole_year(f.period), round(fit(f, ask, pool), 1), f.role == "total", f.value),
        default=None,
    )


def change(ask: Ask, pool: Pool) -> Result:
    if len(set(ask.years)) <= 1:
        genders = _between_genders(ask, pool)
        if genders.lead:
            return genders
    if len(ask.names) >= 2 and len(set(ask.years)) <= 1:
        between = _between_names(ask, pool)
        if between.lead:
            return between
    sides = _between_sides(ask, pool)
    if sides.lead:
        return sides
    allowed = [f for f in pool.figures if admissible(f, ask, years=(), pool=pool)]
    base = [f for f in allowed if names_measure(ask, f) and unit_fits(f, ask.unit) and f.unit != "procent"]
    # a measure called otherwise in the other year's report ('Medlemsavgifter 2025' in the plan, the
    # list under 'Medlemmarna bidrog 2024 med …' read as 'tilldelning') is still the same measure
    named = {id(f) for f in base}
    base += [
        f
        for f in allowed
        if id(f) not in named
        and f.unit != "procent"
        and any(_same_kind(f, b) and same_insats(f, b) and f.period != b.period for b in base)
    ]
    old = new = None
    if ask.part_year is not None and len(set(ask.years)) <= 1:
        old, new = _part_against_whole(base, ask, pool) or (None, None)
    if old is None and len(set(ask.years)) >= 2:
        old, new = _balance_span(base, ask, pool) or (None, None)
    if old is None and len(ask.years) >= 2:
        y0, y1 = min(ask.years), max(ask.years)
        anchors = ranked([f for f in base if f.period in (str(y0), str(y1))], ask, pool)
        # a year against a year: a pair of whole years first, a half-year only where nothing else is stated
        pairs = [
            (_series_point(base, ask, pool, y0, a), _series_point(base, ask, pool, y1, a)) for a in anchors
        ]
        pairs = [(o, n) for o, n in pairs if o and n]
        whole = [(o, n) for o, n in pairs if is_whole_year(o.period) and is_whole_year(n.period)]
        old, new = (whole or pairs or [(None, None)])[0]
    if old is None or new is None:
        pairs = [
            f for f in base if f.pair_side == "after" and (not ask.years or str(max(ask.years)) in f.period)
        ]
        for after in ranked(pairs, ask, pool):
            before = next((f for f in base if f.pair_id == after.pair_id and f.pair_side == "before"), None)
            if before:
                old, new = before, after
                break
    if (old is None or new is None) and len(set(ask.years)) == 1:
        # 'förändringen av det egna kapitalet under 2016': the year against the year before it
        y1 = ask.years[0]
        # an amount (a balance) as it stood at each year's end, not an opening balance stated in the same
        # year; a count of people is the year's count, not who was left at its end
        at_end = replace(ask, moment=ask.moment or "end") if ask.unit == "kr" else ask
        for anchor in ranked([f for f in base if f.period == str(y1)], at_end, pool):
            old = _series_point(base, at_end, pool, y1 - 1, anchor)
            new = _series_point(base, at_end, pool, y1, anchor)
            if old and new:
                break
        else:
            old = new = None
    if old is None or new is None:
        return Result([], [])
    span = f"{old.period}–{new.period}" if old.period != new.period else new.period
    out: list[FigureOut] = []
    diff = compute.difference(old.value, new.value, new.unit)
    diff_out = _computed(
        f"skillnad {new.measure} {span}",
        new.subject,
        new.measure,
        span,
        diff.value,
        new.unit,
        diff.formula,
        [old, new],
    )
    if old.value:
        pct = compute.change(old.value, new.value)
        pct_out = _computed(
            f"förändring {new.measure} {span}",
            new.subject,
            new.measure,
            span,
            round(pct.value, 1),
            "procent",
            pct.formula,
            [old, new],
        )
        # 'med hur många procent': the percent named wins over 'hur många'
        # a duration changes by months or days, as a count by people: the percent only when asked for
        absolute = (ask.absolute or new.unit == "kr" or new.measure in DURATION_MEASURES) and not ask.percent
        out = [diff_out, pct_out] if absolute else [pct_out, diff_out]
    else:
        out = [diff_out]
    return Result(out, [old, new])


_FROM_START_OF = re.compile(
    r"\b(?:borjan|ingang\w*|ingaende|inledning\w*)\s+(?:av\s+)?(?:aret\s+)?((?:19|20)\d\d)\b"
)
_TO_END_OF = re.compile(r"\b(?:slut\w*|utgang\w*|utgaende)\s+(?:av\s+)?(?:aret\s+)?((?:19|20)\d\d)\b")


def _balance_span(base: Sequence[Figure], ask: Ask, pool: Pool) -> tuple[Figure, Figure] | None:
    """'Från ingången av 2022 till utgången av 2023': the balance stated at the first year's start
    against the one at the last year's end (each year's report states its own opening and closing)."""
    folded = fold(ask.text)
    start, end = _FROM_START_OF.search(folded), _TO_END_OF.search(folded)
    if not (start and end) or start.group(1) >= end.group(1):
        return None

    def at(year: str, moment: str) -> Figure | None:
        here = [f for f in base if f.period == year]
        stated = [f for f in here if moment_fit(moment, f"{own_phrase(f)} {f.sentence}") > 0]
        best = ranked(stated, replace(ask, moment=moment), pool)
        return best[0] if best else None

    old, new = at(start.group(1), "start"), at(end.group(1), "end")
    return (old, new) if old and new and old.unit == new.unit else None


def _part_against_whole(base: Sequence[Figure], ask: Ask, pool: Pool) -> tuple[Figure, Figure] | None:
    """'Hur många fler … vid årets slut jämfört med läget i delårsrapporten': the year's figure against
    the same measure's in the part of that year the question names."""
    whole_ask = replace(ask, part_year=None)
    wholes = [f for f in base if re.fullmatch(r"(19|20)\d\d", f.period)]
    for new in ranked(wholes, whole_ask, pool):
        parts = [
            f
            for f in base
            if f.period.startswith(new.period)
            and is_part_of_year(f.period, ask.part_year or 0)
            and f.unit == new.unit
            and (f.measure == new.measure or _same_kind(f, new))
            and same_insats(f, new)
        ]
        if parts:
            return max(parts, key=lambda f: fit(f, ask, pool)), new
    return None


# What a side of a comparison says it is about: a forecast, a budget (a plan, a goal) or what happened.
# ('delårsprognosen', 'helårsbudgeten': the word may end a compound)
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("prognos", re.compile(r"prognos\w*|\bberakna\w*|\bvantad\w*|\bvantas\b")),
    ("budget", re.compile(r"budget\w*|\bplaner\w*|\bmal(?:et)?\b")),
    (
        "utfall",
        re.compile(
            r"\bkostade\b|\bkostat\b|\bfaktisk\w*|\butfall\w*|\bblev\b|\bverklig\w*|\bredovisa\w*|\bslutade\b"
        ),
    ),
)
# '60 tkr mer än budget': a deviation from the plan, no outcome of its own
# ('… 4 187 650 kr, vilket är lägre än budget' is an outcome said to be below its budget)
_FROM_PLAN = re.compile(
    r"^\W*(?:kr|kronor|tkr|mkr)?\W*(?:mer|mindre|lagre|hogre|over|under) (?:an )?(?:budget|prognos)"
)


def side_kind(text: str) -> str | None:
    """'prognos', 'budget' or 'utfall': what one side of a comparison is about, by its first kind word."""
    folded = fold(text)
    return next((kind for kind, pattern in _KINDS if pattern.search(folded)), None)


def _kind_word(word: str) -> bool:
    return any(pattern.search(fold(word)) for _, pattern in _KINDS)


def figure_kind(figure: Figure) -> str | None:
    """A figure's kind by its measure or the words its own phrase opens with; a plan's deviation
    ('60 tkr mer än budget') is of none."""
    at = figure.phrase.find(figure.raw)
    after = fold(figure.phrase[at + len(figure.raw) :]) if at >= 0 else ""
    if _FROM_PLAN.search(after):
        return None
    own = fold(f"{figure.measure} {_before_number(figure)}")
    planned = next((kind for kind, pattern in _KINDS[:2] if pattern.search(own)), None)
    return planned or "utfall"


def _side_pick(
    side: Side, other: Side, ask: Ask, pool: Pool, organisations: tuple[str, ...] = ()
) -> Figure | None:
    """The figure one side of a comparison names: its own words without its kind words, with the other
    side's money noun where it names none ('prognosen … mot budgeten för resultatet'), or the other side's
    words for 'än vad det faktiskt blev'; its own years (or the other's); and its kind — a side about
    what something cost is never answered by a budget, nor one about a forecast by the budget."""
    own = tuple(w for w in side.measure if not _kind_word(w))
    head = side.head or other.head
    words = own or tuple(w for w in other.measure if not _kind_word(w))
    if head and head not in words:
        words = (*words, head)
    kind = side_kind(side.text)
    one = replace(
        ask,
        operation="lookup",
        measure=words,
        head=head,
        sides=(),
        years=side.years or other.years or ask.years,
        part_year=side.part_year,
        organisations=organisations or ask.organisations,
    )
    cands = [
        f
        for f in pool.figures
        if admissible(f, one, pool=pool)
        and unit_fits(f, ask.unit)
        and f.unit != "procent"
        and f.pair_side != "before"
        and (kind is None or figure_kind(f) == kind)
    ]
    # 'vad insatsen kostade': the outcome column or a stated cost, where the words alone do not say so
    cost = kind == "utfall" and re.search(r"\bkost", fold(side.text))
    return max(
        cands, key=lambda f: fit(f, one, pool) + (1.0 if cost and f.measure in _COSTS else 0.0), default=None
    )


def _between_sides(ask: Ask, pool: Pool) -> Result:
    """A comparison of two different things, each side its own measure or period: 'Hur mycket mer har X i
    budget för 2025 än vad insatsen kostade 2024?', 'prognosen … jämfört med hur det faktiskt blev'. The
    first side minus the second ('mindre/färre/lägre … än' the other way). A comparison of one measure over
    years or insatser is left to the ordinary change."""
    if len(ask.sides) != 2:
        return Result([], [])
    first, second = ask.sides
    kinds = (side_kind(first.text), side_kind(second.text))
    # two things compared: a plan against what happened, or two money nouns ('kostnaderna … än
    # intäkterna'); words that only place a side in time ('läget i delårsrapporten') are no measure
    heads = {fold(h)[:4] for h in (first.head, second.head) if h}
    two_kinds = None not in kinds and kinds[0] != kinds[1]
    if not two_kinds and len(heads) < 2:
        return Result([], [])  # 'mer kostade X 2024 jämfört med 2023': one thing in two years
    a = _side_pick(first, second, ask, pool)
    # both sides are of one organisation: the one whose figure the first side found
    b = _side_pick(second, first, ask, pool, (a.organisation,)) if a else None
    if a is None or b is None or a.figure_id == b.figure_id or a.unit != b.unit:
        return Result([], [])
    if not two_kinds and (a.measure == b.measure or _same_kind(a, b)):
        return Result([], [])  # one measure on both sides: a change between years or insatser
    # a side is named by its kind where it says one ('prognos − utfall' of two 'kostnad' figures)
    names = [kinds[0] or a.measure, kinds[1] or b.measure]
    if re.search(r"\b(farre|mindre|lagre|billigare)\b", fold(first.text)):
        a, b = b, a
        names.reverse()
    diff = compute.difference(b.value, a.value, a.unit)
    span = a.period if a.period == b.period else f"{a.period} − {b.period}"
    label = a.subject if a.subject == b.subject else f"{a.subject}, {b.subject}"
    return Result(
        [
            _computed(
                f"skillnad {names[0]} − {names[1]} ({label})",
                label,
                f"{names[0]} − {names[1]}",
                span,
                diff.value,
                a.unit,
                diff.formula,
                [a, b],
            )
        ],
        [a, b],
    )


def names_in_order(ask: Ask) -> list[str]:
    """The question's names in the order it writes them ('fler … i Steget Vidare än i Hälsolots'); a
    subject's display name ('MySam (Myndighetsgemensam samverkan)') is found by any of its forms."""
    text = fold(ask.text)

    def position(name: str) -> int:
        forms = [name, *re.split(r"\s*[()]\s*", name), *name.split()[:1]]
        found = [text.find(fold(f)) for f in forms if f.strip()]
        return min((i for i in found if i >= 0), default=len(text))

    return sorted(ask.names, key=lambda n: (position(n), n))


_COMPARED = re.compile(r"\b(?:fler|farre)\s+(\w+)\s+an\s+(\w+)")


def _gender_word(folded: str) -> str | None:
    """'kvinnor', 'kvinnorna' → 'kvinnor'; 'man', 'mannen', 'man' (folded 'män') → 'män'."""
    if folded.startswith("kvinn"):
        return "kvinnor"
    if folded in ("man", "mannen", "mannan"):
        return "män"
    return None


def _between_genders(ask: Ask, pool: Pool) -> Result:
    """'Hur många fler män än kvinnor deltog i X': the two counts of one stated group ('96 personer,
    varav 44 kvinnor och 52 män'), the first named minus the second."""
    m = _COMPARED.search(fold(ask.text))
    if not m:
        return Result([], [])
    first, second = (_gender_word(w) for w in m.groups())
    if not first or not second or first == second:
        return Result([], [])
    if m.group(0).startswith("farre"):
        first, second = second, first  # 'färre män än kvinnor' is kvinnor − män
    cands = [f for f in pool.figures if admissible(f, ask, pool=pool) and f.group and f.unit == "personer"]
    rest = [w for w in ask.measure if not _gender_word(fold(w))]
    whole_ask = replace(ask, measure=tuple(rest), head=None)
    totals = [f for f in cands if f.role == "total" and not gender_of(f.measure)]
    for total in ranked(totals, whole_ask, pool):
        of_group = {f.measure: f for f in cands if f.group == total.group and f.role == "part"}
        a, b = of_group.get(first), of_group.get(second)
        if a and b:
            diff = compute.difference(b.value, a.value, "personer")
            return Result(
                [
                    _computed(
                        f"skillnad {first} − {second} ({total.subject})",
                        total.subject,
                        f"{first} − {second}",
                        total.period,
                        diff.value,
                        "personer",
                        diff.formula,
                        [a, b, total],
                    )
                ],
                [a, b, total],
            )
    return Result([], [])


def _between_names(ask: Ask, pool: Pool) -> Result:
    """The difference between two insatser's figures of one kind and period: the first named minus the
    second ('Hur många fler deltagare hade A än B 2024?')."""
    # 'hur mycket mer kostade A än B': what an insats cost is its outcome (utfall) or stated cost
    cost = ask.unit == "kr" and bool(re.search(r"\bkost", fold(ask.text)))
    picks: list[Figure] = []
    for name in names_in_order(ask)[:2]:
        one = replace(ask, names=(name,), operation="lookup")
        cands = [
            f
            for f in pool.figures
            if contains_name(name, f.subject)  # the insats's own figure, not one its sentence names
            and admissible(f, one, pool=pool)
            and (names_measure(one, f) or (cost and f.measure in _COSTS))
            and unit_fits(f, ask.unit)
            and f.unit != "procent"
            and f.pair_side != "before"
            and (not picks or (f.period == picks[0].period and f.unit == picks[0].unit))
        ]
        best = sorted(cands, key=lambda f: (cost and f.measure in _COSTS, fit(f, one, pool)), reverse=True)
        if not best:
            return Result([], [])
        picks.append(best[0])
    if re.search(r"\b(farre|mindre|lagre)\b", fold(ask.text)):
        picks.reverse()  # 'hur många färre … hade A än B' is B − A
    a, b = picks
    if a.subject == b.subject:
        return Result([], [])
    diff = compute.difference(b.value, a.value, a.unit)
    return Result(
        [
            _computed(
                f"skillnad {a.measure} {a.subject} − {b.subject}",
                f"{a.subject}, {b.subject}",
                a.measure,
                a.period,
                diff.value,
                a.unit,
                diff.formula,
                [a, b],
            )
        ],
        [a, b],
    )


# --- sums ------------------------------------------------------------------------------------------


def _same_period(a: str, b: str) -> bool:
    """'2024' and '2024-01-01 – 2024-12-31' are one period."""
    return a == b or (is_whole_year(a) and is_whole_year(b) and a[:4] == b[:4])


def _same_kind(a: Figure, b: Figure) -> bool:
    if a.unit != b.unit:
        return False
    people = a.unit == "personer" and a.measure in _PEOPLE_TOTALS and b.measure in _PEOPLE_TOTALS
    # what a member pays is 'tilldelning' in one report's sentence and a plain amount in another's list
    paid = a.unit == "kr" and all(_PAID.fullmatch(fold(m)) for m in (a.measure, b.measure))
    return a.measure == b.measure or people or paid


# what a member pays: 'tilldelning', a list's plain 'belopp', a table's 'Avgift 2025' or 'Medlemsavgifter'
_PAID = re.compile(r"tilldelning|belopp|(?:medlems)?avgift(?:er|erna|en)?")


def total(ask: Ask, pool: Pool) -> Result:
    """Sum of one figure per insats, over the insatser that meet the question's names and period."""
    kin = [
        f
        for f in pool.figures
        if admissible(f, ask, pool=pool)
        and f.role != "part"
        and f.pair_side != "before"
        and not (f.table_row and f.unit == "kr")  # a budget table's rows add up to its own sum row
        and unit_fits(f, ask.unit)
        and f.subject != f.organisation
        and f.unit != "procent"
    ]
    cands = [f for f in kin if names_measure(ask, f)]
    best_of: dict[str, Figure] = {}
    for f in sorted(cands, key=lambda f: (-(round(fit(f, ask, pool), 1)), -f.value)):
        best_of.setdefault(f.subject, f)
    if not best_of:
        return Result([], [])
    lead = max(best_of.values(), key=lambda f: fit(f, ask, pool))
    # one figure per insats of the lead's kind: 'deltagare', 'inskrivna' and 'unga' all count who took part
    # of an insats's counts in the period the largest is the period's: the others are its parts or what
    # was left at its end ('Vid utgången av 2023 var 18 deltagare inskrivna')
    of_kind: dict[str, Figure] = {}
    # an insats whose count is written in other words ('22 föräldrar har skrivits in') is still one of them
    # each insats's count of the lead's period first ('januari–augusti': not the year's larger count)
    for f in sorted(kin, key=lambda f: (f.period != lead.period, -f.value)):
        one_org = len(ask.organisations) > 1 or f.organisation == lead.organisation
        if _same_kind(f, lead) and one_org:
            of_kind.setdefault(f.subject, f)
    parts = sorted(of_kind.values(), key=lambda f: -fit(f, ask, pool))
    in_period = [f for f in parts if _same_period(f.period, lead.period)]
    if len(in_period) >= 2:
        parts = in_period  # an insats without a count in the lead's period is not in its sum
    if ask.items:
        parts = parts[: ask.items]
    stated_totals = [
        f
        for f in pool.figures
        if admissible(f, ask, pool=pool)
        and f.subject == f.organisation
        and re.search(r"sammanlagt|totalt|sammantaget|tillsammans", fold(f.phrase))
        and names_measure(ask, f)
        and f.unit == lead.unit
    ]
    out = [stated(f) for f in stated_totals[:1]]
    if len(parts) >= 2:
        r = compute.total([p.value for p in parts], lead.unit)
        subjects = ", ".join(dict.fromkeys(p.subject for p in parts))
        out.insert(
            0,
            _computed(
                f"summa {lead.measure}",
                subjects,
                lead.measure,
                lead.period,
                r.value,
                lead.unit,
                r.formula,
                parts,
            ),
        )
    return Result(out, parts)


# --- money: per participant, budget overrun, budget used ------------------------------------------


def _budget_row(ask: Ask, pool: Pool) -> tuple[Figure, Figure] | None:
    rows: dict[str, dict[str, Figure]] = {}
    for f in pool.figures:
        if f.table_row and f.group and admissible(f, ask, pool=pool):
            rows.setdefault(f.group, {})[f.measure] = f
    text = fold(ask.text)
    # 'vad beräknas X kosta för helåret enligt prognosen': the forecast, where the row states one
    spent = "prognos" if _FORECAST.search(text) and any("prognos" in r for r in rows.values()) else "utfall"
    # 'hur stor del av årsbudgeten …' at the half-year: the year's budget, where the row states it; a
    # table with only the year's budget ('Budget helår') has no other
    wanted = (
        ("årsbudget", "budget")
        if _YEAR_BUDGET.search(text) or spent == "prognos"
        else ("budget", "årsbudget")
    )
    for column in wanted:
        full = [r for r in rows.values() if spent in r and column in r]
        if full:
            best = max(full, key=lambda r: (fit(r[spent], ask, pool), r[spent].period))
            return best[spent], best[column]
    return None


# 'för helåret' is the forecast's period, not when it says whose: 'budget för helåret' is the budget
_FORECAST = re.compile(r"\bprognos\w*|\bberakna\w*|\bvantas\b|(?<!budget )(?<!budgeten )\bfor helaret\b")


_YEAR_BUDGET = re.compile(
    r"\barsbudget\w*|\bhelarsbudget\w*|\bbudget\w* for (hela )?aret\b|\bhela arets budget"
)


# The budget less the outcome: 'budget minus utfall', 'hur mycket lägre än budget', 'hur mycket sämre än
# budgeterat blev resultatet', 'hur mycket finns kvar av årsbudgeten'
_BUDGET_FIRST = re.compile(
    r"\bbudget\w*\s*(?:minus|-|−|–)\s*utfall|\b(?:lagre|mindre) an budget|\bunder budget"
    r"|(?<!battre eller )(?<!battre och )\bsamre an (?:\w+ )?budget\w*"  # not 'bättre eller sämre än'"
    rf"|{LEFT_OF_BUDGET}"
)


def _stated_against_budget(ask: Ask, pool: Pool) -> tuple[Figure, Figure] | None:
    """An outcome and its budget stated in one sentence of prose: 'Årets resultat blev −257 500 kr, att
    jämföra med ett budgeterat resultat på −450 000 kr'. The amount after 'budgeterat' is the budget, the
    one of the same measure before it the outcome ('underskott' is negative from the index)."""
    money = [f for f in pool.figures if f.unit == "kr" and not f.table_row and admissible(f, ask, pool=pool)]
    for budget in ranked([f for f in money if _BUDGETED.search(_before_number(f))], ask, pool):
        # in its sentence or the one before: 'Årets resultat blev ett underskott på 226 600 kr. Budgeterat
        # resultat var -210 000 kr'
        before = [
            f
            for f in money
            if (f.sentence == budget.sentence or _just_before(f, budget))
            and f.measure == budget.measure
            and f.char_start < budget.char_start
            and not _BUDGETED.search(_before_number(f))
        ]
        outcome = max(before, key=lambda f: f.char_start, default=None)  # the nearest before the budget
        if outcome is not None and names_measure(ask, outcome):
            return replace(outcome, measure="utfall"), replace(budget, measure="budget")  # signed at index
    return None


_BUDGETED = re.compile(r"\bbudgeter\w*(?:\s+\w+){0,3}\s*$")
_NEXT_SENTENCE = 250  # characters from an outcome to the budget stated in the sentence after it


def _just_before(f: Figure, budget: Figure) -> bool:
    return (
        f.chunk_id == budget.chunk_id
        and f.report_id == budget.report_id
        and 0 < budget.char_start - f.char_start <= _NEXT_SENTENCE
    )


def _before_number(f: Figure) -> str:
    """The folded words of a figure's phrase before its number ('… ett budgeterat resultat på')."""
    at = f.phrase.find(f.raw)
    return fold(f.phrase[:at] if at >= 0 else f.phrase).rstrip(" -−–")


def overrun(ask: Ask, pool: Pool) -> Result:
    row = _budget_row(ask, pool)
    stated = _stated_against_budget(ask, pool)
    # a table row of another post is no answer where one sentence states the measure asked and its budget
    if stated and (row is None or fit(stated[0], ask, pool) >= fit(row[0], ask, pool)):
        row = stated
    if row is None:
        return Result([], [])
    outcome, budget = row
    label = outcome.subject
    if _BUDGET_FIRST.search(fold(ask.text)):
        # 'budget minus utfall': the question's own direction (what is left of the budget)
        diff = compute.difference(outcome.value, budget.value, "kr")
        spent, planned = format_swedish(outcome.value, "kr"), format_swedish(budget.value, "kr")
        formula = f"{budget.measure} {planned} − {outcome.measure} {spent}"
        title = f"{budget.measure} mot {outcome.measure} ({label})"
    else:
        diff = compute.difference(budget.value, outcome.value, "kr")
        spent, planned = format_swedish(outcome.value, "kr"), format_swedish(budget.value, "kr")
        formula = f"{outcome.measure} {spent} − {budget.measure} {planned}"
        title = f"{outcome.measure} mot {budget.measure} ({label})"
    kr = _computed(
        title,
        label,
        "avvikelse",
        outcome.period,
        diff.value,
        "kr",
        f"{formula} = {format_swedish(diff.value, 'kr')}",
        [outcome, budget],
    )
    out = [kr]
    if budget.value:
        pct = round((outcome.value - budget.value) / budget.value * 100, 1)
        pct_out = _computed(
            f"utfall mot budget i procent ({label})",
            label,
            "avvikelse",
            outcome.period,
            pct,
            "procent",
            f"({format_swedish(outcome.value, None)} − {format_swedish(budget.value, None)})"
            f" / {format_swedish(budget.value, None)} = {format_swedish(pct, 'procent')}",
            [outcome, budget],
        )
        out = [pct_out, kr] if ask.percent else [kr, pct_out]
    return Result(out, [outcome, budget])


def budget_used(ask: Ask, pool: Pool) -> Result:
    row = _budget_row(ask, pool)
    if row is None or not row[1].value:
        return Result([], [])
    outcome, budget = row
    r = compute.budget_used(outcome.value, budget.value)
    return Result(
        [
            _computed(
                f"andel av budgeten som användes ({outcome.subject})",
                outcome.subject,
                "budget använd",
                outcome.period,
                round(r.value, 1),
                "procent",
                r.formula,
                [outcome, budget],
            )
        ],
        [outcome, budget],
    )


def per_unit(ask: Ask, pool: Pool) -> Result:
    cands = [f for f in pool.figures if admissible(f, ask, pool=pool)]
    money = [f for f in cands if f.unit == "kr" and f.measure not in ("budget", "avvikelse", "årsbudget")]
    money.sort(key=lambda f: (f.measure in ("utfall", "kostnad"), fit(f, ask, pool)), reverse=True)
    for amount in money[:3]:
        people = [
            f
            for f in cands
            if f.unit == "personer"
            and f.role != "part"
            and not gender_of(f.measure)
            and f.period == amount.period
            and f.pair_side != "before"
            and f.measure in _PEOPLE_TOTALS
            and same_insats(f, amount)
        ]
        if not people:
            continue
        count = max(people, key=lambda f: (f.role == "total", f.value))
        if not count.value:
            continue
        # a cost is often written with a minus sign in a budget table ('Ankaret -1 372'): it is still a cost
        r = compute.per_unit(abs(amount.value), count.value, "kr")
        return Result(
            [
                _computed(
                    f"kostnad per deltagare ({amount.subject})",
                    amount.subject,
                    "kostnad per deltagare",
                    amount.period,
                    float(round(r.value)),
                    "kr",
                    r.formula,
                    [amount, count],
                )
            ],
            [amount, count],
        )
    return Result([], [])


# --- checks ----------------------------------------------------------------------------------------


def check(ask: Ask, pool: Pool) -> Result:
    near = [f for f in pool.figures if pool.rank_of(f) < 99 or admissible(f, ask, pool=pool)]
    found = checks_for(near)
    relevant = [c for c in found if _check_admissible(c, ask)] or found
    relevant.sort(key=lambda c: (c.ok is not False, _check_rank(c, pool)))
    return Result(relevant[:3], [])


def _check_admissible(c: FigureOut, ask: Ask) -> bool:
    from assistant.answering.similarity import contains_name

    # the section a source stands in names its insats too ('INSATSER › Bron')
    text = f"{c.subject} {' '.join(f'{s.section} {s.quote}' for s in c.sources)}"
    years = {str(y) for y in ask.years}
    return all(contains_name(n, text) for n in ask.names) and (not years or c.period in years)


def _check_rank(c: FigureOut, pool: Pool) -> int:
    quotes = {s.quote for s in c.sources}
    return min((pool.rank_of(f) for f in pool.figures if f.sentence in quotes), default=99)


# --- names, dates, lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PassageText:
    """A retrieved passage as text, for answers that are not among the extracted figures (dates, lists)."""

    report: str
    page: int
    text: str
    section: str = ""
    organisation: str = ""


_DATE_OR_YEAR = re.compile(r"(?<![\d-])((?:19|20)\d\d)(?:-\d\d-\d\d)?(?![\d-])")
_ENUMERATION = re.compile(r"([^,.;:]+(?:,\s*[^,.;:]+){1,}\s+(?:och|samt)\s+[^,.;:]+)")


_BULLET = re.compile(r"^\s*(?:[-–—•*▪·]|\d{1,2}[.)])\s+(\S.*)$")


def bullets_after(passage: str, sentence: str) -> list[str]:
    """The bulleted or numbered lines right after a sentence that ends with a colon ('Under 2023
    genomfördes följande aktiviteter:' and its '– …' lines); empty when it introduces none."""
    head = sentence.rstrip()
    if not head.endswith(":"):
        return []
    tail = " ".join(head.split()[-6:])
    flat = re.sub(r"\s+", " ", passage)
    at = flat.find(tail)
    if at < 0:
        return []
    # the same place in the passage with its line breaks: count words up to the end of the sentence
    words_before = len(flat[: at + len(tail)].split())
    lines = passage.split("\n")
    counts = [len(line.split()) for line in lines]
    last = next(i for i in range(len(lines)) if sum(counts[: i + 1]) >= words_before)
    items: list[str] = []
    for line in lines[last + 1 :]:
        if not line.strip():
            if items:
                break
            continue
        m = _BULLET.match(line)
        if not m:
            break
        items.append(m.group(1).strip())
    return items


def best_sentences(ask: Ask, stems: set[str], passages: Sequence[PassageText], top: int = 3):
    from index.extract import sentences
    from index.lexical import stem

    scored = []
    for rank, p in enumerate(passages[:top]):
        for sent in sentences(p.text):
            ws = {stem(w.lower()) for w in re.findall(r"[^\W_]+", sent.text)}
            scored.append((len(stems & ws) - 0.1 * rank, rank, sent.text, p))
    return [(text, p) for score, _, text, p in sorted(scored, key=lambda x: (-x[0], x[1])) if score > 0]


def year_of_event(ask: Ask, stems: set[str], passages: Sequence[PassageText]) -> Result:
    for text, p in best_sentences(ask, stems, passages):
        m = _DATE_OR_YEAR.search(text)
        if m:
            return Result(
                [
                    FigureOut(
                        label="år",
                        subject="",
                        measure="år",
                        period=m.group(1),
                        value=float(m.group(1)),
                        unit="år",
                        kind="stated",
                        formula=f"ur texten: {m.group(0)}",
                        sources=[Source(report=p.report, page=p.page, quote=text)],
                    )
                ],
                [],
            )
    return Result([], [])


def insatser_listed(ask: Ask, pool: Pool, organisation: str) -> Result:
    """'Vilka insatser drev förbundet 2025?': the insatser of the organisation that the reports give
    participants for in the period asked (each one's first such figure is its source)."""
    first: dict[str, Figure] = {}
    for f in pool.figures:
        if (
            f.organisation == organisation
            and f.subject
            and f.subject != organisation
            and f.unit == "personer"
            and (not ask.years or any(str(y) in f.period for y in ask.years))
        ):
            first.setdefault(f.subject, f)
    if len(first) < 2:
        return Result([], [])
    names = list(first)
    return Result(
        [
            _computed(
                "antal insatser",
                "",
                "antal",
                "",
                float(len(names)),
                "antal",
                f"{len(names)} insatser med deltagare: " + "; ".join(names),
                list(first.values()),
            )
        ],
        list(first.values()),  # one figure per insats: its subject is the insats listed
    )


def list_items(ask: Ask, pool: Pool, stems: set[str], passages: Sequence[PassageText]) -> Result:
    """The count of what a 'vilka …' question asks for. 'förbundet' in a question that names no federation
    is the top passage's (another's enumeration only when it enumerates none); 'vilka insatser …' is
    answered by the federation's insatser with participants in the year asked, unless a sentence enumerates
    those insatser for that year."""
    own = [p for p in passages if not ask.organisations and p.organisation == passages[0].organisation]
    listed = count_listed(ask, stems, own or passages)
    if not listed.lead and own:
        listed = count_listed(ask, stems, passages)
    if not (passages and _ASKS_INSATSER.search(fold(ask.text))):
        return listed
    org = ask.organisations[0] if len(ask.organisations) == 1 else passages[0].organisation
    insatser = insatser_listed(ask, pool, org)
    if insatser.lead and not (listed.lead and _enumerates(listed.lead[0], insatser.operands, ask)):
        return insatser
    return listed


# 'vilka (individinriktade) insatser …', 'vilka projekt …': the insatser themselves are asked for
_ASKS_INSATSER = re.compile(r"\bvilka (?:\w+ ){0,2}(?:insats|projekt)")


def _enumerates(listed: FigureOut, insatser: Sequence[Figure], ask: Ask) -> bool:
    """Whether an enumerating sentence names at least two of the insatser, and is of the year asked ('Under
    2023 bedrev förbundet fyra insatser: …' does not list 2024's)."""
    quote = " ".join(s.quote for s in listed.sources)
    named = sum(fold(f.subject) in fold(quote) for f in insatser)
    years = set(re.findall(r"\b(?:19|20)\d\d\b", quote))
    return named >= 2 and (not ask.years or not years or any(str(y) in years for y in ask.years))


def count_listed(ask: Ask, stems: set[str], passages: Sequence[PassageText]) -> Result:
    """The number of items the best-matching sentence enumerates ('A, B, C och D' → 4)."""
    for text, p in best_sentences(ask, stems, passages):
        items = bullets_after(p.text, text)
        m = _ENUMERATION.search(text)
        if len(items) < 2 and m:
            lead = re.split(r"\b(är|med|av|mellan|huvudmännen|medlemmar)\b", m.group(1))[-1]
            items = [i.strip() for i in re.split(r",|\boch\b|\bsamt\b", lead) if i.strip()]
        elif len(items) < 2:
            continue
        if len(items) >= 3 or (len(items) >= 2 and text.rstrip().endswith(":")):
            return Result(
                [
                    FigureOut(
                        label="antal uppräknade",
                        subject="",
                        measure="antal",
                        period="",
                        value=float(len(items)),
                        unit="antal",
                        kind="computed",
                        formula=f"{len(items)} uppräknade: " + "; ".join(items),
                        sources=[Source(report=p.report, page=p.page, quote=text)],
                    )
                ],
                [],
            )
    return Result([], [])

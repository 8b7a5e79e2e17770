"""Which figures answer a question: the stated figure it asks for, or the share, change, sum or check it asks
to compute, first; then the other figures and checks of the retrieved passages. All values come from
extracted figures; every computed one carries its formula and its sources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from assistant import compute
from assistant.question import Question
from index.figures import OUTCOMES
from index.lexical import fold, stem
from index.models import Figure
from index.numbers import format_swedish
from index.tables import DIFFERENCE_MEASURES, relation

Intent = Literal["check", "change", "share", "sum", "when", "list", "lookup"]
MAX_FIGURES = 12


class Source(BaseModel):
    report: str
    page: int
    quote: str


class FigureOut(BaseModel):
    label: str
    subject: str
    measure: str
    period: str
    value: float
    unit: str
    kind: Literal["stated", "computed", "check"]
    formula: str | None = None
    ok: bool | None = None
    sources: list[Source]


_PLURAL_ITEMS = re.compile(
    r"\b(insatser|insatserna|projekt|projekten|verksamheter|kommuner|kommunerna|delar|alla)\b"
)


def intent_of(question: Question) -> Intent:
    t = fold(question.text)
    if re.search(r"\b(stammer|stamde|gar ihop|gar det ihop|korrekt|rimlig)", t):
        return "check"
    if re.search(r"forandr|okade|okat|minskade|minskat|jamfort|skillnad", t):
        return "change"
    if re.search(r"andel|hur stor del|hur manga procent", t):
        return "share"
    if re.search(r"\b(sammanlagt|totalt|tillsammans|sammantaget|summan)\b", t) and _PLURAL_ITEMS.search(t):
        return "sum"  # "totalt" alone may ask for a stated total ("statens totala satsning")
    if re.search(r"\bmellan (19|20)\d\d och (19|20)\d\d", t):
        return "change"
    if re.match(r"\s*(nar|vilket ar|vilket datum)\b", t):
        return "when"
    if re.match(r"\s*vilka\b", t):
        return "list"
    return "lookup"


def asked_outcomes(question: Question) -> list[str]:
    """Outcomes the question names ('gick till arbete eller studier', 'egen försörjning')."""
    t = fold(question.text)
    # Questions say "kom ut i egen försörjning" where reports write "gått till egen försörjning".
    found = [measure for pattern, measure in OUTCOMES if re.search(pattern.replace("till ", "(till )?"), t)]
    if "till arbete eller studier" in found:  # the combined outcome, not its parts
        found = [m for m in found if m not in ("till arbete", "till studier")]
    return found


def _outcome(measure: str) -> str:
    """The outcome part of a measure ('kvinnor till studier' → 'till studier')."""
    for prefix in ("kvinnor ", "män ", "icke-binära "):
        if measure.startswith(prefix):
            return measure[len(prefix) :]
    return measure


def _window(figure: Figure, before: int = 70, after: int = 140) -> str:
    """The words belonging to a figure: from the previous number to the next one in its sentence ('Under 2016
    har 80 personer med svårighet … mottagit individuellt stöd via MySam, varav …')."""
    i = figure.sentence.find(figure.raw)
    if i < 0:
        return figure.sentence
    head = figure.sentence[max(0, i - before) : i]
    head = re.split(r"\d", head)[-1]
    tail = figure.sentence[i + len(figure.raw) : i + len(figure.raw) + after]
    tail = re.split(r"\d", tail)[0]
    return head + figure.raw + tail


def relevance(figure: Figure, question: Question, rank: int, subjects: Sequence[str]) -> float:
    """How well a stated figure answers the question: its words near the number, its subject, unit,
    outcome and period, and the rank of its passage."""
    stems = set(question.content_stems)
    near = {stem(w.lower()) for w in re.findall(r"[^\W_]+", _window(figure))}
    score = len(stems & near) + 0.5 * len(
        stems & {stem(w.lower()) for w in re.findall(r"[^\W_]+", figure.sentence)}
    )
    if subjects:
        score += 2.0 if figure.subject in subjects else -1.0
    t = fold(question.text)
    wants_money = re.search(r"hur mycket (pengar|kostade|fick)|kronor|\bkr\b|belopp|budget|kost|pengar", t)
    if wants_money:
        score += 2.0 if figure.unit == "kr" else -1.0
    elif re.search(r"hur manga", t):
        score += 1.5 if figure.unit in ("personer", "antal") else -2.0
    outcomes = asked_outcomes(question)
    if outcomes:
        score += 2.0 if _outcome(figure.measure) in outcomes else 0.0
    if question.years:
        score += 1.0 if figure.period in {str(y) for y in question.years} else 0.0
    if figure.role == "total":
        score += 0.3
    elif figure.role == "part":
        score -= 0.5
    if _gendered(figure.measure) and not re.search(r"kvinn|\bman\b|flick|pojk|tjej|kill|kon\b", t):
        score -= 1.5  # "hur många deltagare" asks for everyone, not the women or men among them
    measure_stems = {stem(w) for w in re.findall(r"[^\W_]+", figure.measure)}
    if measure_stems & stems:
        score += 2.5  # "hur många socialsekreterare": the figure counting exactly that
    return score + 1.0 / (1 + rank)


def _gendered(measure: str) -> bool:
    return measure.split(" ", 1)[0] in ("kvinnor", "män", "icke-binära")


def _src(*figures: Figure) -> list[Source]:
    seen: dict[tuple[str, int, str], Source] = {}
    for f in figures:
        seen.setdefault(
            (f.report_id, f.page, f.sentence), Source(report=f.report_id, page=f.page, quote=f.sentence)
        )
    return list(seen.values())


def stated(figure: Figure) -> FigureOut:
    return FigureOut(
        label=f"{figure.measure} ({figure.subject})",
        subject=figure.subject,
        measure=figure.measure,
        period=figure.period,
        value=figure.value,
        unit=figure.unit,
        kind="stated",
        formula=None,
        ok=None,
        sources=_src(figure),
    )


@dataclass
class Candidates:
    """The figures of the retrieved passages, with the rank of their passage."""

    figures: list[Figure]
    rank: dict[str, int]

    def of_chunk(self, chunk_id: str) -> list[Figure]:
        return [f for f in self.figures if f.chunk_id == chunk_id]


def share_parts(figures: Sequence[Figure], outcomes: Sequence[str]) -> list[Figure]:
    """The figures that count people with the asked outcome, without counting anyone twice: a stated
    combined figure if there is one, else per-outcome totals, else the women/men counts."""
    targets = set(outcomes)
    if "till arbete eller studier" in targets:
        direct = [f for f in figures if f.measure == "till arbete eller studier" and f.role != "part"]
        if direct:
            return direct[:1]
        targets = {"till arbete", "till studier"}
    totals = [f for f in figures if f.measure in targets and f.role != "part" and f.unit == "personer"]
    if totals:
        return totals
    return [
        f
        for f in figures
        if _outcome(f.measure) in targets
        and f.measure != _outcome(f.measure)
        and f.role != "part"
        and f.unit == "personer"
    ]


def compute_share(question: Question, cands: Candidates) -> FigureOut | None:
    outcomes = asked_outcomes(question) or ["till arbete eller studier"]
    for chunk_id in sorted({f.chunk_id for f in cands.figures}, key=lambda c: cands.rank[c]):
        figures = cands.of_chunk(chunk_id)
        parts = share_parts(figures, outcomes)
        wholes = [
            f for f in figures if f.measure == "avslutade" and f.role != "part" and f.unit == "personer"
        ]
        if parts and wholes:
            whole = max(wholes, key=lambda w: w.value)
            part_value = sum(p.value for p in parts)
            if part_value > whole.value:
                continue
            result = compute.share(part_value, whole.value)
            formula = (
                result.formula
                if len(parts) == 1
                else (
                    f"({' + '.join(format_swedish(p.value, None) for p in parts)}) / "
                    f"{format_swedish(whole.value, None)} = {format_swedish(result.value, 'procent')}"
                )
            )
            return FigureOut(
                label=f"andel {outcomes[0]} av avslutade",
                subject=whole.subject,
                measure=f"andel {outcomes[0]}",
                period=whole.period,
                value=round(result.value, 1),
                unit="procent",
                kind="computed",
                formula=formula,
                ok=None,
                sources=_src(*parts, whole),
            )
    return None


def compute_change(
    question: Question, cands: Candidates, everything: Sequence[Figure], subjects: Sequence[str]
) -> FigureOut | None:
    """Change between the two years the question names, for the subject and measure of its best figure."""
    if len(question.years) < 2 or not cands.figures:
        return None
    best = max(cands.figures, key=lambda f: relevance(f, question, cands.rank[f.chunk_id], subjects))
    old_year, new_year = str(min(question.years)), str(max(question.years))
    series = [
        f
        for f in everything
        if f.subject == best.subject
        and f.measure == best.measure
        and f.unit == best.unit
        and f.role != "part"
        and f.period in (old_year, new_year)
    ]
    by_year = {}
    for year in (old_year, new_year):
        points = [f for f in series if f.period == year]
        if points:
            # A stated total ("107 personer, varav …") before other counts of the year; among equally
            # relevant totals the largest, since the overall count contains its breakdowns.
            by_year[year] = max(
                points,
                key=lambda f: (
                    f.role == "total",
                    round(relevance(f, question, cands.rank.get(f.chunk_id, 9), subjects)),
                    f.value,
                ),
            )
    if len(by_year) < 2 or by_year[old_year].value == 0:
        return None
    old, new = by_year[old_year], by_year[new_year]
    result = compute.change(old.value, new.value)
    return FigureOut(
        label=f"förändring {best.measure} {old_year}–{new_year}",
        subject=best.subject,
        measure=best.measure,
        period=f"{old_year}–{new_year}",
        value=round(result.value, 1),
        unit="procent",
        kind="computed",
        formula=result.formula,
        sources=_src(old, new),
    )


_COUNT_OF_ITEMS = re.compile(r"\b(\w+) (insatser|projekt|verksamheter|kommuner|delar)\b")


def compute_sum(
    question: Question, cands: Candidates, subjects: Sequence[str], sections: dict[str, str] | None = None
) -> FigureOut | None:
    """Sum of one count per insats over the insatser of the retrieved passages that fit the question."""
    # An insats's participants are usually stated with their gender split ("26 personer, varav 11 kvinnor och
    # 15 män"): such totals come before loose mentions ("fyra deltagare från Älvsbyn har deltagit i …").
    scored = sorted(
        cands.figures,
        key=lambda f: (f.role != "total", -relevance(f, question, cands.rank[f.chunk_id], subjects)),
    )
    if not scored:
        return None
    best = scored[0]
    from index.subjects import place_of

    places = {p for w in re.findall(r"[^\W_]+", question.text) if (p := place_of(fold(w)))}
    chosen: dict[str, Figure] = {}
    for f in scored:
        if f.unit != best.unit or f.measure != best.measure or f.role == "part" or f.subject in chosen:
            continue
        where = f"{f.subject} {f.sentence} {(sections or {}).get(f.chunk_id, '')}"
        if places and not any(fold(p) in fold(where) for p in places):
            continue
        chosen[f.subject if f.subject not in subjects_of_org(cands) else f.figure_id] = f
    wanted = _items_asked(question)
    if wanted and len(chosen) > wanted:
        chosen = dict(list(chosen.items())[:wanted])
    if len(chosen) < 2:
        return None
    parts = list(chosen.values())
    result = compute.total([p.value for p in parts], best.unit)
    return FigureOut(
        label=f"summa {best.measure}",
        subject=", ".join(dict.fromkeys(p.subject for p in parts)),
        measure=best.measure,
        period=best.period,
        value=result.value,
        unit=best.unit,
        kind="computed",
        formula=result.formula,
        sources=_src(*parts),
    )


def subjects_of_org(cands: Candidates) -> set[str]:
    """Subjects that are organisations: a figure filed under the federation itself is no insats of its own."""
    return {f.subject for f in cands.figures if f.subject.lower().startswith("samordningsförbund")}


def _items_asked(question: Question) -> int | None:
    """'tre insatser' → 3: the question says how many items the sum has."""
    from index.numbers import number_word_value

    m = _COUNT_OF_ITEMS.search(question.text.lower())
    if not m:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else number_word_value(word)


@dataclass(frozen=True)
class PassageText:
    """A retrieved passage as text, for answers that are not among the extracted figures (dates, lists)."""

    report: str
    page: int
    text: str


_DATE_OR_YEAR = re.compile(r"(?<![\d-])((?:19|20)\d\d)(?:-\d\d-\d\d)?(?![\d-])")
_ENUMERATION = re.compile(r"([^,.;:]+(?:,\s*[^,.;:]+){1,}\s+(?:och|samt)\s+[^,.;:]+)")


def _best_sentences(question: Question, passages: Sequence[PassageText], top: int = 3):
    """Sentences of the top passages, best match with the question first."""
    from index.figures import sentences

    # All the question's words count here, the organisation's name too: "När bildades Samordnings-
    # förbundet Södra Norrbotten?" is answered by the sentence naming it ("… bildas den 2020-01-01").
    from index.lexical import stem_tokens

    stems = set(question.content_stems) | set(stem_tokens(question.text))
    scored = []
    for rank, p in enumerate(passages[:top]):
        for sent in sentences(p.text):
            words = {stem(w.lower()) for w in re.findall(r"[^\W_]+", sent.text)}
            scored.append((len(stems & words) - 0.1 * rank, rank, sent.text, p))
    return [(text, p) for score, _, text, p in sorted(scored, key=lambda x: (-x[0], x[1])) if score > 0]


def year_of_event(question: Question, passages: Sequence[PassageText]) -> FigureOut | None:
    """'När bildades förbundet?': the year of the date in the sentence that best matches the question."""
    for text, p in _best_sentences(question, passages):
        m = _DATE_OR_YEAR.search(text)
        if m:
            return FigureOut(
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
    return None


def count_listed(question: Question, passages: Sequence[PassageText]) -> FigureOut | None:
    """'Vilka är medlemmar …?': the number of items the best-matching sentence enumerates
    ('A, B, C och D' → 4; 'A, B samt C, D och E' → 5)."""
    for text, p in _best_sentences(question, passages):
        m = _ENUMERATION.search(text)
        if not m:
            continue
        lead = re.split(r"\b(är|med|av|mellan|huvudmännen|medlemmar)\b", m.group(1))[-1]
        items = [i.strip() for i in re.split(r",|\boch\b|\bsamt\b", lead) if i.strip()]
        if len(items) >= 3:
            return FigureOut(
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
    return None


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
            if not parts or not wholes:
                continue
            whole = max(wholes, key=_offset)  # the nearest count of those who finished
            part = sum(p.value for p in parts)
            if whole.value == 0 or part > whole.value:
                continue
            check = compute.check_percentage(pct.value, part, whole.value, pct.approx)
            out.append(_check_out(f"angiven andel {outcome}", pct, check, [pct, *parts, whole]))
    return out


_STATED_BASE = re.compile(r"%\s*(av|utav)\s+(deltagarna|de inskrivna|alla|samtliga|dessa)|procent av")


def _offset(figure: Figure) -> int:
    tail = figure.figure_id.rsplit("#", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _preceding(figures: Sequence[Figure], anchor: Figure, sentences: int = 5) -> list[Figure]:
    """Figures of the anchor's sentence and the few sentences before it: a percentage stated after
    "Sex deltagare … avslutat. En kvinna till studier, två män till arbete." is a share of those counts,
    not of other insatser described earlier in the same passage."""
    starts = sorted({_offset(f) - f.sentence.find(f.raw) for f in figures})
    own = _offset(anchor) - anchor.sentence.find(anchor.raw)
    earlier = [x for x in starts if x <= own][-sentences:]
    lowest = earlier[0] if earlier else own
    return [f for f in figures if lowest <= _offset(f) <= _offset(anchor) + len(anchor.sentence)]


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
        sources=_src(*sources),
    )


def answer_figures(
    question: Question,
    ranked_chunks: Sequence[str],
    by_chunk: dict[str, list[Figure]],
    everything: Sequence[Figure],
    subjects: Sequence[str],
    sections: dict[str, str] | None = None,
    passages_text: Sequence[PassageText] = (),
) -> list[FigureOut]:
    """The figures to show for a question, the one it asks for first. `sections` maps the passages' chunk
    ids to their section paths (a place named in a heading counts for the figures under it)."""
    rank = {c: i for i, c in enumerate(ranked_chunks)}
    cands = Candidates([f for c in ranked_chunks for f in by_chunk.get(c, [])], rank)
    intent = intent_of(question)
    first: list[FigureOut] = []
    checks = checks_for(cands.figures)
    if intent == "check":
        first += sorted(checks, key=lambda c: (c.ok is not False, rank_of(c, cands)))
    elif intent == "change":
        first += [x for x in [compute_change(question, cands, everything, subjects)] if x]
    elif intent == "share":
        share = compute_share(question, cands)
        if share is None:  # no count of those who finished to divide by: the best stated percentage
            stated_shares = [f for f in cands.figures if f.unit == "procent"]
            if stated_shares:
                best = max(stated_shares, key=lambda f: relevance(f, question, rank[f.chunk_id], subjects))
                share = stated(best)
        first += [share] if share else []
    elif intent == "when":
        first += [x for x in [year_of_event(question, passages_text)] if x]
    elif intent == "list":
        first += [x for x in [count_listed(question, passages_text)] if x]
    elif intent == "sum":
        first += [x for x in [compute_sum(question, cands, subjects, sections)] if x]
    ordered = sorted(cands.figures, key=lambda f: -relevance(f, question, rank[f.chunk_id], subjects))
    out = first + [stated(f) for f in ordered[: MAX_FIGURES - len(first)]]
    out += [c for c in checks if c not in out and c.ok is False]
    return out


def rank_of(figure: FigureOut, cands: Candidates) -> int:
    reports = {s.report for s in figure.sources}
    ranks = [
        cands.rank[f.chunk_id]
        for f in cands.figures
        if f.report_id in reports and f.sentence in {s.quote for s in figure.sources}
    ]
    return min(ranks, default=99)

"""Extract the figures a passage states: counts of people (gender splits, outcomes), kronor, percentages.

Every figure keeps its provenance (report, page, chunk, span, sentence) and gets a measure from a small
vocabulary read off the words around it, a subject (the insats the passage's section is about), and a
period (a year in the sentence, else the report's period).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from index.lexical import fold
from index.models import Chunk, Figure, NumberMention, ReportMeta

# Nouns that make a number a count of people (folded prefixes) and the measure they give.
PEOPLE_NOUNS: tuple[tuple[str, str], ...] = (
    ("kvinn", "kvinnor"),
    ("flick", "kvinnor"),
    ("tjej", "kvinnor"),
    ("man", "män"),
    ("pojk", "män"),
    ("kill", "män"),
    ("icke binar", "icke-binära"),
    ("icke-binar", "icke-binära"),
    ("deltag", "deltagare"),
    ("person", "deltagare"),
    ("individ", "deltagare"),
    ("unga", "deltagare"),
    ("elev", "elever"),
    ("arend", "ärenden"),
    ("klient", "deltagare"),
    ("ungdom", "deltagare"),
)
# Countable things other than people.
THING_NOUNS: tuple[tuple[str, str], ...] = (
    ("tjanst", "tjänster"),
    ("socialsekreterare", "socialsekreterare"),
    ("handlaggare", "handläggare"),
    ("insats", "insatser"),
    ("projekt", "projekt"),
    ("grupp", "grupper"),
    ("ledamot", "ledamöter"),
    ("ersattare", "ersättare"),
    ("kommun", "kommuner"),
    ("manad", "månader"),
    ("dag", "dagar"),
    ("tillfall", "tillfällen"),
)
# What happened to the people counted, read from the clause after the number (folded regexes).
OUTCOMES: tuple[tuple[str, str], ...] = (
    (r"arbete (eller|och|/) ?studier|arbete/studier|studier eller arbete", "till arbete eller studier"),
    (r"till egen forsorjning", "till egen försörjning"),  # not "att nå egen försörjning" (the target group)
    (r"sysselsattning", "till sysselsättning"),
    (r"(till|i) arbete|lonearbete|anstall", "till arbete"),
    (r"(till|i) studier|studerar|heltidsstudier", "till studier"),
    (r"sjukersattning|aktivitetsersattning", "till sjuk-/aktivitetsersättning"),
    (r"avslut", "avslutade"),
    (r"inskriv", "inskrivna"),
    (r"riskgrupp", "i riskgrupp"),
    (r"\bnya\b", "nya"),
)
# Money: what the sum is, from words in the sentence before the number (folded regexes, first match wins).
MONEY_MEASURES: tuple[tuple[str, str], ...] = (
    (r"eget kapital|egna kapitalet", "eget kapital"),
    (r"underskott|overskott|minusresultat|resultat", "resultat"),
    (r"tilldelning|medlemsavgift|medlemmarna|bidrag", "tilldelning"),
    (r"budgeter|budget", "budget"),
    (r"bevilja", "beviljat"),
    (r"kostnad|bedrivit verksamhet|utfall", "kostnad"),
    (r"satsning|medel|uppgar", "belopp"),
)
_PART_OF = re.compile(r"\s+av\s+(de\s+|dessa\s+)?")
_YEAR = re.compile(r"(?<![\d-])(19[9]\d|20\d\d)(?![\d-])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])|\n(?=\s*[•\-–*])|\n\s*\n")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)?")


@dataclass(frozen=True)
class SentenceSpan:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[SentenceSpan]:
    """Sentences (and list lines) of a passage with their spans."""
    out: list[SentenceSpan] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        chunk = text[pos : m.start()]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append(SentenceSpan(pos + lead, m.start(), " ".join(chunk.split())))
        pos = m.end()
    tail = text[pos:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        out.append(SentenceSpan(pos + lead, len(text), " ".join(tail.split())))
    return _join_abbreviations(out)


_ABBREVIATION_END = re.compile(
    r"(?:\b(?:fr\.o\.m|t\.o\.m|t\.ex|bl\.a|m\.m|m\.fl|d\.v\.s|dvs|ca|resp|inkl|exkl|st|kr|nr)\.)$",
    re.IGNORECASE,
)


def _join_abbreviations(spans: list[SentenceSpan]) -> list[SentenceSpan]:
    """'Styrelsen består fr.o.m. 2014 av 5 ledamöter': no sentence ends at an abbreviation's full stop."""
    out: list[SentenceSpan] = []
    for span in spans:
        if out and _ABBREVIATION_END.search(out[-1].text):
            prev = out.pop()
            span = SentenceSpan(prev.start, span.end, f"{prev.text} {span.text}")
        out.append(span)
    return out


def following_words(text: str, end: int, n: int) -> list[str]:
    return [fold(w) for w in _WORD.findall(text[end : end + 120])][:n]


def noun_measure(words: list[str]) -> tuple[str, str] | None:
    """(unit, measure) from the noun right after a number ('95 personer', '(23 kvinnor och 29 män)')."""
    for n, word in enumerate(words[:2]):
        if word == "icke" and n + 1 < len(words) and words[n + 1].startswith("binar"):
            return "personer", "icke-binära"
        if word == "man":  # folded "män"; "månader" and "manual" must not count as men
            return "personer", "män"
        for prefix, measure in PEOPLE_NOUNS:
            if prefix != "man" and word.startswith(prefix):
                return "personer", measure
        for prefix, measure in THING_NOUNS:
            if word.startswith(prefix):
                return "antal", measure
        if word not in ("av", "st", "stycken", "nya", "ar", "var", "blev"):  # "15 är kvinnor"
            break
    return None


def outcome_after(text: str, end: int, limit: int | None = None) -> str | None:
    """An outcome named in the clause right after a number, up to the next number:
    '15 (ca 42 %) gått till arbete eller studier'."""
    stop = min(end + 90, limit if limit is not None else len(text))
    clause = fold(re.split(r"[.;]|\boch av\b|, varav", text[end:stop])[0])
    for pattern, measure in OUTCOMES:
        if re.search(pattern, clause):
            return measure
    return None


_COUNT_BEFORE = re.compile(
    r"(deltagarantal\w*|antal\w*\s+(?:\w+\s+){0,1}deltagare(?:\s+\w+){0,3})\s*(?:är|var)?\s*$"
)


def noun_before(text: str, start: int) -> tuple[str, str] | None:
    """'deltagarantalet 17', 'antalet inskrivna deltagare med aktiv planering 37': the count is named before
    the number."""
    return ("personer", "deltagare") if _COUNT_BEFORE.search(fold(text[max(0, start - 70) : start])) else None


def outcome_before(text: str, start: int) -> str | None:
    """'Avslutade under året: 76 deltagare': an outcome heading the clause the number stands in."""
    clause = fold(re.split(r"[.;,(]|\boch\b", text[max(0, start - 40) : start])[-1])
    for pattern, measure in OUTCOMES:
        if re.search(pattern, clause):
            return measure
    return None


def money_measure(sentence_before: str) -> str:
    """What an amount is, from the words before it in its sentence, by the priority of MONEY_MEASURES —
    except that of 'eget kapital' and 'resultat' the one nearer the amount wins, the equity only when a
    value verb links it to the amount ('… det egna kapitalet uppgår till 2 497 180 kr' is the equity;
    'ett planerat underskott … avseende det egna kapitalet enligt … ca 1 200 000 kr' is a result).
    'minskat/ökat med' makes it a change."""
    folded = fold(sentence_before)
    last: dict[str, int] = {}
    for pattern, measure in MONEY_MEASURES:
        for match in re.finditer(pattern, folded):
            last[measure] = max(last.get(measure, -1), match.end())
    if not last:
        return "belopp"
    measure = next(m for _, m in MONEY_MEASURES if m in last)
    if {"eget kapital", "resultat"} <= last.keys():
        measure = max(("eget kapital", "resultat"), key=lambda m: last[m])
        # "på" is also written "pd" by OCR in texts not (yet) repaired
        linked = re.search(r"\b(uppgar|uppgick|ar|var|blev|till|pa|pd)\b", folded[last["eget kapital"] :])
        if measure == "eget kapital" and not linked:
            measure = "resultat"  # "underskott … avseende det egna kapitalet enligt … ca 1 200 000 kr"
    if re.search(r"(minskat|okat|minskade|okade) med\s*$", folded[-40:].strip() + " ") or re.search(
        r"(minskat|okat|minskade|okade) med[^.]{0,15}$", folded
    ):
        return f"förändring {measure}"
    return measure


def period_of(sentence: str, meta: ReportMeta) -> str:
    years = sorted({y for y in _YEAR.findall(sentence) if 1990 <= int(y) <= 2100})
    if len(years) == 1:
        return years[0]
    return meta.period


def extract_figures(chunk: Chunk, meta: ReportMeta, subject: str) -> list[Figure]:
    """All figures stated in one chunk, in text order; gender splits grouped with their total."""
    from index.numbers import find_numbers

    figures: list[Figure] = []
    for sent in sentences(chunk.text):
        mentions = [m for m in find_numbers(sent.text, include_one=True) if not _is_year(m)]
        period = period_of(sent.text, meta)
        people_context = any(
            (noun := noun_measure([fold(w)])) is not None and noun[0] == "personer"
            for w in _WORD.findall(sent.text)
        )
        group_of: dict[int, tuple[str, str]] = {}
        for i, m in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            prev = mentions[i - 1] if i else None
            whole = prev is not None and _PART_OF.fullmatch(sent.text[prev.end : m.start]) is not None
            fig = _classify(chunk, sent, m, nxt, meta, subject, period, people_context, whole)
            if fig is None:
                continue
            figures.append(fig)
            group_of[i] = (fig.figure_id, fig.measure)
        _group_gender_splits(figures, sent, mentions, group_of)
        _share_pair_outcomes(figures, sent, mentions, group_of)
    return figures


def _is_year(m: NumberMention) -> bool:
    return (
        m.unit is None
        and not m.word
        and m.value.is_integer()
        and 1990 <= m.value <= 2100
        and "," not in m.raw
    )


def _classify(
    chunk: Chunk,
    sent: SentenceSpan,
    m: NumberMention,
    nxt: NumberMention | None,
    meta: ReportMeta,
    subject: str,
    period: str,
    people_context: bool,
    whole: bool = False,
) -> Figure | None:
    after = following_words(sent.text, m.end, 3)
    limit = nxt.start if nxt else None
    subset = re.match(r"\s+av\s+(de|dessa|dem|deltagarna|personerna|eleverna)\b", sent.text[m.end :])
    if subset and m.unit is None and (nxt is None or not _PART_OF.fullmatch(sent.text[m.end : nxt.start])):
        # "Sju av deltagarna upplever …": a part of the participants, not a count of them
        fig = _figure(
            chunk,
            sent,
            m,
            meta,
            subject,
            period,
            "personer",
            outcome_after(sent.text, m.end + subset.end()) or "delmängd av deltagarna",
        )
        fig.role = "part"
        return fig
    if nxt is not None and _PART_OF.fullmatch(sent.text[m.end : nxt.start]):
        # "tjugo av trettiosju deltagare kommit ut i sysselsättning": the part takes the whole's noun and
        # the outcome that follows it.
        noun = noun_measure(following_words(sent.text, nxt.end, 3))
        if noun is not None:
            outcome = outcome_after(sent.text, nxt.end)
            return _figure(chunk, sent, m, meta, subject, period, noun[0], outcome or noun[1])
    unit: str | None = m.unit
    measure: str | None = None
    if unit == "kr":
        measure = money_measure(sent.text[: m.start])
    elif unit == "procent":
        outcome = outcome_after(sent.text, m.end, limit) or _outcome_after_paren(sent.text, m.end)
        measure = f"andel {outcome}" if outcome else "andel"
    else:
        if after and after[0] in (
            "ar",
            "arig",
            "ariga",
            "aring",
            "aringar",
            "manader",
            "veckor",
            "dagar",
            "timmar",
        ):
            return None  # "16-29 år", "3 månader": an age or a duration, not a count of people
        noun = noun_measure(after) or noun_before(sent.text, m.start)
        outcome = (
            outcome_after(sent.text, m.end, limit)
            or _outcome_after_paren(sent.text, m.end)
            or (None if whole else outcome_before(sent.text, m.start))
        )
        if whole:
            outcome = (
                None  # "tjugo av trettiosju deltagare …": the whole is the participants, not the outcome
            )
        if m.word and m.value == 1 and not (after and re.match(r"kvinna|man$|icke", after[0])):
            return None  # "en/ett" is an article unless it counts one person ("en kvinna till studier")
        if noun:
            unit, measure = noun
            if measure == "deltagare" and outcome:
                measure = outcome
            elif measure in ("kvinnor", "män", "icke-binära") and outcome and outcome != "avslutade":
                measure = f"{measure} {outcome}"
        elif outcome and people_context:
            unit, measure = "personer", outcome
        elif m.word:
            return None  # a bare number word ("tre", "sex") with nothing counted after it is not a figure
        else:
            return None
    return _figure(chunk, sent, m, meta, subject, period, unit, measure or "belopp")


def _figure(
    chunk: Chunk,
    sent: SentenceSpan,
    m: NumberMention,
    meta: ReportMeta,
    subject: str,
    period: str,
    unit: str | None,
    measure: str,
) -> Figure:
    start = chunk.char_start + _offset(chunk, sent.start + m.start)
    return Figure(
        figure_id=f"{chunk.chunk_id}#{sent.start + m.start}",
        report_id=chunk.report_id,
        chunk_id=chunk.chunk_id,
        page=chunk.page_start,
        sentence=sent.text,
        char_start=start,
        char_end=start + (m.end - m.start),
        value=m.value,
        unit=unit,  # type: ignore[arg-type]
        measure=measure,
        subject=subject,
        period=period,
        raw=m.raw,
        approx=m.approx,
    )


def _outcome_after_paren(text: str, end: int) -> str | None:
    """'15 (ca 42 %) gått till arbete': the outcome follows the closing parenthesis."""
    close = text.find(")", end)
    return outcome_after(text, close + 1) if 0 <= close - end < 16 and "(" in text[end:close] else None


def _offset(chunk: Chunk, offset_in_text: int) -> int:
    # Chunk text collapses blank-line runs; offsets are approximate within the chunk's span.
    return min(offset_in_text, max(0, chunk.char_end - chunk.char_start))


def _group_gender_splits(
    figures: list[Figure],
    sent: SentenceSpan,
    mentions: list[NumberMention],
    group_of: dict[int, tuple[str, str]],
) -> None:
    """'95 personer, varav 48 kvinnor och 47 män' and '76 deltagare (24 kvinnor och 52 män)': the women and
    men are parts of the total before them, and share its group."""
    by_id = {f.figure_id: f for f in figures}
    indices = sorted(group_of)
    for n, i in enumerate(indices):
        fid, measure = group_of[i]
        if _gender(measure) or by_id[fid].unit != "personer":
            continue
        parts = []
        genders: set[str] = set()
        for j in indices[n + 1 :]:
            pid, pmeasure = group_of[j]
            if not _gender(pmeasure) or by_id[pid].role == "part" or _gender(pmeasure) in genders:
                break  # "… 10 kvinnor och 8 män Kommun: 1 kvinna": a repeated gender starts another split
            if not parts and any(not _is_age_or_duration(sent.text, mentions[k]) for k in range(i + 1, j)):
                break  # another count stands between ("80 personerna hade 15 en …, varav 5 kvinnor")
            genders.add(_gender(pmeasure))
            between = sent.text[mentions[parts[-1] if parts else i].end : mentions[j].start]
            if not parts and not _SPLIT_MARKER.search(between):
                break  # "5 deltagarna gick 1 kvinna och 3 män till annan insats": a subset, not a split
            if len(between) > 60 and not (not parts and re.search(r"\b(varav|därav)\s*$", between)):
                break
            parts.append(j)
        if parts:
            total = by_id[fid]
            total.group, total.role = fid, "total"
            for j in parts:
                part = by_id[group_of[j][0]]
                part.group, part.role = fid, "part"
                stated_after = outcome_after(sent.text, mentions[parts[-1]].end)
                if total.measure == "deltagare" and stated_after and stated_after != "avslutade":
                    # "tio deltagare (sex kvinnor och fyra män) inskrivna": the outcome after the parts is the
                    # total's too
                    total.measure = stated_after
                if total.measure not in ("deltagare", "personer"):
                    part.measure = f"{_gender(part.measure)} {total.measure}"


def _share_pair_outcomes(
    figures: list[Figure],
    sent: SentenceSpan,
    mentions: list[NumberMention],
    group_of: dict[int, tuple[str, str]],
) -> None:
    """'Två män och tre kvinnor har avslutats till studier': both counts went to studies."""
    by_id = {f.figure_id: f for f in figures}
    indices = sorted(group_of)
    for a, b in itertools.pairwise(indices):
        first, second = by_id[group_of[a][0]], by_id[group_of[b][0]]
        joined = re.fullmatch(r"\s*\w*\s*(och|,)\s*", sent.text[mentions[a].end : mentions[b].start])
        if (
            joined
            and first.role == second.role == "single"
            and _gender(first.measure) == first.measure
            and _gender(second.measure)
            and second.measure != _gender(second.measure)
        ):
            first.measure = f"{first.measure} {second.measure.split(' ', 1)[1]}"


# What stands between a total and its gender split: "varav"/"därav", or a few words (the counted noun, an
# outcome) and a comma, parenthesis or colon ("14 deltagare, sju kvinnor …", "7 till arbete (3 kvinnor").
_SPLIT_MARKER = re.compile(
    r"\b(varav|därav)\b|^\s*(?:[^\s,():]+\s+){0,3}[^\s,():]*\s*[,(:]\s*$", re.IGNORECASE
)

_AGE_OR_DURATION = ("ar", "arig", "ariga", "aring", "aringar", "manader", "veckor", "dagar", "timmar")


def _is_age_or_duration(text: str, m: NumberMention) -> bool:
    """'16-29 år', '3 månader': a number that counts no one."""
    rest = re.sub(r"^\s*[-–]\s*\d+", "", text[m.end :])  # the first number of a range "16-29 år"
    after = following_words(rest, 0, 1)
    return bool(after) and after[0] in _AGE_OR_DURATION


def _gender(measure: str) -> str | None:
    """'kvinnor', 'män' or 'icke-binära' when the measure counts one gender (possibly with an outcome)."""
    head = measure.split(" ", 1)[0]
    return head if head in ("kvinnor", "män", "icke-binära") else None


def table_row_figures(report_id: str, meta: ReportMeta, cleaned, chunks: list[Chunk]) -> list[Figure]:
    """Each value of each budget/result table row as a figure: measure = column (utfall, budget, avvikelse,
    årsbudget, or a year), subject = the row's label; the values of one row share a group, so the row can
    be checked (utfall − budget = avvikelse) when a question asks. A 'Differens' column that is
    budget − utfall gets the measure 'avvikelse (budget − utfall)' (tables.DIFFERENCE_MEASURES): the
    direction travels with the figures, and checks_for reads it from there."""
    from index.tables import DIFFERENCE_MEASURES, parse_tables

    out: list[Figure] = []
    spans = sorted(chunks, key=lambda c: c.char_start)
    for row in parse_tables(cleaned.text):
        if not row.values or (row.is_sum and not row.label):
            continue
        chunk = next((c for c in spans if c.char_start <= row.start < c.char_end), None)
        if chunk is None:
            continue
        line = cleaned.text[row.start : row.end]
        group = f"{report_id}:rad:{row.start}"
        for column, value in row.values.items():
            out.append(
                Figure(
                    figure_id=f"{group}:{column}",
                    report_id=report_id,
                    chunk_id=chunk.chunk_id,
                    page=cleaned.page_at(row.start),
                    sentence=line,
                    char_start=row.start,
                    char_end=row.end,
                    value=value,
                    unit="kr",
                    measure=(
                        DIFFERENCE_MEASURES[row.difference]
                        if column == "avvikelse"
                        else column
                        if not column.isdigit()
                        else "belopp"
                    ),
                    subject=row.label,
                    period=column if column.isdigit() else meta.period,
                    raw=line,
                    group=group,
                    role="single",
                )
            )
    return out

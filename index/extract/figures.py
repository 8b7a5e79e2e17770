"""The figures one passage states, each with its own words, unit, period and organisation.

Every figure keeps its provenance (report, page, chunk, span, sentence), the phrase that says what it
counts (`phrase`), a measure read from the words next to the number (an open vocabulary: the counted
noun itself, an outcome, or what an amount is), the section it stands in, and a period (a year in the
sentence, else the report's). Its subject, the insats, is resolved afterwards within the report's own
organisation (`index.extract.scope`).
"""

from __future__ import annotations

import itertools
import re

from index.extract.counted import (
    counted_before,
    counted_noun,
    duration_after,
    gender_of,
    participant_noun,
    words_after,
)
from index.extract.money import money_measure
from index.extract.outcomes import (
    STATUS_OUTCOMES,
    outcome_after,
    outcome_after_paren,
    outcome_before,
    outcome_in,
    outcome_of_split_verb,
    outcomes_in,
)
from index.extract.pairs import compared_pairs, from_to_pairs
from index.extract.phrase import phrase_of
from index.extract.sentences import SentenceSpan, sentences
from index.lexical import STOPWORDS, fold
from index.models import Chunk, Figure, NumberMention, ReportMeta

_GOING = re.compile(
    r"\s+(?:har\s+)?(?:gick|gått|kom|kommit|fick|fått|började|påbörjade|övergick|återgick)\b", re.I
)
# 'gick åtta vidare till egen försörjning': the verb of going before the number
_GOING_BEFORE = re.compile(r"\b(?:gick|har gått|kom|övergick|återgick)\s+$", re.I)
# A capitalised word right after digits starts the next label of a list or table ('1 300 000 Nya individ
# och strukturella insatser'): the number counts nothing the words after it say.
_LABEL_NEXT = re.compile(r"\s+[A-ZÅÄÖ]")
_OF_THOSE = re.compile(r"\bav\s+(?:de|dem|dessa)\s*$", re.I)
_PART_OF = re.compile(r"\s+av\s+(de\s+|dessa\s+)?")
_YEAR = re.compile(r"(?<![\d-])(19[9]\d|20\d\d)(?![\d-])")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)?")
# A percentage that says how the money is shared ('staten genom Försäkringskassan 50 procent',
# 'kommunernas andel fördelas efter invånarantal, 60 procent Åby kommun') is no share of people.
_FINANCING = re.compile(r"finansi|fördelning|fördelas|står för|bidrar med|medlemsavgift|invånarantal", re.I)


# A year a figure comes from rather than is of: 'kvar från 2023', 'sedan 2021' (not 'från 2023 till 2024').
# ('kvar från hösten 2024', 'sedan början av 2023': a word or two of time may stand before the year)
_SINCE_YEAR = re.compile(
    r"\b(?:från|sedan|fr\.o\.m\.?)\s+(?:[a-zåäö]+\s+){0,2}?((?:19|20)\d\d)\b(?!\s*(?:till|–|-))", re.I
)


# 'Deltagare januari–augusti 2024:', 'under perioden': the part of the year a half-year report covers
_PART_NAMED = re.compile(
    r"\b(?:januari|jan)\s*[–-]\s*[a-zåäö]+\b|\b(?:per|den) \d{1,2} [a-zåäö]+ (?:19|20)\d\d|\bperioden\b"
    r"|\bhittills\b",
    re.IGNORECASE,
)


# A year a figure is compared with: '11 mån, vilket är något längre än 2023' is of the report's year.
_COMPARED_YEAR = re.compile(
    r"\b(?:än|jämfört med|jämför med|i jämförelse med|i förhållande till|gentemot)\s+(?:år\s+|året\s+)?"
    r"((?:19|20)\d\d)\b",
    re.I,
)


def period_of(sentence: str, meta: ReportMeta) -> str:
    since = set(_SINCE_YEAR.findall(sentence)) | set(_COMPARED_YEAR.findall(sentence))
    years = sorted({y for y in _YEAR.findall(sentence) if 1990 <= int(y) <= 2100 and y not in since})
    if len(years) == 1:
        if meta.period.startswith(f"{years[0]}-") and _PART_NAMED.search(sentence):
            return meta.period  # the report's own part of that year, named with its months
        return years[0]
    return meta.period


_LONE_NUMBER = re.compile(r"(?m)^[ \t]*(\d{1,3})[ \t]*$")


def _without_page_numbers(chunk: Chunk) -> str:
    """The chunk's text with the page numbers of its pages blanked out where they stand on a line of their
    own ('Medelålder: 22 år\n3\n3.3 Hälsolotsen': the 3 ends page 3). The length stays, so offsets hold;
    a lone number that is no page of the chunk ('Antal deltagare\n48') stays."""
    pages = range(chunk.page_start, chunk.page_end + 2)

    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group(0)) if int(m.group(1)) in pages else m.group(0)

    return _LONE_NUMBER.sub(blank, chunk.text)


def extract_figures(chunk: Chunk, meta: ReportMeta, subject: str) -> list[Figure]:
    """All figures stated in one chunk, in text order; gender splits grouped with their total."""
    from index.numbers import find_numbers

    figures: list[Figure] = []
    named_people = False
    for sent in sentences(_without_page_numbers(chunk)):
        mentions = [m for m in find_numbers(sent.text, include_one=True) if not _is_year(m)]
        period = period_of(sent.text, meta)
        # the people a sentence counts may be named in the one before it: 'Under året avslutades 44
        # personer. 15 av dem gick till arbete, 6 började studera …'
        names_people = any(participant_noun(w) for w in _WORD.findall(sent.text))
        people_context, named_people = names_people or named_people, names_people
        section = chunk.section_at(sent.start)
        group_of: dict[int, tuple[str, str]] = {}
        made: dict[int, Figure] = {}
        for i, m in enumerate(mentions):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            prev = mentions[i - 1] if i else None
            whole = prev is not None and _PART_OF.fullmatch(sent.text[prev.end : m.start]) is not None
            after_people = i - 1 in made and made[i - 1].unit == "personer"
            fig = _classify(chunk, sent, m, nxt, meta, subject, period, people_context, whole, after_people)
            if fig is None:
                continue
            fig.phrase = phrase_of(sent.text, m, prev, nxt)
            if fig.unit in ("personer", "antal", "procent") and is_target(sent.text, m.start, m.end, prev):
                fig.measure = f"{TARGET} {fig.measure}"
                if re.search(r"\bhelar", fold(sent.text[: m.start])) and re.match(
                    r"(19|20)\d\d-", fig.period
                ):
                    fig.period = fig.period[:4]  # 'Målet för helåret är 55 deltagare': the year's goal
            fig.organisation = meta.organisation
            fig.section = section
            figures.append(fig)
            made[i] = fig
            group_of[i] = (fig.figure_id, fig.measure)
        _pair_from_to(chunk, sent, mentions, made, figures, meta, subject, period, section)
        _group_gender_splits(figures, sent, mentions, group_of)
        _share_pair_outcomes(figures, sent, mentions, group_of)
    return figures


#: The measure prefix of a goal or a plan ('Målet för helåret är 55 deltagare', 'planeras ta emot cirka
#: 20 deltagare'): a number the report aims at, never one it counted.
TARGET = "mål"
_TARGET_BEFORE = re.compile(
    r"\bmal(?:et|en|sattning\w*)?\b|\bplaner(?:as|ar|ade|at)\b|\bberaknas\b|\bforvantas\b|\bsiktar\b"
    r"|\bavser att\b|\buppskattning\w*|\bmalvarde\w*"
)
_TARGET_AFTER = re.compile(r"^\s*(?:[^\W\d_]+\s+){0,5}?(?:ska|skall|kommer att)\b")
# 'Målet uppnåddes: 45 procent …': a goal reached is followed by what was counted
_REACHED = re.compile(r"\buppn(?:add|att|ar)\w*|\buppfyll\w*|\b(?:natt|nadde|klarade|overtraffade)\b")


def is_target(text: str, start: int, end: int, prev) -> bool:
    """A number in a clause of aim or plan: a cue in the clause before it (from the previous number or
    the clause's start), or 'ska' / 'kommer att' right after it."""
    clause_start = prev.end if prev is not None else 0
    before = re.split(r"[.;:]|,\s*(?:men|medan|och)\b", fold(text[clause_start:start]))[-1]
    after = fold(text[end : end + 60])
    if _REACHED.search(before):
        return False
    return bool(_TARGET_BEFORE.search(before) or _TARGET_AFTER.match(after))


_AGES = re.compile(
    r"\b(?:medel|genomsnitts)?ald(?:er|ern|rar|rarna|ersgrupp\w*)\b"
    r"|\bmellan \d+ och \d+ ar\b|\d+ ?[-–] ?\d+ ar\b"
    r"|\baring\w*|\b(?:yngre|aldre) an\b"
)
_SUPINE = re.compile(r"(tt|at|it)$")
# '…, vilket motsvarar 45 procent', '…, dvs. 45 %': the percent restates the clause before it
_RESTATES = re.compile(
    r"(?:vilket|det|som) (?:motsvarar|motsvarade|utgor|utgjorde|blir|ar|var)\s*$"
    r"|\b(?:dvs|d v s|det vill saga)\.?\s*$"
)


def _restated_outcome(text: str, start: int) -> str | None:
    """The outcome a restating percent is a share of: where the clause before it says people went
    ('12 fått ett arbete och 5 gått vidare till studier, vilket motsvarar 45 procent')."""
    before = text[:start]
    if not _RESTATES.search(fold(before).rstrip(" ,")):
        return None
    found = [o for o in outcomes_in(before) if o not in STATUS_OUTCOMES]
    if {"till arbete", "till studier"} <= set(found) or "till arbete eller studier" in found:
        return "till arbete eller studier"
    return found[0] if len(found) == 1 else None


def _pair_from_to(chunk, sent, mentions, made, figures, meta, subject, period, section) -> None:
    """'ökade från 34 till 51 deltagare': 34 is the same measure as 51, one period earlier when the
    sentence says so; both carry the pair's id and their side."""
    own_year = str(meta.years[-1]) if len(meta.years) == 1 else ""
    pairs = from_to_pairs(sent.text, mentions, period, own_year)
    pairs += compared_pairs(sent.text, mentions, period, own_year)
    for pair in pairs:
        after = made.get(pair.after)
        if after is None:
            continue
        before = made.get(pair.before)
        if before is None:
            m = mentions[pair.before]
            before = _figure(chunk, sent, m, meta, subject, period, after.unit, after.measure)
            before.organisation, before.section = meta.organisation, section
            figures.insert(figures.index(after), before)
            made[pair.before] = before
        m_before, m_after = mentions[pair.before], mentions[pair.after]
        named = counted_before(sent.text, m_before.start)
        if named and after.unit != "kr" and counted_noun(words_after(sent.text, m_after.end)) is None:
            # 'Antalet årsarbetare i insatserna ökade från 11,5 till 13,0 under året, … två coacher': the
            # noun before 'från' counts both numbers, not one found further on
            after.unit, after.measure = named  # type: ignore[assignment]
        head = _change_head(sent.text[: mentions[pair.before].start], section)
        if head and after.measure == "deltagare":
            after.measure = (
                head  # 'Kön till Bron minskade från 18 till 11 personer': a queue, not participants
            )
        if m_before.unit is None and m_after.unit == "kr":
            # 'från 8,4 till 8,8 miljoner kronor', 'från 4 800 till 5 000 tkr': the second's scale
            shown = _plain_number(m_after.raw)
            if shown:
                before.value = round(m_before.value * m_after.value / shown, 2)
        before.measure, before.unit = after.measure, after.unit
        before.phrase = after.phrase = phrase_of(sent.text, mentions[pair.before], None, None)
        pid = f"{after.figure_id}:par"
        before.pair_id = after.pair_id = pid
        before.pair_side, after.pair_side = "before", "after"
        if pair.before_period:
            before.period = pair.before_period
        after.period = pair.after_period


_CHANGE_HEAD = re.compile(
    r"^\s*([A-ZÅÄÖ][a-zåäö]+)\b(?:\s+\S+){0,5}?\s+"
    r"(?:ökade|minskade|steg|sjönk|förändrades|gick (?:upp|ned|ner))"
    r"(?:\s+\w+){0,2}?\s+från\s*(?:ca\s+|cirka\s+)?$"
)


def _plain_number(raw: str) -> float | None:
    """The number as written, before its unit scales it ('8,8 miljoner kronor' → 8.8)."""
    m = re.match(r"\s*-?\d{1,3}(?:[ \u00a0]\d{3})*(?:,\d+)?|\s*-?\d+(?:,\d+)?", raw)
    if not m:
        return None
    value = float(re.sub(r"[ \u00a0]", "", m.group()).replace(",", "."))
    return value or None


def _change_head(before: str, section: str) -> str | None:
    """The noun a sentence's change is of, when it is not the people counted: 'Kön till insatsen minskade
    från 18 till 11 personer' is a queue. Not a people noun, not 'antalet', not the insats the section is
    about ('Bron ökade från 40 till 55 deltagare')."""
    m = _CHANGE_HEAD.search(before)
    if not m:
        return None
    word = m.group(1)
    folded = fold(word)
    if participant_noun(word) or folded.startswith(("antal", "andel")) or folded in fold(section).split():
        return None
    if word.lower() in STOPWORDS or folded in ("under", "sedan", "efter", "mellan", "totalt", "sammanlagt"):
        return None
    return word.lower()


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
    after_people: bool = False,
) -> Figure | None:
    """`after_people`: the number before it in the sentence counts people ('gick 10 till arbete och 3 till
    studier': the 3 went too, though no noun for people stands in the sentence)."""
    text = sent.text
    limit = nxt.start if nxt else None
    subset = re.match(r"\s+av\s+(de|dessa|dem|deltagarna|personerna|eleverna)\b", text[m.end :])
    if subset and m.unit is None and (nxt is None or not _PART_OF.fullmatch(text[m.end : nxt.start])):
        # "Sju av deltagarna upplever …": a part of the participants, not a count of them
        measure = outcome_after(text, m.end + subset.end()) or "delmängd av deltagarna"
        fig = _figure(chunk, sent, m, meta, subject, period, "personer", measure)
        fig.role = "part"
        return fig
    if nxt is not None and _PART_OF.fullmatch(text[m.end : nxt.start]):
        # "tjugo av trettiosju deltagare kommit ut i sysselsättning": the part takes the whole's noun and
        # the outcome that follows it.
        noun = counted_noun(words_after(text, nxt.end))
        if noun is not None:
            outcome = outcome_after(text, nxt.end)
            return _figure(chunk, sent, m, meta, subject, period, noun[0], outcome or noun[1])
    unit: str | None = m.unit
    measure: str | None = None
    if unit == "kr":
        measure = money_measure(text[: m.start])
        if (
            measure == "resultat"
            and m.value > 0
            and _DEFICIT.search(fold(text[max(0, m.start - 40) : m.start]))
        ):
            # 'ett underskott på 303 682 kr' is the result −303 682 kr, as the report's own tables write it
            fig = _figure(chunk, sent, m, meta, subject, period, unit, measure)
            fig.value = -m.value
            return fig
    elif unit == "procent":
        outcome = (
            outcome_after(text, m.end, limit)
            or outcome_after_paren(text, m.end)
            or _restated_outcome(text, m.start)
        )
        if outcome == "avslutade" and re.match(r"\s*(?:(?:procent|%)\s+)?av\s+(?:de|dem)\b", text[m.end :]):
            # '…gick till arbete och två till studier, vilket motsvarar 45 procent av de avslutade': the
            # finishers are the base; the clause before says what the share is of
            outcome = _restated_outcome(text, m.start) or outcome
        if _FINANCING.search(text) and not outcome:
            measure = "andel av finansieringen"
        else:
            measure = f"andel {outcome}" if outcome else "andel"
    else:
        duration = duration_after(text, m.end)
        if duration:
            # "6 mån", "16-29 år": a duration or an age, a figure of its own kind, never people; years in
            # a sentence about ages ('ålder varierade mellan 24 och 63 år') are an age, not a duration
            if duration == "år" and _AGES.search(fold(text)):
                duration = "ålder"
            return _figure(chunk, sent, m, meta, subject, period, "antal", duration)
        after = words_after(text, m.end)
        if m.word and m.value == 1 and not (after and re.match(r"kvinna|man$|icke", fold(after[0]))):
            return None  # "en/ett" is an article unless it counts one person ("en kvinna till studier")
        noun = counted_noun(after, prose=m.word) or counted_before(text, m.start)
        went = outcome_in(" ".join(after[:4])) if noun and noun[0] == "antal" else None
        if went and _SUPINE.search(fold(noun[1])):
            noun = ("personer", went)  # '12 fått ett arbete', '4 påbörjat studier': the verb of an outcome
        if noun is None and _OF_THOSE.search(text[: m.start]) and re.match(r"\s+som\b", text[m.end :]):
            noun = ("personer", "deltagare")  # 'Av de 40 som avslutade …': the pronoun's people
        if noun and noun[0] == "antal" and outcome_in(noun[1]):
            noun = ("personer", outcome_in(noun[1]) or noun[1])  # "Antalet inskrivna uppgick till 58"
        near = m.end + 35 if limit is None else min(limit, m.end + 35)
        if noun and noun[0] == "antal" and people_context and outcome_after(text, m.end, near):
            noun = None  # "varav 33 gått vidare till arbete": a verb, not a noun; the outcome says what
        outcome = (
            outcome_of_split_verb(text, m.start, m.end)
            or outcome_after(text, m.end, limit)
            or outcome_after_paren(text, m.end)
            or (None if whole else outcome_before(text, m.start))
        )
        if whole:
            outcome = None  # "tjugo av trettiosju deltagare …": the whole is the participants
        if noun:
            unit, measure = noun
            if unit == "personer" and measure == "deltagare" and outcome:
                measure = outcome
            elif gender_of(measure) and outcome and outcome != "avslutade":
                measure = f"{measure} {outcome}"
        elif (
            outcome
            and (
                people_context
                or (
                    after_people
                    and re.search(r"(?:\boch|,|;|\bsamt)\s*$", text[max(0, m.start - 8) : m.start])
                )
                or _GOING.match(text[m.end :])
                or _GOING_BEFORE.search(text[max(0, m.start - 16) : m.start])
            )
            and not _LABEL_NEXT.match(text[m.end :])
        ):
            unit, measure = "personer", outcome  # 'Tolv gick till arbete': only people go to work
        else:
            return None  # a bare number with nothing counted after it is not a figure
    return _figure(chunk, sent, m, meta, subject, period, unit, measure or "belopp")


_DEFICIT = re.compile(r"(?:underskott\w*|minusresultat|negativt resultat)(?:\s+\w+){0,2}\s*$")


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
    # 'Av årets 51 deltagare var 31 kvinnor och 17 män': the total's noun and a copula before the parts
    r"\b(varav|därav)\b|^\s*(?:[^\s,():]+\s+){0,3}[^\s,():]*\s*[,(:]\s*$|^\s*[^\W\d_]+\s+(?:var|är)\s*$",
    re.IGNORECASE,
)


def _is_age_or_duration(text: str, m: NumberMention) -> bool:
    """'16-29 år', '3 månader', '6 mån': a number that counts no one."""
    return duration_after(text, m.end) is not None


_gender = gender_of

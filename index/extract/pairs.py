"""Before/after pairs stated in one sentence: 'antalet deltagare ökade från 34 till 51 deltagare'."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.models import NumberMention

_FROM = re.compile(r"\bfrån\s+(?:ca\s+|cirka\s+)?$", re.IGNORECASE)
# 'från 34 deltagare (2023) till', 'från 25 år 2023 till': a noun and the first year may stand between
_TO = re.compile(
    r"^\s*(?:[^\W\d_]+\s+){0,2}(?:\(\d{4}\)\s*|(?:19|20)\d\d\s+)?till\s+(?:ca\s+|cirka\s+)?$", re.IGNORECASE
)
_PREVIOUS_YEAR = re.compile(r"föregående år|året innan|förra året|fjolåret|närmast föregående", re.I)
_YEAR = re.compile(r"(?<![\d-])((?:19|20)\d\d)(?![\d-])")


@dataclass(frozen=True)
class Pair:
    before: int
    after: int
    """Indices into the sentence's mentions."""
    before_period: str
    after_period: str


# 'ökade från 47 till 58 jämfört med 2022': the year compared with is the first number's.
_COMPARED_WITH = re.compile(
    r"(?:jämfört med|jämfört mot|i jämförelse med|mot|än)\s+(?:år\s+)?((?:19|20)\d\d)", re.I
)


# 'hade 61 deltagare under 2024, att jämföra med 49 föregående år', 'deltog 181 personer …, jämfört med
# 152 under 2023': the second number is the first's measure in the period named after it
_COMPARED_NUMBER = re.compile(
    r"(?:att jämföra med|jämfört med|jämfört mot|i jämförelse med|mot)\s+(?:ca\s+|cirka\s+)?$", re.I
)
_PERIOD_AFTER = re.compile(
    r"^\s*(?:[^\W\d_]+\s+){0,1}?(?:\(|under\s+|år\s+|i\s+|för\s+)?((?:19|20)\d\d)\b"
    r"|^\s*(?:[^\W\d_]+\s+){0,1}?(?:under\s+)?(föregående år|året innan|året före|förra året|fjolåret)",
    re.I,
)


def compared_pairs(
    sentence: str, mentions: list[NumberMention], period: str, report_year: str = ""
) -> list[Pair]:
    """'61 deltagare under 2024, att jämföra med 49 föregående år': 49 is the before side, in the year
    named after it (the year before the first number's for 'föregående år'); the first number's year is
    the one named near it, else the report's own."""
    pairs: list[Pair] = []
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        between = sentence[a.end : b.start]
        if len(between) > 120 or not _COMPARED_NUMBER.search(between):
            continue
        m = _PERIOD_AFTER.match(sentence[b.end : b.end + 30])
        if m is None:
            continue
        others = [y for y in _YEAR.findall(sentence[: b.end]) if not m.group(1) or y != m.group(1)]
        after = others[-1] if others else (report_year or period)
        if m.group(1):
            before = m.group(1)
        elif after.isdigit():
            before = str(int(after) - 1)
        else:
            continue
        if not (before.isdigit() and after.isdigit()) or before >= after:
            continue
        pairs.append(Pair(i + 1, i, before, after))
    return pairs


def from_to_pairs(
    sentence: str, mentions: list[NumberMention], period: str, report_year: str = ""
) -> list[Pair]:
    """Pairs 'från X till Y' among the mentions; the periods are the two years the sentence names in
    order, else the previous year for X when the sentence says 'jämfört med föregående år'."""
    pairs: list[Pair] = []
    for i in range(len(mentions) - 1):
        a, b = mentions[i], mentions[i + 1]
        if not _FROM.search(sentence[max(0, a.start - 12) : a.start]):
            continue
        if not _TO.match(sentence[a.end : b.start]):
            continue
        years = [y for y in _YEAR.findall(sentence)]
        before, after = "", period
        compared = _COMPARED_WITH.search(sentence)
        if len(years) >= 2:
            before, after = years[0], years[1]
        elif compared and len(years) == 1 and report_year.isdigit() and int(report_year) > int(compared[1]):
            before, after = compared[1], report_year  # the report's own year against the year named
        elif _PREVIOUS_YEAR.search(sentence) and period.isdigit():
            before = str(int(period) - 1)
        pairs.append(Pair(i, i + 1, before, after))
    return pairs

"""Lists of amounts under a caption that says what they are, one payer or post per line:

    För 2024 uppgick medlemsavgifterna till 4 800 000 kr:
    Försäkringskassan 1 200 000 kr
    Arbetsförmedlingen 1 200 000 kr
    Hälleskogs kommun 840 000 kr

    Medlemmarna har för 2025 beslutat om bidrag på totalt 5 000 tkr, fördelade så här (tkr):
    Region Västmark 1 250

Read as prose the lines are one long 'sentence' whose amounts all belong to the organisation; read as a
list each line's amount belongs to the line's own name (the member who pays it), with the measure the
caption gives (medlemsavgifter → tilldelning) and the caption's unit (tkr). A block counts only under a
caption that ends with a colon and speaks of money, with at least two lines. Pure functions over the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.breakdowns import text_lines
from index.extract.money import money_measure
from index.lexical import fold

_ROW = re.compile(
    r"^\s*(?:[-–—•*▪]\s+)?(?P<label>[^\W\d_][^\d\n:]{0,60}?)\s*:?\s+"
    r"(?P<value>-?\d{1,3}(?:[ \u00a0\u2009]\d{3})*(?:,\d+)?)\s*(?P<unit>kr|tkr|mkr|kronor)?\.?\s*$",
    re.IGNORECASE,
)
_MONEY_CAPTION = re.compile(
    r"\b(?:[mt]?kr|kronor)\b|avgift|bidrag|tilldelning|kostnad|intakt|budget|medel\b|finansier"
)
_SUM = re.compile(r"^(?:totalt|summa|sammanlagt|total)\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d-])((?:19|20)\d\d)(?![\d-])")
_MAX_LABEL_WORDS = 6
_MIN_ROWS = 2


@dataclass(frozen=True)
class AmountRow:
    label: str
    amount: float
    """In kronor (scaled by the caption's or the line's tkr/mkr)."""
    start: int
    end: int
    is_sum: bool = False


@dataclass(frozen=True)
class AmountList:
    caption: str
    """The caption's last sentence ('För 2024 uppgick medlemsavgifterna till 4 800 000 kr:')."""
    measure: str
    year: str
    """The one year the caption names, or ''."""
    rows: tuple[AmountRow, ...]

    @property
    def start(self) -> int:
        return self.rows[0].start

    @property
    def end(self) -> int:
        return self.rows[-1].end


def _scale(unit: str) -> float:
    unit = unit.lower()
    return 1000.0 if unit == "tkr" else 1_000_000.0 if unit == "mkr" else 1.0


def _number(text: str) -> float:
    return float(re.sub(r"[ \u00a0\u2009]", "", text).replace(",", "."))


def caption_of(line: str) -> str | None:
    """The caption sentence of a line that opens a list of amounts: it ends with a colon and speaks of
    money (the sentences before it on the same line are not part of it), or it is a short title of
    money ('Medlemsavgifter 2023'), whose lines must then each say their unit."""
    stripped = line.strip()
    if _is_title(stripped):
        return stripped
    if not stripped.endswith(":"):
        return None
    return re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", stripped)[-1]


def _is_title(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 5
        and line[:1].isupper()
        and not line.endswith((".", ":"))
        and not re.search(r"\d", _YEAR.sub("", line))
        and bool(_MONEY_CAPTION.search(fold(line)))
    )


def _caption_unit(caption: str) -> str:
    m = re.search(r"\((t?kr|mkr)\)\s*:?\s*$|\b(tkr|mkr)\b", caption, re.IGNORECASE)
    return (m.group(1) or m.group(2)) if m else ""


def parse_amount_lists(text: str) -> list[AmountList]:
    found: list[AmountList] = []
    lines = text_lines(text)
    i = 0
    while i < len(lines):
        caption = caption_of(lines[i][1])
        first_row = i + 1
        if caption is None and (paragraph := _paragraph_over(lines, i)):
            caption, first_row = paragraph, i  # the list starts on this line; its paragraph says what
        if caption is None:
            i += 1
            continue
        # an amount in the caption itself is the total ('till 4 800 000 kr:'): its unit is the rows'
        unit = _caption_unit(caption) if first_row > i else ""
        titled = not caption.endswith(":")
        # a colon caption that does not speak of money ('Kommunernas andel fördelades efter invånarantal:')
        # heads amounts only when each line says its unit; what they are is read from its paragraph
        money = titled or bool(_MONEY_CAPTION.search(fold(caption)))
        context = lines[i][1].strip()
        rows: list[AmountRow] = []
        j = first_row
        while j < len(lines) and not lines[j][1].strip() and j <= i + 2:
            j += 1  # a blank line may stand between the caption and its list
        while j < len(lines):
            offset, line = lines[j]
            m = _ROW.match(line)
            if not m or len(m.group("label").split()) > _MAX_LABEL_WORDS:
                break
            if (titled or not money) and not m.group("unit"):
                break  # under a bare title only lines that say 'kr'/'tkr' are amounts
            label = m.group("label").strip()
            scale = _scale(m.group("unit") or unit)
            rows.append(
                AmountRow(
                    label,
                    _number(m.group("value")) * scale,
                    offset + m.start("label"),
                    offset + len(line.rstrip()),
                    bool(_SUM.match(label)),
                )
            )
            j += 1
        if len([r for r in rows if not r.is_sum]) >= _MIN_ROWS:
            years = sorted(set(_YEAR.findall(caption))) or sorted(set(_YEAR.findall(context)))
            measure = money_measure(caption)
            if measure == "belopp":
                measure = money_measure(context)
            found.append(AmountList(caption, measure, years[0] if len(years) == 1 else "", tuple(rows)))
            i = j
        else:
            i += 1
    return found


def _paragraph_over(lines: list[tuple[int, str]], i: int) -> str | None:
    """'Medlemmarna bidrog 2024 med sammanlagt 6 400 000 kr. … fördelas efter folkmängd.' and a blank
    line over 'Försäkringskassan 1 600 000 kr': the paragraph says what the lines that each state their
    unit are, where no caption does. The paragraph's text, when line `i` opens such a list."""
    m = _ROW.match(lines[i][1])
    if not m or not m.group("unit") or i < 2 or lines[i - 1][1].strip():
        return None
    k = i - 1
    while k > 0 and not lines[k][1].strip():
        k -= 1
    above: list[str] = []
    while k >= 0 and lines[k][1].strip():
        above.insert(0, lines[k][1].strip())
        k -= 1
    paragraph = " ".join(above)
    if _ROW.match(above[-1]) or len(paragraph.split()) < 6 or not _MONEY_CAPTION.search(fold(paragraph)):
        return None
    return paragraph


def amount_list_spans(lists: list[AmountList]) -> list[tuple[int, int]]:
    """The rows' span of each list (the caption stays prose: its total is a figure there)."""
    return [(a.start, a.end) for a in lists]

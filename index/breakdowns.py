"""Breakdowns of a group of people into rows of one count each, under a caption that says who they are:

    Utfall för de 32 deltagare som avslutade Vägen In under året:
    Arbete (helt eller delvis)               11
    Studier                                   5
    Övriga skäl                               7
    Summa avslutade                          32

Read as prose the rows are one long 'sentence' whose numbers have no noun, so they give no figures. Read as
a breakdown each row is a part of the caption's group: its measure is the outcome its label names ('till
arbete'), else the label itself, and a sum row is the group's total, checked against the rows.

A block counts as a breakdown only when it can be shown to be one: the rows add up to a number the
caption or a sum row states, or at least two row labels name outcomes. Pure functions over the text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.extract.outcomes import outcome_in
from index.lexical import fold

_ROW = re.compile(r"^\s*(?P<label>[^\W\d_][^\d\n]{0,60}?)\s*:?\s+(?P<value>\d{1,4})\s*$")
_SUM = re.compile(r"^(?:totalt|summa|samtliga|total|alla)\b", re.IGNORECASE)
_CAPTION_NUMBER = re.compile(r"(?<![\d,])(\d{1,4})(?![\d,])")
#: Words in a caption that say its rows count people (folded prefixes).
_PEOPLE_CAPTION = re.compile(r"deltag|person|avslut|inskriv|utskriv|individ|unga\b|ungdom|elev|klient|kvinn")
_MAX_LABEL_WORDS = 7
_MIN_ROWS = 2


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    value: int
    measure: str
    start: int
    end: int
    is_sum: bool = False


@dataclass(frozen=True)
class Breakdown:
    caption: str
    caption_start: int
    rows: tuple[BreakdownRow, ...]
    parts_of_sum: tuple[int, ...] = field(default=())
    """For the sum row: the values of the rows it adds up."""

    @property
    def start(self) -> int:
        return self.rows[0].start

    @property
    def end(self) -> int:
        return self.rows[-1].end


def row_measure(label: str) -> str:
    """'Arbete (helt eller delvis)' → 'till arbete'; a label that names no outcome is its own measure."""
    outcome = outcome_in(label) or outcome_in(f"till {label}")
    return outcome or " ".join(label.lower().split())


def text_lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of each line of the text."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _row(offset: int, line: str) -> BreakdownRow | None:
    m = _ROW.match(line)
    if not m:
        return None
    label = m.group("label").strip()
    if len(label.split()) > _MAX_LABEL_WORDS or label.endswith((",", "och", "av")):
        return None
    start = offset + m.start("label")
    return BreakdownRow(
        label,
        int(m.group("value")),
        row_measure(label),
        start,
        offset + m.end("value"),
        bool(_SUM.match(label)),
    )


def _proven(caption: str, rows: list[BreakdownRow]) -> tuple[bool, tuple[int, ...]]:
    """Whether the block is a breakdown of the caption's group, and the parts of its sum row."""
    sums = [i for i, r in enumerate(rows) if r.is_sum]
    parts = [r.value for r in rows if not r.is_sum]
    if len(parts) < _MIN_ROWS:
        return False, ()
    if any(not r.is_sum and key_value_measure(r.label) == "deltagare" for r in rows):
        # 'Antal deltagare: 42', 'Kvinnor: 18', 'Avslutade: 14': the group's own count among its lines
        # makes them key-value lines (index.breakdowns.parse_key_values), not parts of the caption
        return False, ()
    if sums and sums[-1] == len(rows) - 1:
        return True, tuple(parts)  # a closing sum row: checked against its rows (it may fail)
    stated = {int(n) for n in _CAPTION_NUMBER.findall(caption)}
    if sum(parts) in stated:
        return True, ()
    outcomes = sum(1 for r in rows if outcome_in(r.label) or outcome_in(f"till {r.label}"))
    return outcomes >= 2, ()


def parse_breakdowns(text: str) -> list[Breakdown]:
    lines = text_lines(text)
    found: list[Breakdown] = []
    i = 0
    while i < len(lines):
        offset, caption = lines[i]
        stripped = caption.strip()
        if not stripped or _ROW.match(caption) or not _PEOPLE_CAPTION.search(fold(stripped)):
            i += 1
            continue
        rows: list[BreakdownRow] = []
        j = i + 1
        while j < len(lines) and (row := _row(*lines[j])) is not None:
            rows.append(row)
            j += 1
        ok, parts = (
            _proven(stripped, rows) if len([r for r in rows if not r.is_sum]) >= _MIN_ROWS else (False, ())
        )
        if ok:
            found.append(
                Breakdown(stripped, offset + len(caption) - len(caption.lstrip()), tuple(rows), parts)
            )
            i = j
        else:
            i += 1
    return found


def breakdown_spans(breakdowns: list[Breakdown]) -> list[tuple[int, int]]:
    """The rows' span of each breakdown (the caption stays prose: its own count is a figure there)."""
    return [(b.start, b.end) for b in breakdowns]


# --- key-value lines ---------------------------------------------------------------------------------

_KEY_VALUE = re.compile(
    r"^\s*(?P<label>[^\W\d_][^\d\n:]{0,40}?)\s*:\s*(?P<value>\d{1,5})\s*(?:st|personer)?\.?\s*$"
)


@dataclass(frozen=True)
class KeyValue:
    label: str
    value: int
    measure: str
    role: str
    """'total' (the people counted), 'part' (their women or men) or 'single'."""
    start: int
    end: int


def key_value_measure(label: str) -> str | None:
    """What a 'Label: N' line counts, when it counts people: 'Antal deltagare' → deltagare, 'Kvinnor' →
    kvinnor, 'Avslutade under året' → avslutade, 'Till arbete' → till arbete; None for anything else
    ('Genomsnittlig tid', 'Kostnad')."""
    from index.extract.counted import participant_noun

    words = re.findall(r"[^\W\d_]+", label)
    people = [participant_noun(w) for w in words]
    outcome = outcome_in(label)
    genders = [p for p in people if p in ("kvinnor", "män")]
    if genders and len(words) <= 2:
        return genders[0]
    if outcome:
        return outcome
    if "deltagare" in people and len(words) <= 3:
        return "deltagare"
    return None


def parse_key_values(text: str) -> list[list[KeyValue]]:
    """Blocks of two or more consecutive 'Label: N' lines of which at least two count people
    ('Antal deltagare: 48', 'Kvinnor: 21', 'Män: 27', 'Avslutade under året: 30')."""
    blocks: list[list[KeyValue]] = []
    current: list[KeyValue] = []
    for offset, line in [*text_lines(text), (len(text), "")]:
        m = _KEY_VALUE.match(line)
        measure = key_value_measure(m.group("label")) if m else None
        if m and measure:
            start = offset + m.start("label")
            current.append(
                KeyValue(
                    m.group("label").strip(),
                    int(m.group("value")),
                    measure,
                    "single",
                    start,
                    offset + len(line.rstrip()),
                )
            )
            continue
        if len(current) >= 2:
            blocks.append(_with_roles(current))
        current = []
    return blocks


def _with_roles(block: list[KeyValue]) -> list[KeyValue]:
    """The block's count of participants is the total of its women and men, when they are given."""
    from dataclasses import replace

    has_total = any(k.measure == "deltagare" for k in block)
    genders = [k for k in block if k.measure in ("kvinnor", "män")]
    if not (has_total and genders):
        return block
    return [
        replace(k, role="total")
        if k.measure == "deltagare"
        else replace(k, role="part")
        if k in genders
        else k
        for k in block
    ]


def key_value_spans(blocks: list[list[KeyValue]]) -> list[tuple[int, int]]:
    return [(b[0].start, b[-1].end) for b in blocks]

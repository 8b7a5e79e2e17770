"""Numbers as Swedish reports write them, parsed: '1 975 068 kronor', '- 1 441 678 kr', 'ca 42 %',
'6 028 tkr', '280 miljoner kronor', 'tjugo av trettiosju'. Pure functions over text, no I/O.

Every figure finsam shows starts as a `NumberMention` found here; dates, section numbers, law references,
page numbers, phone numbers and other labels are recognised so that they never become figures.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from index.models import FigureUnit, NumberMention

SEPARATORS = " \u00a0\u2009\u202f"
"""Thousands separators: space, no-break space, thin space, narrow no-break space."""
MINUS = "-\u2212\u2013"
"""Hyphen-minus, minus sign and en dash (PDF exports write a minus as any of them)."""
MAX_GROUPS = 3
"""A samordningsförbund's amounts stay below a billion kronor; a longer run of 3-digit groups is two
adjacent table cells ('625 000 625 000'), not one number."""

_SP = f"[{SEPARATORS}]"
_GROUPED = re.compile(rf"([1-9]\d{{0,2}}(?:{_SP}\d{{3}})*|\d+)(?:,(\d+))?")
# A 4-digit first group never starts a grouped number ('år 2017 217 deltagare' is 2017 and 217).
_CANDIDATE = re.compile(rf"(?<!\d)(?<!\d,)(?:[1-9]\d{{0,2}}(?:{_SP}\d{{3}}(?!\d))+|\d+)(?:,\d+)?")

_MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december "
    "jan feb mar apr jun jul aug sep sept okt nov dec"
).split()
# Spans that hold digits but no figure; the comment names the written form each one covers.
_NOT_FIGURES = re.compile(
    "|".join(
        [
            r"(?<!\d)(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?(?!\d)",  # 2020-01-01
            r"(?<!\d)(?:19|20)\d\d -(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)",  # OCR: 2016 -10-31
            r"(?<!\d)(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)",  # 20200101
            r"(?<![\d,])(?:1[5-9]|2\d|30)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)",  # 200817
            r"(?<![\d,])\d+(?:\.\d+)+\.?",  # section 1.1.3, 7.2, version 2.0, time 13.00
            r"\d+:\w+",  # law (2003:1210), ordinal 3:e / 5:an, time 13:00
            r"(?<![\d,])(?<!\d )(?:\+46 ?|0)[1-9]\d{0,2} ?[-/] ?\d{2,3}(?:[ -]?\d{2,3}){1,3}(?!\d)",  # phone
            r"(?<=, )\d{3} \d{2}(?= [A-ZÅÄÖ][a-zåäö])",  # postal code: 'Box 353, 971 10 Luleå'
        ]
    )
)
_LABEL_BEFORE = re.compile(
    r"(?i)(?<![\w.])(?:bilaga|bilagan|sid|sida|sidan|s\.|not|spår|vecka|veckan|v\.|årskurs|åk|"
    r"programområde|programområdet|kapitel|kap\.|nr|box|punkt|paragraf|version|"
    r"[A-ZÅÄÖ]\w*(?:gatan|vägen|gränd))\s+$"
)
_DAY_BEFORE_MONTH = re.compile(rf"(?i)\s+(?:{'|'.join(_MONTHS)})\.?(?!\w)")
_APPROX_BEFORE = re.compile(
    r"(?i)(?<![\w.:])(?:ca\.?|c:a|cirka|drygt|knappt|omkring|ungefär|ungefar|runt|närmare|nästan)\s+$"
)
_LIST_MARK_AFTER = re.compile(r"[.)][ \t]+[^\W\d_]")
_RANGE_DASH = re.compile(r"\s*[-\u2013\u2014]\s*")

# Unit words after a number: name -> (unit, factor). The order matters: longest forms first.
_UNITS: list[tuple[str, FigureUnit | None, int]] = [
    (r"%|procent(?!\w)", "procent", 1),
    (r"(?:miljard(?:er)?|mdr)\s*(?:kr|kronor|sek)(?!\w)|mdkr(?!\w)", "kr", 10**9),
    (r"(?:miljon(?:er)?|milj\.?|mn)\s*(?:kr|kronor|sek)(?!\w)|(?:mkr|mnkr|msek)(?!\w)", "kr", 10**6),
    (r"tusen\s+(?:kr|kronor)(?!\w)|(?:tkr|tsek)(?!\w)", "kr", 10**3),
    (r"(?:kr|kronor|sek)(?!\w)", "kr", 1),
    (r"(?:miljard(?:er)?|mdr)(?!\w)", None, 10**9),
    (r"(?:miljon(?:er)?(?!\w)|milj\.)", None, 10**6),
    (r"tusen(?!\w)", None, 10**3),
]
_UNIT_AFTER = re.compile(
    r"\s*(?:" + "|".join(f"(?P<u{i}>{pattern})" for i, (pattern, _, _) in enumerate(_UNITS)) + ")",
    re.IGNORECASE,
)

_ONES = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9}
_TEENS = {
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "tretton": 13,
    "fjorton": 14,
    "femton": 15,
    "sexton": 16,
    "sjutton": 17,
    "arton": 18,
    "aderton": 18,
    "nitton": 19,
}
_TENS = {
    "tjugo": 20,
    "trettio": 30,
    "fyrtio": 40,
    "femtio": 50,
    "sextio": 60,
    "sjuttio": 70,
    "åttio": 80,
    "nittio": 90,
}
# OCR'd reports lose å ('Tva projektledare'); these spellings are no other Swedish word.
_OCR_SPELLINGS = {"tva": "två", "atta": "åtta", "attio": "åttio"}


# --- single numbers ---------------------------------------------------------------------------------


def parse_grouped(text: str) -> float | None:
    """One number with optional sign, space-grouped thousands and decimal comma; None if `text` is not one."""
    s = text.strip()
    negative = bool(s) and s[0] in MINUS
    if negative:
        s = s[1:].lstrip(" ")
    match = _GROUPED.fullmatch(s)
    if match is None:
        return None
    value = _decimal(match.group(1), match.group(2))
    return float(-value if negative else value)


def number_word_value(word: str, *, allow_one: bool = False) -> int | None:
    """Value of a Swedish number word ('sju', 'tjugotvå', 'trettiosju', 'tvåhundra', 'tusen'), else None.

    'en'/'ett' alone are articles far more often than numbers, so they count only with `allow_one`."""
    w = word.strip().lower()
    w = _OCR_SPELLINGS.get(w, w)
    if w == "noll":
        return 0
    if w in ("en", "ett") and not allow_one:
        return None
    return _below_million(w)


def _below_hundred(w: str) -> int | None:
    for table in (_ONES, _TEENS, _TENS):
        if w in table:
            return table[w]
    for tens, value in _TENS.items():
        if w.startswith(tens) and w[len(tens) :] in _ONES:
            return value + _ONES[w[len(tens) :]]
    return None


def _below_thousand(w: str) -> int | None:
    head, sep, tail = w.partition("hundra")
    if not sep:
        return _below_hundred(w)
    hundreds = 1 if head == "" else _ONES.get(head)
    rest = 0 if tail == "" else _below_hundred(tail)
    return None if hundreds is None or rest is None else hundreds * 100 + rest


def _below_million(w: str) -> int | None:
    head, sep, tail = w.partition("tusen")
    if not sep:
        return _below_thousand(w)
    thousands = 1 if head == "" else _below_thousand(head)
    if thousands is None and head.endswith("et"):
        thousands = _below_thousand(head + "t")  # 'ettusen', 'tjugoettusen': the third t is dropped
    rest = 0 if tail == "" else _below_thousand(tail)
    return None if thousands is None or rest is None else thousands * 1000 + rest


def _decimal(integer: str, fraction: str | None) -> Decimal:
    digits = re.sub(_SP, "", integer)
    return Decimal(f"{digits}.{fraction}" if fraction else digits)


# --- finding numbers in text ----------------------------------------------------------------------------


@dataclass
class _Token:
    """One number as found, and what its context says about it."""

    start: int
    end: int
    """Span of the digits (no sign, no unit)."""
    value: Decimal
    groups: int
    skip: str | None = None
    """Why this is no figure: 'masked', 'glued', 'label', 'list', 'page'; None for a figure."""
    unit: FigureUnit | None = None
    factor: Decimal = Decimal(1)
    unit_end: int = 0
    sign: int | None = None
    approx_start: int | None = None
    approx: bool = False
    after_dash: bool = False
    """Second number of a range ('16-29'): never signed."""


def find_numbers(text: str, *, include_one: bool = False) -> list[NumberMention]:
    """Every figure mention in `text`, in order, with spans into `text` (approx word and unit included).

    Values are in base units: '6 028 tkr' -> 6028000.0 kr, '280 miljoner kronor' -> 280000000.0 kr.
    Years stand as plain numbers (unit None): callers decide what a 2017 is. Number words ('sju',
    'trettiosju') come with word=True; 'en'/'ett' only with `include_one`."""
    masked = [m.span() for m in _NOT_FIGURES.finditer(text)]
    tokens = _join_broken_lines(text, [t for m in _CANDIDATE.finditer(text) for t in _split_cells(m)])
    for token in tokens:
        token.skip = _skip_reason(text, token, masked)
        token.unit, token.factor, token.unit_end = _unit_after(text, token.end, token.value)
    pairs = list(itertools.pairwise(tokens))
    for a, b in pairs:
        b.after_dash = a.skip != "masked" and _is_range_gap(text[a.end : b.start])
        if b.after_dash and "label" in (a.skip, b.skip):
            a.skip = b.skip = "label"  # 'årskurs 7-9': both ends are labels
    for token in tokens:
        token.sign = None if token.after_dash else _sign_start(text, token.start, token.unit == "kr")
        token.approx_start = _approx_start(text, token.start if token.sign is None else token.sign)
        token.approx = token.approx_start is not None
    for a, b in pairs:
        if b.after_dash and not a.skip and not b.skip:
            _share_range(a, b)
    mentions = [_mention(text, t) for t in tokens if not t.skip]
    mentions.extend(_word_mentions(text, include_one, mentions))
    return sorted(mentions, key=lambda m: m.start)


def _is_range_gap(gap: str) -> bool:
    """'16-29', '16 - 64', '33–74', '16–\\n30' are ranges; '780 -43 065' is a table cell with a sign."""
    if not _RANGE_DASH.fullmatch(gap):
        return False
    return not (gap[0].isspace() and gap[-1] in "-\u2212")


def _mention(text: str, token: _Token) -> NumberMention:
    start = token.start if token.sign is None else token.sign
    if token.approx_start is not None:
        start = token.approx_start
    value = token.value * token.factor
    return NumberMention(
        value=float(-value if token.sign is not None else value),
        unit=token.unit,
        start=start,
        end=token.unit_end,
        raw=text[start : token.unit_end],
        approx=token.approx,
    )


def _share_range(first: _Token, second: _Token) -> None:
    """'25–50%', '2-3 miljoner kr': the first number takes the unit and scale of the second;
    'ca 20-25': the second is as approximate as the first."""
    if first.unit is None and first.unit_end == first.end and second.unit is not None:
        first.unit = second.unit
        first.factor = second.factor if abs(first.value) < 10**6 else Decimal(1)
    second.approx = second.approx or first.approx


def _split_cells(match: re.Match[str]) -> list[_Token]:
    """One candidate, or the table cells a too-long run of groups stands for ('625 000 625 000')."""
    integer, _, fraction = match.group().partition(",")
    groups = re.split(_SP, integer)
    tokens, start = [], match.start()
    sizes = _cell_sizes(groups)
    for n, size in enumerate(sizes):
        cell = groups[:size]
        groups = groups[size:]
        last = n == len(sizes) - 1
        end = match.end() if last else start + len(" ".join(cell))
        tokens.append(_Token(start, end, _decimal("".join(cell), fraction if last else None), size))
        start = end + 1
    return tokens


def _cell_sizes(groups: list[str]) -> list[int]:
    """How many groups each number takes: all of them, or the most even split into numbers of at most
    MAX_GROUPS groups whose first group has no leading zero (table cells of the same magnitude)."""
    if len(groups) <= MAX_GROUPS:
        return [len(groups)]
    if len(groups) > 4 * MAX_GROUPS:  # no table row is that long; don't enumerate the splits
        whole, rest = divmod(len(groups), MAX_GROUPS)
        return [MAX_GROUPS] * whole + ([rest] if rest else [])
    best: tuple[int, int, list[int]] | None = None
    for sizes in _compositions(len(groups)):
        starts = [sum(sizes[:k]) for k in range(len(sizes))]
        if any(groups[s].startswith("0") for s in starts):
            continue
        lengths = [len("".join(groups[s : s + n])) for s, n in zip(starts, sizes, strict=True)]
        cost = (len(sizes), max(lengths) - min(lengths))
        if best is None or cost < best[:2]:
            best = (*cost, sizes)
    return best[2] if best else [1] * len(groups)


def _compositions(total: int) -> list[list[int]]:
    if total == 0:
        return [[]]
    return [[k, *rest] for k in range(1, min(MAX_GROUPS, total) + 1) for rest in _compositions(total - k)]


def _join_broken_lines(text: str, tokens: list[_Token]) -> list[_Token]:
    """'… till 524 \\n\\n933 kronor': a number split by a line break, read whole when the second part is
    3-digit groups followed by a kronor unit (else it is a new table line or sentence)."""
    out: list[_Token] = []
    for token in tokens:
        prev = out[-1] if out else None
        gap = text[prev.end : token.start] if prev else ""
        if (
            prev is not None
            and "\n" in gap
            and gap.strip() == ""
            and prev.value == prev.value.to_integral_value()
            and re.fullmatch(rf"[1-9]\d{{0,2}}(?:{_SP}\d{{3}})*", text[prev.start : prev.end])
            and re.fullmatch(rf"\d{{3}}(?:{_SP}\d{{3}})*(?:,\d+)?", text[token.start : token.end])
            and prev.groups + token.groups <= MAX_GROUPS
            and _unit_after(text, token.end, token.value)[0] == "kr"
        ):
            value = prev.value * 1000**token.groups + token.value
            out[-1] = _Token(prev.start, token.end, value, prev.groups + token.groups)
        else:
            out.append(token)
    return out


def _skip_reason(text: str, token: _Token, masked: list[tuple[int, int]]) -> str | None:
    s, e = token.start, token.end
    if any(ms < e and s < me for ms, me in masked):
        return "masked"
    before, after = _char(text, s - 1), _char(text, e)
    if before.isalpha():
        # 'deltog107', 'reseersättning11 362': a table cell glued to its label; 'Norsj6', 'GY11': no number
        word = re.search(r"[^\W\d_]+$", text[max(0, s - 40) : s])
        if word is None or not word.group().islower() or len(word.group()) < 4 or e - s < 2:
            return "glued"
    if before and before in MINUS and _char(text, s - 2).isalpha():
        return "glued"  # Covid-19, SGI-0
    if after.isalpha() and not _UNIT_AFTER.match(text, e):
        return "glued"  # 3x30, 1dngsiktigt (OCR)
    if after == "§" or text[e : e + 2] == " §":
        return "label"
    # a form feed ends a line too: the page number before it ('3\f3.3 Hälsolotsen') stands alone
    line_start = max(text.rfind("\n", 0, s), text.rfind("\f", 0, s)) + 1
    ends = [i for i in (text.find("\n", e), text.find("\f", e)) if i >= 0]
    line_end = min(ends) if ends else len(text)
    if _LABEL_BEFORE.search(text, max(0, s - 40), s):
        return "label"
    if e - s <= 2 and 1 <= token.value <= 31 and _DAY_BEFORE_MONTH.match(text, e):
        return "label"  # the day of '1 januari 2020'
    if text[line_start:s].strip(" \t•*") == "" and _LIST_MARK_AFTER.match(text, e) and e - s <= 2:
        return "list"  # '1. Förvaltningsberättelse', '4. Under hösten 2017 …'
    if text[line_start:line_end].strip() == text[s:e] and e - s <= 3:
        return "page"
    return None


def _unit_after(text: str, end: int, value: Decimal) -> tuple[FigureUnit | None, Decimal, int]:
    """(unit, factor, end of the unit) for the number ending at `end`; the unit may be on the next line."""
    match = _UNIT_AFTER.match(text, end)
    if match is None or match.lastgroup is None:
        return None, Decimal(1), end
    _, unit, factor = _UNITS[int(match.lastgroup[1:])]
    if factor >= 10**6 and abs(value) >= 10**6:
        # '2 497 180 miljoner kronor' (2016 report): already kronor; the scale word is a slip.
        factor = 1
    return unit, Decimal(factor), match.end()


def _sign_start(text: str, start: int, money: bool) -> int | None:
    """Offset of the minus that makes the number at `start` negative, or None.

    '-1 441 678', '780 -43 065' (table cell), ', - 1 441 678 kr' are negative; '16-29', '16 - 64'
    (ranges), '+ - 101' and a '- ' bullet at the start of a line are not."""
    j = start - 1
    if j < 0:
        return None
    if text[j] in MINUS:
        if _char(text, j - 1).isalnum():
            return None
        prev = _previous_visible(text, j)
        if prev == "+" or (text[j] == "\u2013" and prev.isdigit()):
            return None
        return j
    if text[j] not in " \t":
        return None
    k = j
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    if k == 0 or text[k - 1] not in "-\u2212":
        return None
    prev = _previous_visible(text, k - 1)
    if prev in ("\n", "+", "") or prev.isdigit():
        return None  # bullet (at a line's or the text's start), '+ -', range '16 - 64'
    if prev.isalpha() and not money and _approx_start(text, k - 1) is None:
        return None  # a dash between words ('projekt - 12 deltagare'), unless 'ca - 5'
    return k - 1


def _char(text: str, i: int) -> str:
    """text[i], or '' outside the text (a negative index must not wrap around)."""
    return text[i] if 0 <= i < len(text) else ""


def _previous_visible(text: str, i: int) -> str:
    """The character before offset `i` skipping spaces and tabs; '\\n' at a line start, '' at text start."""
    k = i
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    return text[k - 1] if k > 0 else ""


def _approx_start(text: str, start: int) -> int | None:
    match = _APPROX_BEFORE.search(text, max(0, start - 20), start)
    return match.start() if match else None


def _word_mentions(text: str, include_one: bool, found: list[NumberMention]) -> list[NumberMention]:
    """Number words as mentions: 'tjugo av trettiosju', 'sex kvinnor och fyra män', 'tio procent'.

    Whole words only: 'sjukfall' holds no 'sju', and 'tiotal', 'hundratals' are no exact figures."""
    taken = [(m.start, m.end) for m in found]
    out: list[NumberMention] = []
    for match in re.finditer(r"[^\W\d_]+", text):
        s, e = match.span()
        value = number_word_value(match.group(), allow_one=include_one)
        if value is None or any(ts < e and s < te for ts, te in taken):
            continue
        if _char(text, s - 1) in ("-", "\u2013") and _char(text, s - 2).isdigit():
            continue  # '16-åringar' handled as digits; a word glued to digits is no count
        unit, factor, end = _unit_after(text, e, Decimal(value))
        approx = _approx_start(text, s)
        start = s if approx is None else approx
        mention = NumberMention(
            value=float(value * factor),
            unit=unit,
            start=start,
            end=end,
            raw=text[start:end],
            approx=approx is not None,
            word=True,
        )
        out.append(mention)
        taken.append((start, end))
    return out


# --- writing numbers --------------------------------------------------------------------------------


_SUFFIX: dict[str | None, str] = {"kr": " kr", "procent": " %", "personer": " personer", "år": " år"}


def format_swedish(value: float, unit: str | None, decimals: int | None = None) -> str:
    """'1 975 068 kr', '41,7 %', '-11,2 %', '20 personer': space-grouped thousands, decimal comma.

    By default percentages get one decimal; kronor and counts none when whole, else two (kronor) or
    up to two (other). Rounds half away from zero, as Swedish reports do. Years ('år') are not grouped."""
    trim = False
    if decimals is None:
        if unit == "procent":
            decimals = 1
        elif float(value).is_integer():
            decimals = 0
        else:
            decimals, trim = 2, unit != "kr"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no '-0,0 %'
    integer, _, fraction = f"{abs(number):f}".partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    if unit != "år":
        integer = _group_thousands(integer)
    text = ("-" if number < 0 else "") + integer + ("," + fraction if fraction else "")
    return text + _SUFFIX.get(unit, "")


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    return " ".join([digits[:head], *(digits[i : i + 3] for i in range(head, len(digits), 3))])

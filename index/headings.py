"""Headings in plain report text, with levels and heading paths.

Text exports of PDFs keep no styles, so headings are recognised by how they look (a short capitalised line
without a sentence end, standing alone or directly above body text) and ranked by how they behave:

- numbered headings (`1.`, `1.1`, `1.1.3`) sit at the depth of their number;
- ALL-CAPS headings and appendix headings ("Bilaga 1") are top level;
- an un-numbered heading whose text recurs in the document ("Målgrupp", "Resultat", also "Resultat (dec
  2016 – nov 2017)" as a variant of a recurring text) is a sub-heading: it never ends its parent;
- an un-numbered heading that directly introduces another heading ("Arbetsmarknadstorget, AMT" above
  "Vision 2017") is a parent; a recurring one only when the heading it introduces recurs more often;
- any other unique heading is a sub-heading of the current parent ("Vision 2017", "Strategi"), unless the
  recurring sub-headings that follow it start over a cycle already seen under that parent, which marks
  it as the next item of the same kind ("MoA Piteå" after "Etablering kvinna Piteå").

When the format knows its headings (DOCX styles), `find_headings(text, known)` uses those instead.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

SEPARATOR = " › "
MAX_HEADING_WORDS = 10
_MAX_HEADING_CHARS = 75
_ROW_FIGURE_SHARE = 0.35
_SHORT_LINE_WORDS = 10  # list items and table cells are shorter than this
_ITEM_BODY_WORDS = 12  # a unique sub-heading with less running text under it is a list item
_LIST_GAP_WORDS = 150  # numbered items closer than this may be a list
_TIGHT_LIST_WORDS = 25  # items this close are a list even when each looks like a heading

_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)(?:\.\s*|\s+)(?=[A-ZÅÄÖÉÜ])")
_MULTI_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})+(?:\.\s*|\s+)(?=[A-ZÅÄÖÉÜ])")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:sida|page|s\.)\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*\(\d{1,3}\))?$", re.IGNORECASE
)
# A figure: digits with decimal marks or a percent sign; dates and ranges (2017-04-01, 16-29) are not figures.
_NUMBER_TOKEN = re.compile(r"^(?:[-+−]?\d[\d.,]*%?|%)$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_APPENDIX = re.compile(r"^(?:bilaga|bilagor|appendix)\b", re.IGNORECASE)
_BULLET = re.compile(r"^[•·◦▪■□●○*\-–—>»\uf000-\uf8ff]")
_KEY_VALUE = re.compile(r":\s+\S")
_INNER_SENTENCE_END = re.compile(r"[a-zåäö]{2}[.!?] +[A-ZÅÄÖ]")
# A period of time ('(2016-08-01 – 2017-06-30)', 'aug 2016 - juni 2018', '20190301–20220228'): projects and
# activities are named with the period they run.
_PERIOD = re.compile(
    r"(?<!\d)(?:19|20)\d\d(?:-?\d\d(?:-?\d\d)?)?\s*[-–]\s*(?:[a-zåäö]+\s+)?(?:(?:19|20)\d\d|$)"
)
_LINE_END = re.compile(r"[\n\f]")
_VARIANT_BOUNDARY = " /,(-–"
# Swedish words that cannot end a heading or a paragraph: a line ending in one continues on the next line.
CONTINUATION_WORDS = frozenset(
    {
        "och",
        "eller",
        "samt",
        "men",
        "av",
        "för",
        "till",
        "i",
        "på",
        "med",
        "om",
        "att",
        "som",
        "den",
        "det",
        "de",
        "en",
        "ett",
        "från",
        "vid",
        "under",
        "efter",
        "mellan",
        "inom",
        "genom",
        "utan",
        "mot",
        "hos",
        "där",
        "när",
        "då",
        "så",
        "än",
        "sin",
        "sitt",
        "sina",
        "deras",
        "dess",
        "har",
        "är",
        "var",
        "ska",
        "kan",
        "blir",
        "varav",
        "vilket",
        "vilka",
        "både",
        "bland",
        "annat",
    }
)


@dataclass(frozen=True)
class Line:
    """One line of the text: offsets of its stripped content, and whether a page break precedes it."""

    start: int
    end: int
    text: str
    page_break: bool

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    text: str
    level: int
    path: tuple[str, ...]
    """Heading texts from the top-level heading down to this one."""

    @property
    def section(self) -> str:
        return SEPARATOR.join(self.path)


def split_lines(text: str) -> list[Line]:
    """Lines of `text`, splitting on newlines and form feeds; offsets point at the stripped content."""
    lines: list[Line] = []
    page_break = False
    pos = 0
    while True:
        m = _LINE_END.search(text, pos)
        end = m.start() if m else len(text)
        raw = text[pos:end]
        stripped = raw.strip()
        start = pos + len(raw) - len(raw.lstrip())
        lines.append(Line(start, start + len(stripped), " ".join(stripped.split()), page_break))
        if not m:
            return lines
        page_break = m.group() == "\f"
        pos = end + 1


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_table_row(text: str) -> bool:
    """Mostly figures: more than half of the words numeric, or two or more figures (not years) making up
    over a third of them. '52 personer (23 kvinnor och 29 män)' is running text, '37 15 22' a row."""
    tokens = text.split()
    numeric = [t for t in tokens if _NUMBER_TOKEN.match(t)]
    figures = [t for t in numeric if not _YEAR.match(t)]
    return bool(tokens) and (
        len(numeric) * 2 > len(tokens)
        or (len(figures) >= 2 and len(figures) >= _ROW_FIGURE_SHARE * len(tokens))
    )


def numbering_depth(text: str) -> int:
    """Depth of a section number at the start of `text` ('2.6.1. Vision' -> 3), 0 when there is none."""
    m = _NUMBERED.match(text)
    return m.group("num").count(".") + 1 if m else 0


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def ends_open(text: str) -> bool:
    """Whether a line stops mid-sentence: a comma, a word hyphen, or a word that cannot end a clause."""
    text = text.rstrip()
    if not text:
        return False
    if text[-1] in ",;" or re.search(r"\w-$", text):
        return True
    last = text.split()[-1].lower()
    return last in CONTINUATION_WORDS


def looks_like_heading(text: str) -> bool:
    """Shape of a heading line on its own, before its neighbours are considered."""
    text = " ".join(text.split())
    if not text or is_page_number(text) or _BULLET.match(text):
        return False
    depth = numbering_depth(text)
    body = _NUMBERED.sub("", text) if depth else text
    if not body or not (body[0].isupper() or body[0].isdigit()):
        return False
    if not depth and not text[0].isupper():
        return False
    words = body.split()
    if len(words) > MAX_HEADING_WORDS or len(text) > _MAX_HEADING_CHARS:
        return False
    if text.endswith((":", ",", ";")) or _KEY_VALUE.search(text) or ends_open(text):
        return False
    if _INNER_SENTENCE_END.search(body):
        return False
    # A sentence end disqualifies, except after a section number ("3. Förbundets inriktning 2015.").
    if text[-1] in ".!?" and not (depth and text[-1] == "." and ". " not in body):
        return False
    return not is_table_row(body)


def _is_body(line: Line) -> bool:
    """Running text: not heading-shaped, not a figure row, and either several words or a sentence end."""
    if line.blank or is_page_number(line.text) or looks_like_heading(line.text) or is_table_row(line.text):
        return False
    return len(line.text.split()) >= 4 or line.text[-1] in ".!?"


def _blocks(lines: list[Line]) -> list[list[int]]:
    """Runs of adjacent non-blank lines (indices); blank lines and page breaks end a run."""
    blocks: list[list[int]] = []
    current: list[int] = []
    for i, line in enumerate(lines):
        if line.blank or (line.page_break and current):
            if current:
                blocks.append(current)
            current = [] if line.blank else [i]
        else:
            current.append(i)
    if current:
        blocks.append(current)
    return blocks


def _continues(text: str) -> bool:
    """A line that carries on a sentence starts in lower case."""
    return text[:1].islower()


def _previous_text(lines: list[Line], i: int) -> str:
    for j in range(i - 1, -1, -1):
        if not lines[j].blank and not is_page_number(lines[j].text):
            return lines[j].text
    return ""


def _next_text(lines: list[Line], i: int) -> str:
    for j in range(i + 1, len(lines)):
        if not lines[j].blank and not is_page_number(lines[j].text):
            return lines[j].text
    return ""


def _sentence_into_list(text: str, nxt: str) -> bool:
    """A line of several words whose sentence goes on in the bullets below it: their items start with a
    number or in lower case ('- 7 till arbete', '- och 4 till studier'), where a heading's list names
    things ('- Försäkringskassan')."""
    m = _BULLET.match(nxt)
    if not m or len(text.split()) < 5:
        return False
    item = nxt[m.end() :].lstrip()
    return item[:1].isdigit() or item[:1].islower()


def heading_lines(lines: list[Line]) -> list[int]:
    """Indices of the lines that are headings, judged by their shape and their neighbours."""
    shaped = [line.text for line in lines if looks_like_heading(line.text)]
    families, counts = _families(shaped)
    common = {f for f, c in zip(families, counts, strict=True) if c >= 2}
    found: list[int] = []
    for block in _blocks(lines):
        lead = 0
        while lead < len(block) and looks_like_heading(lines[block[lead]].text):
            lead += 1
        if lead == 0:
            continue
        if lead == len(block):
            # A lone line is a heading, and so is a pair whose second line is a recurring sub-heading
            # ('Etablering kvinna Piteå 2020…' over 'Målgrupp'); other runs of short lines are lists.
            pair = (
                len(block) == 2
                and len(lines[block[0]].text.split()) >= 2
                and _family_of(lines[block[1]].text, common) in common
            )
            chosen = block if len(block) == 1 or pair else []
        elif lead <= 2 and _is_body(lines[block[lead]]) and not _continues(lines[block[lead]].text):
            chosen = block[:lead]
        else:
            chosen = []
        for i in chosen:
            if ends_open(_previous_text(lines, i)):
                break  # the line finishes the previous sentence
            nxt = _next_text(lines, i)
            if i == chosen[-1] and nxt[:1].islower():
                break  # the line starts a paragraph that goes on in lower case
            if i == chosen[-1] and _sentence_into_list(lines[i].text, nxt):
                break  # 'Av de 27 deltagare som avslutades under året gick' / '- 7 till arbete'
            found.append(i)
    return _drop_numbered_lists(lines, found)


def _drop_numbered_lists(lines: list[Line], found: list[int]) -> list[int]:
    """Numbered paragraphs ('1. MySam har …', '2. …') and short enumerations are lists, not sections.

    Consecutive first-level numbers close together form a run; the run is a list when its items follow
    each other with hardly any text between, or when most of its items are not heading-shaped lines.
    """
    items = [
        i
        for i, line in enumerate(lines)
        if numbering_depth(line.text) == 1 and not _MULTI_NUMBERED.match(line.text)
    ]
    runs: list[list[int]] = []
    for i in items:
        number = int(_NUMBERED.match(lines[i].text).group("num"))  # type: ignore[union-attr]
        if runs:
            last = runs[-1][-1]
            last_number = int(_NUMBERED.match(lines[last].text).group("num"))  # type: ignore[union-attr]
            if number == last_number + 1 and _words_between(lines, last, i) < _LIST_GAP_WORDS:
                runs[-1].append(i)
                continue
        runs.append([i])
    listed: set[int] = set()
    for run in runs:
        if len(run) < 2:
            continue
        gaps = [_words_between(lines, a, b) for a, b in itertools.pairwise(run)]
        shaped = sum(looks_like_heading(lines[i].text) for i in run)
        if max(gaps) < _TIGHT_LIST_WORDS or shaped * 2 <= len(run):
            listed.update(run)
    return [i for i in found if i not in listed]


def _words_between(lines: list[Line], a: int, b: int) -> int:
    return sum(len(lines[k].text.split()) for k in range(a + 1, b))


def normalise(text: str) -> str:
    """Key for comparing heading texts: case-folded, numbers and trailing punctuation removed."""
    text = _NUMBERED.sub("", " ".join(text.split()))
    return text.casefold().rstrip(" .:")


def _related(key: str, root: str) -> bool:
    """'resultat (dec 2016)' and 'arbetssätt' are variants of 'resultat' and 'arbetssätt/processer'."""
    short, long_ = (key, root) if len(key) < len(root) else (root, key)
    return long_.startswith(short) and long_[len(short)] in _VARIANT_BOUNDARY


def _families(texts: list[str]) -> tuple[list[str], list[int]]:
    """Each heading's family (its own key, or the recurring text it is a variant of) and its count."""
    keys = [normalise(t) for t in texts]
    counts = Counter(keys)
    recurring = sorted((k for k, c in counts.items() if c >= 2), key=len, reverse=True)
    families: list[str] = []
    for key in keys:
        family = key
        if counts[key] < 2:
            family = next((root for root in recurring if key != root and _related(key, root)), key)
        families.append(family)
    return families, [counts[f] for f in families]


def _family_of(text: str, recurring: set[str]) -> str:
    key = normalise(text)
    return next((root for root in recurring if key == root or _related(key, root)), key)


def recurrence(texts: list[str]) -> list[int]:
    """How often each heading's text recurs in the document, variants of a recurring text included."""
    return _families(texts)[1]


TOP = 1  # ranks: numbered headings use their depth, top-level headings TOP, parents PARENT, others SUB
PARENT = 100
SUB = 101


def _ranks(lines: list[Line], idx: list[int]) -> tuple[list[int], list[bool]]:
    """Rank of each heading (see TOP, PARENT, SUB) and whether it directly introduces a child heading."""
    texts = [lines[i].text for i in idx]
    families, counts = _families(texts)
    n = len(idx)
    fixed: list[int | None] = []
    for text in texts:
        depth = numbering_depth(text)
        fixed.append(depth or (TOP if is_all_caps(text) or _APPENDIX.match(text) else None))
    opener = [False] * n
    # Right to left, so that whether the next heading opens something is known.
    for k in range(n - 2, -1, -1):
        if fixed[k] is not None or fixed[k + 1] is not None:
            continue
        if not _directly_followed(lines, idx[k], idx[k + 1]):
            continue
        if counts[k] >= 2:
            opener[k] = counts[k + 1] > counts[k]
        else:
            opener[k] = opener[k + 1] or counts[k + 1] >= 2 or _recurring_ahead(k + 1, fixed, opener, counts)
    # A unique heading naming a period ('Destination Framtid (2017-04-01 – 2017-12-31)') is a project or
    # activity: the recurring sub-headings after it describe it.
    named = [counts[k] == 1 and bool(_PERIOD.search(texts[k])) for k in range(n)]
    ranks = [
        f if f is not None else (PARENT if o or p else SUB)
        for f, o, p in zip(fixed, opener, named, strict=True)
    ]
    # A unique sub-heading followed by a cycle of recurring sub-headings already seen is the next parent.
    seen: set[str] = set()
    for k in range(n):
        if ranks[k] <= PARENT:
            seen = set()
        elif counts[k] >= 2:
            seen.add(families[k])
        else:
            ahead = next((m for m in range(k + 1, n) if ranks[m] <= PARENT or counts[m] >= 2), None)
            if ahead is not None and ranks[ahead] > PARENT and families[ahead] in seen:
                ranks[k] = PARENT
                seen = set()
    return ranks, opener


def _recurring_ahead(j: int, fixed: list[int | None], opener: list[bool], counts: list[int]) -> bool:
    """Whether a recurring sub-heading follows heading j before the next parent or top-level heading."""
    for m in range(j + 1, len(counts)):
        if fixed[m] is not None or opener[m]:
            return False
        if counts[m] >= 2:
            return True
    return False


def _drop_false_headings(lines: list[Line], idx: list[int]) -> list[int]:
    """Drop heading-shaped lines that are not headings by what surrounds them.

    - the one line under a recurring sub-heading that has no other text ('Bemanning/resurser' above
      'Projektmedarbetare ca 225% …') is that sub-heading's text;
    - unique lines with only a few short lines or figure rows under them are list items or table labels
      ('Gemensamma handlingsplaner' among activities, 'Arbetsträning 35');
    - lines with nothing under them that introduce nothing (a running title above a numbered heading);
    - ALL-CAPS labels between figure rows inside a page ('PERSONALKOSTNADER').
    """
    ranks, opener = _ranks(lines, idx)
    counts = recurrence([lines[i].text for i in idx])
    bodies = [_body(lines, i, idx[k + 1] if k + 1 < len(idx) else len(lines)) for k, i in enumerate(idx)]
    kept: list[int] = []
    for k, i in enumerate(idx):
        body = bodies[k]
        if k > 0 and not bodies[k - 1] and counts[k - 1] >= 2 and ranks[k - 1] == SUB and counts[k] == 1:
            continue  # the text of the recurring sub-heading above
        if opener[k]:
            kept.append(i)
        elif ranks[k] < PARENT:
            if not body:
                if k + 1 < len(idx) and ranks[k + 1] > ranks[k]:
                    kept.append(i)
            elif numbering_depth(lines[i].text) or lines[i].page_break or not _list_like(body):
                kept.append(i)
        elif counts[k] >= 2 or (body and (not _list_like(body) or _restated(lines[i].text, body))):
            kept.append(i)
    return kept


def _restated(heading: str, body: list[str]) -> bool:
    """A short body whose sentence opens with the heading's own words ('Steget' over 'Steget hade 30
    deltagare under 2026.') is that section's text, not a list item under a label."""
    first = body[0]
    return (
        first.startswith(heading + " ")
        and first.rstrip().endswith((".", "!", "?"))
        and len(first.split()) >= 4
    )


def _body(lines: list[Line], i: int, end: int) -> list[str]:
    """Text lines between heading line i and line `end`, without page numbers."""
    return [
        lines[j].text for j in range(i + 1, end) if not lines[j].blank and not is_page_number(lines[j].text)
    ]


def _list_like(body: list[str]) -> bool:
    rows = sum(is_table_row(t) or is_page_number(t) for t in body)
    if rows * 2 >= len(body):
        return True
    words = sum(len(t.split()) for t in body)
    return words < _ITEM_BODY_WORDS and all(len(t.split()) < _SHORT_LINE_WORDS for t in body)


def _directly_followed(lines: list[Line], i: int, j: int) -> bool:
    """No running text between heading line i and heading line j (blank lines and page numbers only)."""
    return all(lines[k].blank or is_page_number(lines[k].text) for k in range(i + 1, j))


def find_headings(text: str, known: Mapping[str, int] | None = None) -> list[Heading]:
    """Headings of `text` in order, each with its level and path. `known` maps heading text to level."""
    lines = split_lines(text)
    if known:
        levels = {normalise(k): v for k, v in known.items()}
        idx = [i for i, line in enumerate(lines) if line.text and normalise(line.text) in levels]
        ranks = [levels[normalise(lines[i].text)] for i in idx]
    else:
        idx = heading_lines(lines)
        idx = _drop_false_headings(lines, idx)
        ranks = _ranks(lines, idx)[0]
    headings: list[Heading] = []
    stack: list[tuple[int, Heading]] = []
    for i, rank in zip(idx, ranks, strict=True):
        while stack and stack[-1][0] >= rank:
            stack.pop()
        # Numbered and top-level headings have their own level; the others sit below their parent.
        level = rank if rank < PARENT else (stack[-1][1].level + 1 if stack else 1)
        line = lines[i]
        path = (*(h.text for _, h in stack), line.text)
        heading = Heading(line.start, line.end, line.text, level, path)
        stack.append((rank, heading))
        headings.append(heading)
    return headings

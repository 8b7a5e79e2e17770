"""Structure-aware chunking: a report's cleaned text cut into cited passages of about 80–250 words.

The text is split by section (heading path), then by paragraph, then by sentence:
- a section that fits in one chunk stays whole, with its heading line at the top;
- a heading with no text of its own, or a short introduction followed by its own sub-sections, is carried
  into the next chunk, so that no chunk is a bare heading and a parent's intro stays with its first child;
- a longer section is cut into balanced chunks at paragraph ends where possible, else at sentence ends,
  and a chunk that starts inside a paragraph repeats that paragraph's previous sentence for context;
- lines are never cut, so a table row or a 'N personer, varav X kvinnor och Y män' figure stays whole.

PDF text exports often put a blank line after every line of running text, so a paragraph goes on across a
blank line when its line stops mid-sentence (a comma, 'och', 'varav' …) or the next line starts in lower
case.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from index.headings import SEPARATOR as SECTION_SEPARATOR
from index.headings import Heading, Line, ends_open, find_headings, split_lines
from index.models import Chunk, CleanedReport, ReportMeta

MIN_WORDS = 80
MAX_WORDS = 250
TARGET_WORDS = 200
"""A section longer than MAX_WORDS is cut into ceil(words / TARGET_WORDS) chunks of about equal size."""
OVERLAP_MAX_WORDS = 40
"""A sentence repeated at the start of the next chunk is at most this long."""

_EARLY = 0.85
"""A chunk may end at a paragraph end from 85 % of its target size; inside a paragraph only at the target."""
_ALNUM_GAPS = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+(?=[\"”•A-ZÅÄÖÉÜ])")
_ABBREVIATIONS = frozenset(
    {
        "bl.a",
        "t.ex",
        "m.m",
        "m.fl",
        "fr.o.m",
        "t.o.m",
        "d.v.s",
        "dvs",
        "ca",
        "kr",
        "st",
        "resp",
        "inkl",
        "exkl",
        "jfr",
        "s.k",
        "o.s.v",
        "ev",
        "tel",
        "pga",
        "p.g.a",
        "f.d",
        "enl",
        "ordf",
        "tjm",
        "nr",
        "jan",
        "feb",
        "aug",
        "sept",
        "okt",
        "nov",
        "dec",
        "not",
    }
)


@dataclass(frozen=True)
class Unit:
    """A piece that is never cut: a heading line, a paragraph, a sentence, or a line of a long sentence."""

    start: int
    end: int
    words: int
    section: tuple[str, ...]
    paragraph: int
    """Units with the same number belong to one paragraph (cutting between them is a cut mid-paragraph)."""
    heading: bool = False
    lead_in: bool = False
    """Ends with a colon: the list or table it introduces must follow in the same chunk."""


def chunk_report(
    report_id: str, meta: ReportMeta, cleaned: CleanedReport, headings: Mapping[str, int] | None = None
) -> list[Chunk]:
    """Chunks of `cleaned` in text order. `headings` (heading text -> level, from DOCX styles) replaces
    the guessing of headings from the text's shape."""
    text = cleaned.text
    lines = split_lines(text)
    found = find_headings(text, headings or None)
    chunks: list[Chunk] = []
    for run in _section_runs(text, lines, found):
        for units in _pack(run):
            chunks.append(_make_chunk(report_id, len(chunks), meta, cleaned, units))
    return chunks


def section_label(path: tuple[str, ...]) -> str:
    return SECTION_SEPARATOR.join(path)


# --- sections -------------------------------------------------------------------------------------------


@dataclass
class _Section:
    path: tuple[str, ...]
    heading: Unit | None
    body: list[Unit]

    @property
    def body_words(self) -> int:
        return sum(u.words for u in self.body)


def _sections(text: str, lines: list[Line], found: list[Heading]) -> Iterator[_Section]:
    """The text before the first heading (if any), then one section per heading."""
    bounds = [h.start for h in found] + [len(text)]
    paragraph_ids = iter(range(1_000_000))
    if not found or found[0].start > 0:
        end = bounds[0]
        yield _Section((), None, _body_units(text, lines, 0, end, (), paragraph_ids))
    for n, h in enumerate(found):
        head = Unit(h.start, h.end, _words(text, h.start, h.end), h.path, next(paragraph_ids), heading=True)
        yield _Section(h.path, head, _body_units(text, lines, h.end, bounds[n + 1], h.path, paragraph_ids))


def _section_runs(text: str, lines: list[Line], found: list[Heading]) -> Iterator[list[Unit]]:
    """Units grouped into runs that are packed together: a bare heading, or a short introduction whose
    next section is its own sub-section, joins the section after it."""
    run: list[Unit] = []
    sections = list(_sections(text, lines, found))
    for n, section in enumerate(sections):
        if section.heading is not None:
            run.append(section.heading)
        run.extend(section.body)
        nxt = sections[n + 1] if n + 1 < len(sections) else None
        carries = nxt is not None and (
            not section.body
            or (
                section.body_words < MIN_WORDS
                and len(nxt.path) > len(section.path) > 0
                and nxt.path[: len(section.path)] == section.path
            )
            or _joins_sibling(run, section, nxt)
        )
        if not carries and run:
            yield run
            run = []
    if run:
        yield run


def _joins_sibling(run: list[Unit], section: _Section, nxt: _Section) -> bool:
    """A short sub-section ("Resultat" of 40 words) is packed with the next sub-section of the same parent,
    so chunks reach MIN_WORDS without mixing different insatser (top-level sections never merge)."""
    parent = section.path[:-1]
    run_words = sum(u.words for u in run)
    return (
        len(parent) > 0
        and run_words < MIN_WORDS
        and nxt.path[: len(parent)] == parent
        and run_words + nxt.body_words + (nxt.heading.words if nxt.heading else 0) <= MAX_WORDS
    )


# --- paragraphs and sentences ----------------------------------------------------------------------------


def paragraph_spans(text: str, lines: list[Line], start: int, end: int) -> list[tuple[int, int]]:
    """Paragraphs between offsets `start` and `end`: runs of adjacent lines, joined across blank lines
    and page breaks while a line stops mid-sentence or the next one starts in lower case."""
    spans: list[tuple[int, int]] = []
    previous: Line | None = None
    separated = False
    for line in lines:
        if line.end <= start or line.start >= end:
            continue
        if line.blank:
            separated = True
            continue
        a, b = max(line.start, start), min(line.end, end)
        adjacent = not (separated or line.page_break)
        if spans and previous is not None and (adjacent or _goes_on(previous, line)):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
        previous, separated = line, False
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _goes_on(previous: Line, line: Line) -> bool:
    last = previous.text
    if not last or last[-1] in ".!?:":
        return False
    return line.text[:1].islower() or ends_open(last)


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of text[start:end]; a period after a common abbreviation ('bl.a.', 't.ex.') is no end."""
    spans: list[tuple[int, int]] = []
    a = start
    for m in _SENTENCE_END.finditer(text, start, end):
        word = text[a : m.start() + 1].split()[-1].rstrip(".").lower()
        if word in _ABBREVIATIONS:
            continue
        spans.append((a, m.start() + len(m.group().rstrip())))
        a = m.end()
    if a < end:
        spans.append((a, end))
    return [(x, _rstrip(text, x, y)) for x, y in spans if text[x:y].strip()]


def _body_units(
    text: str, lines: list[Line], start: int, end: int, path: tuple[str, ...], paragraph_ids: Iterator[int]
) -> list[Unit]:
    units: list[Unit] = []
    for a, b in paragraph_spans(text, lines, start, end):
        pid = next(paragraph_ids)
        units.extend(
            Unit(x, y, _words(text, x, y), path, pid, lead_in=text[y - 1] == ":")
            for x, y in _pieces(text, lines, a, b)
        )
    return units


def _pieces(text: str, lines: list[Line], start: int, end: int) -> list[tuple[int, int]]:
    """A paragraph as sentences; a sentence longer than a chunk as lines; a line longer than that in
    windows of words (only junk from OCR'd tables gets there)."""
    pieces: list[tuple[int, int]] = []
    for a, b in sentence_spans(text, start, end):
        if _words(text, a, b) <= MAX_WORDS:
            pieces.append((a, b))
            continue
        for line in lines:
            if line.blank or line.end <= a or line.start >= b:
                continue
            x, y = max(line.start, a), min(line.end, b)
            if _words(text, x, y) <= MAX_WORDS:
                pieces.append((x, y))
            else:
                pieces.extend(_word_windows(text, x, y))
    return pieces


def _word_windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    return [
        (start + words[i][0], start + words[min(i + MAX_WORDS, len(words)) - 1][1])
        for i in range(0, len(words), MAX_WORDS)
    ]


# --- packing ---------------------------------------------------------------------------------------------


def _pack(run: list[Unit]) -> list[list[Unit]]:
    """Cut a run of units into chunks of at most MAX_WORDS, as even in size as the paragraph and sentence
    ends allow. Only where a heading or lead-in and the piece after it would pass MAX_WORDS together (a
    window of an uncuttable line) does a chunk end on the heading."""
    total = sum(u.words for u in run)
    if total <= MAX_WORDS:
        return [run]
    target = total / math.ceil(total / TARGET_WORDS)
    chunks: list[list[Unit]] = []
    current: list[Unit] = []
    size = fresh = 0  # words in the chunk, and words not repeated from the previous chunk
    for unit in run:
        # A heading or lead-in stays with what follows, unless together they would pass MAX_WORDS.
        keep_with_next = (
            current and (current[-1].heading or current[-1].lead_in) and size + unit.words <= MAX_WORDS
        )
        if current and not keep_with_next and _should_close(current, size, fresh, unit, target):
            chunks.append(current)
            current, size = _overlap(current, unit)
            fresh = 0
        current.append(unit)
        size += unit.words
        fresh += unit.words
    if current:
        chunks.append(current)
    if len(chunks) > 1 and _content_words(chunks[-1]) < MIN_WORDS:
        merged = _dedupe(chunks[-2] + chunks[-1])
        if sum(u.words for u in merged) <= MAX_WORDS:
            chunks[-2:] = [merged]
    return chunks


def _should_close(current: list[Unit], size: int, fresh: int, unit: Unit, target: float) -> bool:
    if size + unit.words > MAX_WORDS:
        return True
    if unit.heading:
        return size >= MIN_WORDS  # start a new section on a fresh chunk when this one is big enough
    if unit.paragraph != current[-1].paragraph:
        return fresh >= _EARLY * target  # a paragraph end is the best place to cut
    return fresh + unit.words / 2 >= target  # inside a paragraph: cut nearest to the target


def _overlap(previous: list[Unit], unit: Unit) -> tuple[list[Unit], int]:
    """Repeat the previous sentence when the cut falls inside a paragraph of the same section."""
    last = previous[-1]
    fits = last.words <= OVERLAP_MAX_WORDS and last.words + unit.words <= MAX_WORDS
    if last.paragraph == unit.paragraph and fits and len(previous) > 1:
        return [last], last.words
    return [], 0


def _dedupe(units: list[Unit]) -> list[Unit]:
    seen: set[tuple[int, int]] = set()
    out: list[Unit] = []
    for u in units:
        if (u.start, u.end) not in seen:
            seen.add((u.start, u.end))
            out.append(u)
    return out


def _content_words(units: list[Unit]) -> int:
    return sum(u.words for u in units if not u.heading)


# --- chunks ----------------------------------------------------------------------------------------------


def _make_chunk(
    report_id: str, ordinal: int, meta: ReportMeta, cleaned: CleanedReport, units: list[Unit]
) -> Chunk:
    start, end = units[0].start, units[-1].end
    section = section_label(
        _chunk_section([u.section for u in units if not u.heading] or [units[-1].section])
    )
    text = display_text(cleaned.text[start:end])
    header = f"{meta.title} ({meta.organisation}, {meta.period})"
    return Chunk(
        chunk_id=f"{report_id}:{ordinal:04d}",
        report_id=report_id,
        ordinal=ordinal,
        text=text,
        original=cleaned.mapped.original_slice(start, end),
        embed_text=f"{header} — {section}\n{text}" if section else f"{header}\n{text}",
        page_start=cleaned.page_at(start),
        page_end=cleaned.page_at(max(start, end - 1)),
        section=section,
        char_start=start,
        char_end=end,
        ocr_repaired=_repaired(cleaned, start, end),
        subsections=_subsections(cleaned, start, section, units),
    )


def _subsections(cleaned: CleanedReport, start: int, section: str, units: list[Unit]) -> list[list]:
    """Where each sub-section begins in the chunk's text. A chunk that opens on one sibling's heading
    ('Språkstegen', then 'Familjeporten') starts in that sibling, not in the joined label, so a figure
    before the second heading takes the first sibling's insats, never the other's."""
    marks = [
        [len(display_text(cleaned.text[start : u.start])), section_label(u.section)]
        for u in units[1:]
        if u.heading
    ]
    first = section_label(units[0].section)
    if first and first != section and not (marks and marks[0][0] == 0):
        marks.insert(0, [0, first])
    return marks


def _chunk_section(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The enclosing section, naming the sub-sections when the chunk joins several siblings
    ('En bra start › Resultat / Organisation/resurser')."""
    common = _enclosing_section(paths)
    children = list(dict.fromkeys(p[len(common)] for p in paths if len(p) > len(common)))
    if len(children) > 1 and len(common) > 0:
        return (*common, " / ".join(children))
    return common


def _enclosing_section(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The deepest section holding all `paths`: a chunk that starts in a parent's introduction and goes
    on into its first sub-section belongs to the parent."""
    common = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(common), len(path)) and common[n] == path[n]:
            n += 1
        common = common[:n]
    return common


def _repaired(cleaned: CleanedReport, start: int, end: int) -> bool:
    """Whether OCR repair changed words in the span. Cleaning also edits whitespace, bullets and
    hyphenated line breaks; those leave the letters and digits as they were, a repaired word does not."""
    if not cleaned.mapped.changed_within(start, end):
        return False
    original = cleaned.mapped.original_slice(start, end)
    return _ALNUM_GAPS.sub("", cleaned.text[start:end]) != _ALNUM_GAPS.sub("", original)


def display_text(span: str) -> str:
    """A span as shown: form feeds removed, lines trimmed, runs of blank lines collapsed."""
    return "\n".join(line.strip() for line in re.split(r"[\n\f]", span) if line.strip())


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end

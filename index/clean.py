"""Cleaning a loaded report: tidy whitespace, re-join hyphenated words, repair OCR damage, keep the map.

Every edit goes through `MappedText.sub`, so each character of the cleaned text still points at the
extracted original (for citations and for auditing OCR repairs). Line breaks and blank lines stay: the
chunker finds headings and paragraphs by them. Pages are joined by form feeds ('\\f'), which no step
touches, so page starts are found again after any edit.
"""

from __future__ import annotations

import re

from index.lexicon import SwedishLexicon
from index.models import CleanedReport, LoadedReport, OcrAssessment
from index.ocr import PAGE_MIN_WORDS, assess, repair_text
from index.textmap import MappedText

PAGE_BREAK = "\f"

_LINE_START = r"(?:^|(?<=[\n\f]))"  # '^' in MULTILINE mode does not see a form feed as a line start

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"}
_LIGATURE_RE = re.compile("[" + "".join(_LIGATURES) + "]")
# No-break, figure and thin spaces: figures like "1 975 068" must read the same as with plain spaces.
_ODD_SPACE_RE = re.compile(r"[\u00a0\u2007\u2009\u202f]")
_CARRIAGE_RE = re.compile(r"\r\n?")
_LEADING_SPACE_RE = re.compile(_LINE_START + r"[ \t]+")
_TRAILING_SPACE_RE = re.compile(r"[ \t]+(?=[\n\f]|$)")
_SPACE_RUN_RE = re.compile(r"[ \t]*\t[ \t]*| {2,}")
# Symbol-font bullets (U+F0B7 , U+F0A7, U+F0D8 …) and typographic ones; '*' and OCR's '¢' only before a space.
_BULLET_RE = re.compile(_LINE_START + r"(?:[\uf0a7\uf0b7\uf0d8\uf076\uf0fc•●▪■◦‣⁃∙]|[*¢](?= ))[ \t]*")

# A word broken at a line end: a letter or digit, '-', newline, then a letter or digit. The match takes
# the character before the hyphen along, so the join is a non-empty edit (MappedText drops empty ones
# from its record of changes on the next `sub`).
_HYPHEN_BREAK_RE = re.compile(r"([^\W_])-\n(?=[^\W_])")
# The same across one blank line (double-spaced exports): joined only when the lexicon knows the result.
_HYPHEN_BLANK_RE = re.compile(r"([^\W\d_])-\n\n(?=[^\W\d_])")
_WORD_BEFORE_RE = re.compile(r"[^\W_]+$")
_WORD_AFTER_RE = re.compile(r"[^\W_]+")
# "kunskaps-\noch erfarenhetsutbyte": a shared ending left out, not a broken word.
_SUSPENDED_BEFORE = frozenset({"och", "eller", "samt", "respektive", "resp", "som", "till"})


def _word_around(text: str, start: int, end: int) -> tuple[str, str]:
    before = _WORD_BEFORE_RE.search(text, max(0, start - 80), start)
    after = _WORD_AFTER_RE.match(text, end)
    return (before.group(0) if before else ""), (after.group(0) if after else "")


def _join_hyphenated(m: re.Match[str]) -> str:
    last = m.group(1)
    head, tail = _word_around(m.string, m.end(1), m.end())
    if tail.lower() in _SUSPENDED_BEFORE:
        return last + "- "
    if not tail[:1].islower() or (len(head) >= 2 and head.isupper()):
        return last + "-"  # "Skellefteå-Norsjö", "16-29", "ESF-projekt": a real hyphen; the break goes
    return last


def dehyphenate(mapped: MappedText, lexicon: SwedishLexicon | None = None) -> MappedText:
    """Re-join words hyphenated across a line break ("sty-\\nrelsen" → "styrelsen").

    Across a blank line the join needs `lexicon` to know the joined word ("Samordnings-\\n\\nförbundet"),
    so that "jan-\\n\\njuni" stays as it is.
    """
    mapped = mapped.sub(_HYPHEN_BREAK_RE, _join_hyphenated)
    if lexicon is None:
        return mapped

    def join_if_word(m: re.Match[str]) -> str:
        head, tail = _word_around(m.string, m.end(1), m.end())
        if tail[:1].islower() and lexicon.is_known(head + tail):
            return m.group(1)
        return m.group(0)

    return mapped.sub(_HYPHEN_BLANK_RE, join_if_word)


# 'Insats | Deltagare | Kvinnor' / 'Arbetsbron | 54 | 29': cells split by pipes (Markdown, exported Word
# tables) read as the space-separated columns the table readers know; a rule line '|---|---|' goes.
_PIPE_RE = re.compile(r"[ \t]*\|[ \t]*")
_PIPE_RULE_RE = re.compile(
    _LINE_START + r"[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*(?::?-{3,}:?)?[ \t]*(?:\n|(?=\f)|$)"
)


def _pipe_cell(m: re.Match[str]) -> str:
    text = m.string
    start = max(text.rfind("\n", 0, m.start()), text.rfind("\f", 0, m.start())) + 1
    ends = [i for i in (text.find("\n", m.end()), text.find("\f", m.end())) if i >= 0]
    line = text[start : min(ends) if ends else len(text)]
    return " " if line.count("|") >= 2 else m.group(0)


def normalize(mapped: MappedText, lexicon: SwedishLexicon | None = None) -> MappedText:
    """Tidy extracted text and keep its map: whitespace, bullets, ligatures, hyphenation.

    Collapses runs of spaces and tabs, strips spaces at line starts (the page-marker space too) and
    ends, turns bullet glyphs into '•', re-joins hyphenated words. Keeps line breaks, blank lines, form
    feeds and every figure.
    """
    mapped = mapped.sub(_CARRIAGE_RE, lambda m: "\n")
    mapped = mapped.sub(_LIGATURE_RE, lambda m: _LIGATURES[m.group(0)])
    mapped = mapped.sub(_ODD_SPACE_RE, lambda m: " ")
    if "|" in mapped.text:
        mapped = mapped.sub(_PIPE_RULE_RE, lambda m: "")
        mapped = mapped.sub(_PIPE_RE, _pipe_cell)
    mapped = mapped.sub(_LEADING_SPACE_RE, lambda m: "")
    mapped = mapped.sub(_TRAILING_SPACE_RE, lambda m: "")
    mapped = mapped.sub(_SPACE_RUN_RE, lambda m: " ")
    mapped = mapped.sub(_BULLET_RE, lambda m: "• ")
    return dehyphenate(mapped, lexicon)


def page_starts(text: str, numbers: list[int]) -> list[tuple[int, int]]:
    """(page number, offset) of each page in `text`, whose pages are separated by form feeds."""
    offsets = [0] + [m.end() for m in re.finditer(PAGE_BREAK, text)]
    if len(offsets) != len(numbers):
        raise ValueError(f"{len(offsets)} pages in the text but {len(numbers)} page numbers")
    return list(zip(numbers, offsets, strict=True))


def page_spans(text: str, starts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[start, end) of each page in `text`, the end excluding the form feed that follows it."""
    ends = [offset - 1 for _, offset in starts[1:]] + [len(text)]
    return [(offset, end) for (_, offset), end in zip(starts, ends, strict=True)]


def damaged_page_spans(
    text: str, starts: list[tuple[int, int]], lexicon: SwedishLexicon
) -> list[tuple[int, int]]:
    """Spans of the pages that are OCR-damaged on their own (pages with too few words are not judged)."""
    return [
        (a, b)
        for a, b in page_spans(text, starts)
        if assess(text[a:b], lexicon, min_words=PAGE_MIN_WORDS).damaged
    ]


def clean_report(loaded: LoadedReport, lexicon: SwedishLexicon) -> CleanedReport:
    """Cleaned, OCR-repaired text of a report with its map to the extracted pages.

    A report detected as OCR-damaged is repaired throughout; otherwise only its damaged pages are
    (a scanned page in a text PDF). `ocr` is the assessment of the whole report before repair.
    """
    # A form feed inside a page would shift every later page: it is only a page separator here.
    raw = PAGE_BREAK.join(page.text.replace(PAGE_BREAK, "\n") for page in loaded.pages)
    mapped = normalize(MappedText.identity(raw), lexicon)
    numbers = [page.number for page in loaded.pages] or [1]
    starts = page_starts(mapped.text, numbers)
    ocr: OcrAssessment = assess(mapped.text, lexicon, min_words=PAGE_MIN_WORDS)
    repaired = 0
    if ocr.damaged:
        mapped, repaired = repair_text(mapped, lexicon)
    else:
        spans = damaged_page_spans(mapped.text, starts, lexicon)
        if spans:
            mapped, repaired = repair_text(mapped, lexicon, spans)
    return CleanedReport(
        report_id=loaded.report_id,
        mapped=mapped,
        page_starts=page_starts(mapped.text, numbers),
        ocr=ocr,
        repaired_words=repaired,
    )

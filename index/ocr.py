"""Detect OCR-damaged Swedish text and repair its mangled å/ä/ö.

The OCR'd report reads "férbundet", "6ka", "Skellefte3", "forsorjning": å/ä/ö came out as é, digits, '&',
'd', 'i' or their plain vowels. Detection counts the words a Swedish lexicon does not know; repair tries
OCR-confusion variants of a word and keeps the most frequent Swedish one. Repair is only applied to text
detected as damaged: on clean text the same rules would "fix" acronyms and names (AMA → ÅMA).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from index.lexicon import MAX_WORD_LENGTH, SwedishLexicon
from index.models import OcrAssessment
from index.textmap import MappedText

#: Unknown-word rate above which text counts as OCR-damaged. Measured with `benchmarks/ocr_rates.py` on
#: normalised text: the OCR'd report 0.173 (its pages of ≥ 40 words 0.092–0.245), the three clean reports
#: 0.001–0.002 (their pages ≤ 0.023). 0.05 leaves a factor of ≈2 to the nearest page on either side.
OCR_THRESHOLD = 0.05
#: Pages with fewer judged words than this are not judged on their own: two odd words in a 30-word
#: table would flag it. (The OCR'd report's short table pages are repaired with the whole report.)
PAGE_MIN_WORDS = 40

#: A word: letters, digits and '&' (OCR writes å as '&'), with at least one letter.
WORD_RE = re.compile(r"(?:[^\W_]|&)*[^\W\d_](?:[^\W_]|&)*")

# Glyphs that never occur in a Swedish word here: each must become one of its targets.
_MANDATORY: dict[str, str] = {
    "é": "öåä",
    "É": "ÖÅÄ",
    "6": "ö",
    "3": "å",
    "&": "åä",
    "8": "å",
    "4": "äå",
    "1": "l",
    "0": "o",
}
# Plain letters OCR may have produced from å/ä/ö (or from 'rn'): changed only when that makes a word.
_OPTIONAL: dict[str, tuple[str, ...]] = {
    "a": ("å", "ä"),
    "o": ("ö",),
    "d": ("å", "ä", "ö"),
    "i": ("ä", "å"),
    "A": ("Å", "Ä"),
    "O": ("Ö",),
    "ii": ("ä",),
    "oé": ("ö",),
    "éo": ("ö",),
    "m": ("rn",),
}
# For words the lexicon already knows only å/ä/ö are restored: "Jäm" must not become "Järn".
_DIACRITIC_OPTIONAL = {source: targets for source, targets in _OPTIONAL.items() if source != "m"}
_SUSPECT_GLYPHS = frozenset("".join(_MANDATORY))

#: At most this many optional edits per word; mandatory edits are free.
MAX_OPTIONAL_EDITS = 3
#: Variants generated per word at most (a long word with many a/o/d/i would otherwise explode).
MAX_VARIANTS = 4000
#: Hunspell look-ups per word at most (pure-Python spylls costs ≈2–10 ms each).
HUNSPELL_BUDGET = 40
#: Each optional edit costs this much Zipf frequency: "förbundet" (1 edit, 4.1) beats a rare 0-edit word.
EDIT_PENALTY = 0.5
#: A word the frequency list knows is only replaced by a variant at least this much more frequent
#: ("for" 4.9 → "för" 7.2, "pd" 2.7 → "på"); "stod"/"stöd" or "sitt"/"sätt" are left alone.
RESTORE_MARGIN = 1.5
#: Zipf bonus for a variant that the neighbouring words call for ("kvinnor och mén" → män).
CONTEXT_BONUS = 3.0

# Small, general context cues: a variant that fits the neighbours wins over a merely frequent one.
_AFTER_NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[  ,.–-]\d+)*)[ \t ]*$")
_BEFORE_YEAR = re.compile(r"^\s*(?:19|20)\d\d\b")
_AFTER_PAIR = re.compile(r"(?i)\b(?:kvinnor|flickor|tjejer|pojkar|killar|barn)\s+och\s+$")
_COUNTED_NOUNS = frozenset({"år", "män", "kvinnor", "månader", "veckor", "dagar", "timmar", "personer"})
_AFTER_ONE = frozenset({"år"})  # "1 man" stays singular
_COMPOUND_HEAD = re.compile(r"-\s")  # "kunskaps- och": a suspended compound
_HYPHEN = re.compile(r"-")
_RUN_BEFORE = re.compile(r"\S*$")
_RUN_AFTER = re.compile(r"\S*")
_ADDRESS = re.compile(r"(?i)://|www\.|@|\.(?:se|nu|com|org|net|eu)(?:/|$)")
_YEAR_NOUNS = frozenset({"år", "året"})
_PAIR_NOUNS = frozenset({"män", "pojkar", "flickor", "kvinnor"})


@dataclass(frozen=True)
class Variant:
    text: str
    edits: int
    """Optional edits (plain letters changed); mandatory glyph replacements are not counted."""


def _is_acronym(word: str) -> bool:
    return word.isupper() and len(word) <= 5


def _has_inner_capital(word: str) -> bool:
    return not word.isupper() and any(c.isupper() for c in word[1:])


def _looks_like_name(word: str, lexicon: SwedishLexicon) -> bool:
    # A capitalised plain-letter word the lexicon lacks is most likely a name ("Almgren", "Tuoma");
    # OCR damage shows in suspect glyphs instead ("Skellefte3", "Samordningsférbundet").
    return (
        word[:1].isupper()
        and word[1:].islower()
        and not _SUSPECT_GLYPHS & set(word)
        and not lexicon.is_known(word)
    )


def assessed_words(text: str, lexicon: SwedishLexicon) -> Iterator[str]:
    """Word tokens that detection judges: no numbers, 1–2 letter words, acronyms, CamelCase or names."""
    for m in WORD_RE.finditer(text):
        word = m.group(0)
        if len(word) <= 2 or _is_acronym(word) or _has_inner_capital(word):
            continue
        if _looks_like_name(word, lexicon):
            continue
        yield word


def assess(
    text: str, lexicon: SwedishLexicon, threshold: float = OCR_THRESHOLD, min_words: int = 1
) -> OcrAssessment:
    """Share of judged words the lexicon does not know; damaged when above `threshold`.

    Text with fewer than `min_words` judged words is never called damaged: too little to tell.
    """
    words = unknown = 0
    for word in assessed_words(text, lexicon):
        words += 1
        unknown += not lexicon.is_known(word)
    damaged = words >= max(min_words, 1) and unknown / words > threshold
    return OcrAssessment(words=words, unknown=unknown, damaged=damaged)


def variants(word: str, optional: dict[str, tuple[str, ...]] | None = None) -> list[Variant]:
    """OCR-confusion variants of `word` (not itself), fewest optional edits first, at most MAX_VARIANTS."""
    if len(word) > MAX_WORD_LENGTH:
        return []  # no word; and the walk below recurses once per character
    rules = _OPTIONAL if optional is None else optional
    found: dict[str, int] = {}

    def walk(i: int, built: str, edits: int) -> None:
        if len(found) >= MAX_VARIANTS:
            return
        if i == len(word):
            if built != word and edits < found.get(built, MAX_OPTIONAL_EDITS + 1):
                found[built] = edits
            return
        ch = word[i]
        if ch in _MANDATORY:
            for target in _MANDATORY[ch]:
                walk(i + 1, built + target, edits)
        else:
            walk(i + 1, built + ch, edits)
        if edits < MAX_OPTIONAL_EDITS:
            for source, targets in rules.items():
                if word.startswith(source, i):
                    for target in targets:
                        walk(i + len(source), built + target, edits + 1)
        if i == 0 and ch == "I" and word[1:2].islower():
            walk(1, "l", edits + 1)  # "Iang" → "lång": capital I read for l

    walk(0, "", 0)
    return sorted((Variant(text, edits) for text, edits in found.items()), key=lambda v: v.edits)


def _match_case(original: str, repaired: str) -> str:
    if original.isupper() and sum(c.isalpha() for c in original) > 1:
        return repaired.upper()  # "FORVALTNINGSBERATTELSE", but not "P4" (→ "På")
    if original[:1] == "I" and repaired[:1] == "l":
        return repaired  # the capital was a misread 'l' ("Ians" → "läns"), not a capital
    if original[:1].isupper():
        return repaired[:1].upper() + repaired[1:]
    return repaired


def _score(variant: Variant, lexicon: SwedishLexicon, prefer: frozenset[str]) -> float:
    bonus = CONTEXT_BONUS if variant.text.lower() in prefer else 0.0
    return lexicon.frequency(variant.text) - EDIT_PENALTY * variant.edits + bonus


@lru_cache(maxsize=100_000)
def _best_unknown_repair(word: str, lexicon: SwedishLexicon, prefer: frozenset[str]) -> str | None:
    candidates = variants(word)
    frequent = [v for v in candidates if lexicon.frequency(v.text) > 0]
    if frequent:
        return max(frequent, key=lambda v: _score(v, lexicon, prefer)).text
    # Compounds the frequency list lacks: ask hunspell, fewest edits first, within a budget.
    lookups = 0
    best: Variant | None = None
    for v in candidates:
        if best is not None and v.edits > best.edits:
            break
        if lookups >= HUNSPELL_BUDGET:
            break
        if not lexicon.could_be_compound(v.text):
            continue
        lookups += 1
        if lexicon.is_known(_match_case(word, v.text)):
            best = v
            break
    return best.text if best else None


def repair_word(word: str, lexicon: SwedishLexicon, prefer: frozenset[str] = frozenset()) -> str | None:
    """The Swedish word an OCR-damaged `word` most likely was, in the original's case; None if none found.

    Only words the lexicon does not know are repaired. `prefer` holds lower-case words the context calls
    for (e.g. {"män"} after "kvinnor och"): they win when they are among the variants.
    """
    if len(word) < 2 or (_is_acronym(word) and not _SUSPECT_GLYPHS & set(word)) or _has_inner_capital(word):
        return None
    if lexicon.is_known(word):
        return None
    best = _best_unknown_repair(word, lexicon, prefer)
    return _match_case(word, best) if best else None


@lru_cache(maxsize=100_000)
def _best_restoration(word: str, lexicon: SwedishLexicon, prefer: frozenset[str]) -> str | None:
    own = lexicon.frequency(word)
    frequent = [
        v for v in variants(word, _DIACRITIC_OPTIONAL) if v.edits <= 2 and lexicon.frequency(v.text) > 0
    ]
    if not frequent:
        return None
    best = max(frequent, key=lambda v: _score(v, lexicon, prefer))
    gain = lexicon.frequency(best.text) - own
    if best.text.lower() in prefer or gain >= RESTORE_MARGIN:
        return best.text
    return None


def restore_diacritics(
    word: str, lexicon: SwedishLexicon, prefer: frozenset[str] = frozenset()
) -> str | None:
    """A known word that damaged text most likely had with å/ä/ö ("forbundet" → "förbundet", "mén" → "män").

    wordfreq knows many ascii-folded forms from the web ("forbundet", "pd", "ar"), so in damaged text a
    known word is replaced when a variant is far more frequent (RESTORE_MARGIN) or fits the context.
    """
    if len(word) < 2 or _is_acronym(word) or _has_inner_capital(word) or not lexicon.frequency(word):
        return None
    best = _best_restoration(word, lexicon, prefer)
    return _match_case(word, best) if best else None


def context_preference(text: str, start: int, end: int) -> frozenset[str]:
    """Words the neighbours of text[start:end] call for: "år"/"män" after a number, "män" after "och"."""
    before = text[max(0, start - 40) : start]
    after = text[end : end + 12]
    prefer: set[str] = set()
    number = _AFTER_NUMBER.search(before)
    if number:
        prefer |= _AFTER_ONE if number.group(1) == "1" else _COUNTED_NOUNS
    if _BEFORE_YEAR.match(after):
        prefer |= _YEAR_NOUNS
    if _AFTER_PAIR.search(before):
        prefer |= _PAIR_NOUNS
    return frozenset(prefer)


def _is_compound_head(word: str, text: str, end: int) -> bool:
    return bool(_COMPOUND_HEAD.match(text, end) or (word.endswith("s") and _HYPHEN.match(text, end)))


def _in_address(text: str, start: int, end: int) -> bool:
    """Whether the word is part of a web or e-mail address (the run of non-space characters around it)."""
    left = _RUN_BEFORE.search(text, max(0, start - 80), start)
    right = _RUN_AFTER.match(text, end)
    run = (left.group(0) if left else "") + text[start:end] + (right.group(0) if right else "")
    return bool(_ADDRESS.search(run))


def repair_text(
    mapped: MappedText, lexicon: SwedishLexicon, spans: list[tuple[int, int]] | None = None
) -> tuple[MappedText, int]:
    """Repair the damaged words of `mapped`; returns the repaired text (still mapped) and words changed.

    Call it only on text that `assess` found damaged. With `spans`, only words inside those
    [start, end) ranges of the current text are touched (the damaged pages of an otherwise clean report).
    """
    changed = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        word = m.group(0)
        if spans is not None and not any(a <= m.start() and m.end() <= b for a, b in spans):
            return word
        if _in_address(m.string, m.start(), m.end()):
            return word  # "samordningsforbund.se" is an address, not a misspelling
        prefer = context_preference(m.string, m.start(), m.end())
        if not lexicon.is_known(word):
            new = repair_word(word, lexicon, prefer)
        elif _is_compound_head(word, m.string, m.end()):
            new = None  # "behovs- och", "behovs-bedömning": a compound's first part, not a damaged word
        else:
            new = restore_diacritics(word, lexicon, prefer)
        if new is None or new == word:
            return word
        changed += 1
        return new

    return mapped.sub(WORD_RE, fix), changed

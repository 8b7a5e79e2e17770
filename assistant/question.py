"""What a question mentions: years, organisations, report types, and its content words."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from index.lexical import STOPWORDS, fold, stem
from index.numbers import format_swedish

# Words of questions that say what is asked, or refer to the report itself ("stämmer siffrorna i
# redovisningen?"), not what it is about; they should not decide relevance.
QUESTION_WORDS = frozenset(
    fold(w)
    for w in """
    hur många mycket stor andel vilket vilka vilken vem vad när var varför finns fanns hade har fick kom
    gick blev under totalt sammanlagt procent antal stämmer stämde stämma redovisade redovisar redovisas
    redovisningen rapporten rapport enligt siffror siffrorna uppgifter uppgiften övriga övrigt
    alltså egentligen ungefär lista ange namnge räkna upp visa berätta kan du ni jag undrar behöver veta
    """.split()
)

REPORT_TYPES = {
    "årsredovisning": "Årsredovisning",
    "verksamhetsberättelse": "Verksamhetsberättelse",
    "delårsrapport": "Delårsredovisning",
    "delårsredovisning": "Delårsredovisning",
    "delår": "Delårsredovisning",
    "halvår": "Delårsredovisning",
    "verksamhetsplan": "Verksamhetsplan",
}

_VALUE_NOUN = re.compile(
    r"\bvilke[nt] (\w+ )?\w*(tal|resultat|belopp|summa|kostnad|kostnader|budget|andel|antal|utfall|"
    r"overskott|underskott|kapital|avgift|niva)\b"
)
_YEAR = re.compile(r"(?<!\d)(19[9]\d|20\d\d)(?!\d)")
_GENERIC_ORG_WORDS = frozenset(
    {"samordningsforbundet", "samordningsforbund", "forbundet", "finsam", "kommun"}
)


@dataclass(frozen=True)
class Question:
    text: str
    years: list[int] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    report_types: list[str] = field(default_factory=list)
    content_stems: list[str] = field(default_factory=list)
    topic_text: str = ""
    """The question without the organisation it names: that is matched on report metadata (a soft
    preference), and its words would otherwise favour every passage that repeats the name."""

    @property
    def asks_quantity(self) -> bool:
        t = fold(self.text)
        return bool(re.search(r"\b(hur (manga|mycket|stor)|andel|antal|summa|totalt|belopp|procent)", t))

    @property
    def asks_value(self) -> bool:
        """Asks for a number: 'hur många …', or 'vilket resultat/sjukpenningtal/belopp …'."""
        return self.asks_quantity or bool(_VALUE_NOUN.search(fold(self.text)))


def org_keywords(organisation: str) -> set[str]:
    """Distinctive folded words of an organisation name ('Skellefteå-Norsjö' → skelleftea, norsjo)."""
    return {
        w for w in re.findall(r"[a-z0-9]+", fold(organisation)) if w not in _GENERIC_ORG_WORDS and len(w) > 2
    }


@lru_cache(maxsize=1)
def _question_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in QUESTION_WORDS)


def _is_question_word(word: str) -> bool:
    """By stem, so 'andelen' and 'redovisningens' count like 'andel' and 'redovisningen'."""
    return fold(word) in QUESTION_WORDS or stem(word) in _question_stems()


_SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
_REPAIRABLE_RUN = re.compile(r"(?<!\S)\S{1,40}(?!\S)")
"""Runs of at most 40 non-space characters: a longer run is no word to repair (and the OCR variant search
recurses once per character)."""


def restore_diacritics(text: str, lexicon) -> str:
    """A question typed without å/ä/ö ('hur manga ... forsorjning') gets them back, word by word, the way
    OCR damage is repaired ('hur många ... försörjning'). A question with any å/ä/ö is left as typed:
    its writer had the letters at hand."""
    if _SWEDISH_LETTERS.search(text):
        return text
    from index.ocr import repair_text
    from index.textmap import MappedText

    words = [m.span() for m in _REPAIRABLE_RUN.finditer(text)]
    repaired, _ = repair_text(MappedText.identity(text), lexicon, words)
    return repaired.text


class QuestionRejected(ValueError):
    """A question finsam does not search for (empty, or longer than `Settings.max_question_chars`); the
    message says why, in Swedish and English."""


_ANSI_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?)")
"""Terminal colour (CSI) and title (OSC) sequences, as in a question pasted from a coloured terminal."""


def clean_question(text: str) -> str:
    """The question as searched and shown: terminal escape sequences go, other control characters (NUL,
    CR …) become spaces, invisible format characters (bidi overrides, zero-width spaces) go, a lone
    surrogate (undecodable bytes in argv) becomes U+FFFD, letters are NFC-composed (a decomposed 'å'
    matches the reports' 'å'), and runs of whitespace become one space."""
    kept = []
    for ch in _ANSI_SEQUENCE.sub("", text):
        category = unicodedata.category(ch)
        if category == "Cc":
            kept.append(" ")
        elif category == "Cs":
            kept.append("\ufffd")
        elif category != "Cf":
            kept.append(ch)
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).split())


def check_question(text: str, max_chars: int) -> str:
    """The cleaned question, or QuestionRejected when nothing is left or it is longer than `max_chars`."""
    cleaned = clean_question(text)
    if not cleaned:
        raise QuestionRejected("Frågan är tom. / The question is empty.")
    if len(cleaned) > max_chars:
        size, limit = format_swedish(len(cleaned), None), format_swedish(max_chars, None)
        raise QuestionRejected(
            f"Frågan är för lång: {size} tecken, högst {limit} går att söka på. Korta frågan. / "
            f"The question is too long: {size} characters, at most {limit}."
        )
    return cleaned


def _with_genitives(words: Iterable[str]) -> set[str]:
    """The words and, for a genitive, its base: 'Norrviks insatser' names Norrvik."""
    words = set(words)
    return words | {w[:-1] for w in words if w.endswith("s") and len(w) > 4}


def parse_question(text: str, organisations: Iterable[str] = ()) -> Question:
    folded = fold(text)
    folded_words = _with_genitives(re.findall(r"[a-z0-9]+", folded))
    years = sorted({int(y) for y in _YEAR.findall(text)})
    orgs = [org for org in organisations if org_keywords(org) & folded_words]
    types = sorted({canonical for word, canonical in REPORT_TYPES.items() if fold(word) in folded})
    topic = _without_organisation(text, orgs)
    raw_words = re.findall(r"[^\W_]+", topic.lower())
    content = [
        stem(w)
        for w in raw_words
        if w not in STOPWORDS and not _is_question_word(w) and not w.isdigit() and len(w) > 1
    ]
    return Question(text, years, orgs, types, list(dict.fromkeys(content)), topic)


def _without_organisation(text: str, orgs: list[str]) -> str:
    if not orgs:
        return text
    drop = set().union(*(org_keywords(o) for o in orgs)) | _GENERIC_ORG_WORDS
    kept = [
        w for w in re.findall(r"\S+", text) if not (_with_genitives(re.findall(r"[a-z0-9]+", fold(w))) & drop)
    ]
    return " ".join(kept) or text

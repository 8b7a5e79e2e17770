"""What a question mentions: years, organisations, report types, and its content words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from index.lexical import STOPWORDS, fold, stem

# Words of questions that say what is asked, or refer to the report itself ("stämmer siffrorna i
# redovisningen?"), not what it is about; they should not decide relevance.
QUESTION_WORDS = frozenset(
    fold(w)
    for w in """
    hur många mycket stor andel vilket vilka vilken vem vad när var varför finns fanns hade har fick kom
    gick blev under totalt sammanlagt procent antal stämmer stämde stämma redovisade redovisar redovisas
    redovisningen rapporten rapport enligt siffror siffrorna uppgifter uppgiften övriga övrigt
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
    "budget": "Verksamhetsplan",
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


def restore_diacritics(text: str, lexicon) -> str:
    """A question typed without å/ä/ö ('hur manga ... forsorjning') gets them back, word by word, the way
    OCR damage is repaired ('hur många ... försörjning'). A question with any å/ä/ö is left as typed:
    its writer had the letters at hand."""
    if _SWEDISH_LETTERS.search(text):
        return text
    from index.ocr import repair_text
    from index.textmap import MappedText

    repaired, _ = repair_text(MappedText.identity(text), lexicon)
    return repaired.text


def parse_question(text: str, organisations: Iterable[str] = ()) -> Question:
    folded = fold(text)
    folded_words = set(re.findall(r"[a-z0-9]+", folded))
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
    kept = [w for w in re.findall(r"\S+", text) if not (set(re.findall(r"[a-z0-9]+", fold(w))) & drop)]
    return " ".join(kept) or text

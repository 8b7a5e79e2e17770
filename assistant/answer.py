"""Extractive answers: the best sentence of the top passages, matching words, whether the reports answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.question import Question
from index.lexical import fold, stem

_SENTENCE = re.compile(r"(?<=[.!?:;])\s+(?=[A-ZÅÄÖ0-9•\-])|\n(?=\s*[•\-–*]|\s*[A-ZÅÄÖ])")
_WORD = re.compile(r"[^\W_]+")
# Digits, or a Swedish number word ("tio deltagare", "tjugo av dessa"); "en/ett" are too ambiguous.
_NUMBER = re.compile(
    r"\d|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|sexton|sjutton|arton|"
    r"nitton|tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio|hundra|tusen)\b",
    re.IGNORECASE,
)

#: Share of the question's content words that must occur in the top passages. A first, honest threshold
#: (answerable dev questions ranged 0.5–1.0 before report-words like "stämmer" were made question words).
MIN_COVERAGE = 0.6


@dataclass(frozen=True)
class Sentence:
    passage: int
    text: str
    score: float


def split_sentences(text: str) -> list[str]:
    parts = (p.strip() for p in _SENTENCE.split(text))
    return [p.replace("\n", " ") for p in parts if p and len(p.split()) >= 3]


def word_matches(word: str, stems: set[str]) -> bool:
    """A text word matches a question stem exactly, or as the head/tail of a compound (≥ 5 letters)."""
    if not stems:
        return False
    s = stem(word.lower())
    if s in stems:
        return True
    f = fold(word)
    return any(len(q) >= 5 and (f.startswith(q) or f.endswith(q)) for q in stems)


def highlight_spans(text: str, question: Question) -> list[tuple[int, int]]:
    stems = set(question.content_stems)
    return [
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if not m.group().isdigit() and word_matches(m.group(), stems)
    ]


def coverage(question: Question, texts: Sequence[str]) -> float:
    """Share of the question's content stems found in the texts."""
    stems = set(question.content_stems)
    if not stems:
        return 0.0
    present: set[str] = set()
    for text in texts:
        present |= _matched_stems(text, stems)
    return len(present) / len(stems)


def states_value(question: Question, texts: Sequence[str]) -> bool:
    """Some sentence of the texts states a number together with a content word of the question."""
    stems = with_roles(set(question.content_stems))
    return any(
        _NUMBER.search(sentence) and _matched_stems(sentence, stems)
        for text in texts
        for sentence in split_sentences(text)
    )


def _matched_stems(text: str, stems: set[str]) -> set[str]:
    found: set[str] = set()
    for w in _WORD.findall(text):
        s = stem(w.lower())
        if s in stems:
            found.add(s)
        else:
            f = fold(w)
            # a compound of the question's word ('medlemsavgiften' for 'avgift'), or the question's
            # compound of the text's word ('ordförandeposten' for 'ordförande')
            found.update(
                q
                for q in stems
                if (len(q) >= 5 and (f.startswith(q) or f.endswith(q))) or (len(s) >= 6 and q.startswith(s))
            )
    return found


def with_roles(stems: set[str]) -> set[str]:
    """A 'vem' question's stems with the role its verb names: who leads a board or a group is its
    ordförande ('Vem leder styrelsen?' / '… är Lars Viklund ordförande')."""
    if any(s.startswith("led") for s in stems):
        return stems | {"ordförand", "ordforand"}
    return stems


def best_sentence(
    question: Question, passages: Sequence[str], max_passages: int = 3, contexts: Sequence[str] = ()
) -> Sentence | None:
    """The sentence that shares most content words with the question, preferring top passages and, for
    'how many/much' questions, sentences that state a number. A passage's context (its report title and
    section) counts at half weight for each of its sentences: a sentence under "En bra start › Resultat"
    is about En bra start even when it does not repeat the name."""
    asks_person = bool(re.match(r"\s*vem\b", fold(question.text)))
    stems = with_roles(set(question.content_stems)) if asks_person else set(question.content_stems)
    best: Sentence | None = None
    for rank, text in enumerate(passages[:max_passages]):
        heading = fold(contexts[rank]) if rank < len(contexts) else ""
        context = _matched_stems(contexts[rank], stems) if rank < len(contexts) else set()
        for sentence in split_sentences(text):
            if fold(sentence) in heading:
                continue  # the passage's own heading line is not an answer
            hits = _matched_stems(sentence, stems)
            score = (len(hits) + 0.5 * len(context - hits)) / (len(stems) or 1)
            if question.asks_quantity and _NUMBER.search(sentence):
                score += 0.25
            if question.years and any(str(y) in sentence for y in question.years):
                score += 0.1
            if asks_person and hits and _PERSON.search(sentence):
                score += 0.25  # 'vem …': the sentence that names someone
            score *= 1.0 - 0.1 * rank
            if best is None or score > best.score:
                best = Sentence(rank, sentence, score)
    return best


def is_supported(question: Question, passages: Sequence[str]) -> bool:
    """The top passages hold most of the question's content words and, when it asks for a number, state
    one next to them. Dense similarity is no help here: e5 gives 0.84–0.92 to answerable and
    unanswerable questions alike on the shipped corpus. A question for a person ('Vem leder
    styrelsen?') is answered by a sentence that names one beside its words, though its verb may differ
    ('… är Per-Erik Lind styrelsens ordförande')."""
    top = passages[:3]
    if not top:
        return False
    covered = coverage(question, top)
    if covered < MIN_COVERAGE and not (covered >= PERSON_COVERAGE and names_a_person(question, top)):
        return False
    return not question.asks_value or states_value(question, top)


#: Coverage enough for a 'vem' question when a sentence with its words names a person.
PERSON_COVERAGE = 0.5
# 'Per-Erik Lind', 'Karin Holmqvist': a capitalised (possibly hyphenated) first name and a surname, inside
# a sentence (not its first word, which any sentence capitalises)
_PERSON = re.compile(r"(?<=[a-zåäö,] )[A-ZÅÄÖ][a-zåäö]+(?:-[A-ZÅÄÖ][a-zåäö]+)? [A-ZÅÄÖ][a-zåäö]{2,}\b")


def names_a_person(question: Question, texts: Sequence[str]) -> bool:
    """A 'vem' question, and a sentence of the texts with one of its content words and a person's name."""
    if not re.match(r"\s*vem\b", fold(question.text)):
        return False
    stems = with_roles(set(question.content_stems))
    return any(
        _PERSON.search(sentence) and _matched_stems(sentence, stems)
        for text in texts
        for sentence in split_sentences(text)
    )

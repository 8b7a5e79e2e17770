"""Extractive answers: the best sentence of the top passages, matching words, whether the reports answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.question import Question
from index.lexical import fold, stem

_SENTENCE = re.compile(r"(?<=[.!?:;])\s+(?=[A-ZÅÄÖ0-9•\-])|\n(?=\s*[•\-–*]|\s*[A-ZÅÄÖ])")
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d")

#: A passage supports an answer when this share of the question's content words occur in the top passages
#: and the best dense similarity is at least MIN_SIMILARITY. Set by looking at score distributions of
#: answerable and unanswerable dev questions; a first, honest threshold, not a tuned classifier.
MIN_COVERAGE = 0.6
MIN_SIMILARITY = 0.80


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
        for w in _WORD.findall(text):
            s = stem(w.lower())
            if s in stems:
                present.add(s)
            else:
                f = fold(w)
                present.update(q for q in stems if len(q) >= 5 and (f.startswith(q) or f.endswith(q)))
    return len(present) / len(stems)


def best_sentence(question: Question, passages: Sequence[str], max_passages: int = 3) -> Sentence | None:
    """The sentence that shares most content words with the question, preferring top passages and, for
    'how many/much' questions, sentences that state a number."""
    stems = set(question.content_stems)
    best: Sentence | None = None
    for rank, text in enumerate(passages[:max_passages]):
        for sentence in split_sentences(text):
            ws = _WORD.findall(sentence)
            hits = {stem(w.lower()) for w in ws if word_matches(w, stems)}
            score = len(hits) / (len(stems) or 1)
            if question.asks_quantity and _NUMBER.search(sentence):
                score += 0.25
            if question.years and any(str(y) in sentence for y in question.years):
                score += 0.1
            score *= 1.0 - 0.1 * rank
            if best is None or score > best.score:
                best = Sentence(rank, sentence, score)
    return best


def is_supported(question: Question, passages: Sequence[str], best_similarity: float | None) -> bool:
    if not passages:
        return False
    if best_similarity is not None and best_similarity < MIN_SIMILARITY:
        return False
    return coverage(question, passages[:3]) >= MIN_COVERAGE

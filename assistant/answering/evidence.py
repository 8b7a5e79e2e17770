"""Whether the reports answer a question, decided from the same evidence as its figures: a name, a period
or a measure the question asks for that no passage or figure meets makes the answer "finns inte", with
the constraint that failed and the nearest figure there is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.answering.models import Ask, FigureOut, Verdict
from assistant.answering.operands import Pool
from assistant.answering.similarity import contains_name


def mentions_word(word: str, texts: Sequence[str]) -> bool:
    """Some text has the word, a form of it or a compound of it ('medelåldern' / 'medelålder')."""
    from assistant.answering.similarity import word_similarity, words

    return any(word_similarity(word, w) >= 0.85 for t in texts for w in set(words(t)))


def missing_names(ask: Ask, texts: Sequence[str], pool: Pool) -> list[str]:
    """Names the question gives that neither the retrieved passages nor any candidate figure mention."""
    from assistant.answering.operands import where

    return [
        n
        for n in ask.names
        if not any(contains_name(n, t) for t in texts)
        and not any(contains_name(n, where(f)) for f in pool.figures)
    ]


def missing_years(ask: Ask, covered_years: set[int], texts: Sequence[str], pool: Pool) -> list[int]:
    """Years no retrieved report covers, no passage mentions and no figure is of."""
    periods = {f.period for f in pool.figures}
    return [
        y
        for y in ask.years
        if y not in covered_years and str(y) not in periods and not any(str(y) in t for t in texts)
    ]


def judge(
    ask: Ask,
    pool: Pool,
    lead: Sequence[FigureOut],
    texts: Sequence[str],
    covered_years: set[int],
    passages_answer: bool,
    relaxed: Callable[[Ask], Sequence[FigureOut]],
) -> Verdict:
    """`relaxed(ask)` answers a loosened question: it finds what is nearest when a constraint fails."""
    names = missing_names(ask, texts, pool)
    if names:
        return Verdict(False, f"inga uppgifter om {', '.join(names)}")
    years = missing_years(ask, covered_years, texts, pool)
    if years:
        return Verdict(False, f"inga uppgifter för {', '.join(map(str, years))}")
    if not ask.asks_value:
        if ask.head and not mentions_word(ask.head, texts):
            # 'Vilken var medelåldern …': what is asked for is in none of the passages
            return Verdict(False, f"inget om {ask.head} i passagerna")
        return Verdict(passages_answer, "" if passages_answer else "passagerna svarar inte på frågan")
    if lead:
        return Verdict(True)
    what = " ".join(ask.measure) or "det som frågas efter"
    about = f" om {what}" + (f" i {', '.join(ask.names)}" if ask.names else "")
    if ask.full_year:
        nearest = relaxed(replace(ask, full_year=False))
        if nearest:
            year = f" {', '.join(map(str, ask.years))}" if ask.years else ""
            return Verdict(False, f"inga uppgifter för helåret{year}{about}", nearest[0])
    if ask.years:
        nearest = relaxed(_without(ask, years=True))
        if nearest:
            return Verdict(False, f"inga uppgifter för {', '.join(map(str, ask.years))}{about}", nearest[0])
    if ask.names:
        nearest = relaxed(_without(ask, names=True))
        if nearest:
            return Verdict(False, f"inga uppgifter{about}", nearest[0])
    return Verdict(False, f"ingen siffra{about} i rapporterna")


def _without(ask: Ask, years: bool = False, names: bool = False) -> Ask:
    return replace(ask, years=() if years else ask.years, names=() if names else ask.names)

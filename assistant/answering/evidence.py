"""Whether the reports answer a question, decided from the same evidence as its figures: a name, a period
or a measure the question asks for that no passage or figure meets makes the answer "finns inte", with
the constraint that failed and the nearest figure there is."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.answering.models import Ask, FigureOut, Verdict
from assistant.answering.operands import Pool
from assistant.answering.similarity import contains_name
from index.lexical import fold


def mentions_word(word: str, texts: Sequence[str]) -> bool:
    """Some text has the word, a form of it or a compound of it ('medelåldern' / 'medelålder')."""
    from assistant.answering.similarity import word_similarity, words

    return any(word_similarity(word, w) >= 0.85 for t in texts for w in set(words(t)))


def mentions_strictly(word: str, texts: Sequence[str]) -> bool:
    """Some text has the word, an inflection of it or a compound that ends or starts with it ('enkäten',
    'deltagarenkäten' for 'enkät') — but not only its first part: 'deltagarna' is no mention of
    'deltagarenkäten', which is about an enkät."""
    from assistant.answering.similarity import words
    from index.lexical import stem

    q, whole = stem(fold(word)), fold(word)
    if len(q) < 3:
        return True
    forms = {f for f in (q, whole) if len(f) >= 4}
    for text in texts:
        for w in set(words(text)):
            t = stem(fold(w))
            if (
                t == q
                or any(t.startswith(f) or t.endswith(f) for f in forms)
                or (len(t) >= 4 and q.endswith(t))
            ):
                return True
            if len(t) >= 4 and q.startswith(t) and len(q) - len(t) <= 3:
                return True
    return False


# 'Vilken sjukfrånvaro hade personalen': the noun between 'vilken' and its verb ('Vilka ingår som
# medlemmar' has its verb there instead)
_WHICH_NOUN = re.compile(
    r"\s*(?:vilken|vilket|vilka)\s+(\w+)\s+(?:var|ar|hade|har|fanns|finns|fick|blev|gjordes|genomfordes)\b"
)

#: For a question that asks for no value, most of its words missing from the passages means they are
#: about something else ('Vad svarade deltagarna i deltagarenkäten om hur nöjda de var?').
UNMET_MAJORITY = 0.5


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
        unmet = [w for w in ask.measure if not mentions_strictly(w, texts)]
        m = re.match(_WHICH_NOUN, fold(ask.text))
        if m and m.group(1) in {fold(w) for w in unmet}:
            # 'Vilken sjukfrånvaro hade personalen …': the thing asked for, named by no passage
            return Verdict(False, f"inget om {m.group(1)} i passagerna")
        if len(unmet) >= 2 and len(unmet) > UNMET_MAJORITY * len(ask.measure) and not _asks_person(ask):
            return Verdict(False, f"inget om {', '.join(unmet)} i passagerna")
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


def _asks_person(ask: Ask) -> bool:
    return bool(re.match(r"\s*vem\b", fold(ask.text)))


def _without(ask: Ask, years: bool = False, names: bool = False) -> Ask:
    return replace(ask, years=() if years else ask.years, names=() if names else ask.names)

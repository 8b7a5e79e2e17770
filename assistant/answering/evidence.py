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
            if _common_prefix(q, t) >= max(5, len(q) - 2, len(t) - 2):
                return True  # another form of one verb: 'genomförde' / 'genomfört'
    return False


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


# 'Vilken sjukfrånvaro hade personalen': the noun between 'vilken' and its verb ('Vilka ingår som
# medlemmar' has its verb there instead)
_WHICH_NOUN = re.compile(
    r"\s*(?:vilken|vilket|vilka)\s+(\w+)\s+(?:var|ar|hade|har|fanns|finns|fick|blev|gjordes|genomfordes)\b"
)

# 'Hur hög var sjukfrånvaron …', 'Hur stort var överskottet …': the noun a value question measures
_VALUE_NOUN = re.compile(
    r"\s*hur (?:hog|hogt|stor|stort|lag|lagt|lang|langt|mycket) (?:var|ar|blev|har|hade) (?:den |det |de )?"
    r"(?:\w+(?:a|e) )?(\w{4,}(?:en|et|an|na|rna|n))\b"
)


def _asked_noun(ask: Ask) -> str | None:
    m = _VALUE_NOUN.match(fold(ask.text))
    if not m:
        return None
    noun = m.group(1)
    # a word of the question as written (å/ä/ö kept), for the message
    return next((w for w in ask.measure if fold(w) == noun), None)


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


def missing_part(ask: Ask, texts: Sequence[str], pool: Pool) -> str:
    """The part of a year the question asks about ('andra halvåret 2025'), when no figure is of that part
    and no passage names it: a half-year report answers no question about the year's second half."""
    from assistant.answering.operands import is_part_of_year
    from assistant.answering.parse import part_phrase

    if not ask.part_year:
        return ""
    if any(is_part_of_year(f.period, ask.part_year) for f in pool.figures):
        return ""
    phrase = part_phrase(fold(ask.text))
    if not phrase or any(phrase in fold(t) for t in texts):
        return ""
    years = f" {', '.join(map(str, ask.years))}" if ask.years else ""
    return f"{phrase}{years}"


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
    part = missing_part(ask, texts, pool)
    if part:
        return Verdict(False, f"inga uppgifter för {part}", lead[0] if lead else None)
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
    asked = _asked_noun(ask)
    if (
        asked
        and not mentions_strictly(asked, texts)
        and not any(mentions_strictly(asked, [f.label]) for f in lead)
    ):
        # 'Hur hög var sjukfrånvaron bland personalen': the thing measured, named by no passage or figure
        return Verdict(False, f"inget om {asked} i passagerna", lead[0] if lead else None)
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

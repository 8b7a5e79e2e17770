"""How close a question's words are to a figure's own words: stems, compounds, character trigrams, and the
one class of words reports use interchangeably (the people an insats serves). Pure functions.

The embedding model was measured for this and does not pay: e5-small gives 'deltagare' 0.81–0.86 against
'personer', 'årsarbetare', 'sjukpenningtal' and 'månader' alike (benchmarks/results.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from index.extract.counted import participant_noun
from index.lexical import fold, stem

_WORD = re.compile(r"[^\W\d_]+")
# Nouns for the people an insats serves, beyond the ones extraction maps to 'deltagare'.
# 'deltog' is the verb of 'deltagare': 'hur många deltog …' counts the participants.
_PEOPLE_EXTRA = ("unga", "ungdom", "elev", "klient", "inskriv", "person", "deltag", "deltog")
# 'individer' are people; 'individinriktade', 'individuell' are words about how an insats works
_INDIVIDUALS = re.compile(r"^individ(?:en|er|erna)?$")
PEOPLE_SIMILARITY = 0.7
# Words for the staff who do the work: reports count them in årsarbetare, tjänster or by role.
_STAFF = (
    "personal",
    "arsarbet",
    "tjanst",
    "handlaggar",
    "medarbetar",
    "anstalld",
    "coach",
    "bemann",
    "heltid",
    "samordnar",
    "projektledar",
    "socialsekreterar",
    "arbetskonsulent",
)


# Other words reports use interchangeably, each class as folded prefixes: a board that 'sammanträdde sju
# gånger' had seven 'möten'; 'hur många gånger träffades styrelsen' asks for them.
WORD_CLASSES: tuple[tuple[str, ...], ...] = (
    ("sammantrad", "sammantratt", "mote", "moten", "motte", "traffa", "traffar", "gang"),
    # what the members pay: 'medlemsavgifterna', 'bidrag på totalt 5 000 tkr', 'vad betalar kommunen'
    ("medlemsavgift", "medlemsbidrag", "bidrag", "tilldeln", "avgift", "betala"),
)
CLASS_SIMILARITY = 0.7


@lru_cache(maxsize=65536)
def _word_class(word: str) -> int | None:
    folded = fold(word)
    return next((i for i, c in enumerate(WORD_CLASSES) if folded.startswith(c)), None)


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@lru_cache(maxsize=65536)
def _trigrams(word: str) -> frozenset[str]:
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@lru_cache(maxsize=65536)
def _is_staff(word: str) -> bool:
    folded = fold(word)
    return any(part in folded for part in _STAFF)


def is_people(word: str) -> bool:
    """A word for the people an insats serves ('deltagarna', 'personer', 'unga', 'elever')."""
    return _is_people(word)


@lru_cache(maxsize=65536)
def _is_people(word: str) -> bool:
    folded = fold(word)
    if _is_staff(word):
        return False  # 'personal' starts like 'person' but is who does the work
    return (
        participant_noun(word) == "deltagare"
        or folded.startswith(_PEOPLE_EXTRA)
        or bool(_INDIVIDUALS.match(folded))
    )


@lru_cache(maxsize=262144)
def word_similarity(a: str, b: str) -> float:
    """1 for the same stem; 0.85 when one is a compound part of the other ('avgift' / 'medlemsavgiften');
    the trigram Dice coefficient otherwise (≥ 0.5 counts); 0.7 for two words for participants."""
    if a == b:
        return 1.0
    fa, fb = fold(a), fold(b)
    sa, sb = stem(fa), stem(fb)
    if sa == sb:
        return 1.0
    if adjective_root(fa) and adjective_root(fa) == adjective_root(fb):
        return 0.85  # one adjective in its forms: 'egna' / 'eget' / 'egen', 'stora' / 'stort'
    if (_is_staff(a) and _is_people(b)) or (_is_people(a) and _is_staff(b)):
        # staff and the people they serve are never the same count ('personal' starts like 'personer')
        return 0.0
    short, long_ = sorted((sa, sb), key=len)
    if len(short) >= 4 and (long_.startswith(short) or long_.endswith(short)):
        return 0.85
    ta, tb = _trigrams(fa), _trigrams(fb)
    dice = 2 * len(ta & tb) / (len(ta) + len(tb))
    if (_is_people(a) and _is_people(b)) or (_is_staff(a) and _is_staff(b)):
        dice = max(dice, PEOPLE_SIMILARITY)
    elif (cls := _word_class(a)) is not None and cls == _word_class(b):
        dice = max(dice, CLASS_SIMILARITY)
    return dice if dice >= 0.5 else 0.0


_ADJECTIVE_ENDING = re.compile(r"(na|en|et|tt|a|t)$")


def adjective_root(folded: str) -> str | None:
    """A short word without its adjective ending ('egna', 'eget', 'egen' → 'eg'), None for long words:
    compounds and nouns are matched by stem and trigrams."""
    if not 4 <= len(folded) <= 6:
        return None
    root = _ADJECTIVE_ENDING.sub("", folded)
    return root if len(root) >= 2 and root != folded else None


def coverage(query: Sequence[str], target: Iterable[str]) -> float:
    """Mean over the query words of their best similarity to any target word (0 when no query words)."""
    pool = list(dict.fromkeys(target))
    if not query:
        return 0.0
    return sum(max((word_similarity(q, t) for t in pool), default=0.0) for q in query) / len(query)


def contains_name(name: str, text: str) -> bool:
    """Every word of `name` is in `text` (folded, a genitive -s or compound tail allowed)."""
    have = folded_words(text)
    for f in folded_words(name, ordered=True):
        if f in have:
            continue
        if not any(len(f) >= 4 and (h.startswith(f) or (f.startswith(h) and len(h) >= 4)) for h in have):
            return False
    return True


@lru_cache(maxsize=16384)
def folded_words(text: str, ordered: bool = False) -> frozenset[str] | tuple[str, ...]:
    """The folded words of a text, cached: the same passages and names are matched against every figure
    of a question's pool."""
    found = tuple(fold(w) for w in _WORD.findall(text))
    return found if ordered else frozenset(found)
